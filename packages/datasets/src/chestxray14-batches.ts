import sharp from 'sharp';
import { HeadroomError } from '@headroom/errors';
import type { ChestSplit } from './chestxray14.js';
import { prefetchInOrder, streamOptions, type StreamOptions } from './prefetch.js';
import { batchCount, createRng, epochWords, fillEpochOrder, mixSeeds, type Rng } from './prng.js';

/**
 * Pixel normalisation of the chest images: grey in [0, 1], then (v − mean) / std. ImageNet's
 * statistics averaged over its three channels (CheXNet normalises its replicated grey with
 * ImageNet's): centred and about unit spread for X-rays too.
 */
export const CHEST_PIXEL_MEAN = 0.449;
export const CHEST_PIXEL_STD = 0.226;

/**
 * Training augmentation, kept light: the findings are small and their place matters. No
 * horizontal flip: a flipped chest has its heart on the right (dextrocardia), which muddles
 * Cardiomegaly, and flips the laterality markers. Instead a small affine (patient position
 * and framing vary between films) and brightness/contrast jitter (exposure varies).
 */
export const CHEST_AUGMENTATION = {
  /** Zoom factor uniform in [1 − s, 1 + s]. */
  scale: 0.1,
  /** Shift uniform in ±t of the side, each axis. */
  translate: 0.05,
  /** Rotation uniform in ±r radians (5°). */
  rotate: (5 * Math.PI) / 180,
  /** Added to the [0, 1] grey, uniform in ±b. */
  brightness: 0.1,
  /** Grey scaled about 0.5 by a factor uniform in [1 − c, 1 + c]. */
  contrast: 0.1,
} as const;

export interface ChestBatchOptions extends StreamOptions {
  /** Images are square: imageSize × imageSize pixels. */
  imageSize: number;
  /** Shuffle the images (default false; the trainer passes true for train). */
  shuffle?: boolean;
  /** CHEST_AUGMENTATION, drawn per image from (seed, epoch, index) (default false; true for train). */
  augment?: boolean;
}

/** One batch, freshly allocated (batches decoded ahead must not share buffers), channels-last. */
export interface ChestBatch {
  size: number;
  /** [size][imageSize][imageSize][1], grey normalised with CHEST_PIXEL_MEAN / CHEST_PIXEL_STD. */
  images: Float32Array;
  /** [size][labels], 0 or 1. */
  targets: Float32Array;
  /** The images of the split in this batch, in order. */
  indices: Uint32Array;
}

/**
 * The batches of one epoch of a split, as an async iterable. Images of any size are decoded
 * with sharp, made grey and resized (stretched, not cropped: the films are square or nearly)
 * to imageSize × imageSize, then augmented if asked. The order and every augmentation depend
 * on (seed, epoch) only. Up to `prefetch` batches are decoded ahead of the consumer, so
 * decoding overlaps training. Iterating again restarts the epoch.
 */
export class ChestBatchStream implements AsyncIterable<ChestBatch> {
  readonly labels: number;
  readonly batchSize: number;
  readonly imageSize: number;
  readonly seed: number;
  readonly epoch: number;
  readonly shuffle: boolean;
  readonly augment: boolean;
  readonly prefetch: number;
  readonly dropLast: boolean;
  readonly decodeConcurrency: number;
  private loaded = 0;

  constructor(
    readonly split: ChestSplit,
    options: ChestBatchOptions,
  ) {
    const { batchSize, seed, epoch, prefetch, dropLast, decodeConcurrency } =
      streamOptions(options);
    const { imageSize } = options;
    if (!Number.isInteger(imageSize) || imageSize < 1)
      throw new HeadroomError(
        'INVALID_INPUT',
        `imageSize must be an integer ≥ 1, got ${imageSize}`,
      );
    if (split.count === 0)
      throw new HeadroomError(
        'DATA',
        'this ChestX-ray14 split has no images to batch: check train_val_list.txt, test_list.txt and the validation fraction',
      );
    this.labels = split.targets.length / split.count;
    this.batchSize = batchSize;
    this.imageSize = imageSize;
    this.seed = seed;
    this.epoch = epoch;
    this.shuffle = options.shuffle ?? false;
    this.augment = options.augment ?? false;
    this.prefetch = prefetch;
    this.dropLast = dropLast;
    this.decodeConcurrency = decodeConcurrency;
  }

  get batchesPerEpoch(): number {
    return batchCount(this.split.count, this.batchSize, this.dropLast);
  }

  /** Batches fully decoded in the current iteration (consumed or waiting). */
  get batchesLoaded(): number {
    return this.loaded;
  }

