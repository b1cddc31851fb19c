import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import type {
  LeaderboardEpoch as Epoch,
  LeaderboardGroupBy as GroupBy,
  ParetoCost as Cost,
} from '@headroom/db';
import type { TaskId } from '@headroom/sweep';
import { LeaderboardEpoch, LeaderboardGroupBy, ParetoCost, Task } from '../common/enums';
import { LeaderboardPage, LeaderboardWhere } from './leaderboard-group.model';
import { LeaderboardsService } from './leaderboards.service';

@Resolver()
export class LeaderboardsResolver {
  constructor(private readonly leaderboards: LeaderboardsService) {}

  @Query(() => LeaderboardPage, {
    description:
      "A results table: rows of one head geometry (mean ± std over seeds, every metric of the task) or of one trial, ranked by the metric's goal, a page at a time; across the task's sweeps unless sweepIds narrows it.",
  })
  leaderboard(
    @Args('task', { type: () => Task }) task: TaskId,
    @Args('metric', { type: () => String }) metric: string,
    @Args('groupBy', { type: () => LeaderboardGroupBy, defaultValue: 'geometry' }) groupBy: GroupBy,
    @Args('epoch', { type: () => LeaderboardEpoch, defaultValue: 'final' }) epoch: Epoch,
    @Args('pareto', {
      type: () => ParetoCost,
      nullable: true,
      description: 'Only the rows no cheaper row beats, in order of cost.',
    })
    pareto: Cost | null,
    @Args('sweepIds', { type: () => [ID], nullable: true }) sweepIds: string[] | null,
    @Args('where', { type: () => LeaderboardWhere, nullable: true }) where: LeaderboardWhere | null,
    @Args('withReferences', { type: () => Boolean, defaultValue: false }) withReferences: boolean,
    @Args('limit', { type: () => Int, nullable: true, defaultValue: 20 }) limit: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<LeaderboardPage> {
    return this.leaderboards.leaderboard({
      task,
      metric,
      groupBy,
      epoch,
      pareto,
      sweepIds,
      where,
      withReferences,
      limit,
      after,
    });
  }
}
