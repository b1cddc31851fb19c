import { describe, expect, it } from 'vitest';
import { createRng } from '@headroom/test-support';
import { computeSvd3 } from './svd3.js';

function reconstruct(u: Float64Array, s: Float64Array, v: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let x = 0;
      for (let k = 0; k < 3; k++)
        x += (u[i * 3 + k] as number) * (s[k] as number) * (v[j * 3 + k] as number);
      out.push(x);
    }
  }
  return out;
}

function expectOrthonormal(m: Float64Array): void {
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      let d = 0;
      for (let k = 0; k < 3; k++) d += (m[k * 3 + a] as number) * (m[k * 3 + b] as number);
      expect(Math.abs(d - (a === b ? 1 : 0))).toBeLessThan(1e-13);
    }
  }
}

function expectValidSvd(m: number[]): void {
  const { u, s, v } = computeSvd3(m);
  expectOrthonormal(u);
  expectOrthonormal(v);
  expect(s[0]).toBeGreaterThanOrEqual(s[1] as number);
  expect(s[1]).toBeGreaterThanOrEqual(s[2] as number);
  expect(s[2]).toBeGreaterThanOrEqual(0);
  const scale = Math.max(1e-300, ...m.map(Math.abs));
  const back = reconstruct(u, s, v);
  for (let i = 0; i < 9; i++)
    expect(Math.abs((back[i] as number) - (m[i] as number)) / scale).toBeLessThan(1e-13);
}

describe('computeSvd3', () => {
  it('decomposes random matrices: orthonormal U and V, descending s, U·diag(s)·Vᵀ = A', () => {
    const rand = createRng(7);
    for (let trial = 0; trial < 500; trial++) {
      expectValidSvd(Array.from({ length: 9 }, () => rand() * 2 - 1));
    }
  });

  it('matches known singular values of a diagonal matrix with mixed signs', () => {
    const { s } = computeSvd3([0, 0, -2, 0, 5, 0, 1, 0, 0]);
    expect(Array.from(s)).toEqual([5, 2, 1]);
  });

  it('handles rank-2, rank-1 and zero matrices', () => {
    // Rank 2: third column is the sum of the first two.
    expectValidSvd([1, 2, 3, 4, 5, 9, -1, 0.5, -0.5]);
    // Rank 1: the outer product (2, 1, −3)ᵀ(1, 2, 3), whose one singular value is √14·√14.
    expectValidSvd([2, 4, 6, 1, 2, 3, -3, -6, -9]);
    expectValidSvd([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const { s } = computeSvd3([2, 4, 6, 1, 2, 3, -3, -6, -9]);
    expect(s[1]).toBeLessThan(1e-12);
    expect(Math.abs((s[0] as number) - 14)).toBeLessThan(1e-13);
  });

  it('handles repeated singular values (a rotation matrix)', () => {
    const c = Math.cos(0.3);
    const sn = Math.sin(0.3);
    const { s } = computeSvd3([c, -sn, 0, sn, c, 0, 0, 0, 1]);
    for (const x of s) expect(Math.abs(x - 1)).toBeLessThan(1e-14);
  });
});
