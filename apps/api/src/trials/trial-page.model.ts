import { Field, ObjectType } from '@nestjs/graphql';
import type { TrialRow } from '@headroom/db';
import { Trial } from './trial.model';

@ObjectType('TrialPage', { description: "A page of a sweep's trials, in index order." })
export class TrialPage {
  @Field(() => [Trial])
  rows!: TrialRow[];

  @Field(() => String, {
    nullable: true,
    description: 'Pass as `after` for the next page; null at the end.',
  })
  next!: string | null;
}
