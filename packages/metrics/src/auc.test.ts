import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng, headroomErrorOf } from '@headroom/test-support';
import { meanAuc, rocAuc, rocAucPerClass } from './auc.js';

interface FixtureCase {
  name: string;
  n: number;
  classes: number;
  labels: number[][];
  scores: number[][];
  perClass: Array<number | null>;
  mean: number | null;
}

const fixtures = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/auc-cases.json'), 'utf8'),
) as { cases: FixtureCase[] };

/** AUC as the fraction of (positive, negative) pairs ranked right, a tie counting half. */
function pairwiseAuc(labels: number[], scores: number[]): number {
  let right = 0;
  let pairs = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let k = 0; k < labels.length; k++) {
      if (labels[k] !== 0) continue;
      pairs++;
      right += scores[i]! > scores[k]! ? 1 : scores[i] === scores[k] ? 0.5 : 0;
    }
  }
  return right / pairs;
}

describe('rocAuc', () => {
  it("gives sklearn's golden value: labels [0,0,1,1], scores [0.1,0.4,0.35,0.8] → 0.75", () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
  });

  it('counts equal scores as one step (half a pair each), not in input order', () => {
    expect(rocAuc([1, 0], [0.5, 0.5])).toBe(0.5);
    expect(rocAuc([0, 1], [0.5, 0.5])).toBe(0.5);
    expect(rocAuc([0, 1, 1], [0.3, 0.3, 0.7])).toBe(0.75);
  });

  it('has no AUC when the labels are all equal', () => {
    expect(rocAuc([0, 0, 0], [0.1, 0.2, 0.3])).toBeNull();
    expect(rocAuc([1, 1], [0.1, 0.2])).toBeNull();
    expect(rocAuc([], [])).toBeNull();
  });

  it('rejects NaN and infinite scores, labels other than 0/1, and mismatched lengths', () => {
    expect(headroomErrorOf(() => rocAuc([0, 1, 1], [0.1, Number.NaN, 0.2])).message).toMatch(
      /score \[1\] is NaN, expected a finite number/,
    );
    expect(headroomErrorOf(() => rocAuc([0, 1], [0.1, Infinity])).message).toMatch(
      /score \[1\] is Infinity/,
    );
    expect(headroomErrorOf(() => rocAuc([0, 2], [0.1, 0.2])).message).toMatch(
      /label \[1\] is 2, expected 0 or 1/,
    );
    expect(headroomErrorOf(() => rocAuc([0, 1], [0.1])).code).toBe('INVALID_INPUT');
  });

  it('equals the pairwise (Mann–Whitney) probability on random data with ties', () => {
    const rand = createRng(7);
    for (let t = 0; t < 50; t++) {
      const n = 2 + Math.floor(rand() * 60);
      const labels = Array.from({ length: n }, () => (rand() < 0.4 ? 1 : 0));
      labels[0] = 0;
      labels[1] = 1;
      const scores = Array.from({ length: n }, () => Math.round(rand() * 8) / 8);
      expect(rocAuc(labels, scores)).toBeCloseTo(pairwiseAuc(labels, scores), 12);
    }
  });
});

describe('rocAucPerClass and meanAuc against scikit-learn (fixtures/auc-cases.json)', () => {
  it('covers ties, all-equal labels, tiny and large N', () => {
    expect(fixtures.cases.length).toBeGreaterThanOrEqual(20);
    expect(fixtures.cases.some((c) => c.perClass.includes(null))).toBe(true);
    expect(fixtures.cases.some((c) => c.mean === null)).toBe(true);
    expect(Math.max(...fixtures.cases.map((c) => c.n))).toBeGreaterThanOrEqual(10000);
  });

  for (const c of fixtures.cases) {
    it(c.name, () => {
      const nested = rocAucPerClass(c.labels, c.scores);
      const flat = rocAucPerClass(c.labels.flat(), c.scores.flat(), c.classes);
      expect(flat).toEqual(nested);
      expect(nested).toHaveLength(c.classes);
      nested.forEach((auc, j) => {
        const expected = c.perClass[j] ?? null;
        if (expected === null) expect(auc, `class ${j}`).toBeNull();
        else expect(Math.abs(auc! - expected), `class ${j}`).toBeLessThanOrEqual(1e-12);
      });
      const mean = meanAuc(nested);
      if (c.mean === null) expect(mean).toBeNull();
      else expect(Math.abs(mean! - c.mean)).toBeLessThanOrEqual(1e-12);
    });
  }
});

describe('rocAucPerClass', () => {
  it('names the class of a bad score, and rejects ragged rows', () => {
    expect(
      headroomErrorOf(() =>
        rocAucPerClass(
          [
            [0, 1],
            [1, 0],
          ],
          [
            [0.1, 0.2],
            [0.3, Number.NaN],
          ],
        ),
      ).message,
    ).toMatch(/^class 1: rocAuc: score \[1\] is NaN/);
    expect(
      headroomErrorOf(() =>
        rocAucPerClass(
          [[0, 1], [1]],
          [
            [0.1, 0.2],
            [0.3, 0.4],
          ],
        ),
      ).message,
    ).toMatch(/labels row \[1\] has 1 classes/);
    expect(headroomErrorOf(() => rocAucPerClass([0, 1, 1], [0.1, 0.2, 0.3], 2)).code).toBe(
      'INVALID_INPUT',
    );
  });

  it('leaves classes without an AUC out of the mean', () => {
    expect(meanAuc([0.5, null, 1])).toBe(0.75);
    expect(meanAuc([null, null])).toBeNull();
  });
});
