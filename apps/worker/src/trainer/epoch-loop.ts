import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HeadroomError } from '@headroom/errors';
import {
  createOptimizer,
  describeModel,
  learningRateAt,
  lrScheduleOf,
  saveWeights,
  type ScheduledAdam,
  tf,
} from '@headroom/models';
import { currentActivityMeter, logActivityInfo } from '../observability/activity-context';
import { trainMetrics } from '../observability/metrics';
import { checkpointDir, restoreNewestCheckpoint } from './checkpoints';
import { type TrainHooks, WorkerDraining } from './hooks';
import type { MetricBreakdown, MetricValues, TrialArtifact } from '@headroom/sweep';
import type { TrainTrialInput, TrainTrialResult } from '@headroom/sweep/temporal';

const MIN_BATCH_SIZE = 1;
/** Heartbeat period while a task prepares (loads data, builds its model), well inside the 30 s timeout. */
export const HEARTBEAT_WHILE_PREPARING_MS = 5000;

/** TensorFlow reports allocation failures as ResourceExhausted / OOM. */
export function isOutOfMemory(err: unknown): boolean {
  return (
    err instanceof Error &&
    /\bOOM\b|out of memory|ResourceExhausted|failed to allocate/i.test(err.message)
  );
}

/** Lets an evaluation heartbeat and stop between its batches like training does. */
export interface EvaluationContext {
  /** The batch size training runs at now (halved after running out of memory). */
  batchSize: number;
  /** Call once per batch: heartbeats, lets signals through, throws when the trial is cancelled. */
  tick(): Promise<void>;
}

/** One evaluation on the held-out split: the leaderboard's metrics and the groups behind their means. */
export interface Evaluation {
  metrics: MetricValues;
  breakdown?: MetricBreakdown;
}

/** Where a task writes what it leaves behind for people to look at. */
export interface FinishContext extends EvaluationContext {
  /** `<artifactsDir>/<sweepId>/<trialId>`, holding the checkpoints and the final weights. */
  trialDir: string;
}

/** What a task brings to the shared loop; the loop owns epochs, checkpoints and reporting. */
export interface EpochLoopTask<B extends { size: number }> {
  model: tf.LayersModel;
  /**
   * How many batches `batches(epoch, batchSize)` yields: the learning-rate schedule spans
   * `epochs × stepsPerEpoch(batch_size)` optimizer steps, known before the first epoch runs.
   */
  stepsPerEpoch(batchSize: number): number;
  /**
   * One epoch's training batches at `batchSize`. Their order must be a pure function of
   * (seed, epoch): the epoch is all the data state a checkpoint keeps.
   */
  batches(epoch: number, batchSize: number): Iterable<B> | AsyncIterable<B>;
  /**
   * One optimizer step with the trial's optimizer (built by the loop from the trial's
   * `optimizer`, `lr`, `weight_decay`; its learning rate already set for this step by the
   * schedule); returns the batch's mean loss.
   */
  step(batch: B, optimizer: ScheduledAdam): number;
  /** The task's metrics on its held-out split (the leaderboard names). */
  evaluate(ctx: EvaluationContext): Promise<Evaluation> | Evaluation;
  /** The metrics the trial's result carries (the last epoch's; null when missing). */
  resultMetrics: readonly string[];
  /**
   * After the last epoch, with the trained model: files for people to look at (Grad-CAM
   * overlays), listed on the trial. Runs again when a finished trial's attempt is retried.
   */
  finish?(ctx: FinishContext): Promise<TrialArtifact[]>;
}

/**
 * The epoch loop every trainer shares: prepare the task (load its data, build its model)
 * while heartbeating, resume from the newest intact checkpoint, train with a
 * heartbeat and a cancellation check per batch, halve the batch and rerun the epoch when out
 * of memory, fail permanently on a non-finite loss, then per epoch evaluate, checkpoint
 * (weights + optimizer) and report; finally save the weights to `<trialDir>/final`.
 * The loop builds the optimizer (`createOptimizer`: the same for every task) and sets its
 * learning rate before every step from the trial's schedule (`learningRateAt`).
 * Disposes the model and the optimizer when done, whatever happens.
 */
export async function runEpochLoop<B extends { size: number }>(
  input: TrainTrialInput,
  hooks: TrainHooks,
  prepare: () => EpochLoopTask<B> | Promise<EpochLoopTask<B>>,
): Promise<TrainTrialResult> {
  const stopIfCancelled = () => {
    if (hooks.cancelled.aborted) throw new HeadroomError('INTERNAL', 'training cancelled');
  };
  // An attempt cancelled before it got going (pause, prune, cancel) neither loads, trains nor evaluates.
  stopIfCancelled();
  const task = await whileHeartbeating(input, hooks, prepare);
  return trainEpochs(input, hooks, task, stopIfCancelled);
}

/**
 * Heartbeats while `prepare` runs (generating a synthetic set, parsing COCO's 240 MB train
 * annotations): the activity's heartbeat timeout must not take slow data for a dead worker.
 * The details carry the resume point this attempt was given, so a retry still finds it.
 * (Synchronous work blocks the timer: such a task gets the first beat only.)
 */
async function whileHeartbeating<T>(
  input: TrainTrialInput,
  hooks: TrainHooks,
  prepare: () => T | Promise<T>,
): Promise<T> {
  const beat = () =>
    hooks.heartbeat({ epoch: input.resumeFrom?.epoch ?? 0, checkpoint: input.resumeFrom?.path });
  beat();
  const timer = setInterval(beat, HEARTBEAT_WHILE_PREPARING_MS);
  try {
    return await prepare();
  } finally {
    clearInterval(timer);
  }
}

