import { resolve } from 'node:path';
import {
  buildPose3dSamples,
  generateSyntheticH36M,
  H36M_ACTIONS,
  H36M_TEST_SUBJECTS,
  H36M_TRAIN_SUBJECTS,
  iterateBatches,
  POSE3D_INPUT_SIZE,
  POSE3D_TARGET_SIZE,
  readH36mNpzDataset,
  SYNTHETIC_FRAMES_PER_ACTION,
  type Pose3dSamples,
} from '@headroom/datasets';
import { HeadroomError } from '@headroom/errors';
import { mpjpe, pMpjpe } from '@headroom/metrics';
import { buildPose3dModel, tf, trainableVariables } from '@headroom/models';
import { resolveGeometry, TASKS, type MetricName, type TrialParams } from '@headroom/sweep';
import { runEpochLoop } from './epoch-loop';
import type { TrainHooks } from './hooks';
import type { TrainTrialInput, TrainTrialResult } from '@headroom/sweep/temporal';

const JOINTS = 17;
const CAMERAS = 4;
/** The test split is evaluated every epoch; cap it so evaluation stays a small share of an epoch. */
const MAX_EVAL_SAMPLES = 4096;

/**
 * Trains the pose3d lifter (17 joint tokens of 2D keypoints → 17×3 root-relative joints)
 * with Adam on the MPJPE loss, evaluates MPJPE / P-MPJPE (mm, mean over actions) on the test
 * subjects after every epoch and reports it, and saves the weights as the trial's artifact.
 */
export async function trainPose3d(
  input: TrainTrialInput,
  hooks: TrainHooks,
): Promise<TrainTrialResult> {
  const { params } = input;
  return runEpochLoop(input, hooks, async () => {
    const { train, test } = await loadPose3dData(input);
    const model = buildPose3dTrialModel(params);
    const optimizer = tf.train.adam(params.lr);
    return {
      model,
      optimizer,
      batches: (epoch, batchSize) =>
        iterateBatches(train, { batchSize, seed: params.seed, epoch, shuffle: true }),
      step: (batch) => trainStep(model, optimizer, batch.inputs, batch.targets, batch.size),
      evaluate: () => evaluatePose3d(model, test),
      resultMetrics: Object.keys(TASKS.pose3d.metrics),
    };
  });
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

function evaluatePose3d(
  model: tf.LayersModel,
  test: Pose3dSamples,
): Record<MetricName<'pose3d'>, number> {
  const pred = new Float64Array(test.count * JOINTS * 3);
  const step = 512;
  for (let start = 0; start < test.count; start += step) {
    const n = Math.min(step, test.count - start);
    const out = tf.tidy(() => {
      const x = tf.tensor3d(test.inputs.subarray(start * JOINTS * 2, (start + n) * JOINTS * 2), [
        n,
        JOINTS,
        2,
      ]);
      return (model.predict(x) as tf.Tensor).dataSync();
    });
    pred.set(out, start * JOINTS * 3);
  }
  return pose3dMetrics(pred, test);
}

/**
 * MPJPE and P-MPJPE (mm) of predictions for `test`, as the papers report them: per action,
 * then the mean over actions.
 */
export function pose3dMetrics(
  pred: Float64Array,
  test: Pose3dSamples,
): Record<MetricName<'pose3d'>, number> {
  const gt = Float64Array.from(test.targets.subarray(0, test.count * JOINTS * 3));
  const groups = samplesByAction(test).filter((g) => g.length > 0);
  let sumMpjpe = 0;
  let sumPMpjpe = 0;
  for (const group of groups) {
    const p = gatherPoses(pred, group);
    const g = gatherPoses(gt, group);
    sumMpjpe += mpjpe(p, g, group.length);
    sumPMpjpe += pMpjpe(p, g, group.length);
  }
  // Targets are in metres (VideoPose3D's convention); metrics are reported in mm.
  return {
    mpjpe: (sumMpjpe / groups.length) * 1000,
    p_mpjpe: (sumPMpjpe / groups.length) * 1000,
  };
}

/** Sample indices per action; one group of every sample when the set has no action labels. */
function samplesByAction(test: Pose3dSamples): number[][] {
  const { actionIndex, actionNames } = test;
  if (!actionIndex || !actionNames) return [Array.from({ length: test.count }, (_, i) => i)];
  const groups: number[][] = actionNames.map(() => []);
  for (let i = 0; i < test.count; i++) groups[actionIndex[i]!]!.push(i);
  return groups;
}

function gatherPoses(poses: Float64Array, indices: readonly number[]): Float64Array {
  const size = JOINTS * 3;
  const out = new Float64Array(indices.length * size);
  indices.forEach((i, k) => out.set(poses.subarray(i * size, (i + 1) * size), k * size));
  return out;
}

interface Pose3dData {
  train: Pose3dSamples;
  test: Pose3dSamples;
}

/** Per process, by dataset spec: trials of a sweep share one copy (the real set is hundreds of MB of samples). */
const dataCache = new Map<string, Promise<Pose3dData>>();

/**
 * The train and test samples of a trial's dataset. Synthetic data is a pure function of its spec;
 * `kind: h36m` reads VideoPose3D's files from `path` (relative to the worker's cwd).
 */
function loadPose3dData(input: TrainTrialInput): Promise<Pose3dData> {
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
    data = ds.kind === 'h36m' ? loadH36m(ds) : Promise.resolve(loadSynthetic(ds));
    dataCache.set(key, data);
    // A failed read is not cached: the user may fix the folder and retry the trial.
    data.catch(() => dataCache.delete(key));
  }
  return data;
}

