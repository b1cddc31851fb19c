import { describe, expect, it } from 'vitest';
import { BatchSampler, iterateBatches } from './batches.js';
import type { Pose3dSamples } from './pose3d-samples.js';

/** Sample i has every input value = i and every target value = −i, so batches can be checked by content. */
function labelledSamples(count: number): Pose3dSamples {
  const inputs = new Float32Array(count * 34);
  const targets = new Float32Array(count * 51);
  for (let i = 0; i < count; i++) {
    inputs.fill(i, i * 34, (i + 1) * 34);
    targets.fill(-i, i * 51, (i + 1) * 51);
  }
  return { count, inputs, targets };
}

function collect(samples: Pose3dSamples, opts: Parameters<typeof iterateBatches>[1]) {
  const seen: number[] = [];
  const sizes: number[] = [];
  for (const batch of iterateBatches(samples, opts)) {
    sizes.push(batch.size);
    expect(batch.inputs.length).toBe(batch.size * 34);
    expect(batch.targets.length).toBe(batch.size * 51);
    for (let b = 0; b < batch.size; b++) {
      const id = batch.inputs[b * 34] as number;
      // The gathered rows belong to the sample named in `indices`, inputs and targets alike.
      expect(id).toBe(batch.indices[b]);
      expect(batch.inputs[b * 34 + 33]).toBe(id);
      expect(batch.targets[b * 51 + 50]).toBe(-id);
      seen.push(id);
    }
  }
  return { seen, sizes };
}

describe('iterateBatches', () => {
  const samples = labelledSamples(103);

  it('visits every sample exactly once per epoch, with a last partial batch', () => {
    const { seen, sizes } = collect(samples, { batchSize: 10, seed: 1, epoch: 0 });
    expect(sizes).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3]);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 103 }, (_, i) => i));
  });

  it('drops the partial batch when asked', () => {
    const { seen, sizes } = collect(samples, { batchSize: 10, seed: 1, epoch: 0, dropLast: true });
    expect(sizes).toEqual(Array(10).fill(10));
    expect(new Set(seen).size).toBe(100);
  });

  it('shuffles differently each epoch, identically for the same seed and epoch', () => {
    const e0 = collect(samples, { batchSize: 16, seed: 5, epoch: 0 }).seen;
    const e1 = collect(samples, { batchSize: 16, seed: 5, epoch: 1 }).seen;
    const e0again = collect(samples, { batchSize: 16, seed: 5, epoch: 0 }).seen;
    const otherSeed = collect(samples, { batchSize: 16, seed: 6, epoch: 0 }).seen;
    expect(e0again).toEqual(e0);
    expect(e1).not.toEqual(e0);
    expect(otherSeed).not.toEqual(e0);
    expect(e0).not.toEqual(Array.from({ length: 103 }, (_, i) => i));
    // (seed 1, epoch 2) and (seed 2, epoch 1) are unrelated streams.
    expect(collect(samples, { batchSize: 16, seed: 1, epoch: 2 }).seen).not.toEqual(
      collect(samples, { batchSize: 16, seed: 2, epoch: 1 }).seen,
    );
  });

  it('keeps the input order when shuffle is false', () => {
    const { seen } = collect(samples, { batchSize: 7, seed: 5, epoch: 3, shuffle: false });
    expect(seen).toEqual(Array.from({ length: 103 }, (_, i) => i));
  });

  it('handles a batch larger than the set', () => {
    const { sizes, seen } = collect(labelledSamples(5), { batchSize: 64, seed: 1, epoch: 0 });
    expect(sizes).toEqual([5]);
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('rejects bad options', () => {
    expect(() => new BatchSampler(samples, { batchSize: 0, seed: 1 })).toThrow(
      /batchSize must be a positive integer, got 0/,
    );
    expect(() => [...iterateBatches(samples, { batchSize: 4, seed: 1, epoch: -1 })]).toThrow(
      /epoch must be a non-negative integer, got -1/,
    );
  });
});

describe('BatchSampler', () => {
  it('reuses its buffers across batches and epochs instead of copying the set', () => {
    const sampler = new BatchSampler(labelledSamples(40), { batchSize: 8, seed: 2 });
    expect(sampler.batchesPerEpoch).toBe(5);
    const buffers = new Set<ArrayBufferLike>();
    for (const epoch of [0, 1]) {
      for (const batch of sampler.batches(epoch)) {
        buffers.add(batch.inputs.buffer);
        buffers.add(batch.targets.buffer);
      }
    }
    // One inputs buffer and one targets buffer for everything.
    expect(buffers.size).toBe(2);
  });

  it('derives the epoch order from (seed, epoch) only, not from earlier epochs', () => {
    const a = new BatchSampler(labelledSamples(50), { batchSize: 8, seed: 9 });
    const b = new BatchSampler(labelledSamples(50), { batchSize: 8, seed: 9 });
    a.epochOrder(0);
    a.epochOrder(1);
    expect(Array.from(a.epochOrder(2))).toEqual(Array.from(b.epochOrder(2)));
  });
});
