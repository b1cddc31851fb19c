import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildPose3dModel, selectBackend, type BackendInfo, tf } from '@headroom/models';
import { parseSweepSpec, gridTrialAt } from '@headroom/sweep';
import type { TrainHeartbeat, TrainTrialInput } from '@headroom/sweep/temporal';
import { HEARTBEAT_WHILE_PREPARING_MS, runEpochLoop, type EpochLoopTask } from './epoch-loop';
import type { TrainHooks } from './hooks';

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
  const hooks = (warnings: string[]): TrainHooks => ({
    artifactsDir: dir,
    backend,
    onStart: async () => {},
    heartbeat: () => {},
    cancelled: new AbortController().signal,
    onEpoch: async () => {},
    warn: (w) => warnings.push(w),
  });
  /** 64 samples per epoch; a step "runs out of memory" above `fits` samples per batch. */
  const task = (fits: number, loss = 1): EpochLoopTask<{ size: number }> => ({
    model: buildPose3dModel({ dModel: 8, heads: 2, dH: 4, qkTied: false, layers: 1 }),
    optimizer: tf.train.adam(1e-3),
    *batches(_epoch, batchSize) {
      for (let i = 0; i < 64; i += batchSize) yield { size: Math.min(batchSize, 64 - i) };
    },
    step(batch) {
      if (batch.size > fits)
        throw new Error(`OOM when allocating tensor with shape [${batch.size},17,8]`);
      return loss;
    },
    evaluate: () => ({ mpjpe: 10 }),
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
