import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHeadroomError } from '@headroom/errors';
import { createRng } from '@headroom/test-support';
import { makeRootRelative, mpjpe } from './mpjpe.js';
import { pMpjpe } from './p-mpjpe.js';

interface FixtureCase {
  name: string;
  n: number;
  joints: number;
  pred: number[];
  gt: number[];
  mpjpe: number;
  p_mpjpe: number;
  reflection_frames: number;
}

const fixtures = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/pose3d-cases.json'), 'utf8'),
) as {
  cases: FixtureCase[];
};

/** ≤ 1e-9 relative; values that should be 0 (≈1e-13 in numpy) are compared to 1e-9 mm absolute. */
function expectAgrees(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(expected), 1));
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function randomPoses(rand: () => number, n: number, joints: number, spread: number): Float64Array {
  return Float64Array.from({ length: n * joints * 3 }, () => gaussian(rand) * spread);
}

function addNoise(rand: () => number, poses: Float64Array, sigma: number): Float64Array {
  return poses.map((x) => x + gaussian(rand) * sigma);
}

/** Row-major proper rotation from a random unit quaternion. */
function randomRotation(rand: () => number): number[] {
  let w = gaussian(rand),
    x = gaussian(rand),
    y = gaussian(rand),
    z = gaussian(rand);
  const q = Math.hypot(w, x, y, z);
  w /= q;
  x /= q;
  y /= q;
  z /= q;
  // prettier-ignore
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  ];
}

describe('fixtures from VideoPose3D loss.py (numpy)', () => {
  it('has the cases the generator promises', () => {
    expect(fixtures.cases.length).toBeGreaterThanOrEqual(10);
    expect(fixtures.cases.some((c) => c.reflection_frames > 0)).toBe(true);
    expect(new Set(fixtures.cases.map((c) => c.n)).size).toBeGreaterThan(3);
  });

  for (const c of fixtures.cases) {
    it(`${c.name}: MPJPE and P-MPJPE agree to 1e-9`, () => {
      const pred = Float64Array.from(c.pred);
      const gt = Float64Array.from(c.gt);
      expectAgrees(mpjpe(pred, gt, c.n, c.joints), c.mpjpe);
      expectAgrees(pMpjpe(pred, gt, c.n, c.joints), c.p_mpjpe);
    });
  }
});

