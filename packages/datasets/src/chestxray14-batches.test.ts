import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHEST_PIXEL_MEAN,
  CHEST_PIXEL_STD,
  streamChestBatches,
  type ChestBatch,
  type ChestBatchOptions,
} from './chestxray14-batches.js';
import type { ChestSplit } from './chestxray14.js';

const dir = mkdtempSync(join(tmpdir(), 'headroom-chest-batches-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LABELS = 3;
const COUNT = 7;
let split: ChestSplit;

/** Image i: i × 30 grey everywhere, except image 0 (left half white, right half black, RGB, 40×30). */
beforeAll(async () => {
  const images: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    const path = join(dir, `${i}.png`);
    if (i === 0) {
      const rgb = Buffer.alloc(40 * 30 * 3);
      for (let y = 0; y < 30; y++)
        for (let x = 0; x < 20; x++) rgb.fill(255, (y * 40 + x) * 3, (y * 40 + x) * 3 + 3);
      await sharp(rgb, { raw: { width: 40, height: 30, channels: 3 } })
        .png()
        .toFile(path);
    } else {
      const grey = Buffer.alloc(24 * 24, i * 30);
      await sharp(grey, { raw: { width: 24, height: 24, channels: 1 } })
        .png()
        .toFile(path);
    }
    images.push(path);
  }
  const targets = new Uint8Array(COUNT * LABELS);
  for (let i = 0; i < COUNT; i++) targets[i * LABELS + (i % LABELS)] = 1;
  split = { count: COUNT, images, patients: Int32Array.from(images, (_, i) => i), targets };
});

async function epoch(options: Partial<ChestBatchOptions> = {}): Promise<ChestBatch[]> {
  const batches: ChestBatch[] = [];
  const stream = streamChestBatches(split, {
    batchSize: 3,
    imageSize: 16,
    seed: 5,
    epoch: 0,
    ...options,
  });
  for await (const b of stream) batches.push(b);
  return batches;
}

const normalised = (grey: number) => (grey / 255 - CHEST_PIXEL_MEAN) / CHEST_PIXEL_STD;

describe('streamChestBatches', () => {
  it('gives every image once, [B][S][S][1] normalised grey and [B][C] targets', async () => {
    const batches = await epoch();
    expect(batches.map((b) => b.size)).toEqual([3, 3, 1]);
    const seen = batches.flatMap((b) => Array.from(b.indices));
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const b of batches) {
      expect(b.images).toHaveLength(b.size * 16 * 16);
      expect(b.targets).toHaveLength(b.size * LABELS);
      b.indices.forEach((index, slot) => {
        expect(Array.from(b.targets.subarray(slot * LABELS, (slot + 1) * LABELS))).toEqual(
          Array.from(split.targets.subarray(index * LABELS, (index + 1) * LABELS)),
        );
        if (index > 0) {
          const image = b.images.subarray(slot * 256, (slot + 1) * 256);
          for (const v of image) expect(v).toBeCloseTo(normalised(index * 30), 5);
        }
      });
    }
    const dropped = await epoch({ dropLast: true });
    expect(dropped.map((b) => b.size)).toEqual([3, 3]);
  });

  it('makes an RGB image of another size grey and resizes it to imageSize × imageSize', async () => {
    const [first] = await epoch({ imageSize: 8 });
    const image = first!.images.subarray(0, 64);
    for (let y = 0; y < 8; y++) {
      // The white half is on the left: columns 0–2 white, 5–7 black (3–4 blend at the edge).
      for (const x of [0, 1, 2]) expect(image[y * 8 + x]).toBeCloseTo(normalised(255), 1);
      for (const x of [5, 6, 7]) expect(image[y * 8 + x]).toBeCloseTo(normalised(0), 1);
    }
  });

  it('shuffles and augments as a function of (seed, epoch) only', async () => {
    const options = { shuffle: true, augment: true, epoch: 2 };
    const a = await epoch(options);
    // Decoded concurrently and prefetched differently: the same batches all the same.
    const b = await epoch({ ...options, prefetch: 0, decodeConcurrency: 1 });
    expect(b).toEqual(a);
    const order = (batches: ChestBatch[]) => batches.flatMap((x) => Array.from(x.indices));
    expect([...order(a)].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const otherEpoch = await epoch({ ...options, epoch: 3 });
    const otherSeed = await epoch({ ...options, seed: 6 });
    expect(order(otherEpoch)).not.toEqual(order(a));
    expect(order(otherSeed)).not.toEqual(order(a));

    // Without shuffling, epoch 2 and 3 see the same images, but jittered differently.
    const plain2 = await epoch({ augment: true, epoch: 2 });
    const plain3 = await epoch({ augment: true, epoch: 3 });
    expect(order(plain2)).toEqual(order(plain3));
    expect(plain2[1]!.images).not.toEqual(plain3[1]!.images);
    // A flat image stays flat in the middle: brightness/contrast jitter is small.
    const centre = plain2[1]!.images[8 * 16 + 8]!; // image 3, grey 90
    expect(Math.abs(centre - normalised(90))).toBeLessThan(0.15 / CHEST_PIXEL_STD);
    expect(centre).not.toBeCloseTo(normalised(90), 4);
  });

  it('names a missing image file (DATA) and refuses bad options', async () => {
    const broken: ChestSplit = { ...split, images: [...split.images] };
    broken.images[4] = join(dir, 'gone.png');
    const stream = streamChestBatches(broken, { batchSize: 2, imageSize: 8, seed: 1, epoch: 0 });
    const consume = async () => {
      for await (const b of stream) void b;
    };
    await expect(consume()).rejects.toMatchObject({
      code: 'DATA',
      message: expect.stringContaining(`${join(dir, 'gone.png')} does not exist`),
    });
    expect(() =>
      streamChestBatches(split, { batchSize: 0, imageSize: 8, seed: 1, epoch: 0 }),
    ).toThrow('batchSize must be an integer ≥ 1, got 0');
    const empty: ChestSplit = {
      count: 0,
      images: [],
      patients: new Int32Array(),
      targets: new Uint8Array(),
    };
    expect(() =>
      streamChestBatches(empty, { batchSize: 2, imageSize: 8, seed: 1, epoch: 0 }),
    ).toThrow(/no images to batch/);
  });
});
