import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import type { MetricValues, TrialArtifact, TrialStatus as Status } from '@headroom/sweep';
import { TrialStatus } from '../common/enums';
import { GraphQLJSON } from '../common/json.scalar';

/** Geometry fields use the sweep-file words (d_m, heads, d_h, qk_tied); they read TrialRow's camelCase properties. */
@ObjectType('Trial', {
  description: 'One point of a sweep: a head geometry and hyperparameters, trained once.',
})
export class Trial {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: 'Position in the sweep, from 0.' })
  index!: number;

  @Field(() => TrialStatus)
  status!: Status;

  @Field(() => GraphQLJSON, {
    description: 'All parameters of this trial, as resolved from the spec.',
  })
  params!: Record<string, unknown>;

  @Field(() => Int, {
    name: 'd_m',
    nullable: true,
    description: 'Embedding size (null for a program trial: its parameters are its own).',
  })
  dModel!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Number of attention heads (null for a program trial).',
  })
  heads!: number | null;

  @Field(() => Int, {
    name: 'd_h',
    nullable: true,
    description:
      'Per-head projection size (d_m / heads in the standard layer; null for a program trial).',
  })
  dH!: number | null;

  @Field(() => Boolean, {
    name: 'qk_tied',
    nullable: true,
    description: 'Whether queries and keys share one projection (null for a program trial).',
  })
  qkTied!: boolean | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Epochs to train; null for a program trial (the program decides).',
  })
  epochs!: number | null;

  @Field(() => Int)
  epochsCompleted!: number;

  @Field(() => Int, { nullable: true })
  paramCount!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'FLOPs per sample of the model, recorded when training starts.',
  })
  flops!: number | null;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      'Final metrics, by name (null values: metrics without a value, e.g. an undefined AUC).',
  })
  metrics!: MetricValues | null;

  @Field(() => String, { nullable: true })
  backend!: string | null;

  @Field(() => String, { nullable: true })
  device!: string | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => Int, {
    description: 'Training attempts so far, over retries and retryFailedTrials.',
  })
  attempts!: number;

  @Field(() => Int, {
    description:
      'The epoch the latest attempt started from: 0 fresh, k when resumed from the checkpoint of epoch k.',
  })
  resumedFromEpoch!: number;

  @Field(() => String, {
    nullable: true,
    description: 'The train worker running (or last running) the trial.',
  })
  worker!: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'For a pruned trial: the ASHA rung it reached.',
  })
  prunedAtRung!: number | null;

  @Field(() => String, { nullable: true, description: 'The final weights.' })
  artifactPath!: string | null;

  @Field(() => [Artifact], {
    description: 'Files the trial wrote for people to look at, e.g. Grad-CAM overlays.',
  })
  artifacts!: TrialArtifact[];
}

@ObjectType('Artifact', { description: 'A file a trial wrote, on the artifacts volume.' })
export class Artifact implements TrialArtifact {
  @Field({ description: "Relative to the trial's directory, e.g. gradcam/Cardiomegaly-x.png." })
  name!: string;

  @Field({ description: 'Absolute path as the train worker wrote it.' })
  path!: string;

  @Field(() => Float, { description: 'Size in bytes.' })
  bytes!: number;
}
