import { HeadroomError } from '@headroom/errors';
import type { CocoKeypointsDataset, CocoSampleMeta } from './coco-dataset.js';
import { COCO_KEYPOINTS } from './coco-skeleton.js';
import type { RawImage } from './coco-transforms.js';
import { prefetchInOrder, streamOptions, type StreamOptions } from './prefetch.js';
import { batchCount, fillEpochOrder } from './prng.js';

export interface CocoBatchOptions extends StreamOptions {
  /** Shuffle the samples (default: true for the train split, false for val). */
  shuffle?: boolean;
}

/**
 * One batch, freshly allocated (batches decoded ahead must not share buffers with
 * the one being trained on), shapes channels-last as TensorFlow.js wants them.
 */
export interface CocoBatch {
  size: number;
  /** [size][H][W][3], RGB normalised with ImageNet mean and std. */
  images: Float32Array;
  /** [size][17][H/4][W/4]. */
  heatmaps: Float32Array;
  /** [size][17]. */
  weights: Float32Array;
  meta: CocoSampleMeta[];
  /** The samples of this batch, in order. */
  indices: Uint32Array;
}

/**
 * The batches of one epoch of a COCO set, as an async iterable. The sample order
 * and every augmentation depend on (seed, epoch) only. Batches are produced one
 * after another, up to `prefetch` ahead of the consumer, so decoding overlaps
 * training while memory holds at most `prefetch + 1` batches — never the set.
 * Iterating again restarts the epoch.
 */
export class CocoBatchStream implements AsyncIterable<CocoBatch> {
  readonly batchSize: number;
  readonly seed: number;
  readonly epoch: number;
  readonly shuffle: boolean;
  readonly prefetch: number;
  readonly dropLast: boolean;
  readonly decodeConcurrency: number;
  private scheduled = 0;
  private loaded = 0;

  constructor(
    readonly dataset: CocoKeypointsDataset,
    options: CocoBatchOptions,
  ) {
    const { batchSize, seed, epoch, prefetch, dropLast, decodeConcurrency } =
      streamOptions(options);
    if (dataset.length === 0) {
      throw new HeadroomError(
        'DATA',
        `${dataset.annotationFile} has no person samples to batch (no non-crowd person with labelled keypoints${dataset.source === 'detections' ? ', or no detection above the score threshold' : ''})`,
      );
    }
    this.batchSize = batchSize;
    this.seed = seed;
    this.epoch = epoch;
    this.shuffle = options.shuffle ?? dataset.split === 'train';
    this.prefetch = prefetch;
    this.dropLast = dropLast;
    this.decodeConcurrency = decodeConcurrency;
  }

  get batchesPerEpoch(): number {
    return batchCount(this.dataset.length, this.batchSize, this.dropLast);
  }

  /** Batches whose loading has been scheduled in the current iteration. */
  get batchesScheduled(): number {
    return this.scheduled;
  }

  /** Batches fully decoded in the current iteration (consumed or waiting). */
  get batchesLoaded(): number {
    return this.loaded;
  }

  /** The sample order of this epoch (Fisher–Yates seeded by seed and epoch). */
  epochOrder(): Uint32Array {
    return fillEpochOrder(
      new Uint32Array(this.dataset.length),
      this.seed,
      this.epoch,
      this.shuffle,
    );
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<CocoBatch, void, undefined> {
    const order = this.epochOrder();
    this.scheduled = 0;
    this.loaded = 0;
    yield* prefetchInOrder(
      this.batchesPerEpoch,
      this.prefetch,
      (k) => this.loadBatch(order, k),
      () => this.scheduled++,
    );
  }

  private async loadBatch(order: Uint32Array, k: number): Promise<CocoBatch> {
    const { dataset } = this;
    const start = k * this.batchSize;
    const indices = order.slice(start, Math.min(start + this.batchSize, order.length));
    const size = indices.length;
    const { width, height } = dataset.inputSize;
    const hm = dataset.heatmapSize;
    const images = new Float32Array(size * width * height * 3);
    const heatmaps = new Float32Array(size * COCO_KEYPOINTS * hm.width * hm.height);
    const weights = new Float32Array(size * COCO_KEYPOINTS);
    const meta = new Array<CocoSampleMeta>(size);
    // People of one image in one batch share a decode; the cache dies with the batch.
    const decoded = new Map<number, Promise<RawImage>>();
    let next = 0;
    const worker = async () => {
      while (next < size) {
        const slot = next++;
        const index = indices[slot] as number;
        const { imageId } = dataset.samples[index] as { imageId: number };
        let image = decoded.get(imageId);
        if (!image) {
          image = dataset.decodeImage(imageId);
          decoded.set(imageId, image);
        }
        const params = dataset.cropParams(index, this.seed, this.epoch);
        meta[slot] = dataset.renderCrop(index, await image, params, {
          images,
          heatmaps,
          weights,
          slot,
        }).meta;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.decodeConcurrency, size) }, worker));
    this.loaded++;
    return { size, images, heatmaps, weights, meta, indices };
  }
}

/** `new CocoBatchStream(dataset, options)`: `for await (const batch of streamCocoBatches(…))`. */
export function streamCocoBatches(
  dataset: CocoKeypointsDataset,
  options: CocoBatchOptions,
): CocoBatchStream {
  return new CocoBatchStream(dataset, options);
}
