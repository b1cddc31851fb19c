import { Args, Query, Resolver } from '@nestjs/graphql';
import { referenceRows, type TaskId } from '@headroom/sweep';
import { Task } from '../common/enums';
import { ReferenceRow, toReferenceRow } from './reference-row.model';

/** The published numbers in @headroom/sweep, served as they are: a static catalogue like `tasks`. */
@Resolver(() => ReferenceRow)
export class ReferencesResolver {
  @Query(() => [ReferenceRow], {
    description:
      "Published results for a task (those that print `metric` when given), to set beside a leaderboard's measured rows.",
  })
  references(
    @Args('task', { type: () => Task }) task: TaskId,
    @Args('metric', { type: () => String, nullable: true }) metric: string | null,
  ): ReferenceRow[] {
    return referenceRows(task, metric ?? undefined).map(toReferenceRow);
  }
}
