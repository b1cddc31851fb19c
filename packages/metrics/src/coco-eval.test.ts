import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHeadroomError } from '@headroom/errors';
import { evaluateCocoKeypoints } from './coco-eval.js';
import { formatCocoStats, formatFixed3 } from './coco-format.js';
import { computeOks } from './coco-oks.js';
import {
  COCO_KEYPOINT_STAT_KEYS,
  type CocoKeypointAnnotation,
  type CocoKeypointResult,
  type CocoKeypointStats,
  type CocoKeypointsGroundTruth,
} from './coco-types.js';

interface FixtureCase {
  name: string;
  gt: CocoKeypointsGroundTruth;
  dt: CocoKeypointResult[];
  stats: number[];
  summary: string[];
  /** [result index, annotation index, pycocotools' OKS] */
  oks: Array<[number, number, number]>;
}

const fixtures = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/coco-cases.json'), 'utf8'),
) as { cases: FixtureCase[] };

const statsArray = (s: CocoKeypointStats): number[] => COCO_KEYPOINT_STAT_KEYS.map((k) => s[k]);

describe('evaluateCocoKeypoints against pycocotools (fixtures/coco-cases.json)', () => {
  it('has the cases the fixture script promises', () => {
    expect(fixtures.cases.length).toBeGreaterThanOrEqual(20);
  });

  for (const c of fixtures.cases) {
    it(`${c.name}: the ten stats equal pycocotools' to 1e-12`, () => {
      const actual = statsArray(evaluateCocoKeypoints(c.gt, c.dt));
      const worst = Math.max(...actual.map((v, i) => Math.abs(v - (c.stats[i] as number))));
      expect(
        worst,
        `ours ${actual.join(', ')}\npycocotools ${c.stats.join(', ')}`,
      ).toBeLessThanOrEqual(1e-12);
    });
  }

  it('prints the summary lines pycocotools printed, for every case', () => {
    for (const c of fixtures.cases) {
      expect(formatCocoStats(evaluateCocoKeypoints(c.gt, c.dt))).toBe(c.summary.join('\n'));
    }
  });

  it("computes OKS equal to pycocotools' within float64 rounding of exp", () => {
    let samples = 0;
    for (const c of fixtures.cases) {
      for (const [di, ai, expected] of c.oks) {
        const dt = c.dt[di] as CocoKeypointResult;
        const gt = c.gt.annotations[ai] as CocoKeypointAnnotation;
        expect(Math.abs(computeOks(dt.keypoints, gt) - expected)).toBeLessThanOrEqual(
          1e-15 * expected,
        );
        samples++;
      }
    }
    expect(samples).toBeGreaterThan(100);
  });

  it('reports −1 where pycocotools does: no medium people, or nothing that counts', () => {
    const byName = (prefix: string) =>
      fixtures.cases.find((c) => c.name.startsWith(prefix)) as FixtureCase;
    const noMedium = evaluateCocoKeypoints(byName('only large').gt, byName('only large').dt);
    expect(noMedium.apm).toBe(-1);
    expect(noMedium.arm).toBe(-1);
    expect(noMedium.ap).toBeGreaterThan(0);
    const ignoredOnly = byName('only ignored');
    expect(statsArray(evaluateCocoKeypoints(ignoredOnly.gt, ignoredOnly.dt))).toEqual(
      new Array(10).fill(-1),
    );
  });
});

/** A person standing in the box (x, y, w, h): 17 labelled keypoints spread over it. */
function person(id: number, imageId: number, x: number, y: number, w: number, h: number) {
  const keypoints: number[] = [];
  for (let k = 0; k < 17; k++) keypoints.push(x + ((k * 7) % 17) * (w / 16), y + k * (h / 16), 2);
  const ann: CocoKeypointAnnotation = {
    id,
    image_id: imageId,
    category_id: 1,
    keypoints,
    num_keypoints: 17,
    area: w * h * 0.6,
    bbox: [x, y, w, h],
    iscrowd: 0,
  };
  return ann;
}

function detection(gt: CocoKeypointAnnotation, score: number, shift = 0): CocoKeypointResult {
  return {
    image_id: gt.image_id,
    category_id: 1,
    keypoints: gt.keypoints.map((v, i) => (i % 3 === 2 ? 0.9 : v + shift)),
    score,
  };
}

const PERSON_CAT = [{ id: 1, name: 'person' }];

