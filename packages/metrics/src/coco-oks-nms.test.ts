import { describe, expect, it } from 'vitest';
import { COCO_KEYPOINT_SIGMAS, COCO_KEYPOINTS, computeOks } from './coco-oks.js';
import { oksIou, oksNms, OKS_NMS_THRESHOLD, type OksNmsCandidate } from './coco-oks-nms.js';

/** A standing figure at (x0, y0): joint j at (x0 + 3j, y0 + 8j), peak 0.9. */
function person(
  id: string,
  imageId: number,
  score: number,
  x0: number,
  y0 = 50,
  area = 4000,
): OksNmsCandidate & { id: string } {
  const keypoints = Array.from({ length: COCO_KEYPOINTS }, (_, j) => [
    x0 + 3 * j,
    y0 + 8 * j,
    0.9,
  ]).flat();
  return { id, imageId, keypoints, area, score };
}

describe('oksIou', () => {
  it('is 1 for the same pose and symmetric', () => {
    const a = person('a', 1, 0.9, 10);
    const b = person('b', 1, 0.5, 14, 53, 2500);
    expect(oksIou(a, a)).toBe(1);
    expect(oksIou(a, b)).toBe(oksIou(b, a));
    expect(oksIou(a, b)).toBeLessThan(1);
  });

  it("uses COCO's sigmas and the mean area: one joint moved by d", () => {
    const a = person('a', 1, 0.9, 10, 50, 3000);
    const b = person('b', 1, 0.9, 10, 50, 5000);
    (b.keypoints as number[])[0]! += 6; // the nose, sigma 0.026
    const vars = (COCO_KEYPOINT_SIGMAS[0]! * 2) ** 2;
    const expected = (16 + Math.exp(-(36 / vars / 4000 / 2))) / 17;
    expect(oksIou(a, b)).toBeCloseTo(expected, 14);
  });

  it('equals computeOks bit for bit when both areas match and every joint is labelled', () => {
    const a = person('a', 1, 0.9, 10);
    const b = person('b', 1, 0.9, 13, 47);
    const gt = { keypoints: a.keypoints, area: a.area, bbox: [0, 0, 100, 200] };
    expect(oksIou(a, b)).toBe(computeOks(b.keypoints, gt));
  });
});

describe('oksNms', () => {
  it("keeps the best of overlapping people per image, as HRNet's oks_nms at 0.9", () => {
    const best = person('best', 1, 0.9, 10);
    const duplicate = person('duplicate', 1, 0.85, 10.5, 50.5);
    const elsewhere = person('elsewhere', 1, 0.7, 120);
    const otherImage = person('other-image', 2, 0.6, 10);
    expect(oksIou(best, duplicate)).toBeGreaterThan(OKS_NMS_THRESHOLD);
    expect(oksIou(best, elsewhere)).toBeLessThan(OKS_NMS_THRESHOLD);
    const kept = oksNms([elsewhere, duplicate, otherImage, best]);
    // Images in first-seen order, best score first within an image.
    expect(kept.map((p) => p.id)).toEqual(['best', 'elsewhere', 'other-image']);
  });

  it('suppresses by the kept people only, not transitively', () => {
    // b overlaps a and c, but a and c do not overlap: a keeps, b goes, c stays.
    const a = person('a', 1, 0.9, 10);
    const b = person('b', 1, 0.8, 11.2);
    const c = person('c', 1, 0.7, 12.4);
    expect(oksIou(a, b)).toBeGreaterThan(0.95);
    expect(oksIou(b, c)).toBeGreaterThan(0.95);
    expect(oksIou(a, c)).toBeLessThan(0.95);
    expect(oksNms([a, b, c], 0.95).map((p) => p.id)).toEqual(['a', 'c']);
  });

  it('drops only OKS above the threshold: identical people survive a threshold of 1', () => {
    const a = person('a', 1, 0.9, 10);
    const twin = person('twin', 1, 0.8, 10);
    expect(oksNms([a, twin], 1).map((p) => p.id)).toEqual(['a', 'twin']);
    expect(oksNms([a, twin]).map((p) => p.id)).toEqual(['a']);
    expect(oksNms([])).toEqual([]);
  });
});
