import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCocoKeypointFile } from './coco-annotations.js';
import { openCocoKeypoints, type CocoKeypointsDataset } from './coco-dataset.js';
import { COCO_FLIP_PAIRS, COCO_KEYPOINT_NAMES, COCO_SKELETON } from './coco-skeleton.js';
import { applyAffine, getAffineTransform } from './coco-transforms.js';
import {
  renderSyntheticCocoImage,
  synthesizeCoco,
  type SyntheticCocoPaths,
} from './synthetic-coco.js';

const W = 160;
const H = 120;
const INPUT = { width: 48, height: 64 };
const dir = mkdtempSync(join(tmpdir(), 'headroom-synth-coco-'));
let set: SyntheticCocoPaths;

interface Ann {
  id: number;
  image_id: number;
  iscrowd: 0 | 1;
  area: number;
  bbox: [number, number, number, number];
  num_keypoints: number;
  keypoints: number[];
  segmentation: unknown;
}

function annotations(file: string): {
  images: Array<{ id: number; file_name: string }>;
  annotations: Ann[];
  categories: Array<Record<string, unknown>>;
} {
  return JSON.parse(readFileSync(file, 'utf8'));
}

beforeAll(async () => {
  set = await synthesizeCoco({ outDir: join(dir, 'a'), images: 12, seed: 5, width: W, height: H });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('synthesizeCoco', () => {
  it('writes the COCO layout: two annotation files, JPEGs named by id, split 80/20 by image', async () => {
    expect(set.train.annotationFile).toBe(
      join(dir, 'a', 'annotations', 'person_keypoints_train.json'),
    );
    expect(set.val.annotationFile).toBe(join(dir, 'a', 'annotations', 'person_keypoints_val.json'));
    expect([set.train.images, set.val.images]).toEqual([10, 2]);
    const ids = new Set<number>();
    for (const split of [set.train, set.val]) {
      const json = annotations(split.annotationFile);
      // The reader's own validation accepts it.
      parseCocoKeypointFile(json, 'synthetic');
      expect(json.categories).toEqual([
        expect.objectContaining({ id: 1, name: 'person', keypoints: [...COCO_KEYPOINT_NAMES] }),
      ]);
      expect(json.categories[0]?.skeleton).toEqual(COCO_SKELETON.map(([a, b]) => [a + 1, b + 1]));
      expect(readdirSync(split.imageDir).sort()).toEqual(
        json.images.map((i) => i.file_name).sort(),
      );
      for (const img of json.images) {
        ids.add(img.id);
        expect(img.file_name).toBe(`${String(img.id).padStart(12, '0')}.jpg`);
        const meta = await sharp(join(split.imageDir, img.file_name)).metadata();
        expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', W, H]);
      }
    }
    expect(ids.size).toBe(12);
  });

  it('annotates like COCO: labelled keypoints inside the box and image, unlabelled ones (0, 0, 0), counts and areas', () => {
    let labelled = 0;
    for (const split of [set.train, set.val]) {
      for (const a of annotations(split.annotationFile).annotations) {
        const [x, y, w, h] = a.bbox;
        expect(x >= 0 && y >= 0 && x + w <= W && y + h <= H).toBe(true);
        expect(a.area).toBeGreaterThan(0);
        expect(a.area).toBeLessThanOrEqual(w * h);
        let n = 0;
        for (let j = 0; j < 17; j++) {
          const [kx, ky, v] = a.keypoints.slice(j * 3, j * 3 + 3) as [number, number, number];
          if (v === 0) {
            expect([kx, ky]).toEqual([0, 0]);
            continue;
          }
          n++;
          expect(kx >= x && kx < x + w && ky >= y && ky < y + h).toBe(true);
        }
        expect(a.num_keypoints).toBe(n);
        if (a.iscrowd === 1) expect(n).toBe(0);
        labelled += n;
      }
    }
    expect(labelled).toBeGreaterThan(50);
  });

  it('is deterministic: the same seed writes the same bytes, another seed does not', async () => {
    const again = await synthesizeCoco({
      outDir: join(dir, 'b'),
      images: 12,
      seed: 5,
      width: W,
      height: H,
    });
    const other = await synthesizeCoco({
      outDir: join(dir, 'c'),
      images: 12,
      seed: 6,
      width: W,
      height: H,
    });
    for (const split of ['train', 'val'] as const) {
      expect(
        readFileSync(again[split].annotationFile).equals(readFileSync(set[split].annotationFile)),
      ).toBe(true);
      expect(
        readFileSync(other[split].annotationFile).equals(readFileSync(set[split].annotationFile)),
      ).toBe(false);
      for (const f of readdirSync(set[split].imageDir)) {
        expect(
          readFileSync(join(again[split].imageDir, f)).equals(
            readFileSync(join(set[split].imageDir, f)),
          ),
        ).toBe(true);
      }
    }
  });
});

describe('renderSyntheticCocoImage', () => {
  const images = Array.from({ length: 40 }, (_, i) => renderSyntheticCocoImage(9, i, W, H));

  it('marks a keypoint visible (2) when its figure is on top there and occluded (1) when something covers it', () => {
    const counts = [0, 0, 0];
    for (const img of images) {
      for (const p of img.people) {
        for (let j = 0; j < 17; j++) {
          const [x, y, v] = p.keypoints.slice(j * 3, j * 3 + 3) as [number, number, number];
          counts[v]!++;
          if (v === 0) continue;
          const top = img.owner[y * W + x];
          if (v === 2) expect(top).toBe(p.owner);
          else expect(top).not.toBe(p.owner);
        }
      }
    }
    // The variety a model has to cope with is there: occluded and cut-off joints.
    expect(counts[1]).toBeGreaterThan(20);
    expect(counts[0]).toBeGreaterThan(20);
    expect(counts[2]).toBeGreaterThan(counts[1]!);
  });

  it('has crowd regions (RLE of their mask) and images with nobody', () => {
    const crowds = images.flatMap((img) => img.crowds);
    expect(crowds.length).toBeGreaterThan(2);
    for (const c of crowds) {
      expect(c.rle.size).toEqual([H, W]);
      expect(c.rle.counts.reduce((a, b) => a + b, 0)).toBe(W * H);
      // Odd runs are ones: their total is the area.
      expect(c.rle.counts.filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0)).toBe(c.area);
    }
    expect(images.some((img) => img.people.length === 0 && img.crowds.length === 0)).toBe(true);
    expect(images.some((img) => img.people.length >= 3)).toBe(true);
  });

  it('draws image i the same however many images are made', () => {
    const alone = renderSyntheticCocoImage(9, 17, W, H);
    expect(Buffer.from(alone.rgb).equals(Buffer.from(images[17]!.rgb))).toBe(true);
    expect(alone.people).toEqual(images[17]!.people);
  });
});

describe('reading a synthetic set with openCocoKeypoints', () => {
  let train: CocoKeypointsDataset;
  beforeAll(async () => {
    train = await openCocoKeypoints({
      annotationFile: set.train.annotationFile,
      imageDir: set.train.imageDir,
      inputSize: INPUT,
    });
  });

  it('has one sample per annotated person (not crowd, some keypoint labelled)', () => {
    const people = annotations(set.train.annotationFile).annotations.filter(
      (a) => a.iscrowd === 0 && a.num_keypoints > 0,
    );
    expect(train.split).toBe('train');
    expect(train.samples.map((s) => s.annId)).toEqual(people.map((a) => a.id));
    expect(train.length).toBeGreaterThan(5);
  });

  it('puts heatmap peaks where the warped keypoints are (within 1 px at heatmap resolution)', async () => {
    let peaks = 0;
    for (let i = 0; i < train.length; i++) {
      const crop = await train.loadSample(i);
      const s = train.samples[i]!;
      const fwd = getAffineTransform(s.center, s.scale, 0, INPUT);
      const kp = train.keypoints(i);
      for (let j = 0; j < 17; j++) {
        if ((kp[j * 3 + 2] as number) === 0) {
          expect(crop.weights[j]).toBe(0);
          continue;
        }
        const [x, y] = applyAffine(fwd, kp[j * 3] as number, kp[j * 3 + 1] as number);
        expect(crop.joints[j * 3]).toBeCloseTo(x, 3);
        expect(crop.joints[j * 3 + 1]).toBeCloseTo(y, 3);
        const hx = x / 4;
        const hy = y / 4;
        if (hx < 0 || hy < 0 || hx > 11.5 || hy > 15.5) continue;
        expect(crop.weights[j]).toBe(1);
        const plane = crop.heatmaps.subarray(j * 192, (j + 1) * 192);
        const peak = plane.indexOf(Math.max(...plane));
        expect(plane[peak]).toBe(1);
        expect(Math.abs((peak % 12) - hx)).toBeLessThanOrEqual(1);
        expect(Math.abs(Math.floor(peak / 12) - hy)).toBeLessThanOrEqual(1);
        peaks++;
      }
    }
    expect(peaks).toBeGreaterThan(50);
  });

  it('flip swaps left and right joints', async () => {
    for (let i = 0; i < Math.min(4, train.length); i++) {
      const plain = await train.loadSample(i);
      const flipped = await train.loadSample(i, { flip: true });
      for (const [l, r] of COCO_FLIP_PAIRS) {
        for (const [a, b] of [
          [l, r],
          [r, l],
        ] as const) {
          expect(flipped.weights[a]).toBe(plain.weights[b]);
          expect(flipped.heatmaps.subarray(a * 192, (a + 1) * 192).some((v) => v > 0)).toBe(
            plain.heatmaps.subarray(b * 192, (b + 1) * 192).some((v) => v > 0),
          );
          if (plain.joints[b * 3 + 2] === 0) continue;
          expect(flipped.joints[a * 3]).toBeCloseTo(
            INPUT.width - (plain.joints[b * 3] as number),
            3,
          );
          expect(flipped.joints[a * 3 + 1]).toBeCloseTo(plain.joints[b * 3 + 1] as number, 3);
        }
      }
    }
  });

  it('reads the val file as an evaluation set over every image id', async () => {
    const val = await openCocoKeypoints({
      annotationFile: set.val.annotationFile,
      imageDir: set.val.imageDir,
      inputSize: INPUT,
    });
    expect(val.split).toBe('val');
    expect(val.augmentation).toBeNull();
    expect(val.imageIds).toEqual(annotations(set.val.annotationFile).images.map((i) => i.id));
    expect(existsSync(val.imagePath(val.imageIds[0]!))).toBe(true);
  });
});
