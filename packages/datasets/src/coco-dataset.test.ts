import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCocoKeypoints, type CocoCrop, type CocoKeypointsDataset } from './coco-dataset.js';
import {
  applyAffine,
  boxToCenterScale,
  getAffineTransform,
  IMAGENET_MEAN,
  IMAGENET_STD,
} from './coco-transforms.js';

/**
 * A hand-made set whose images are gradients (R = x, G = y) saved as PNG, so every
 * crop pixel says exactly where in the image it was sampled.
 */
const W = 200;
const H = 150;
const INPUT = { width: 48, height: 64 };
let dir = '';
let annotationFile = '';
let imageDir = '';

function keypoints(points: Record<number, [number, number, number]>): number[] {
  const kp = new Array<number>(51).fill(0);
  for (const [j, [x, y, v]] of Object.entries(points)) kp.splice(Number(j) * 3, 3, x, y, v);
  return kp;
}

const KP_11 = keypoints({
  0: [70, 40, 2],
  5: [80, 60, 2],
  6: [60, 61, 1],
  9: [95, 90, 2],
  15: [75, 125, 2],
});
const KP_14 = keypoints({ 11: [20, 120, 2], 12: [30, 121, 2] });

function annotationJson() {
  const base = { category_id: 1, iscrowd: 0, area: 500 };
  return {
    images: [
      { id: 5, file_name: 'a.png', width: W, height: H },
      { id: 6, file_name: 'b.png', width: W, height: H },
      { id: 7, file_name: 'wrong-size.png', width: W, height: H },
      { id: 8, file_name: 'missing.png', width: W, height: H },
    ],
    annotations: [
      { ...base, id: 11, image_id: 5, bbox: [50, 30, 40, 100], num_keypoints: 5, keypoints: KP_11 },
      {
        ...base,
        id: 12,
        image_id: 5,
        bbox: [0, 0, 50, 50],
        iscrowd: 1,
        num_keypoints: 0,
        keypoints: keypoints({}),
      },
      {
        ...base,
        id: 13,
        image_id: 5,
        bbox: [100, 10, 30, 30],
        num_keypoints: 0,
        keypoints: keypoints({}),
      },
      {
        ...base,
        id: 14,
        image_id: 5,
        bbox: [-10, 100, 60, 80],
        num_keypoints: 2,
        keypoints: KP_14,
      },
      {
        ...base,
        id: 15,
        image_id: 5,
        bbox: [10, 10, 30, 30],
        area: 0,
        num_keypoints: 2,
        keypoints: KP_14,
      },
      { ...base, id: 16, image_id: 7, bbox: [10, 10, 30, 30], num_keypoints: 2, keypoints: KP_14 },
      { ...base, id: 17, image_id: 8, bbox: [10, 10, 30, 30], num_keypoints: 2, keypoints: KP_14 },
    ],
    categories: [{ id: 1, name: 'person', keypoints: new Array(17).fill('k') }],
  };
}

async function writeGradient(path: string, width: number, height: number): Promise<void> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set([x, y, 0], (y * width + x) * 3);
  await sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(path);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'headroom-coco-ds-'));
  imageDir = join(dir, 'images');
  mkdirSync(imageDir);
  annotationFile = join(dir, 'person_keypoints_val.json');
  writeFileSync(annotationFile, JSON.stringify(annotationJson()));
  writeFileSync(join(dir, 'person_keypoints_train.json'), JSON.stringify(annotationJson()));
  await writeGradient(join(imageDir, 'a.png'), W, H);
  await writeGradient(join(imageDir, 'b.png'), W, H);
  await writeGradient(join(imageDir, 'wrong-size.png'), W + 1, H);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The crop's pixel (u, v) back in 0…255 units. */
function pixel(crop: CocoCrop, u: number, v: number): [number, number] {
  const o = (v * INPUT.width + u) * 3;
  const un = (c: 0 | 1) =>
    ((crop.image[o + c] as number) * IMAGENET_STD[c] + IMAGENET_MEAN[c]) * 255;
  return [un(0), un(1)];
}

/** Every crop pixel that samples inside the image holds the image point `toImage(u, v)`. */
function expectSampledAt(
  crop: CocoCrop,
  toImage: (u: number, v: number) => [number, number],
): number {
  let checked = 0;
  for (let v = 0; v < INPUT.height; v++) {
    for (let u = 0; u < INPUT.width; u++) {
      const [x, y] = toImage(u, v);
      if (x < 0 || y < 0 || x > W - 1 || y > H - 1) continue;
      const [r, g] = pixel(crop, u, v);
      expect(Math.abs(r - x)).toBeLessThan(0.01);
      expect(Math.abs(g - y)).toBeLessThan(0.01);
      checked++;
    }
  }
  return checked;
}

