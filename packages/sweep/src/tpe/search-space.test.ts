import { describe, expect, it } from 'vitest';
import { drawLeaf, type LeafParameter } from '../parameter-spec';
import { suggestTpe } from './sampler';
import {
  dimensionFromWandb,
  QUANTILE_EPSILON,
  readSpace,
  samplePrior,
  toExternal,
  toInternal,
  type TpeDimension,
} from './search-space';

/** `n` startup draws of one dimension (the prior), as values. */
function priorDraws(d: TpeDimension, n = 4000): number[] {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    xs.push(suggestTpe([d], [], { seed: 3, trialIndex: i, goal: 'minimize' })[d.name] as number);
  }
  return xs;
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

describe('W&B distributions as TPE dimensions', () => {
  it('maps each law onto a dimension with W&B’s range', () => {
    expect(dimensionFromWandb('a', { distribution: 'uniform', min: -1, max: 2 })).toEqual({
      name: 'a',
      kind: 'float',
      low: -1,
      high: 2,
    });
    expect(dimensionFromWandb('a', { distribution: 'int_uniform', min: 1, max: 8 })).toEqual({
      name: 'a',
      kind: 'int',
      low: 1,
      high: 8,
    });
    expect(dimensionFromWandb('a', { distribution: 'q_uniform', min: 0, max: 1, q: 0.25 })).toEqual(
      { name: 'a', kind: 'float', low: 0, high: 1, log: false, step: 0.25 },
    );
    expect(dimensionFromWandb('a', { distribution: 'q_uniform', min: 3, max: 62, q: 4 })).toEqual({
      name: 'a',
      kind: 'int',
      low: 4,
      high: 64,
      log: false,
      step: 4,
    });
    const logU = dimensionFromWandb('a', { distribution: 'log_uniform', min: -5, max: 0 });
    expect(logU).toMatchObject({ kind: 'float', log: true, high: 1 });
    expect((logU as { low: number }).low).toBeCloseTo(Math.exp(-5), 15);
    expect(
      dimensionFromWandb('a', { distribution: 'log_uniform_values', min: 1e-4, max: 1e-1 }),
    ).toEqual({ name: 'a', kind: 'float', low: 1e-4, high: 1e-1, log: true });
    // W&B: exp(−U(min, max)) — log-uniform on [e^−max, e^−min].
    const inv = dimensionFromWandb('a', { distribution: 'inv_log_uniform', min: 0, max: 3 });
    expect(inv).toMatchObject({ kind: 'float', log: true, high: 1 });
    expect((inv as { low: number }).low).toBeCloseTo(Math.exp(-3), 15);
    expect(
      dimensionFromWandb('a', { distribution: 'inv_log_uniform_values', min: 0.01, max: 1 }),
    ).toEqual({ name: 'a', kind: 'float', low: 0.01, high: 1, log: true });
    expect(
      dimensionFromWandb('a', { distribution: 'q_log_uniform_values', min: 16, max: 512, q: 8 }),
    ).toEqual({ name: 'a', kind: 'int', low: 16, high: 512, log: true, step: 8 });
    expect(dimensionFromWandb('a', { value: 3 })).toBeUndefined();
    expect(dimensionFromWandb('a', { values: ['x', [1, 2]], probabilities: [0.9, 0.1] })).toEqual({
      name: 'a',
      kind: 'categorical',
      choices: ['x', [1, 2]],
      weights: [0.9, 0.1],
    });
    expect(dimensionFromWandb('a', { distribution: 'q_normal', mu: 5, sigma: 2, q: 0.5 })).toEqual({
      name: 'a',
      kind: 'float',
      low: QUANTILE_EPSILON,
      high: 1 - QUANTILE_EPSILON,
      transform: { kind: 'normal', mu: 5, sigma: 2 },
      q: 0.5,
    });
    expect(() =>
      dimensionFromWandb('a', { distribution: 'poisson' } as unknown as LeafParameter),
    ).toThrow(/poisson/);
  });

  it('draws startup trials from the W&B law itself', () => {
    const normal = priorDraws(
      dimensionFromWandb('n', { distribution: 'normal', mu: 5, sigma: 2 })!,
    );
    expect(mean(normal)).toBeCloseTo(5, 1);
    expect(sd(normal)).toBeGreaterThan(1.9);
    expect(sd(normal)).toBeLessThan(2.1);

    const logNormal = priorDraws(
      dimensionFromWandb('n', { distribution: 'log_normal', mu: 1, sigma: 0.5 })!,
    );
    expect(Math.log(quantile(logNormal, 0.5))).toBeCloseTo(1, 1);
    expect(logNormal.every((x) => x > 0)).toBe(true);

    const q = priorDraws(
      dimensionFromWandb('n', { distribution: 'q_normal', mu: 0, sigma: 3, q: 2 })!,
    );
    expect(q.every((x) => Number.isInteger(x / 2))).toBe(true);

    const beta = priorDraws(dimensionFromWandb('b', { distribution: 'beta', a: 2, b: 5 })!);
    expect(mean(beta)).toBeCloseTo(2 / 7, 1);
    expect(beta.every((x) => x >= 0 && x <= 1)).toBe(true);

    const logU = priorDraws(
      dimensionFromWandb('l', { distribution: 'log_uniform_values', min: 1e-6, max: 1 })!,
    );
    // Uniform in log10 between −6 and 0: the median near 1e-3, each decade a sixth.
    expect(Math.log10(quantile(logU, 0.5))).toBeCloseTo(-3, 0);
    const decade = logU.filter((x) => x >= 1e-4 && x < 1e-3).length / logU.length;
    expect(decade).toBeGreaterThan(0.13);
    expect(decade).toBeLessThan(0.2);

    const ints = priorDraws({ name: 'i', kind: 'int', low: 1, high: 4 });
    for (const k of [1, 2, 3, 4]) {
      expect(ints.filter((x) => x === k).length / ints.length).toBeCloseTo(0.25, 1);
    }
  });

  it('has W&B’s own random law as its prior, for every distribution', () => {
    const leaves: LeafParameter[] = [
      { distribution: 'uniform', min: -1, max: 3 },
      { distribution: 'q_uniform', min: 0, max: 1, q: 0.1 },
      { distribution: 'int_uniform', min: 2, max: 9 },
      { distribution: 'log_uniform', min: -9, max: -2 },
      { distribution: 'log_uniform_values', min: 1e-5, max: 1e-1 },
      { distribution: 'q_log_uniform_values', min: 16, max: 1024, q: 8 },
      { distribution: 'inv_log_uniform', min: 1, max: 6 },
      { distribution: 'inv_log_uniform_values', min: 0.01, max: 10 },
      { distribution: 'normal', mu: 3, sigma: 0.5 },
      { distribution: 'q_log_normal', mu: 2, sigma: 1, q: 1 },
      { distribution: 'beta', a: 2, b: 5 },
    ];
    const n = 3000;
    for (const leaf of leaves) {
      const d = dimensionFromWandb('p', leaf)!;
      const prior = priorDraws(d, n).sort((a, b) => a - b);
      // W&B's law at evenly spaced quantiles.
      const law = Array.from({ length: n }, (_, i) => drawLeaf(leaf, (i + 0.5) / n) as number);
      law.sort((a, b) => a - b);
      // Log laws compare in log space, where they spread evenly; a quantised law is off by ≤ q.
      const log = d.kind !== 'categorical' && d.log === true;
      const at = (xs: number[], q: number) => {
        const x = xs[Math.floor(q * (n - 1))]!;
        return log ? Math.log(x) : x;
      };
      const q = 'q' in leaf ? leaf.q : d.kind === 'int' ? 1 : 0;
      const tolerance = 0.06 * (at(law, 0.9) - at(law, 0.1)) + (log ? 0 : q);
      for (const p of [0.1, 0.25, 0.5, 0.75, 0.9]) {
        const what = `${leaf.distribution} at ${p}: ${at(prior, p)} vs ${at(law, p)}`;
        expect(Math.abs(at(prior, p) - at(law, p)), what).toBeLessThanOrEqual(tolerance + 1e-12);
      }
      expect(prior[0]!, `${leaf.distribution} min`).toBeGreaterThanOrEqual(law[0]! - q - 1e-9);
      expect(prior[n - 1]!, `${leaf.distribution} max`).toBeLessThanOrEqual(law[n - 1]! + q + 1e-9);
    }
  });

  it('reads a trial’s value back onto the coordinate TPE searches', () => {
    const n = dimensionFromWandb('n', { distribution: 'normal', mu: 5, sigma: 2 })!;
    expect(toInternal(n, 5)).toBeCloseTo(0.5, 12);
    expect(toExternal(n, toInternal(n, 7.3)!)).toBeCloseTo(7.3, 9);
    // Far outside ±6 σ: clipped to the searched quantiles, not refused.
    expect(toInternal(n, 1e6)).toBe(1 - QUANTILE_EPSILON);
    const ln = dimensionFromWandb('n', { distribution: 'log_normal', mu: 0, sigma: 1 })!;
    expect(toExternal(ln, toInternal(ln, 2.5)!)).toBeCloseTo(2.5, 9);
    const b = dimensionFromWandb('b', { distribution: 'beta', a: 2, b: 5 })!;
    expect(toExternal(b, toInternal(b, 0.3)!)).toBeCloseTo(0.3, 9);
    const c: TpeDimension = { name: 'c', kind: 'categorical', choices: ['a', 1, true] };
    expect([toInternal(c, 'a'), toInternal(c, 1), toInternal(c, true), toInternal(c, 'z')]).toEqual(
      [0, 1, 2, undefined],
    );
    const f: TpeDimension = { name: 'f', kind: 'float', low: 0, high: 1 };
    expect([
      toInternal(f, 0.5),
      toInternal(f, 2),
      toInternal(f, undefined),
      toInternal(f, 'x'),
    ]).toEqual([0.5, undefined, undefined, undefined]);
  });

  it('ends a stepped range at its last step, as Optuna does', () => {
    expect(readSpace([{ name: 'a', kind: 'int', low: 0, high: 10, step: 4 }])[0]).toMatchObject({
      low: 0,
      high: 8,
      step: 4,
    });
    const d: TpeDimension = { name: 'a', kind: 'float', low: 0, high: 1, step: 0.3 };
    const [domain] = readSpace([d]);
    expect(domain).toMatchObject({ high: 0.8999999999999999 });
    for (const u of [0, 0.2, 0.5, 0.999]) {
      const x = samplePrior(d, domain!, u);
      expect([0, 0.3, 0.6, 0.8999999999999999].some((v) => Math.abs(v - x) < 1e-12)).toBe(true);
    }
  });
});
