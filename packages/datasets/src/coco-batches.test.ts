import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CocoBatchStream, streamCocoBatches, type CocoBatch } from './coco-batches.js';
import { openCocoKeypoints, type CocoKeypointsDataset } from './coco-dataset.js';
import { cropToImage } from './coco-transforms.js';
import { synthesizeCoco, type SyntheticCocoPaths } from './synthetic-coco.js';

const INPUT = { width: 48, height: 64 };
const dir = mkdtempSync(join(tmpdir(), 'headroom-coco-batches-'));
let set: SyntheticCocoPaths;
let train: CocoKeypointsDataset;
let val: CocoKeypointsDataset;

beforeAll(async () => {
  set = await synthesizeCoco({ outDir: dir, images: 16, seed: 11, width: 160, height: 120 });
  train = await openCocoKeypoints({
    annotationFile: set.train.annotationFile,
    imageDir: set.train.imageDir,
    inputSize: INPUT,
  });
  val = await openCocoKeypoints({
    annotationFile: set.val.annotationFile,
    imageDir: set.val.imageDir,
    inputSize: INPUT,
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(stream: AsyncIterable<CocoBatch>): Promise<CocoBatch[]> {
  const out: CocoBatch[] = [];
  for await (const b of stream) out.push(b);
  return out;
}

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('streamCocoBatches', () => {
  it('visits every person exactly once per epoch, in a new order each epoch', async () => {
    const n = train.length;
    expect(n).toBeGreaterThan(10);
    const orders: number[][] = [];
    for (const epoch of [0, 1]) {
      const batches = await collect(streamCocoBatches(train, { batchSize: 4, seed: 3, epoch }));
      expect(batches).toHaveLength(Math.ceil(n / 4));
      const seen = batches.flatMap((b) => b.meta.map((m) => m.index));
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(batches.flatMap((b) => Array.from(b.indices))).toEqual(seen);
      orders.push(seen);
    }
    expect(orders[0]).not.toEqual(orders[1]);
  });

  it('yields [B,H,W,3] images, [B,17,H/4,W/4] heatmaps, [B,17] weights and meta to map predictions back', async () => {
    const [first] = await collect(
      streamCocoBatches(train, { batchSize: 5, seed: 1, epoch: 0, prefetch: 0 }),
    );
    const b = first!;
    expect(b.size).toBe(5);
    expect(b.images.length).toBe(5 * 64 * 48 * 3);
    expect(b.heatmaps.length).toBe(5 * 17 * 16 * 12);
    expect(b.weights.length).toBe(5 * 17);
    expect(b.meta).toHaveLength(5);
    for (const m of b.meta) {
      const sample = train.samples[m.index]!;
      expect(m.imageId).toBe(sample.imageId);
      expect(m.annId).toBe(sample.annId);
      expect(m.center).toHaveLength(2);
      expect(m.scale).toHaveLength(2);
    }
    // Normalised: about zero mean, not 0…255.
    const mean = b.images.reduce((s, v) => s + v, 0) / b.images.length;
    expect(Math.abs(mean)).toBeLessThan(2);
  });

  it('gives each sample the crop of (seed, epoch, index), whatever the prefetch depth', async () => {
    const eager = await collect(
      streamCocoBatches(train, { batchSize: 3, seed: 8, epoch: 2, prefetch: 3 }),
    );
    const lazy = await collect(
      streamCocoBatches(train, { batchSize: 3, seed: 8, epoch: 2, prefetch: 0 }),
    );
    eager.forEach((b, k) => {
      expect(bytes(b.images).equals(bytes(lazy[k]!.images))).toBe(true);
      expect(bytes(b.heatmaps).equals(bytes(lazy[k]!.heatmaps))).toBe(true);
    });
    const b = eager[1]!;
    const index = b.indices[2]!;
    const single = await train.loadSample(index, train.cropParams(index, 8, 2));
    const size = 64 * 48 * 3;
    expect(bytes(b.images.subarray(2 * size, 3 * size)).equals(bytes(single.image))).toBe(true);
    expect(Array.from(b.weights.subarray(2 * 17, 3 * 17))).toEqual(Array.from(single.weights));
    expect(b.meta[2]).toEqual(single.meta);
  });

  it('decodes the next batches while the consumer holds the current one', async () => {
    const stream = new CocoBatchStream(train, { batchSize: 2, seed: 1, epoch: 0, prefetch: 2 });
    const it = stream[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    expect(stream.batchesScheduled).toBe(3);
    // Nobody asks for batch 1 or 2, yet they get decoded.
    await vi.waitFor(() => expect(stream.batchesLoaded).toBe(3), { timeout: 10_000, interval: 5 });
    expect(stream.batchesScheduled).toBe(3); // and no further than the prefetch depth
    await it.next();
    expect(stream.batchesScheduled).toBe(4);
    await it.return?.(undefined);

    const onDemand = new CocoBatchStream(train, { batchSize: 2, seed: 1, epoch: 0, prefetch: 0 });
    const lazy = onDemand[Symbol.asyncIterator]();
    await lazy.next();
    expect(onDemand.batchesScheduled).toBe(1);
    await lazy.return?.(undefined);
  });

  it('can stop early and start the epoch again', async () => {
    const stream = streamCocoBatches(train, { batchSize: 2, seed: 4, epoch: 0 });
    let firstIndices: number[] = [];
    for await (const b of stream) {
      firstIndices = Array.from(b.indices);
      break;
    }
    const all = await collect(stream);
    expect(Array.from(all[0]!.indices)).toEqual(firstIndices);
    expect(all.reduce((s, b) => s + b.size, 0)).toBe(train.length);
  });

  it('drops a short last batch only when asked', () => {
    const n = train.length;
    const keep = streamCocoBatches(train, { batchSize: n - 1, seed: 1, epoch: 0 });
    const drop = streamCocoBatches(train, { batchSize: n - 1, seed: 1, epoch: 0, dropLast: true });
    expect([keep.batchesPerEpoch, drop.batchesPerEpoch]).toEqual([2, 1]);
  });

  it('keeps file order for evaluation and rejects bad options', async () => {
    const batches = await collect(streamCocoBatches(val, { batchSize: 2, seed: 1, epoch: 0 }));
    expect(batches.flatMap((b) => b.meta.map((m) => m.index))).toEqual(
      Array.from({ length: val.length }, (_, i) => i),
    );
    expect(() => streamCocoBatches(val, { batchSize: 0, seed: 1, epoch: 0 })).toThrow(
      /batchSize must be an integer ≥ 1/,
    );
    expect(() => streamCocoBatches(val, { batchSize: 2, seed: 1, epoch: -1 })).toThrow(/epoch/);
  });

  it('evaluates from a detections file: meta maps heatmap coordinates back into the detected box', async () => {
    const json = JSON.parse(readFileSync(set.val.annotationFile, 'utf8')) as {
      annotations: Array<{ image_id: number; bbox: number[]; iscrowd: number }>;
    };
    const detections = json.annotations.map((a, i) => ({
      image_id: a.image_id,
      category_id: 1,
      bbox: a.bbox,
      score: i % 2 ? 0.9 : 0.2,
    }));
    const detectionsFile = join(dir, 'detections.json');
    writeFileSync(detectionsFile, JSON.stringify(detections));
    const ds = await openCocoKeypoints({
      annotationFile: set.val.annotationFile,
      imageDir: set.val.imageDir,
      detectionsFile,
      detectionScoreThreshold: 0.5,
      inputSize: INPUT,
    });
    expect(ds.length).toBe(detections.filter((d) => d.score >= 0.5).length);
    const batches = await collect(streamCocoBatches(ds, { batchSize: 4, seed: 1, epoch: 0 }));
    for (const b of batches) {
      expect(b.weights.every((w) => w === 0)).toBe(true);
      for (const m of b.meta) {
        expect(m.annId).toBeNull();
        expect(m.score).toBe(0.9);
        const box = ds.samples[m.index]!.bbox;
        // Heatmap centre → box centre; heatmap corner → the padded box's corner.
        const [cx, cy, x0, y0] = cropToImage([6, 8, 0, 0], m.center, m.scale, {
          width: 12,
          height: 16,
        });
        expect(cx).toBeCloseTo(box[0] + box[2] / 2, 6);
        expect(cy).toBeCloseTo(box[1] + box[3] / 2, 6);
        expect(x0).toBeLessThanOrEqual(box[0]);
        expect(y0).toBeLessThanOrEqual(box[1]);
      }
    }
  });
});
