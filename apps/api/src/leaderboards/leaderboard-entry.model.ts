import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import type { TrialRow } from '@headroom/db';
import { Trial } from '../trials/trial.model';

@ObjectType('LeaderboardEntry')
export class LeaderboardEntry {
  @Field(() => Int, { description: 'From 1, best first.' })
  rank!: number;

  @Field(() => Float, { description: "The trial's value of the ranked metric." })
  value!: number;

  @Field(() => ID)
  sweepId!: string;

  @Field(() => String)
  sweepName!: string;

  @Field(() => Trial)
  trial!: TrialRow;
}
