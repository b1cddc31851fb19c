import { resolve } from 'node:path';
import {
  buildPose3dSamples,
  H36M_ACTIONS,
  H36M_CAMERA_COUNT,
  H36M_TEST_SUBJECTS,
  H36M_TRAIN_SUBJECTS,
  iterateBatches,
  materializeSyntheticH36m,
  readH36mNpzDataset,
  SYNTHETIC_FRAMES_PER_ACTION,
  type Batch,
  type Pose3dSamples,
} from '@headroom/datasets';
import { HeadroomError } from '@headroom/errors';
import { mpjpe, pMpjpe } from '@headroom/metrics';
import { buildPose3dModel, predictValues, tf, trainableVariables } from '@headroom/models';
import {
  resolveGeometry,
  TASKS,
  type MetricBreakdown,
  type MetricName,
  type TrialParams,
} from '@headroom/sweep';
import {
  runEpochLoop,
  type EpochLoopTask,
  type Evaluation,
  type EvaluationContext,
} from './epoch-loop';
import type { TrainHooks } from './hooks';
import type { TrainTrialInput, TrainTrialResult } from '@headroom/sweep/temporal';

const JOINTS = 17;

/**
 * Trains the pose3d lifter (17 joint tokens of 2D keypoints → 17×3 root-relative joints)
 * with the trial's optimizer on the MPJPE loss, evaluates MPJPE / P-MPJPE (mm, mean over
 * actions) on the test subjects after every epoch and reports it, and saves the weights as
 * the trial's artifact.
 */
export async function trainPose3d(
  input: TrainTrialInput,
  hooks: TrainHooks,
): Promise<TrainTrialResult> {
  return runEpochLoop(input, hooks, () => preparePose3d(input, hooks));
}

/**
 * What the epoch loop trains for a pose3d trial: its data, its lifter initialised from
 * `seed`, batches shuffled by (seed, epoch), the MPJPE step and the evaluation.
 */
export async function preparePose3d(
  input: TrainTrialInput,
  hooks: TrainHooks,
): Promise<EpochLoopTask<Batch>> {
  const { params } = input;
  const { train, test } = await loadPose3dData(input, hooks);
  const model = buildPose3dTrialModel(params);
  return {
    model,
    stepsPerEpoch: (batchSize) => Math.ceil(train.count / batchSize),
    batches: (epoch, batchSize) =>
      iterateBatches(train, { batchSize, seed: params.seed, epoch, shuffle: true }),
    step: (batch, optimizer) =>
      trainStep(model, optimizer, batch.inputs, batch.targets, batch.size),
    evaluate: (ctx) => evaluatePose3d(model, test, ctx),
    resultMetrics: Object.keys(TASKS.pose3d.metrics),
  };
}

/**
 * The lifter of one trial: its geometry, depth and dropout, initialised from the trial's
 * `seed`, so a trial's weights at epoch 0 are a function of its parameters (reproducible).
 */
export function buildPose3dTrialModel(params: TrialParams): tf.LayersModel {
  return buildPose3dModel({
    ...resolveGeometry(params),
    layers: params.layers,
    dropout: params.dropout,
    seed: params.seed,
  });
}

function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  inputs: Float32Array,
  targets: Float32Array,
  size: number,
): number {
  return tf.tidy(() => {
    const x = tf.tensor3d(inputs.subarray(0, size * JOINTS * 2), [size, JOINTS, 2]);
    const y = tf.tensor3d(targets.subarray(0, size * JOINTS * 3), [size, JOINTS, 3]);
    const loss = optimizer.minimize(
      () => mpjpeLoss(model.apply(x, { training: true }) as tf.Tensor, y),
      true,
      trainableVariables(model),
    );
    return loss ? loss.dataSync()[0]! : NaN;
  });
}

/** VideoPose3D trains with the MPJPE itself: mean Euclidean distance per joint. */
function mpjpeLoss(pred: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.mean(tf.sqrt(tf.add(tf.sum(tf.square(tf.sub(pred, target)), -1), 1e-12)));
}

async function evaluatePose3d(
  model: tf.LayersModel,
  test: Pose3dSamples,
  ctx: EvaluationContext,
): Promise<Evaluation> {
  const score = new Pose3dScore(test);
  for (let start = 0; start < test.count; start += ctx.batchSize) {
    const n = Math.min(ctx.batchSize, test.count - start);
    const pred = predictValues(
      model,
      tf.tensor3d(test.inputs.subarray(start * JOINTS * 2, (start + n) * JOINTS * 2), [
        n,
        JOINTS,
        2,
      ]),
    );
    score.add(pred, start);
    await ctx.tick();
  }
  return score.result();
}

/**
 * MPJPE and P-MPJPE (mm) of predictions for `test`, as the papers report them: per action,
 * then the mean over actions; the per-action values are the breakdown.
 */
export function pose3dMetrics(pred: Float32Array | Float64Array, test: Pose3dSamples): Evaluation {
  const score = new Pose3dScore(test);
  score.add(pred.subarray(0, test.count * JOINTS * 3), 0);
  return score.result();
}

/**
 * Per-action sums of per-sample errors, so the whole test split is scored batch by batch
 * without holding its predictions (S9 + S11 are ~540,000 samples).
 */
class Pose3dScore {
  private readonly names: readonly string[];
  private readonly sums: { mpjpe: Float64Array; p_mpjpe: Float64Array; n: Float64Array };