async function trainEpochs<B extends { size: number }>(
  input: TrainTrialInput,
  hooks: TrainHooks,
  task: EpochLoopTask<B>,
  stopIfCancelled: () => void,
): Promise<TrainTrialResult> {
  const { params } = input;
  const { model } = task;
  let optimizer: ScheduledAdam | undefined;
  try {
    stopIfCancelled();
    optimizer = createOptimizer(params, model);
    // The schedule counts steps at the trial's batch_size, so warm-up and decay keep their
    // place when an out-of-memory retry halves the batch (two half batches make one step).
    const stepsPerEpoch = task.stepsPerEpoch(params.batch_size);
    const schedule = lrScheduleOf(params, stepsPerEpoch);
    if (schedule.warmupSteps > 0 && schedule.warmupSteps >= schedule.totalSteps) {
      hooks.warn(
        `warmup_steps ${schedule.warmupSteps} is not below the trial's ${schedule.totalSteps} steps (${params.epochs} epochs × ${stepsPerEpoch}); the learning rate never reaches lr`,
      );
    }
    const { params: paramCount, flops } = describeModel(model);
    const trialDir = join(hooks.artifactsDir, input.sweepId, input.trialId);
    await mkdir(trialDir, { recursive: true });
    // Weights, optimizer state and the epoch come back from the checkpoint; the data order
    // is a pure function of (seed, epoch), so the epoch is all the RNG state there is.
    const resumed = await restoreNewestCheckpoint(
      model,
      optimizer,
      trialDir,
      input.resumeFrom,
      hooks.warn,
    );
    let lastCheckpoint = resumed?.path;
    const metrics = trainMetrics(
      hooks.metricMeter ?? currentActivityMeter(),
      input.task,
      hooks.backend,
    );
    const startEpoch = resumed?.epoch ?? 0;
    await hooks.onStart({ resumedFromEpoch: startEpoch, paramCount, flops });

    let epochNow = startEpoch;
    let batchesSeen = 0;
    const tick = async () => {
      stopIfCancelled();
      hooks.heartbeat({ epoch: epochNow, checkpoint: lastCheckpoint, batchesSeen });
      // Let the heartbeat, signals and cancellation get through between steps.
      await new Promise<void>((r) => setImmediate(r));
    };

    let last: MetricValues = {};
    let batchSize = params.batch_size;
    for (let epoch = startEpoch + 1; epoch <= params.epochs; epoch++) {
      const epochStarted = performance.now();
      let lossSum = 0;
      let seen = 0;
      epochNow = epoch - 1;
      batchesSeen = 0;
      try {
        for await (const batch of task.batches(epoch, batchSize)) {
          stopIfCancelled();
          // The global step, from (epoch, samples seen): a resumed trial continues the schedule.
          const step = (epoch - 1) * stepsPerEpoch + Math.floor(seen / params.batch_size);
          optimizer.setLearningRate(learningRateAt(step, schedule));
          const loss = task.step(batch, optimizer);
          lossSum += loss * batch.size;
          seen += batch.size;
          metrics.samples(batch.size);
          batchesSeen++;
          await tick();
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
        hooks.warn(
          `out of memory at batch_size ${batchSize} in epoch ${epoch}; retrying the epoch at ${Math.floor(batchSize / 2)}`,
        );
        batchSize = Math.floor(batchSize / 2);
        epoch--;
        continue;
      }
      const trainSeconds = (performance.now() - epochStarted) / 1000;
      const trainLoss = lossSum / seen;
      if (!Number.isFinite(trainLoss)) {
        throw new HeadroomError(
          'TRAINING_DIVERGED',
          `loss became ${trainLoss} in epoch ${epoch}; lower lr (now ${params.lr}) or check the data`,
        );
      }
      const evaluation = await task.evaluate({ batchSize, tick });
      last = { loss: trainLoss, ...evaluation.metrics };
      const saved = await saveWeights(model, checkpointDir(trialDir, epoch), { optimizer });
      lastCheckpoint = saved.path;
      await hooks.onEpoch({
        trialId: input.trialId,
        epoch,
        metrics: last,
        ...(evaluation.breakdown ? { breakdown: evaluation.breakdown } : {}),
        checkpoint: { epoch, ...saved },
      });
      hooks.heartbeat({ epoch, checkpoint: lastCheckpoint });
      const seconds = (performance.now() - epochStarted) / 1000;
      metrics.epoch(seconds);
      metrics.memory(() => tf.memory().numBytes);
      const samplesPerSecond = Math.round(seen / trainSeconds);
      (hooks.info ?? logActivityInfo)(
        `epoch ${epoch}/${params.epochs} done: loss ${trainLoss.toPrecision(4)}, ${seconds.toFixed(1)} s, ${samplesPerSecond} samples/s`,
        { epoch, loss: trainLoss, seconds, samplesPerSecond },
      );
      if (hooks.draining?.aborted && epoch < params.epochs) throw new WorkerDraining(epoch);
    }
    // Resumed from the last epoch's checkpoint: nothing left to train, but the result needs metrics.
    if (startEpoch >= params.epochs) {
      epochNow = startEpoch;
      last = (await task.evaluate({ batchSize, tick })).metrics;
    }
    const final = await saveWeights(model, join(trialDir, 'final'));
    epochNow = params.epochs;
    const artifacts = (await task.finish?.({ batchSize, tick, trialDir })) ?? [];
    return {
      metrics: Object.fromEntries(task.resultMetrics.map((name) => [name, last[name] ?? null])),
      paramCount,
      artifactPath: final.path,
      artifacts,
      epochsCompleted: params.epochs,
      backend: hooks.backend.backend,
      device: hooks.backend.device,
    };
  } finally {
    optimizer?.dispose();
    model.dispose();
  }
}
