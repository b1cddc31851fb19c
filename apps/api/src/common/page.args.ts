import { ArgsType, Field, Int } from '@nestjs/graphql';
import { MAX_LIMIT } from './limits';

/** `first` and `after` of every paged list (Sweep.trials, Trial.history). */
@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: 100,
    description: `Rows per page, 1 to ${MAX_LIMIT}.`,
  })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The `next` of the page before.' })
  after?: string | null;
}
