import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('TaskMetric')
export class TaskMetric {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'minimize or maximize.' })
  goal!: string;
}

@ObjectType('TaskInfo', { description: 'A task a sweep can train, with the metrics its leaderboards rank by.' })
export class TaskInfo {
  @Field(() => String)
  id!: string;

  @Field(() => [TaskMetric])
  metrics!: TaskMetric[];
}