describe('evaluateCocoKeypoints behaviour', () => {
  it('scores perfect detections 1 and shifted ones lower', () => {
    const a = person(1, 1, 100, 100, 120, 300);
    const b = person(2, 2, 50, 40, 60, 150);
    const gt = { images: [{ id: 1 }, { id: 2 }], annotations: [a, b], categories: PERSON_CAT };
    const perfect = evaluateCocoKeypoints(gt, [detection(a, 0.9), detection(b, 0.8)]);
    // Not exactly 1 everywhere: precision is tp / (tp + fp + eps), 1 − 2⁻⁵² for a single hit.
    for (const v of statsArray(perfect)) expect(v).toBeCloseTo(1, 12);
    const shifted = evaluateCocoKeypoints(gt, [detection(a, 0.9, 2), detection(b, 0.8, 2)]);
    expect(shifted.ap).toBeLessThan(1);
    expect(shifted.ap50).toBe(1);
  });

  it('ranks by score across images: a confident false positive costs precision', () => {
    const a = person(1, 1, 100, 100, 120, 300);
    const gt = { images: [{ id: 1 }, { id: 2 }], annotations: [a], categories: PERSON_CAT };
    const fp = { ...detection(a, 0.95), image_id: 2 };
    const fpFirst = evaluateCocoKeypoints(gt, [detection(a, 0.5), fp]);
    const fpLast = evaluateCocoKeypoints(gt, [detection(a, 0.5), { ...fp, score: 0.1 }]);
    expect(fpLast.ap).toBeCloseTo(1, 12);
    // Recall 1 is reached at precision 1/2 when the false positive ranks first.
    expect(fpFirst.ap).toBeCloseTo(0.5, 12);
    expect(fpFirst.ar).toBe(1);
  });

  it('keeps only the 20 best detections of an image', () => {
    const people = Array.from({ length: 21 }, (_, i) => person(i + 1, 1, 40 * i, 0, 30, 200));
    const gt = { images: [{ id: 1 }], annotations: people, categories: PERSON_CAT };
    // The 21st person's detection has the lowest score: it is cut, so recall is 20/21.
    const dt = people.map((p, i) => detection(p, 1 - i / 100));
    expect(evaluateCocoKeypoints(gt, dt).ar).toBeCloseTo(20 / 21, 12);
  });

  it('ignores crowds and people with num_keypoints 0, and detections matched to them', () => {
    const a = person(1, 1, 100, 100, 120, 300);
    const crowd: CocoKeypointAnnotation = {
      ...person(2, 1, 300, 50, 200, 200),
      keypoints: new Array(51).fill(0),
      num_keypoints: 0,
      iscrowd: 1,
    };
    const gt = { images: [{ id: 1 }], annotations: [a, crowd], categories: PERSON_CAT };
    // Two detections inside the crowd box (OKS 1 by the box fallback) outscore the person.
    const inCrowd = { ...detection(person(9, 1, 330, 80, 100, 100), 0.9) };
    const stats = evaluateCocoKeypoints(gt, [
      inCrowd,
      { ...inCrowd, score: 0.8 },
      detection(a, 0.5),
    ]);
    // Counted as false positives they would bring AP down to about 1/3.
    expect(stats.ap).toBeCloseTo(1, 12);
  });

  it('uses the box fallback when a counted person has no labelled keypoint', () => {
    const hidden: CocoKeypointAnnotation = {
      ...person(1, 1, 100, 100, 100, 100),
      keypoints: new Array(51).fill(0),
      num_keypoints: 3, // not ignored: pycocotools reads visibility from the keypoints
    };
    const inside = detection(person(2, 1, 120, 120, 50, 50), 0.9);
    expect(computeOks(inside.keypoints, hidden)).toBe(1);
    // [x − w, x + 2w] × [y − h, y + 2h] = [0, 300] × [0, 300]: still inside.
    const nearby = detection(person(2, 1, 5, 5, 290, 290), 0.9);
    expect(computeOks(nearby.keypoints, hidden)).toBe(1);
    const outside = detection(person(2, 1, 320, 320, 50, 50), 0.9);
    expect(computeOks(outside.keypoints, hidden)).toBeLessThan(1);
    const gt = { images: [{ id: 1 }], annotations: [hidden], categories: PERSON_CAT };
    expect(evaluateCocoKeypoints(gt, [inside]).ap).toBeCloseTo(1, 12);
    expect(evaluateCocoKeypoints(gt, [outside]).ap).toBeLessThan(1);
  });

  it('gives 0 where there is ground truth and −1 elsewhere when there are no detections', () => {
    const gt = {
      images: [{ id: 1 }],
      annotations: [person(1, 1, 100, 100, 120, 300)],
      categories: PERSON_CAT,
    };
    const stats = evaluateCocoKeypoints(gt, []);
    expect(stats.ap).toBe(0);
    expect(stats.ar).toBe(0);
    expect(stats.apm).toBe(-1); // area 21600 is large
  });

  it('rejects results on images the ground truth does not list', () => {
    const gt = { images: [{ id: 1 }], annotations: [], categories: PERSON_CAT };
    const a = person(1, 7, 0, 0, 10, 10);
    try {
      evaluateCocoKeypoints(gt, [detection(a, 0.5)]);
      expect.unreachable('expected an error');
    } catch (err) {
      expect(isHeadroomError(err) && err.code).toBe('INVALID_INPUT');
      expect((err as Error).message).toMatch(
        /^results: item \[0\]\.image_id is 7, which is not an image in the ground truth/,
      );
    }
  });
});

describe('formatCocoStats', () => {
  it("prints pycocotools' ten lines", () => {
    const stats: CocoKeypointStats = {
      ap: 0.7258,
      ap50: 0.9,
      ap75: 0.8,
      apm: -1,
      apl: 0.7,
      ar: 0.78,
      ar50: 0.95,
      ar75: 0.85,
      arm: -1,
      arl: 0.75,
    };
    const lines = formatCocoStats(stats).split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe(
      ' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets= 20 ] = 0.726',
    );
    expect(lines[3]).toBe(
      ' Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets= 20 ] = -1.000',
    );
    expect(lines[7]).toBe(
      ' Average Recall     (AR) @[ IoU=0.75      | area=   all | maxDets= 20 ] = 0.850',
    );
  });

  it("rounds exact halves to even, like Python's format", () => {
    expect(formatFixed3(0.0625)).toBe('0.062');
    expect(formatFixed3(0.1875)).toBe('0.188');
    expect(formatFixed3(0.3125)).toBe('0.312');
    expect(formatFixed3(0.0626)).toBe('0.063');
    expect(formatFixed3(1)).toBe('1.000');
  });
});
