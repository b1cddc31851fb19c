import { Field, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from '../common/json.scalar';

@ObjectType('EpochMetrics', { description: 'Metrics a trial reported at the end of one epoch.' })
export class EpochMetrics {
  @Field(() => Int)
  epoch!: number;

  @Field(() => GraphQLJSON)
  metrics!: Record<string, number>;
}
