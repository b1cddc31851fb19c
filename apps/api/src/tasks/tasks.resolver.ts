import { Query, Resolver } from '@nestjs/graphql';
import { TASK_IDS, TASKS } from '@headroom/sweep';
import { TaskInfo } from './task-info.model';

/** Static catalogue from @headroom/sweep, so clients offer only tasks and metrics the API accepts. */
@Resolver(() => TaskInfo)
export class TasksResolver {
  @Query(() => [TaskInfo])
  tasks(): TaskInfo[] {
    return TASK_IDS.map((id) => ({
      id,
      metrics: Object.entries(TASKS[id].metrics).map(([name, goal]) => ({ name, goal })),
    }));
  }
}