describe('openCocoKeypoints', () => {
  let val: CocoKeypointsDataset;
  beforeAll(async () => {
    val = await openCocoKeypoints({ annotationFile, imageDir, inputSize: INPUT });
  });

  it('builds one sample per person as HRNet: no crowd, no unlabelled, no empty box; boxes clipped', () => {
    expect(val.split).toBe('val');
    expect(val.samples.map((s) => s.annId)).toEqual([11, 14, 16, 17]);
    expect(val.samples[1]?.bbox).toEqual([0, 100, 59, 49]);
    // HRNet's clean-up makes the box one pixel narrower and shorter: x2 = x + w − 1.
    expect(val.samples[0]?.bbox).toEqual([50, 30, 39, 99]);
    const { center, scale } = boxToCenterScale([50, 30, 39, 99], 48 / 64);
    expect(val.samples[0]?.center).toEqual(center);
    expect(val.samples[0]?.scale).toEqual(scale);
    expect(val.imageIds).toEqual([5, 6, 7, 8]);
    expect(val.heatmapSize).toEqual({ width: 12, height: 16 });
    expect(val.augmentation).toBeNull();
  });

  it('infers the split from the file name and applies HRNet augmentation to train', async () => {
    const train = await openCocoKeypoints({
      annotationFile: join(dir, 'person_keypoints_train.json'),
      imageDir,
      inputSize: INPUT,
    });
    expect(train.split).toBe('train');
    expect(train.augmentation?.scaleFactor).toBe(0.35);
    expect(train.augmentation?.rotationFactor).toBe(45);
  });

  it('crops the box: each crop pixel is the image point the inverse matrix gives, joints go through the forward one', async () => {
    const crop = await val.loadSample(0);
    const s = val.samples[0]!;
    const inv = getAffineTransform(s.center, s.scale, 0, INPUT, true);
    expect(expectSampledAt(crop, (u, v) => applyAffine(inv, u, v))).toBeGreaterThan(1000);
    const fwd = getAffineTransform(s.center, s.scale, 0, INPUT);
    const [ex, ey] = applyAffine(fwd, 95, 90); // left wrist
    expect(crop.joints[9 * 3]).toBeCloseTo(ex, 4);
    expect(crop.joints[9 * 3 + 1]).toBeCloseTo(ey, 4);
    // Labelled joints (v = 1 and 2) are trained on; unlabelled ones are not.
    expect(Array.from(crop.weights)).toEqual([1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0]);
    expect(crop.meta).toMatchObject({
      index: 0,
      imageId: 5,
      annId: 11,
      rotation: 0,
      flipped: false,
      score: 1,
    });
    // The heatmap peak is where the joint is, at a quarter of the resolution.
    const plane = crop.heatmaps.subarray(9 * 12 * 16, 10 * 12 * 16);
    const peak = plane.indexOf(Math.max(...plane));
    expect(Math.abs((peak % 12) - ex / 4)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(Math.floor(peak / 12) - ey / 4)).toBeLessThanOrEqual(0.5);
  });

  it('flips: samples the mirrored image and swaps left and right joints', async () => {
    const plain = await val.loadSample(0);
    const flipped = await val.loadSample(0, { flip: true });
    expect(flipped.meta.flipped).toBe(true);
    expect(flipped.meta.center[0]).toBeCloseTo(W - 1 - plain.meta.center[0], 9);
    // The mirrored crop's column u is the plain crop's column (width − u).
    for (let v = 0; v < INPUT.height; v += 3) {
      for (let u = 1; u < INPUT.width; u++) {
        const a = pixel(flipped, u, v);
        const b = pixel(plain, INPUT.width - u, v);
        expect(a[0]).toBeCloseTo(b[0], 2);
        expect(a[1]).toBeCloseTo(b[1], 2);
      }
    }
    // Left shoulder of the mirrored crop is the right shoulder of the plain one, mirrored.
    for (const [l, r] of [
      [5, 6],
      [6, 5],
    ]) {
      expect(flipped.joints[l * 3]).toBeCloseTo(INPUT.width - (plain.joints[r * 3] as number), 4);
      expect(flipped.joints[l * 3 + 1]).toBeCloseTo(plain.joints[r * 3 + 1] as number, 4);
      expect(flipped.weights[l]).toBe(plain.weights[r]);
    }
    expect(flipped.weights[9]).toBe(0); // left wrist ← the unlabelled right wrist
    expect(flipped.weights[10]).toBe(1);
  });

  it('rotates and scales the crop about the box centre as the matrix says', async () => {
    const s = val.samples[0]!;
    const params = {
      rotation: 30,
      scale: [s.scale[0] * 0.8, s.scale[1] * 0.8] as [number, number],
      flip: true,
    };
    const crop = await val.loadSample(0, params);
    const inv = getAffineTransform(crop.meta.center, crop.meta.scale, 30, INPUT, true);
    // Flipped: the crop samples the mirrored image, whose x is W − 1 − x.
    const checked = expectSampledAt(crop, (u, v) => {
      const [x, y] = applyAffine(inv, u, v);
      return [W - 1 - x, y];
    });
    expect(checked).toBeGreaterThan(1000);
  });

  it('draws training crops from (seed, epoch, index) alone', async () => {
    const train = await openCocoKeypoints({
      annotationFile: join(dir, 'person_keypoints_train.json'),
      imageDir,
      inputSize: INPUT,
    });
    expect(train.cropParams(0, 3, 1)).toEqual(train.cropParams(0, 3, 1));
    const draws = [0, 1, 2, 3, 4, 5].map((e) => train.cropParams(0, 3, e));
    // Distinct draws (two may coincide where the scale is clipped).
    expect(new Set(draws.map((d) => d.scale[0])).size).toBeGreaterThan(3);
    expect(new Set(draws.map((d) => d.rotation)).size).toBeGreaterThan(1);
    expect(draws.some((d) => d.flip) && draws.some((d) => !d.flip)).toBe(true);
    for (const d of draws) {
      // Rotation clipped to ±2·45°; scale × clip(N(1, 0.35), 0.65, 1.35). (Five labelled
      // joints are too few for a half-body crop, which needs more than eight.)
      expect(Math.abs(d.rotation)).toBeLessThanOrEqual(90);
      const zoom = d.scale[0] / train.samples[0]!.scale[0];
      expect(zoom).toBeGreaterThanOrEqual(0.65 - 1e-9);
      expect(zoom).toBeLessThanOrEqual(1.35 + 1e-9);
      expect(d.center).toEqual(train.samples[0]!.center);
    }
    expect(val.cropParams(0, 3, 1)).toEqual({
      center: val.samples[0]!.center,
      scale: val.samples[0]!.scale,
      rotation: 0,
      flip: false,
    });
  });

  it('says which image is missing or does not match its annotation', async () => {
    await expect(val.loadSample(3)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining(join(imageDir, 'missing.png')),
    });
    await expect(val.loadSample(2)).rejects.toMatchObject({
      code: 'DATA',
      message: expect.stringMatching(
        /wrong-size\.png is 201×150 but person_keypoints_val\.json says 200×150/,
      ),
    });
  });

  it('rejects input sizes that are not multiples of the heatmap stride', async () => {
    await expect(
      openCocoKeypoints({ annotationFile, imageDir, inputSize: { width: 50, height: 64 } }),
    ).rejects.toThrow(/inputSize\.width is 50: it must be a positive multiple of 4/);
  });
});

