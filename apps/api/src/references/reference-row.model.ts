import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { ReferenceRow as PublishedRow, TaskId } from '@headroom/sweep';
import { Task } from '../common/enums';
import { GraphQLJSON } from '../common/json.scalar';

@ObjectType('ReferenceRow', {
  description:
    'A published result (a paper, a README, the thesis tables) to show beside measured rows; never part of a ranking.',
})
export class ReferenceRow {
  @Field(() => ID, { description: 'Stable within the task, e.g. thesis-t2-base.' })
  id!: string;

  @Field(() => Task)
  task!: TaskId;

  @Field({ description: 'What a table prints in its Model column, e.g. "thesis Table 2 · Base".' })
  label!: string;

  @Field({ description: 'Where the numbers were printed.' })
  citation!: string;

  @Field(() => String, { nullable: true })
  url!: string | null;

  @Field(() => Int, {
    name: 'd_m',
    nullable: true,
    description: 'Null where the source gives none.',
  })
  d_m!: number | null;

  @Field(() => Int, { nullable: true })
  heads!: number | null;

  @Field(() => Int, { name: 'd_h', nullable: true })
  d_h!: number | null;

  @Field(() => Boolean, { name: 'qk_tied', nullable: true })
  qk_tied!: boolean | null;

  @Field(() => GraphQLJSON, {
    description: "By the task's metric names, in its units (mm; AP, AR and AUC as fractions).",
  })
  metrics!: Record<string, number>;

  @Field(() => String, {
    nullable: true,
    description: 'Why a number is not comparable as is, or how it was derived.',
  })
  note!: string | null;
}

/** A published row of @headroom/sweep as GraphQL serves it. */
export function toReferenceRow(r: PublishedRow): ReferenceRow {
  return {
    id: r.id,
    task: r.task,
    label: r.label,
    citation: r.source.citation,
    url: r.source.url ?? null,
    d_m: r.geometry.d_m ?? null,
    heads: r.geometry.heads ?? null,
    d_h: r.geometry.d_h ?? null,
    qk_tied: r.geometry.qk_tied ?? null,
    metrics: r.metrics as Record<string, number>,
    note: r.note ?? null,
  };
}
