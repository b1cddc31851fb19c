import { Field, Float, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from '../common/json.scalar';
import { ReferenceRow } from '../references/reference-row.model';

@ObjectType('LeaderboardGroupTrial', { description: 'A trial behind a leaderboard row.' })
export class LeaderboardGroupTrial {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  sweepId!: string;

  @Field(() => Float, { description: 'Its value of the ranked metric at the chosen epoch.' })
  value!: number;

  @Field(() => Int, { nullable: true, description: 'The epoch (best); null for the final report.' })
  epoch!: number | null;
}

@ObjectType('LeaderboardGroup', {
  description:
    'One row of a leaderboard: a head geometry (with the other non-seed parameters that vary) and the statistics of its trials, or one trial.',
})
export class LeaderboardGroup {
  @Field(() => Int, { description: 'From 1, best first (by the mean, then the key).' })
  rank!: number;

  @Field({ description: 'What identifies the group; stable, for links and cursors.' })
  key!: string;

  @Field(() => Int, { name: 'd_m' })
  d_m!: number;

  @Field(() => Int)
  heads!: number;

  @Field(() => Int, { name: 'd_h' })
  d_h!: number;

  @Field(() => Boolean, { name: 'qk_tied' })
  qk_tied!: boolean;

  @Field(() => GraphQLJSON, {
    description: 'The non-seed parameters besides the geometry that vary among the trials ranked.',
  })
  params!: Record<string, unknown>;

  @Field(() => Int, { description: 'Trials in the group.' })
  n!: number;

  @Field(() => Float)
  mean!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Sample standard deviation (n − 1); null when n = 1.',
  })
  std!: number | null;

  @Field(() => Float)
  min!: number;

  @Field(() => Float)
  max!: number;

  @Field(() => Float, {
    nullable: true,
    description: "The trials' parameter count (the largest if they differ).",
  })
  paramCount!: number | null;

  @Field(() => [Float], { nullable: true, description: '[min, max] when the trials differ.' })
  paramCountRange!: [number, number] | null;

  @Field(() => Float, { nullable: true, description: 'FLOPs per sample, when recorded.' })
  flops!: number | null;

  @Field(() => GraphQLJSON, {
    description: 'Every metric of the task at the same epochs, by name: { mean, std, n }.',
  })
  metrics!: Record<string, { mean: number; std: number | null; n: number }>;

  @Field(() => [LeaderboardGroupTrial])
  trials!: LeaderboardGroupTrial[];
}

@ObjectType('LeaderboardPage')
export class LeaderboardPage {
  @Field(() => [LeaderboardGroup])
  rows!: LeaderboardGroup[];

  @Field(() => String, {
    nullable: true,
    description: 'Pass as `after` for the next page; null at the end.',
  })
  next!: string | null;

  @Field(() => [ReferenceRow], {
    description: 'Published rows for the metric (withReferences: true); never in the statistics.',
  })
  references!: ReferenceRow[];
}

@InputType('IntRange')
export class IntRange {
  @Field(() => Float, { nullable: true })
  min?: number;

  @Field(() => Float, { nullable: true })
  max?: number;
}

@InputType('LeaderboardWhere', { description: 'Only trials matching all of these.' })
export class LeaderboardWhere {
  @Field(() => [Int], { name: 'd_m', nullable: true })
  d_m?: number[];

  @Field(() => [Int], { nullable: true })
  heads?: number[];

  @Field(() => [Int], { name: 'd_h', nullable: true })
  d_h?: number[];

  @Field(() => Boolean, { name: 'qk_tied', nullable: true })
  qk_tied?: boolean;

  @Field(() => IntRange, {
    nullable: true,
    description: 'Inclusive bounds on the parameter count.',
  })
  paramCount?: IntRange;
}