describe('openCocoKeypoints with detections', () => {
  it('makes one sample per kept detection, without keypoints, with its score', async () => {
    const detectionsFile = join(dir, 'dets.json');
    writeFileSync(
      detectionsFile,
      JSON.stringify([
        { image_id: 6, category_id: 1, bbox: [10, 20, 30, 60], score: 0.8 },
        { image_id: 5, category_id: 1, bbox: [50, 30, 40, 100], score: 0.3 },
        { image_id: 5, category_id: 2, bbox: [50, 30, 40, 100], score: 0.9 },
      ]),
    );
    const ds = await openCocoKeypoints({
      annotationFile,
      imageDir,
      detectionsFile,
      detectionScoreThreshold: 0.5,
      inputSize: INPUT,
    });
    expect(ds.source).toBe('detections');
    expect(ds.samples).toHaveLength(1);
    expect(ds.samples[0]).toMatchObject({
      imageId: 6,
      annId: null,
      score: 0.8,
      bbox: [10, 20, 30, 60],
    });
    const crop = await ds.loadSample(0);
    expect(crop.weights.every((w) => w === 0)).toBe(true);
    expect(crop.heatmaps.every((v) => v === 0)).toBe(true);
    expect(crop.meta).toMatchObject({ imageId: 6, annId: null, score: 0.8 });
    await expect(
      openCocoKeypoints({
        annotationFile,
        imageDir,
        detectionsFile,
        split: 'train',
        inputSize: INPUT,
      }),
    ).rejects.toThrow(/detectionsFile dets\.json is for evaluation/);
  });
});