describe('mpjpe', () => {
  it('is the mean Euclidean distance (hand-computed)', () => {
    // Frame of 2 joints: errors 5 (3-4-5 triangle) and 0; second frame: 2 and 2.
    const gt = new Float64Array([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const pred = new Float64Array([3, 4, 0, 1, 1, 1, 0, 0, 2, 0, -2, 0]);
    expect(mpjpe(pred, gt, 2, 2)).toBe((5 + 0 + 2 + 2) / 4);
  });

  it('accepts Float32Array and gives the same value', () => {
    const rand = createRng(3);
    const gt = randomPoses(rand, 4, 17, 200);
    const pred = addNoise(rand, gt, 30);
    const p32 = Float32Array.from(pred);
    const g32 = Float32Array.from(gt);
    expect(Math.abs(mpjpe(p32, g32, 4) - mpjpe(pred, gt, 4))).toBeLessThan(1e-3);
    expect(Math.abs(pMpjpe(p32, g32, 4) - pMpjpe(pred, gt, 4))).toBeLessThan(1e-3);
  });

  it('rejects arrays whose length does not match n·joints·3', () => {
    const gt = new Float64Array(17 * 3 * 2);
    const pred = new Float64Array(17 * 3);
    const call = () => mpjpe(pred, gt, 2);
    expect(call).toThrow(/pred has 51 numbers, expected n·joints·3 = 2·17·3 = 102/);
    try {
      call();
    } catch (err) {
      expect(isHeadroomError(err) && err.code).toBe('INVALID_INPUT');
    }
    expect(() => pMpjpe(gt, gt, 0)).toThrow(/n must be a positive integer/);
  });
});

describe('pMpjpe', () => {
  it('is 0 when the prediction equals the ground truth, and MPJPE is exactly 0', () => {
    const rand = createRng(11);
    const gt = randomPoses(rand, 5, 17, 250);
    expect(mpjpe(gt, gt, 5)).toBe(0);
    expect(pMpjpe(gt, gt, 5)).toBeLessThan(1e-9);
  });

  it('is at most MPJPE for noisy root-relative predictions', () => {
    // Procrustes minimises the summed *squared* distance, so for the mean distance this is
    // not a theorem, but it holds for noise-like errors, which is what a lifting net makes.
    const rand = createRng(5);
    for (const sigma of [1, 10, 50, 200]) {
      const gt = makeRootRelative(randomPoses(rand, 30, 17, 250), 30);
      const pred = makeRootRelative(addNoise(rand, gt, sigma), 30);
      const p1 = mpjpe(pred, gt, 30);
      const p2 = pMpjpe(pred, gt, 30);
      expect(p2).toBeGreaterThan(0);
      expect(p2).toBeLessThan(p1);
    }
  });

  it('is invariant to a per-frame rotation, scale and translation of the prediction', () => {
    const rand = createRng(9);
    const n = 12;
    const gt = randomPoses(rand, n, 17, 250);
    const pred = addNoise(rand, gt, 40);
    const moved = new Float64Array(pred.length);
    for (let f = 0; f < n; f++) {
      const r = randomRotation(rand);
      const scale = 0.3 + rand() * 3;
      const t = [gaussian(rand) * 1000, gaussian(rand) * 1000, gaussian(rand) * 1000];
      for (let j = 0; j < 17; j++) {
        const o = (f * 17 + j) * 3;
        for (let a = 0; a < 3; a++) {
          let x = 0;
          for (let b = 0; b < 3; b++) x += (r[a * 3 + b] as number) * (pred[o + b] as number);
          moved[o + a] = scale * x + (t[a] as number);
        }
      }
    }
    const before = pMpjpe(pred, gt, n);
    const after = pMpjpe(moved, gt, n);
    expect(before).toBeGreaterThan(10);
    expect(Math.abs(after - before)).toBeLessThan(1e-9 * before);
    // MPJPE, by contrast, sees the transform.
    expect(mpjpe(moved, gt, n)).toBeGreaterThan(2 * mpjpe(pred, gt, n));
  });

  it('gives a finite error for a collapsed prediction (all joints at one point)', () => {
    const rand = createRng(13);
    const gt = randomPoses(rand, 1, 17, 250);
    const pred = new Float64Array(17 * 3).fill(42);
    // Best similarity with zero spread: every joint at the ground-truth centroid.
    const c = [0, 1, 2].map((a) => {
      let sum = 0;
      for (let j = 0; j < 17; j++) sum += gt[j * 3 + a] as number;
      return sum / 17;
    });
    let expected = 0;
    for (let j = 0; j < 17; j++) {
      expected += Math.hypot(
        (gt[j * 3] as number) - (c[0] as number),
        (gt[j * 3 + 1] as number) - (c[1] as number),
        (gt[j * 3 + 2] as number) - (c[2] as number),
      );
    }
    expect(pMpjpe(pred, gt, 1)).toBeCloseTo(expected / 17, 9);
  });
});

describe('makeRootRelative', () => {
  it('subtracts joint 0 per frame, zeroes the root, keeps the type and leaves the input alone', () => {
    const poses = new Float32Array([1, 2, 3, 4, 6, 8, 10, 20, 30, 11, 22, 33]);
    const rel = makeRootRelative(poses, 2, 2);
    expect(rel).toBeInstanceOf(Float32Array);
    expect(Array.from(rel)).toEqual([0, 0, 0, 3, 4, 5, 0, 0, 0, 1, 2, 3]);
    expect(poses[0]).toBe(1);
  });
});
