import { Inject } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { listWorkers, type Database, type WorkerRow } from '@headroom/db';
import { DATABASE } from '../common/tokens';
import { Worker } from './worker.model';

@Resolver(() => Worker)
export class WorkersResolver {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  @Query(() => [Worker], { description: 'Train workers by pool, most recently seen first.' })
  workers(
    @Args('pool', { type: () => String, nullable: true }) pool: string | null,
  ): Promise<WorkerRow[]> {
    return listWorkers(this.db, pool ? { pool } : {});
  }
}
