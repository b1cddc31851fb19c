import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricMeter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  buildPose3dModel,
  selectBackend,
  tf,
  type BackendInfo,
  type ScheduledAdam,
} from '@headroom/models';
import { parseSweepSpec, gridTrialAt } from '@headroom/sweep';
import type {
  EpochReport,
  ResumePoint,
  TrainHeartbeat,
  TrainTrialInput,
} from '@headroom/sweep/temporal';
import { HEARTBEAT_WHILE_PREPARING_MS, runEpochLoop, type EpochLoopTask } from './epoch-loop';
import { plainHooks, type TrainHooks, WorkerDraining } from './hooks';
import { WORKER_METRICS } from '../observability/metrics';

/**
 * The shared loop's failure handling, with a scripted task: "out of memory" halves the batch
 * and reruns the epoch; at batch size 1 it fails for good; a non-finite loss fails at once.
 * And its heartbeats while a task prepares (loads data, builds its model).
 */
const spec = parseSweepSpec({
  name: 'loop',
  task: 'pose3d',
  dataset: { kind: 'synthetic' },
  method: 'grid',
  parameters: {
    d_m: { value: 8 },
    heads: { value: 2 },
    layers: { value: 1 },
    epochs: { value: 2 },
    batch_size: { value: 32 },
  },
});

