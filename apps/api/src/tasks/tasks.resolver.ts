import { Query, Resolver } from '@nestjs/graphql';
import { TASKS } from '@headroom/sweep';
import { TaskInfo } from './task-info.model';

/** Static catalogue from @headroom/sweep, so clients offer only tasks and metrics the API accepts. */
@Resolver(() => TaskInfo)
export class TasksResolver {
  @Query(() => [TaskInfo])
  tasks(): TaskInfo[] {
    return Object.entries(TASKS).map(([id, task]) => ({
      id,
      metrics: Object.entries(task.metrics).map(([name, goal]) => ({ name, goal })),
    }));
  }
}
