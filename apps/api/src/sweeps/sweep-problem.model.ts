import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { SWEEP_PROBLEM_KINDS, type SweepProblemKind } from './sweep-problem';

export const SweepProblemKindEnum = Object.fromEntries(SWEEP_PROBLEM_KINDS.map((k) => [k, k])) as {
  [K in SweepProblemKind]: K;
};
registerEnumType(SweepProblemKindEnum, {
  name: 'SweepProblemKind',
  description:
    "What keeps a sweep from progressing: its workflow's task or an activity failing again and again, a task no control worker takes, a trial whose end never reached the sweep, its workflow ended or missing, or Temporal unreachable.",
});

@ObjectType('SweepProblem', {
  description:
    'Why a sweep that has not ended is not progressing, read from its Temporal workflow when asked.',
})
export class SweepProblem {
  @Field(() => SweepProblemKindEnum)
  kind!: SweepProblemKind;

  @Field(() => String, {
    description: 'What is wrong, with the failure Temporal recorded, and what to do.',
  })
  message!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'The attempt Temporal is on, for a failing workflow task or activity.',
  })
  attempts!: number | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the failing task or activity was scheduled, or when the workflow ended.',
  })
  since!: Date | null;
}
