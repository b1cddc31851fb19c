import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { MetricValues } from '@headroom/sweep';
import { GraphQLJSON } from '../common/json.scalar';

@ObjectType('EpochMetrics', { description: 'Metrics a trial reported at the end of one epoch.' })
export class EpochMetrics {
  /** Whose epoch: what `breakdown` is read by (not a GraphQL field). */
  trialId!: string;

  @Field(() => Int)
  epoch!: number;

  @Field(() => GraphQLJSON, {
    description:
      'By metric name; null where a metric has no value (an AUC of a class with one label).',
  })
  metrics!: MetricValues;

  // breakdown: resolved by EpochMetricsResolver, read only when asked.
}

@ObjectType('EpochMetricsPage', { description: "A page of a trial's epochs, oldest first." })
export class EpochMetricsPage {
  @Field(() => [EpochMetrics])
  rows!: EpochMetrics[];

  @Field(() => String, {
    nullable: true,
    description: 'Pass as `after` for the next page; null at the end.',
  })
  next!: string | null;
}
