import { Inject } from '@nestjs/common';
import { Args, Context, ID, Parent, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import type { Database, SweepRow, TrialRow, WorkerRow } from '@headroom/db';
import { createRequestLoaders, type GraphQLContext } from '../common/request-loaders';
import { DATABASE } from '../common/tokens';
import { Sweep } from '../sweeps/sweep.model';
import { Trial } from '../trials/trial.model';
import { Worker } from '../workers/worker.model';
import { EventsService } from './events.service';

const UPDATED_AT =
  'When the row last changed; strictly increasing per row, so a client that subscribed, then queried, applies only the events newer than what it read.';

/**
 * Live updates over graphql-ws on /graphql. Each event is the row as it is when the event is
 * handled, the same types the queries return; its nested fields (history, trialCount…) are
 * read for that event alone. To miss nothing: subscribe, then query, then apply the events whose
 * `updatedAt` is newer than the row the query returned. `sweepUpdated` answers first with the
 * sweep as it is, which tells a client its subscriptions are live.
 */
@Resolver()
export class EventsResolver {
  constructor(
    private readonly events: EventsService,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  @Subscription(() => Trial, {
    description:
      "A sweep's trials as they change: status, each completed epoch (history), attempts, resumes.",
    resolve: (row: TrialRow) => row,
  })
  trialUpdated(
    @Args('sweepId', { type: () => ID }) sweepId: string,
    @Context() ctx: GraphQLContext,
  ): AsyncIterableIterator<TrialRow> {
    return this.perEvent(this.events.trials(sweepId), ctx);
  }

  @Subscription(() => Sweep, {
    description: 'The sweep as it is now, then each time it changes.',
    resolve: (row: SweepRow) => row,
  })
  async sweepUpdated(
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: GraphQLContext,
  ): Promise<AsyncIterableIterator<SweepRow>> {
    return this.perEvent(await this.events.sweep(id), ctx);
  }

  @Subscription(() => Worker, {
    description: 'Train workers as they register, report and stop.',
    resolve: (row: WorkerRow) => row,
  })
  workerUpdated(@Context() ctx: GraphQLContext): AsyncIterableIterator<WorkerRow> {
    return this.perEvent(this.events.workers(), ctx);
  }

  /** A subscription's context lives as long as it does: each event gets fresh loaders (no stale cache). */
  private perEvent<T>(
    rows: AsyncIterableIterator<T>,
    ctx: GraphQLContext,
  ): AsyncIterableIterator<T> {
    const db = this.db;
    const it: AsyncIterableIterator<T> = {
      async next() {
        const result = await rows.next();
        if (!result.done) ctx.loaders = createRequestLoaders(db);
        return result;
      },
      return: () => rows.return?.() ?? Promise.resolve({ value: undefined, done: true }),
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }
}

@Resolver(() => Trial)
export class TrialUpdatedAtResolver {
  @ResolveField('updatedAt', () => Date, { description: UPDATED_AT })
  updatedAt(@Parent() trial: TrialRow): Date {
    return trial.updatedAt;
  }
}

@Resolver(() => Sweep)
export class SweepUpdatedAtResolver {
  @ResolveField('updatedAt', () => Date, { description: UPDATED_AT })
  updatedAt(@Parent() sweep: SweepRow): Date {
    return sweep.updatedAt;
  }
}

@Resolver(() => Worker)
export class WorkerUpdatedAtResolver {
  @ResolveField('updatedAt', () => Date, { description: UPDATED_AT })
  updatedAt(@Parent() worker: WorkerRow): Date {
    return worker.updatedAt;
  }
}
