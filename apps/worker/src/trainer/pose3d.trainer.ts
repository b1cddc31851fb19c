import {
  buildPose3dSamples,
  generateSyntheticH36M,
  H36M_ACTIONS,
  H36M_TEST_SUBJECTS,
  H36M_TRAIN_SUBJECTS,
  iterateBatches,
  POSE3D_INPUT_SIZE,
  POSE3D_TARGET_SIZE,
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
 * with Adam on the MPJPE loss, evaluates MPJPE / P-MPJPE (mm) on the test subjects after
 * every epoch and reports it, and saves the weights as the trial's artifact.
 */
export async function trainPose3d(
  input: TrainTrialInput,
  hooks: TrainHooks,
): Promise<TrainTrialResult> {
  const { params } = input;
  return runEpochLoop(input, hooks, () => {
    const { train, test } = loadPose3dData(input);
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
  const gt = Float64Array.from(test.targets.subarray(0, test.count * JOINTS * 3));
  // Targets are in metres (VideoPose3D's convention); metrics are reported in mm.
  return {
    mpjpe: mpjpe(pred, gt, test.count) * 1000,
    p_mpjpe: pMpjpe(pred, gt, test.count) * 1000,
  };
}

const dataCache = new Map<string, { train: Pose3dSamples; test: Pose3dSamples }>();

/** Synthetic data is a pure function of its spec: generate once per process, share across trials. */
function loadPose3dData(input: TrainTrialInput): { train: Pose3dSamples; test: Pose3dSamples } {
  const ds = input.dataset;
  if (ds.kind !== 'synthetic') {
    throw new HeadroomError(
      'DATA',
      `dataset.kind ${ds.kind}: this worker reads synthetic Human3.6M only for now; use dataset: { kind: synthetic }`,
    );
  }
  const key = JSON.stringify(ds);
  let data = dataCache.get(key);
  if (!data) {
    const dataset = generateSyntheticH36M({
      seed: ds.seed ?? 1,
      framesPerAction: framesPerAction(ds.samples),
    });
    const test = buildPose3dSamples(dataset, [...H36M_TEST_SUBJECTS]);
    data = {
      train: buildPose3dSamples(dataset, [...H36M_TRAIN_SUBJECTS]),
      test: capSamples(test, MAX_EVAL_SAMPLES),
    };
    dataCache.set(key, data);
  }
  return data;
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
  for (let i = 0; i < max; i++) {
    const j = Math.floor(i * stride);
    inputs.set(
      s.inputs.subarray(j * POSE3D_INPUT_SIZE, (j + 1) * POSE3D_INPUT_SIZE),
      i * POSE3D_INPUT_SIZE,
    );
    targets.set(
      s.targets.subarray(j * POSE3D_TARGET_SIZE, (j + 1) * POSE3D_TARGET_SIZE),
      i * POSE3D_TARGET_SIZE,
    );
  }
  return { count: max, inputs, targets };
}
