import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linspace, npMean, pairwiseSum } from './numpy-float.js';

const fixtures = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/coco-cases.json'), 'utf8'),
) as {
  iouThrs: number[];
  recThrs: number[];
  means: Array<{ values: number[]; mean: number }>;
};

describe('linspace', () => {
  it("gives pycocotools' OKS and recall thresholds bit for bit", () => {
    expect(Array.from(linspace(0.5, 0.95, 10))).toEqual(fixtures.iouThrs);
    expect(Array.from(linspace(0, 1, 101))).toEqual(fixtures.recThrs);
    // pycocotools finds AP50 / AP75 with `iouThr == p.iouThrs`: the doubles must be these.
    expect(linspace(0.5, 0.95, 10)[5]).toBe(0.75);
  });

  it('ends exactly at stop and handles one point', () => {
    expect(linspace(0, 0.3, 4)[3]).toBe(0.3);
    expect(Array.from(linspace(2, 5, 1))).toEqual([2]);
  });
});

describe('npMean / pairwiseSum', () => {
  it('equals np.mean bit for bit, across the unrolled and recursive branches', () => {
    expect(fixtures.means.length).toBeGreaterThan(10);
    for (const { values, mean } of fixtures.means) {
      expect({ n: values.length, mean: npMean(values) }).toEqual({ n: values.length, mean });
    }
  });

  it('differs from a left-to-right sum where numpy does (so the order is really numpy’s)', () => {
    // 0.1 × 10: left to right gives 0.9999999999999999; numpy's 8-way split gives 1.
    const tenths = new Array<number>(10).fill(0.1);
    expect(tenths.reduce((s, x) => s + x, 0)).toBe(0.9999999999999999);
    expect(pairwiseSum(tenths)).toBe(1);
  });
});
