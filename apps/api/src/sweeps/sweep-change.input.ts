import { Field, InputType, Int } from '@nestjs/graphql';
import { GraphQLJSON } from '../common/json.scalar';

@InputType('GridValuesInput', { description: 'Values to add to one parameter of a grid sweep.' })
export class GridValuesInput {
  @Field(() => String, { description: 'The parameter, nested names dotted (optimizer.lr).' })
  parameter!: string;

  @Field(() => [GraphQLJSON], {
    description: 'Values it does not have yet; the sweep runs the new grid points only.',
  })
  values!: unknown[];
}

@InputType('SweepChangeInput', {
  description:
    'A change to a running or paused sweep; give at least one field. Validated by the sweep before it is accepted.',
})
export class SweepChangeInput {
  @Field(() => Int, {
    nullable: true,
    description:
      'The number of trials: raised, the sweep runs more (a grid up to its size); lowered, unstarted trials past it leave the sweep. At least the trials started.',
  })
  runCap?: number | null;

  @Field(() => Int, { nullable: true, description: 'How many trials run at once.' })
  maxConcurrent?: number | null;

  @Field(() => [GridValuesInput], {
    nullable: true,
    description:
      "Values added to grid parameters (value or values): new trials for the new points only, after the sweep's trials, which keep their indexes and parameters.",
  })
  add?: GridValuesInput[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'true: no new trial starts (unstarted ones leave the sweep); running trials finish, then the sweep ends.',
  })
  stop?: boolean | null;
}
