import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import type { TaskId } from '@headroom/sweep';
import { Task } from '../common/enums';
import { LeaderboardEntry } from './leaderboard-entry.model';
import { LeaderboardsService } from './leaderboards.service';

@Resolver(() => LeaderboardEntry)
export class LeaderboardsResolver {
  constructor(private readonly leaderboards: LeaderboardsService) {}

  @Query(() => [LeaderboardEntry], {
    description:
      "Succeeded trials of a task ranked by one of its metrics, best first (the metric's goal sets the order).",
  })
  leaderboard(
    @Args('task', { type: () => Task }) task: TaskId,
    @Args('metric', { type: () => String }) metric: string,
    @Args('sweepId', { type: () => ID, nullable: true }) sweepId: string | null,
    @Args('limit', { type: () => Int, nullable: true, defaultValue: 20 }) limit: number | null,
  ): Promise<LeaderboardEntry[]> {
    return this.leaderboards.rank({ task, metric, sweepId, limit });
  }
}