  /** The image order of this epoch (Fisher–Yates seeded by seed and epoch when shuffling). */
  epochOrder(): Uint32Array {
    return fillEpochOrder(new Uint32Array(this.split.count), this.seed, this.epoch, this.shuffle);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ChestBatch, void, undefined> {
    const order = this.epochOrder();
    this.loaded = 0;
    yield* prefetchInOrder(this.batchesPerEpoch, this.prefetch, (k) => this.loadBatch(order, k));
  }

  private async loadBatch(order: Uint32Array, k: number): Promise<ChestBatch> {
    const { split, labels, imageSize: S } = this;
    const start = k * this.batchSize;
    const indices = order.slice(start, Math.min(start + this.batchSize, order.length));
    const size = indices.length;
    const images = new Float32Array(size * S * S);
    const targets = new Float32Array(size * labels);
    let next = 0;
    const worker = async () => {
      while (next < size) {
        const slot = next++;
        const index = indices[slot] as number;
        for (let c = 0; c < labels; c++)
          targets[slot * labels + c] = split.targets[index * labels + c] as number;
        const grey = await decodeChestImage(split.images[index] as string, S);
        const rng = this.augment
          ? createRng(mixSeeds(...epochWords(this.seed, this.epoch), index, 0x63787231))
          : undefined;
        renderChestImage(grey, S, images, slot * S * S, rng);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.decodeConcurrency, size) }, worker));
    this.loaded++;
    return { size, images, targets, indices };
  }
}

/** `new ChestBatchStream(split, options)`: `for await (const batch of streamChestBatches(…))`. */
export function streamChestBatches(
  split: ChestSplit,
  options: ChestBatchOptions,
): ChestBatchStream {
  return new ChestBatchStream(split, options);
}

/** An image file as 8-bit grey, size × size (stretched); a missing or broken file is a DATA error. */
export async function decodeChestImage(path: string, size: number): Promise<Uint8Array> {
  try {
    const { data, info } = await sharp(path, { failOn: 'error' })
      .removeAlpha()
      .grayscale()
      .resize(size, size, { fit: 'fill' })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels === 1) return data;
    // sharp keeps 3 channels for some inputs even after grayscale(): they are equal.
    const grey = new Uint8Array(size * size);
    for (let p = 0; p < grey.length; p++) grey[p] = data[p * info.channels] as number;
    return grey;
  } catch (err) {
    const message = (err as Error).message;
    if (/missing|no such file|ENOENT/i.test(message))
      throw new HeadroomError(
        'DATA',
        `${path} does not exist: the images folder must hold every image the CSVs list for the splits`,
      );
    throw new HeadroomError('DATA', `${path}: cannot decode the image (${message})`);
  }
}

/**
 * Writes a size × size grey image, normalised, into `out` from `offset`; with `rng`, warped by a
 * random CHEST_AUGMENTATION affine about the centre (bilinear, black outside) and jittered.
 */
export function renderChestImage(
  grey: Uint8Array,
  size: number,
  out: Float32Array,
  offset: number,
  rng?: Rng,
): void {
  const mul = 1 / (255 * CHEST_PIXEL_STD);
  const add = -CHEST_PIXEL_MEAN / CHEST_PIXEL_STD;
  if (!rng) {
    for (let p = 0; p < size * size; p++) out[offset + p] = (grey[p] as number) * mul + add;
    return;
  }
  const a = CHEST_AUGMENTATION;
  const u = (r: number) => (2 * rng() - 1) * r;
  const zoom = 1 + u(a.scale);
  const angle = u(a.rotate);
  const tx = u(a.translate) * size;
  const ty = u(a.translate) * size;
  const contrast = 1 + u(a.contrast);
  const brightness = u(a.brightness);
  // Output pixel (x, y) samples the source at centre + R(−angle)·(p − centre − t) / zoom.
  const c = (size - 1) / 2;
  const cos = Math.cos(angle) / zoom;
  const sin = Math.sin(angle) / zoom;
  let o = offset;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++, o++) {
      const dx = x - c - tx;
      const dy = y - c - ty;
      const sx = c + cos * dx + sin * dy;
      const sy = c - sin * dx + cos * dy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      let v = 0;
      for (let k = 0; k < 4; k++) {
        const px = x0 + (k & 1);
        const py = y0 + (k >> 1);
        if (px < 0 || py < 0 || px >= size || py >= size) continue;
        const w = ((k & 1) === 1 ? fx : 1 - fx) * (k >> 1 === 1 ? fy : 1 - fy);
        v += w * (grey[py * size + px] as number);
      }
      const g = Math.min(1, Math.max(0, (v / 255 - 0.5) * contrast + 0.5 + brightness));
      out[o] = (g - CHEST_PIXEL_MEAN) / CHEST_PIXEL_STD;
    }
  }
}
