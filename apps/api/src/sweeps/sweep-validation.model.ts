import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { MetricGoal as Goal, SweepMethod, TaskId } from '@headroom/sweep';
import { MetricGoal, SearchMethod, Task } from '../common/enums';

@ObjectType('SpecViolation', { description: 'One thing wrong with a sweep spec, at its path.' })
export class SpecViolation {
  @Field(() => String, {
    description:
      'Where: input.yaml.parameters.d_h.values[1], or input.yaml:3:7 for a syntax error.',
  })
  path!: string;

  @Field(() => String, { description: 'What is wrong and what would be valid.' })
  message!: string;
}

@ObjectType('SweepValidation', {
  description:
    "What createSweep would say about a spec, without starting anything: createSweep's own parsing and checks.",
})
export class SweepValidation {
  @Field(() => Boolean)
  valid!: boolean;

  @Field(() => [SpecViolation], { description: 'Every violation at once; empty when valid.' })
  violations!: SpecViolation[];

  @Field(() => Int, {
    nullable: true,
    description: 'How many trials the sweep expands to; null when the spec is invalid.',
  })
  trialCount!: number | null;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => Task, { nullable: true })
  task!: TaskId | null;

  @Field(() => SearchMethod, { nullable: true })
  method!: SweepMethod | null;

  @Field(() => String, { nullable: true, description: 'The metric the sweep would optimise.' })
  metric!: string | null;

  @Field(() => MetricGoal, { nullable: true })
  goal!: Goal | null;
}
