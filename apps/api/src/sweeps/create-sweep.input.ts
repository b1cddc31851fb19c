import { Field, InputType } from '@nestjs/graphql';
import { GraphQLJSON } from '../common/json.scalar';

@InputType('CreateSweepInput', { description: 'Exactly one of spec or yaml.' })
export class CreateSweepInput {
  @Field(() => GraphQLJSON, { nullable: true, description: 'The sweep spec as a JSON object.' })
  spec?: unknown;

  @Field(() => String, { nullable: true, description: 'The text of a sweep file, YAML or JSON.' })
  yaml?: string | null;
}