function loadSynthetic(ds: Extract<TrainTrialInput['dataset'], { kind: 'synthetic' }>): Pose3dData {
  const dataset = generateSyntheticH36M({
    seed: ds.seed ?? 1,
    framesPerAction: framesPerAction(ds.samples),
  });
  const test = buildPose3dSamples(dataset, [...H36M_TEST_SUBJECTS]);
  return {
    train: buildPose3dSamples(dataset, [...H36M_TRAIN_SUBJECTS]),
    test: capSamples(test, MAX_EVAL_SAMPLES),
  };
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
    test: capSamples(buildPose3dSamples(dataset, testSubjects), MAX_EVAL_SAMPLES),
  };
}

/** Frames per action that give about `samples` training samples (5 subjects × actions × 4 cameras each). */
function framesPerAction(samples: number | undefined): number {
  if (!samples) return SYNTHETIC_FRAMES_PER_ACTION;
  return Math.max(
    1,
    Math.ceil(samples / (H36M_TRAIN_SUBJECTS.length * H36M_ACTIONS.length * CAMERAS)),
  );
}

/** Every k-th sample, so a capped evaluation still covers every subject, action and camera. */
function capSamples(s: Pose3dSamples, max: number): Pose3dSamples {
  if (s.count <= max) return s;
  const stride = s.count / max;
  const inputs = new Float32Array(max * POSE3D_INPUT_SIZE);
  const targets = new Float32Array(max * POSE3D_TARGET_SIZE);
  const actionIndex = s.actionIndex ? new Uint16Array(max) : undefined;
  for (let i = 0; i < max; i++) {
    const j = Math.floor(i * stride);
    if (actionIndex) actionIndex[i] = s.actionIndex![j]!;
    inputs.set(
      s.inputs.subarray(j * POSE3D_INPUT_SIZE, (j + 1) * POSE3D_INPUT_SIZE),
      i * POSE3D_INPUT_SIZE,
    );
    targets.set(
      s.targets.subarray(j * POSE3D_TARGET_SIZE, (j + 1) * POSE3D_TARGET_SIZE),
      i * POSE3D_TARGET_SIZE,
    );
  }
  return { count: max, inputs, targets, actionIndex, actionNames: s.actionNames };
}
