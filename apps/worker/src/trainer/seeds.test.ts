import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type BackendInfo } from '@headroom/models';
import { gridTrialAt, parseSweepSpec, type TaskId } from '@headroom/sweep';
import type { TrainTrialInput } from '@headroom/sweep/temporal';
import { prepareChest } from './chest.trainer';
import type { EpochLoopTask } from './epoch-loop';
import { plainHooks, type TrainHooks } from './hooks';
import { preparePose2d } from './pose2d.trainer';
import { preparePose3d } from './pose3d.trainer';

/**
 * `seed` reaches every task's model initialisation and its data order and augmentation: the
 * task the epoch loop gets from one seed is the same every time, and another seed's differs,
 * in its initial weights and in the first batch of an epoch (order, crops, flips).
 */
const dir = mkdtempSync(join(tmpdir(), 'headroom-seeds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Prepare = (input: TrainTrialInput, hooks: TrainHooks) => Promise<EpochLoopTask<Batch>>;
type Batch = { size: number } & Record<string, unknown>;

const TASKS: Array<{ task: TaskId; prepare: Prepare; dataset: unknown; batchSize: number }> = [
  {
    task: 'pose3d',
    prepare: preparePose3d as unknown as Prepare,
    dataset: { kind: 'synthetic', samples: 600, seed: 3 },
    batchSize: 32,
  },
  {
    task: 'pose2d',
    prepare: preparePose2d as unknown as Prepare,
    dataset: { kind: 'synthetic', images: 16, seed: 5, input_size: [64, 48] },
    batchSize: 4,
  },
  {
    task: 'chest',
    prepare: prepareChest as unknown as Prepare,
    dataset: { kind: 'synthetic', images: 40, seed: 4, image_size: 32 },
    batchSize: 8,
  },
];

/** The arrays of a batch, copied (the streams reuse their buffers). */
async function firstBatch(task: EpochLoopTask<Batch>, epoch: number, batchSize: number) {
  for await (const batch of task.batches(epoch, batchSize)) {
    return Object.fromEntries(
      Object.entries(batch)
        .filter(([, v]) => v instanceof Float32Array)
        .map(([k, v]) => [k, Array.from(v as Float32Array)]),
    );
  }
  throw new Error('no batch');
}

describe.each(TASKS)('$task: the seed', ({ task, prepare, dataset, batchSize }) => {
  let backend: BackendInfo;
  beforeAll(async () => {
    backend = await selectBackend();
  });

  const spec = parseSweepSpec({
    name: `seeds-${task}`,
    task,
    dataset,
    method: 'grid',
    parameters: {
      d_m: { value: 16 },
      heads: { value: 2 },
      layers: { value: 1 },
      batch_size: { value: batchSize },
      dropout: { value: 0.1 },
      seed: { values: [1, 2] },
    },
  });
  const hooks = (): TrainHooks => plainHooks(join(dir, 'artifacts'), backend);
  const taskOf = (index: number) =>
    prepare(
      {
        sweepId: 'seeds',
        trialId: `seeds-${index}`,
        task,
        dataset: spec.dataset,
        params: gridTrialAt(spec, index),
      },
      hooks(),
    );
  const initialWeights = (t: EpochLoopTask<Batch>) =>
    t.model.getWeights().map((w) => Array.from(w.dataSync()));

  it('gives the same initial weights and batches for the same seed, others for another', async () => {
    const [a, again, other] = [await taskOf(0), await taskOf(0), await taskOf(1)];
    try {
      expect(gridTrialAt(spec, 1).seed).toBe(2);
      expect(initialWeights(again)).toEqual(initialWeights(a));
      expect(initialWeights(other)).not.toEqual(initialWeights(a));

      const first = await firstBatch(a, 1, batchSize);
      expect(Object.keys(first).length).toBeGreaterThan(0);
      expect(await firstBatch(again, 1, batchSize)).toEqual(first);
      expect(await firstBatch(other, 1, batchSize)).not.toEqual(first);
      // And the order moves on with the epoch.
      expect(await firstBatch(a, 2, batchSize)).not.toEqual(first);
    } finally {
      for (const t of [a, again, other]) t.model.dispose();
    }
  });
});
