import { Field, ID, ObjectType } from '@nestjs/graphql';

/** Resolvers return SweepRow from @headroom/db; property names here are the row's, GraphQL names may differ. */
@ObjectType('Sweep', { description: 'A sweep: one spec expanded into trials, run by the control worker.' })
export class Sweep {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Task id: pose2d, pose3d or chest.' })
  task!: string;

  @Field(() => String, { description: 'Search method: grid, random or bayes.' })
  method!: string;

  @Field(() => String, { name: 'metric', description: 'The metric the sweep optimises.' })
  metricName!: string;

  @Field(() => String, { name: 'goal', description: 'minimize or maximize.' })
  metricGoal!: string;

  @Field(() => String)
  status!: string;

  @Field(() => Date)
  createdAt!: Date;
}
