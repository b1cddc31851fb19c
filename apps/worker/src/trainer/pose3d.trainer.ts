import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
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
import { buildPose3dModel, countParams, saveWeights, tf } from '@headroom/models';
import { resolveGeometry } from '@headroom/sweep';
import { checkpointDir, restoreNewestCheckpoint } from './checkpoints';
import type { TrainHooks } from './hooks';
import type { EpochReport, TrainTrialInput, TrainTrialResult } from '../types';

const JOINTS = 17;
const CAMERAS = 4;
/** The test split is evaluated every epoch; cap it so evaluation stays a small share of an epoch. */
const MAX_EVAL_SAMPLES = 4096;
const MIN_BATCH_SIZE = 1;

/** TensorFlow reports allocation failures as ResourceExhausted / OOM. */
function isOutOfMemory(err: unknown): boolean {
  return err instanceof Error && /\bOOM\b|out of memory|ResourceExhausted|failed to allocate/i.test(err.message);
}

/**
 * Trains the pose3d lifter (17 joint tokens of 2D keypoints → 17×3 root-relative joints)
 * with Adam on the MPJPE loss, evaluates MPJPE / P-MPJPE (mm) on the test subjects after
 * every epoch and reports it, and saves the weights as the trial's artifact.
 */
export async function trainPose3d(input: TrainTrialInput, hooks: TrainHooks): Promise<TrainTrialResult> {
  const { params } = input;
  const geometry = resolveGeometry(params);
  const { train, test } = loadPose3dData(input);
  const model = buildPose3dModel({ ...geometry, layers: params.layers, dropout: params.dropout });
  const paramCount = countParams(model);
  const optimizer = tf.train.adam(params.lr);
  const trialDir = join(hooks.artifactsDir, input.sweepId, input.trialId);
  await mkdir(trialDir, { recursive: true });

  try {
    // Weights, optimizer state and the epoch come back from the checkpoint; the data order
    // is a pure function of (seed, epoch), so the epoch is all the RNG state there is.
    const resumed = await restoreNewestCheckpoint(model, optimizer, trialDir, input.resumeFrom, hooks.warn);
    let lastCheckpoint = resumed?.path;
    const startEpoch = resumed?.epoch ?? 0;
    await hooks.onStart({ resumedFromEpoch: startEpoch });

    let last: Record<string, number> = {};
    let batchSize = params.batch_size;
    for (let epoch = startEpoch + 1; epoch <= params.epochs; epoch++) {
      let lossSum = 0;
      let seen = 0;
      try {
        for (const batch of iterateBatches(train, { batchSize, seed: params.seed, epoch, shuffle: true })) {
          if (hooks.cancelled.aborted) throw new HeadroomError('INTERNAL', 'training cancelled');
          const loss = trainStep(model, optimizer, batch.inputs, batch.targets, batch.size);
          lossSum += loss * batch.size;
          seen += batch.size;
          hooks.heartbeat({ epoch: epoch - 1, checkpoint: lastCheckpoint, batchesSeen: seen });
          // Let the heartbeat, signals and cancellation get through between steps.
          await new Promise<void>((r) => setImmediate(r));
        }
      } catch (err) {
        if (!isOutOfMemory(err)) throw err;
        // Out of memory: halve the batch and run the epoch again; at the smallest batch, give up for good.
        if (batchSize <= MIN_BATCH_SIZE) {
          throw new HeadroomError(
            'OUT_OF_MEMORY',
            `out of memory even at batch_size ${batchSize}; reduce d_m, d_h, heads or layers, or use a pool with more memory`,
          );
        }
        hooks.warn(`out of memory at batch_size ${batchSize} in epoch ${epoch}; retrying the epoch at ${Math.floor(batchSize / 2)}`);
        batchSize = Math.floor(batchSize / 2);
        epoch--;
        continue;
      }
      const trainLoss = lossSum / seen;
      if (!Number.isFinite(trainLoss)) {
        throw new HeadroomError(
          'TRAINING_DIVERGED',
          `loss became ${trainLoss} in epoch ${epoch}; lower lr (now ${params.lr}) or check the data`,
        );
      }
      last = { loss: trainLoss, ...evaluatePose3d(model, test) };
      const saved = await saveWeights(model, checkpointDir(trialDir, epoch), { optimizer });
      lastCheckpoint = saved.path;
      await hooks.onEpoch({ trialId: input.trialId, epoch, metrics: last, checkpoint: { epoch, ...saved } });
      hooks.heartbeat({ epoch, checkpoint: lastCheckpoint });
    }
    // Resumed from the last epoch's checkpoint: nothing left to train, but the result needs metrics.
    if (startEpoch >= params.epochs) last = evaluatePose3d(model, test);
    const final = await saveWeights(model, join(trialDir, 'final'));
    return {
      metrics: { mpjpe: last.mpjpe ?? NaN, p_mpjpe: last.p_mpjpe ?? NaN },
      paramCount,
      artifactPath: final.path,
      epochsCompleted: params.epochs,
      backend: hooks.backend.backend,
      device: hooks.backend.device,
    };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
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
    const loss = optimizer.minimize(() => mpjpeLoss(model.apply(x, { training: true }) as tf.Tensor, y), true);
    return loss ? loss.dataSync()[0]! : NaN;
  });
}