describe('runEpochLoop', () => {
  let backend: BackendInfo;
  const dir = mkdtempSync(join(tmpdir(), 'headroom-loop-'));
  let n = 0;
  beforeAll(async () => {
    backend = await selectBackend();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const input = (): TrainTrialInput => ({
    sweepId: 'loop',
    trialId: `loop-${n++}`,
    task: 'pose3d',
    dataset: spec.dataset,
    params: gridTrialAt(spec, 0),
  });
  const hooks = (warnings: string[]): TrainHooks =>
    plainHooks(dir, backend, { warn: (w) => warnings.push(w) });
  /** 64 samples per epoch; a step "runs out of memory" above `fits` samples per batch. */
  const task = (fits: number, loss = 1): EpochLoopTask<{ size: number }> => ({
    model: buildPose3dModel({ dModel: 8, heads: 2, dH: 4, qkTied: false, layers: 1 }),
    stepsPerEpoch: (batchSize) => Math.ceil(64 / batchSize),
    *batches(_epoch, batchSize) {
      for (let i = 0; i < 64; i += batchSize) yield { size: Math.min(batchSize, 64 - i) };
    },
    step(batch) {
      if (batch.size > fits)
        throw new Error(`OOM when allocating tensor with shape [${batch.size},17,8]`);
      return loss;
    },
    evaluate: () => ({ metrics: { mpjpe: 10 } }),
    resultMetrics: ['mpjpe'],
  });

  it('halves the batch when a step runs out of memory, reruns the epoch and finishes', async () => {
    const warnings: string[] = [];
    const result = await runEpochLoop(input(), hooks(warnings), () => task(8));
    expect(result.epochsCompleted).toBe(2);
    expect(result.metrics.mpjpe).toBe(10);
    // 32 → 16 → 8, once; later epochs keep the batch that fits.
    expect(warnings).toEqual([
      'out of memory at batch_size 32 in epoch 1; retrying the epoch at 16',
      'out of memory at batch_size 16 in epoch 1; retrying the epoch at 8',
    ]);
  });

  it('records samples trained (the samples of an epoch rerun too), epoch durations and a progress event per epoch', async () => {
    const recorded: Array<{ name: string; value: number; tags: Record<string, unknown> }> = [];
    const meter = (tags: Record<string, unknown>): MetricMeter => {
      const metric = (name: string) => {
        const put = (value: number) => recorded.push({ name, value, tags });
        return { add: put, record: put, set: put } as never;
      };
      return {
        createCounter: metric,
        createHistogram: metric,
        createGauge: metric,
        withTags: (more) => meter({ ...tags, ...more }),
      };
    };
    const events: Array<{ message: string; meta?: Record<string, unknown> }> = [];
    await runEpochLoop(
      input(),
      {
        ...hooks([]),
        metricMeter: meter({}),
        info: (message, meta) => events.push({ message, meta }),
      },
      () => task(16),
    );
    const of = (name: string) => recorded.filter((r) => r.name === name);
    // Epoch 1 at 32 runs out of memory on its first batch (nothing trained), then 4 × 16; epoch 2: 4 × 16.
    expect(of(WORKER_METRICS.samplesTrained.name).reduce((n, r) => n + r.value, 0)).toBe(128);
    expect(of(WORKER_METRICS.epochDuration.name)).toHaveLength(2);
    expect(recorded.every((r) => r.tags.task === 'pose3d')).toBe(true);
    // CPU: no GPU memory gauge.
    expect(of(WORKER_METRICS.gpuMemory.name)).toEqual([]);
    expect(events.map((e) => e.meta?.epoch)).toEqual([1, 2]);
    expect(events[0]!.message).toMatch(/^epoch 1\/2 done: loss 1\.000, \d+\.\d s, \d+ samples\/s$/);
  });

  it('fails for good, saying what to change, when even batch size 1 does not fit', async () => {
    await expect(runEpochLoop(input(), hooks([]), () => task(0))).rejects.toMatchObject({
      code: 'OUT_OF_MEMORY',
      message: expect.stringContaining('batch_size 1'),
    });
  });

  it('fails at once on a non-finite loss, naming the epoch and the learning rate', async () => {
    await expect(
      runEpochLoop(input(), hooks([]), () => task(64, Number.NaN)),
    ).rejects.toMatchObject({
      code: 'TRAINING_DIVERGED',
      message: expect.stringMatching(/epoch 1.*lr/),
    });
  });

  it('heartbeats while the task prepares, with the resume point it was given, and stops after', async () => {
    // Only the interval is faked: the loop's setImmediate between batches stays real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const beats: TrainHeartbeat[] = [];
      const resumeFrom = { epoch: 0, path: join(dir, 'nowhere', 'epoch-0000') };
      let beatsWhilePreparing = -1;
      const result = await runEpochLoop(
        { ...input(), resumeFrom },
        { ...hooks([]), heartbeat: (d) => beats.push(d) },
        async () => {
          vi.advanceTimersByTime(3 * HEARTBEAT_WHILE_PREPARING_MS);
          beatsWhilePreparing = beats.length;
          return task(64);
        },
      );
      expect(result.epochsCompleted).toBe(2);
      // One at once, one per period.
      expect(beatsWhilePreparing).toBe(4);
      expect(beats.slice(0, 4)).toEqual(Array(4).fill({ epoch: 0, checkpoint: resumeFrom.path }));
      // Training heartbeats per batch on its own; the preparing timer is gone.
      const after = beats.length;
      vi.advanceTimersByTime(10 * HEARTBEAT_WHILE_PREPARING_MS);
      expect(beats.length).toBe(after);
    } finally {
      vi.useRealTimers();
    }
  });

  it("reports each epoch's breakdown, returns the finish step's artifacts and null for missing metrics", async () => {
    const reports: EpochReport[] = [];
    const breakdown = { Walking: { mpjpe: 9 }, Sitting: { mpjpe: 11 } };
    let finishedIn: string | undefined;
    const trial = input();
    const result = await runEpochLoop(
      trial,
      { ...hooks([]), onEpoch: async (r) => void reports.push(r) },
      () => ({
        ...task(64),
        evaluate: () => ({ metrics: { mpjpe: 10 }, breakdown }),
        resultMetrics: ['mpjpe', 'p_mpjpe'],
        finish: async ({ trialDir }) => {
          finishedIn = trialDir;
          return [{ name: 'gradcam/x.png', path: join(trialDir, 'gradcam/x.png'), bytes: 3 }];
        },
      }),
    );
    expect(reports.map((r) => [r.epoch, r.breakdown])).toEqual([
      [1, breakdown],
      [2, breakdown],
    ]);
    expect(finishedIn).toBe(join(dir, 'loop', trial.trialId));
    expect(result.artifacts).toEqual([
      { name: 'gradcam/x.png', path: join(finishedIn!, 'gradcam/x.png'), bytes: 3 },
    ]);
    expect(result.metrics).toEqual({ mpjpe: 10, p_mpjpe: null });
  });

  it("stops a draining worker's trial after the epoch in progress, reported with its checkpoint; the next attempt resumes there", async () => {
    const drain = new AbortController();
    const reports: EpochReport[] = [];
    const trial = input();
    let steps = 0;
    const draining = task(64);
    const step = draining.step.bind(draining);
    // SIGTERM arrives in the middle of epoch 1.
    draining.step = (batch, optimizer) => {
      if (++steps === 2) drain.abort();
      return step(batch, optimizer);
    };
    const err = await runEpochLoop(
      trial,
      { ...hooks([]), draining: drain.signal, onEpoch: async (r) => void reports.push(r) },
      () => draining,
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkerDraining);
    expect((err as WorkerDraining).epoch).toBe(1);
    expect(reports.map((r) => [r.epoch, r.checkpoint?.epoch])).toEqual([[1, 1]]);
    expect(steps).toBe(2); // epoch 1 finished (64 samples at batch 32), epoch 2 never started

    const resumed: EpochReport[] = [];
    const result = await runEpochLoop(
      { ...trial, resumeFrom: { epoch: 1, path: reports[0]!.checkpoint!.path } },
      { ...hooks([]), onEpoch: async (r) => void resumed.push(r) },
      () => task(64),
    );
    expect(resumed.map((r) => r.epoch)).toEqual([2]);
    expect(result.epochsCompleted).toBe(2);
  });

  it('neither prepares nor trains an attempt cancelled before it starts', async () => {
    const ctl = new AbortController();
    ctl.abort();
    let prepared = false;
    await expect(
      runEpochLoop(input(), { ...hooks([]), cancelled: ctl.signal }, () => {
        prepared = true;
        return task(64);
      }),
    ).rejects.toThrow(/cancel/);
    expect(prepared).toBe(false);
  });
});

/**
 * The learning rate the loop sets before each step: warm-up + cosine over the whole trial
 * (epochs × steps per epoch), the same after a resume, and counted at the trial's batch_size.
 */
describe('runEpochLoop learning-rate schedule', () => {
  let backend: BackendInfo;
  const dir = mkdtempSync(join(tmpdir(), 'headroom-schedule-'));
  beforeAll(async () => {
    backend = await selectBackend();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // 64 samples at batch_size 16: 4 steps per epoch, 8 in all; warm-up 2, then cosine over 6.
  const scheduleSpec = parseSweepSpec({
    name: 'schedule',
    task: 'pose3d',
    dataset: { kind: 'synthetic' },
    method: 'grid',
    parameters: {
      d_m: { value: 8 },
      heads: { value: 2 },
      layers: { value: 1 },
      epochs: { value: 2 },
      batch_size: { value: 16 },
      lr: { value: 0.01 },
      optimizer: { value: 'adamw' },
      weight_decay: { value: 0.05 },
      lr_schedule: { value: 'cosine' },
      warmup_steps: { value: 2 },
    },
  });
  // lr · s/2 for s < 2, then lr · ½(1 + cos(π (s − 2) / 6)).
  const EXPECTED = [0, 0.005, 0.01, 0.009330127018922, 0.0075, 0.005, 0.0025, 0.000669872981078];

  const input = (trialId: string): TrainTrialInput => ({
    sweepId: 'schedule',
    trialId,
    task: 'pose3d',
    dataset: scheduleSpec.dataset,
    params: gridTrialAt(scheduleSpec, 0),
  });
  const hooks = (warnings: string[] = []): TrainHooks =>
    plainHooks(dir, backend, { warn: (w) => warnings.push(w) });
  interface Seen {
    epoch: number;
    size: number;
    lr: number;
    /** Optimizer steps taken before this one (restored from the checkpoint on resume). */
    iterations: number;
    className: string;
  }
  /** Records what each step sees and takes a real optimizer step, so there is state to restore. */
  const recording = (
    seen: Seen[],
    options: { fits?: number; failInEpoch?: number } = {},
  ): EpochLoopTask<{ size: number; epoch: number }> => {
    const model = buildPose3dModel({ dModel: 8, heads: 2, dH: 4, qkTied: false, layers: 1 });
    const weight = model.trainableWeights[0]!.read() as tf.Variable;
    return {
      model,
      stepsPerEpoch: (batchSize) => Math.ceil(64 / batchSize),
      *batches(epoch, batchSize) {
        for (let i = 0; i < 64; i += batchSize) yield { size: Math.min(batchSize, 64 - i), epoch };
      },
      step(batch, optimizer: ScheduledAdam) {
        if (batch.epoch === options.failInEpoch) throw new Error('the worker died');
        if (batch.size > (options.fits ?? Infinity))
          throw new Error(`OOM when allocating tensor with shape [${batch.size},17,8]`);
        seen.push({
          epoch: batch.epoch,
          size: batch.size,
          lr: optimizer.currentLearningRate,
          iterations: optimizer.iterations,
          className: optimizer.getClassName(),
        });
        optimizer.minimize(() => tf.sum(tf.square(weight)) as tf.Scalar, false, [weight]);
        return 1;
      },
      evaluate: () => ({ metrics: { mpjpe: 10 } }),
      resultMetrics: ['mpjpe'],
    };
  };

  it("sets each step's learning rate: linear warm-up, then cosine to 0 over every epoch", async () => {
    const seen: Seen[] = [];
    await runEpochLoop(input('schedule-0'), hooks(), () => recording(seen));
    expect(seen.map((s) => s.epoch)).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
    seen.forEach((s, i) => expect(s.lr).toBeCloseTo(EXPECTED[i]!, 12));
    // The trial's optimizer, the same for every task: AdamW here.
    expect(new Set(seen.map((s) => s.className))).toEqual(new Set(['AdamW']));
    expect(seen.map((s) => s.iterations)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('continues the schedule and the optimizer state where a failed attempt stopped', async () => {
    const first: Seen[] = [];
    // What the retry learns from the heartbeat details: the checkpoint of the last epoch reported.
    let reported: ResumePoint | undefined;
    const reporting = plainHooks(dir, backend, {
      onEpoch: async (r) =>
        void (reported = r.checkpoint && { epoch: r.epoch, path: r.checkpoint.path }),
    });
    await expect(
      runEpochLoop(input('schedule-1'), reporting, () => recording(first, { failInEpoch: 2 })),
    ).rejects.toThrow('the worker died');
    expect(first.map((s) => s.lr)).toEqual(
      EXPECTED.slice(0, 4).map((lr) => expect.closeTo(lr, 12)),
    );

    // The retry resumes from epoch 1's checkpoint: steps 4–7 of the schedule, Adam's 4 steps restored.
    const second: Seen[] = [];
    const result = await runEpochLoop(
      { ...input('schedule-1'), resumeFrom: reported },
      hooks(),
      () => recording(second),
    );
    expect(result.epochsCompleted).toBe(2);
    expect(second.map((s) => s.epoch)).toEqual([2, 2, 2, 2]);
    second.forEach((s, i) => expect(s.lr).toBeCloseTo(EXPECTED[4 + i]!, 12));
    expect(second.map((s) => s.iterations)).toEqual([4, 5, 6, 7]);
  });

  it('counts steps at the trial batch_size when running out of memory halves the batch', async () => {
    const seen: Seen[] = [];
    const warnings: string[] = [];
    await runEpochLoop(input('schedule-2'), hooks(warnings), () => recording(seen, { fits: 8 }));
    expect(warnings).toEqual([
      'out of memory at batch_size 16 in epoch 1; retrying the epoch at 8',
    ]);
    // Two half batches make one step of the schedule.
    expect(seen.map((s) => s.size)).toEqual(Array(16).fill(8));
    seen.forEach((s, i) => expect(s.lr).toBeCloseTo(EXPECTED[Math.floor(i / 2)]!, 12));
  });

  it('warns when the warm-up does not end before the last step', async () => {
    const warnings: string[] = [];
    const long = { ...input('schedule-3'), params: { ...input('x').params, warmup_steps: 50 } };
    await runEpochLoop(long, hooks(warnings), () => recording([]));
    expect(warnings).toEqual([
      "warmup_steps 50 is not below the trial's 8 steps (2 epochs × 4); the learning rate never reaches lr",
    ]);
  });
});