  constructor(private readonly test: Pose3dSamples) {
    // A set without action labels is one group.
    this.names = test.actionNames ?? ['all'];
    const groups = this.names.length;
    this.sums = {
      mpjpe: new Float64Array(groups),
      p_mpjpe: new Float64Array(groups),
      n: new Float64Array(groups),
    };
  }

  /** Scores the predictions of samples `start, start + 1, …` (`[n][17][3]`, metres). */
  add(pred: Float32Array | Float64Array, start: number): void {
    const size = JOINTS * 3;
    const n = pred.length / size;
    for (let k = 0; k < n; k++) {
      const i = start + k;
      const p = pred.subarray(k * size, (k + 1) * size);
      const g = this.test.targets.subarray(i * size, (i + 1) * size);
      const a = this.test.actionIndex?.[i] ?? 0;
      this.sums.mpjpe[a]! += mpjpe(p, g, 1);
      this.sums.p_mpjpe[a]! += pMpjpe(p, g, 1);
      this.sums.n[a]! += 1;
    }
  }

  result(): Evaluation {
    const breakdown: MetricBreakdown = {};
    let mpjpeSum = 0;
    let pMpjpeSum = 0;
    let groups = 0;
    this.names.forEach((name, a) => {
      const n = this.sums.n[a]!;
      if (n === 0) return;
      // Targets are in metres (VideoPose3D's convention); metrics are reported in mm.
      const values = {
        mpjpe: (this.sums.mpjpe[a]! / n) * 1000,
        p_mpjpe: (this.sums.p_mpjpe[a]! / n) * 1000,
      } satisfies Record<MetricName<'pose3d'>, number>;
      breakdown[name] = values;
      mpjpeSum += values.mpjpe;
      pMpjpeSum += values.p_mpjpe;
      groups++;
    });
    const metrics = {
      mpjpe: mpjpeSum / groups,
      p_mpjpe: pMpjpeSum / groups,
    } satisfies Record<MetricName<'pose3d'>, number>;
    return { metrics, breakdown };
  }
}

interface Pose3dData {
  train: Pose3dSamples;
  test: Pose3dSamples;
}

/** Per process, by dataset spec: trials of a sweep share one copy (the real set is hundreds of MB of samples). */
const dataCache = new Map<string, Promise<Pose3dData>>();

/**
 * The train and test samples of a trial's dataset, read from VideoPose3D's files either way:
 * `kind: h36m` from `path` (relative to the worker's cwd), `kind: synthetic` from the synthetic
 * set written once per machine (a pure function of its spec).
 */
function loadPose3dData(input: TrainTrialInput, hooks: TrainHooks): Promise<Pose3dData> {
  const ds = input.dataset;
  if (ds.kind !== 'synthetic' && ds.kind !== 'h36m') {
    throw new HeadroomError(
      'DATA',
      `dataset.kind ${ds.kind}: pose3d reads Human3.6M; use dataset: { kind: h36m, path: DIR } or { kind: synthetic }`,
    );
  }
  const key = JSON.stringify(ds.kind === 'h36m' ? { ...ds, path: resolve(ds.path) } : ds);
  let data = dataCache.get(key);
  if (!data) {
    data = ds.kind === 'h36m' ? loadH36m(ds) : loadSynthetic(ds, hooks);
    dataCache.set(key, data);
    // A failed read is not cached: the user may fix the folder and retry the trial.
    data.catch(() => dataCache.delete(key));
  }
  return data;
}

/**
 * The synthetic Human3.6M set as VideoPose3D's files, written once per machine beside the
 * artifacts (`<artifacts>/../datasets`), then read like the real set with the same split.
 */
async function loadSynthetic(
  ds: Extract<TrainTrialInput['dataset'], { kind: 'synthetic' }>,
  hooks: TrainHooks,
): Promise<Pose3dData> {
  const path = await materializeSyntheticH36m({
    parentDir: resolve(hooks.artifactsDir, '..', 'datasets'),
    seed: ds.seed,
    framesPerAction: ds.frames_per_action ?? framesPerAction(ds.samples),
  });
  return loadH36m({ kind: 'h36m', path });
}

/** VideoPose3D's protocol: train S1,S5,S6,S7,S8, test S9,S11, unless the spec names others. */
async function loadH36m(
  ds: Extract<TrainTrialInput['dataset'], { kind: 'h36m' }>,
): Promise<Pose3dData> {
  const trainSubjects = ds.train_subjects ?? H36M_TRAIN_SUBJECTS;
  const testSubjects = ds.test_subjects ?? H36M_TEST_SUBJECTS;
  const dataset = await readH36mNpzDataset(resolve(ds.path), {
    keypoints: ds.keypoints,
    subjects: [...new Set([...trainSubjects, ...testSubjects])],
  });
  return {
    train: buildPose3dSamples(dataset, trainSubjects),
    // The whole test split every epoch, as the papers report it (scored batch by batch).
    test: buildPose3dSamples(dataset, testSubjects),
  };
}

/** Frames per action that give about `samples` training samples (5 subjects × actions × 4 cameras each). */
function framesPerAction(samples: number | undefined): number {
  if (!samples) return SYNTHETIC_FRAMES_PER_ACTION;
  return Math.max(
    1,
    Math.ceil(samples / (H36M_TRAIN_SUBJECTS.length * H36M_ACTIONS.length * H36M_CAMERA_COUNT)),
  );
}
