import { describe, expect, it } from 'vitest';
import { hashString, hashWords, uniformAt } from './prng';

describe('hashWords', () => {
  it('is MurmurHash3 x86_32 (the published SMHasher check values)', () => {
    expect(hashWords([], 0)).toBe(0);
    expect(hashWords([], 1)).toBe(0x514e28b7);
    expect(hashWords([0xffffffff], 0)).toBe(0x76293b50);
    // Bytes 21 43 65 87, read as a little-endian word.
    expect(hashWords([0x87654321], 0)).toBe(0xf55b516b);
    expect(hashWords([0x87654321], 0x5082edee)).toBe(0x2362f9de);
    expect(hashWords([0], 0)).toBe(0x2362f9de);
  });

  it('tells names apart', () => {
    expect(hashString('lr')).not.toBe(hashString('rl'));
    expect(hashString('d_m')).not.toBe(hashString('d_h'));
  });
});

describe('uniformAt', () => {
  it('keeps its values: changing them changes every random sweep', () => {
    expect(uniformAt(0, 0, 'lr')).toBe(0.15830222625343793);
    expect(uniformAt(1, 0, 'lr')).toBe(0.899424694956441);
    expect(uniformAt(0, 2 ** 40, 'lr')).toBe(0.20404983070992233);
  });

  it('tells seeds and indices above 2³² apart', () => {
    expect(uniformAt(0, 2 ** 32, 'x')).not.toBe(uniformAt(0, 0, 'x'));
    expect(uniformAt(2 ** 32 + 5, 0, 'x')).not.toBe(uniformAt(5, 0, 'x'));
  });

  it('is uniform on [0, 1): mean ½ and every tenth about equally full', () => {
    const n = 100_000;
    const tenths = new Array<number>(10).fill(0);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = uniformAt(0, i, 'x');
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      tenths[Math.floor(u * 10)]!++;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    // Expected 10,000 each, standard deviation ~95; a skewed generator is far outside this.
    for (const count of tenths) expect(Math.abs(count - n / 10)).toBeLessThan(500);
  });

  it('draws parameters of the same trial independently', () => {
    const n = 20_000;
    let sxy = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
      const x = uniformAt(3, i, 'lr');
      const y = uniformAt(3, i, 'dropout');
      sx += x;
      sy += y;
      sxy += x * y;
      sxx += x * x;
      syy += y * y;
    }
    const cov = sxy / n - (sx / n) * (sy / n);
    const corr = cov / Math.sqrt((sxx / n - (sx / n) ** 2) * (syy / n - (sy / n) ** 2));
    // Independent: |corr| ~ 1/√n ≈ 0.007.
    expect(Math.abs(corr)).toBeLessThan(0.03);
  });
});
