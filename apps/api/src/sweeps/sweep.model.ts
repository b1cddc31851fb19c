import { Field, ID, ObjectType } from '@nestjs/graphql';
import type {
  MetricGoal as Goal,
  SweepMethod,
  SweepStatus as Status,
  TaskId,
} from '@headroom/sweep';
import { MetricGoal, SearchMethod, SweepStatus, Task } from '../common/enums';

/** Resolvers return SweepRow from @headroom/db; property names here are the row's, GraphQL names may differ. */
@ObjectType('Sweep', {
  description: 'A sweep: one spec expanded into trials, run by the control worker.',
})
export class Sweep {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Task, {
    nullable: true,
    description: 'The built-in task the sweep trains; null for a program sweep (see program).',
  })
  task!: TaskId | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The user's program the sweep runs (docs/programs.md), as its spec names it; null for a task sweep.",
  })
  program!: string | null;

  @Field(() => SearchMethod)
  method!: SweepMethod;

  @Field(() => String, { name: 'metric', description: 'The metric the sweep optimises.' })
  metricName!: string;

  @Field(() => MetricGoal, { name: 'goal' })
  metricGoal!: Goal;

  @Field(() => SweepStatus)
  status!: Status;

  @Field(() => Date)
  createdAt!: Date;
}
