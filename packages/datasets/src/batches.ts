import { HeadroomError } from '@headroom/errors';
import { batchCount, fillEpochOrder } from './prng.js';
import type { Pose3dSamples } from './pose3d-samples.js';

export interface BatchOptions {
  batchSize: number;
  seed: number;
  /** Shuffle the order each epoch (default true); false visits samples in order. */
  shuffle?: boolean;
  /** Skip the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
}

/**
 * One batch. `inputs`, `targets` and `indices` are views of buffers the sampler
 * reuses: they are overwritten when the next batch is produced, so copy them
 * (e.g. into a tensor) before asking for the next one.
 */
export interface Batch {
  /** [size][17][2] */
  inputs: Float32Array;
  /** [size][17][3] */
  targets: Float32Array;
  size: number;
  /** Which samples this batch holds, in order. */
  indices: Uint32Array;
}

/**
 * Deterministic mini-batches over lifting samples. An epoch shuffles an index
 * permutation (seeded by seed and epoch alone, so a trial resumed at epoch k sees
 * exactly the batches it would have seen) and gathers each batch into buffers
 * allocated once per sampler — the sample set itself is never copied.
 */
export class BatchSampler {
  readonly batchSize: number;
  private readonly samples: Pose3dSamples;
  private readonly seed: number;
  private readonly shuffle: boolean;
  private readonly dropLast: boolean;
  private readonly order: Uint32Array;
  private readonly inputs: Float32Array;
  private readonly targets: Float32Array;
  private readonly inputSize: number;
  private readonly targetSize: number;

  constructor(samples: Pose3dSamples, options: BatchOptions) {
    const { batchSize, seed, shuffle = true, dropLast = false } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new HeadroomError(
        'INVALID_INPUT',
        `batchSize must be a positive integer, got ${batchSize}`,
      );
    }
    if (!Number.isSafeInteger(seed))
      throw new HeadroomError('INVALID_INPUT', `seed must be an integer, got ${seed}`);
    if (samples.count < 1)
      throw new HeadroomError('DATA', 'cannot batch an empty sample set (count 0)');
    if (samples.count > 0xffffffff)
      throw new HeadroomError('DATA', `too many samples for 32-bit indices: ${samples.count}`);
    this.samples = samples;
    this.batchSize = batchSize;
    this.seed = seed;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.inputSize = samples.inputs.length / samples.count;
    this.targetSize = samples.targets.length / samples.count;
    if (!Number.isInteger(this.inputSize) || !Number.isInteger(this.targetSize)) {
      throw new HeadroomError('DATA', `sample arrays do not divide into ${samples.count} samples`);
    }
    const capacity = Math.min(batchSize, samples.count);
    this.order = new Uint32Array(samples.count);
    this.inputs = new Float32Array(capacity * this.inputSize);
    this.targets = new Float32Array(capacity * this.targetSize);
  }

  /** Batches in one epoch. */
  get batchesPerEpoch(): number {
    return batchCount(this.samples.count, this.batchSize, this.dropLast);
  }

  /** The sample order of an epoch (a fresh copy; for tests and logging). */
  epochOrder(epoch: number): Uint32Array {
    this.fillOrder(epoch);
    return this.order.slice();
  }

  /**
   * Yields the batches of `epoch`. The yielded arrays are reused: see `Batch`.
   * Do not interleave two epochs of the same sampler.
   */
  *batches(epoch: number): Generator<Batch, void, undefined> {
    this.fillOrder(epoch);
    const { count, inputs: allInputs, targets: allTargets } = this.samples;
    const { inputSize, targetSize } = this;
    for (let start = 0; start < count; start += this.batchSize) {
      const size = Math.min(this.batchSize, count - start);
      if (size < this.batchSize && this.dropLast) return;
      const indices = this.order.subarray(start, start + size);
      for (let b = 0; b < size; b++) {
        const i = indices[b] as number;
        this.inputs.set(allInputs.subarray(i * inputSize, (i + 1) * inputSize), b * inputSize);
        this.targets.set(allTargets.subarray(i * targetSize, (i + 1) * targetSize), b * targetSize);
      }
      yield {
        inputs:
          size * inputSize === this.inputs.length
            ? this.inputs
            : this.inputs.subarray(0, size * inputSize),
        targets:
          size * targetSize === this.targets.length
            ? this.targets
            : this.targets.subarray(0, size * targetSize),
        size,
        indices,
      };
    }
  }

  private fillOrder(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0) {
      throw new HeadroomError(
        'INVALID_INPUT',
        `epoch must be a non-negative integer, got ${epoch}`,
      );
    }
    fillEpochOrder(this.order, this.seed, epoch, this.shuffle);
  }
}

/**
 * The batches of one epoch (a new `BatchSampler` each call; keep a sampler to
 * reuse its buffers across epochs). The yielded arrays are reused between batches.
 */
export function iterateBatches(
  samples: Pose3dSamples,
  options: BatchOptions & { epoch: number },
): Generator<Batch, void, undefined> {
  return new BatchSampler(samples, options).batches(options.epoch);
}
