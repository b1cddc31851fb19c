import { Field, ObjectType } from '@nestjs/graphql';
import type { MetricGoal as Goal, TaskId } from '@headroom/sweep';
import { MetricGoal, Task } from '../common/enums';

@ObjectType('TaskMetric')
export class TaskMetric {
  @Field(() => String)
  name!: string;

  @Field(() => MetricGoal)
  goal!: Goal;
}

@ObjectType('TaskInfo', {
  description: 'A task a sweep can train, with the metrics its leaderboards rank by.',
})
export class TaskInfo {
  @Field(() => Task)
  id!: TaskId;

  @Field(() => [TaskMetric])
  metrics!: TaskMetric[];
}