/** VideoPose3D trains with the MPJPE itself: mean Euclidean distance per joint. */
function mpjpeLoss(pred: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.mean(tf.sqrt(tf.add(tf.sum(tf.square(tf.sub(pred, target)), -1), 1e-12)));
}

function evaluatePose3d(model: tf.LayersModel, test: Pose3dSamples): { mpjpe: number; p_mpjpe: number } {
  const pred = new Float64Array(test.count * JOINTS * 3);
  const step = 512;
  for (let start = 0; start < test.count; start += step) {
    const n = Math.min(step, test.count - start);
    const out = tf.tidy(() => {
      const x = tf.tensor3d(test.inputs.subarray(start * JOINTS * 2, (start + n) * JOINTS * 2), [n, JOINTS, 2]);
      return (model.predict(x) as tf.Tensor).dataSync();
    });
    pred.set(out, start * JOINTS * 3);
  }
  const gt = Float64Array.from(test.targets.subarray(0, test.count * JOINTS * 3));
  // Targets are in metres (VideoPose3D's convention); metrics are reported in mm.
  return { mpjpe: mpjpe(pred, gt, test.count) * 1000, p_mpjpe: pMpjpe(pred, gt, test.count) * 1000 };
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
    const dataset = generateSyntheticH36M({ seed: ds.seed ?? 1, framesPerAction: framesPerAction(ds.samples) });
    const test = buildPose3dSamples(dataset, [...H36M_TEST_SUBJECTS]);
    data = { train: buildPose3dSamples(dataset, [...H36M_TRAIN_SUBJECTS]), test: capSamples(test, MAX_EVAL_SAMPLES) };
    dataCache.set(key, data);
  }
  return data;
}

/** Frames per action that give about `samples` training samples (5 subjects × actions × 4 cameras each). */
function framesPerAction(samples: number | undefined): number {
  if (!samples) return SYNTHETIC_FRAMES_PER_ACTION;
  return Math.max(1, Math.ceil(samples / (H36M_TRAIN_SUBJECTS.length * H36M_ACTIONS.length * CAMERAS)));
}

/** Every k-th sample, so a capped evaluation still covers every subject, action and camera. */
function capSamples(s: Pose3dSamples, max: number): Pose3dSamples {
  if (s.count <= max) return s;
  const stride = s.count / max;
  const inputs = new Float32Array(max * POSE3D_INPUT_SIZE);
  const targets = new Float32Array(max * POSE3D_TARGET_SIZE);
  for (let i = 0; i < max; i++) {
    const j = Math.floor(i * stride);
    inputs.set(s.inputs.subarray(j * POSE3D_INPUT_SIZE, (j + 1) * POSE3D_INPUT_SIZE), i * POSE3D_INPUT_SIZE);
    targets.set(s.targets.subarray(j * POSE3D_TARGET_SIZE, (j + 1) * POSE3D_TARGET_SIZE), i * POSE3D_TARGET_SIZE);
  }
  return { count: max, inputs, targets };
}
