import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildParzenEstimator, parzenLogPdf } from './parzen-estimator';
import { defaultGamma, defaultWeights } from './sampler';
import { readSpace, type TpeDimension } from './search-space';
import { erf, erfc } from './special';
import { logGaussMass, logNdtr, logPdf, ppf } from './truncnorm';

// Values computed by Optuna's own code (bench/optuna/tpe_fixtures.py, run with bench/.venv's
// Optuna); regenerate with `bench/.venv/bin/python bench/optuna/tpe_fixtures.py`.
const fixture = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'optuna-tpe.json'), 'utf8'),
  (_key, v: unknown) =>
    v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === 'NaN' ? NaN : v,
) as {
  optuna: string;
  gamma: Record<string, number>;
  weights: Record<string, number[]>;
  erf: Record<string, [number, number]>;
  logNdtr: Record<string, number>;
  logGaussMass: [number, number, number][];
  ppf: [number, number, number, number][];
  logPdf: [number, number, number, number, number, number][];
  estimators: {
    name: string;
    dimension: Omit<TpeDimension, 'name'>;
    observations: number[];
    options: { consider_endpoints?: boolean; consider_magic_clip?: boolean };
    weights: number[];
    mus?: number[];
    sigmas?: number[];
    categoricalWeights?: number[][];
    points: number[];
    logPdf: number[];
  }[];
  joint: {
    name: string;
    dimensions: TpeDimension[];
    observations: number[][];
    weights: number[];
    points: number[][];
    logPdf: number[];
  }[];
};

/** |actual − expected| within `rel` of |expected| (or of 1 near zero); infinities exactly. */
function expectClose(actual: number, expected: number, rel: number, what: string) {
  if (!Number.isFinite(expected)) {
    expect(actual, what).toBe(expected);
    return;
  }
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    rel * Math.max(1, Math.abs(expected)),
  );
}

describe(`parity with Optuna ${fixture.optuna}`, () => {
  it('gamma is min(ceil(0.1 n), 25)', () => {
    expect(Object.keys(fixture.gamma).length).toBeGreaterThan(5);
    for (const [n, g] of Object.entries(fixture.gamma)) expect(defaultGamma(Number(n)), n).toBe(g);
  });

  it('weights are default_weights: flat below 25, a ramp for older trials past 25', () => {
    for (const [n, w] of Object.entries(fixture.weights)) {
      const mine = defaultWeights(Number(n));
      expect(mine.length, n).toBe(w.length);
      mine.forEach((x, i) => expectClose(x, w[i]!, 1e-15, `weights(${n})[${i}]`));
    }
  });

  it('erf and erfc are fdlibm’s, to the last bits', () => {
    for (const [x, [e, c]] of Object.entries(fixture.erf)) {
      expectClose(erf(Number(x)), e, 4e-16, `erf(${x})`);
      // erfc's relative error matters in the tail, where it is tiny.
      expect(Math.abs(erfc(Number(x)) - c), `erfc(${x})`).toBeLessThanOrEqual(
        4e-16 * Math.abs(c) + 1e-300,
      );
    }
  });

  it('log Φ, the Gaussian mass of an interval, the truncated quantile and density', () => {
    for (const [x, y] of Object.entries(fixture.logNdtr)) {
      expectClose(logNdtr(Number(x)), y, 1e-13, `logNdtr(${x})`);
    }
    for (const [a, b, m] of fixture.logGaussMass) {
      expectClose(logGaussMass(a, b), m, 1e-12, `logGaussMass(${a}, ${b})`);
    }
    expect(fixture.ppf.length).toBeGreaterThan(20);
    for (const [q, a, b, x] of fixture.ppf) {
      expectClose(ppf(q, a, b), x, 1e-9, `ppf(${q}, ${a}, ${b})`);
    }
    for (const [x, a, b, loc, scale, y] of fixture.logPdf) {
      expectClose(logPdf(x, a, b, loc, scale), y, 1e-12, `logPdf(${x}, ${a}, ${b})`);
    }
  });

  describe('Parzen estimator', () => {
    for (const c of fixture.estimators) {
      it(`${c.name}: mixture weights, kernel means and bandwidths, log density`, () => {
        const dimension = { name: 'x', ...c.dimension } as TpeDimension;
        const domains = readSpace([dimension]);
        const est = buildParzenEstimator(
          [c.observations],
          domains,
          defaultWeights(c.observations.length),
          {
            priorWeight: 1,
            considerEndpoints: c.options.consider_endpoints ?? false,
            considerMagicClip: c.options.consider_magic_clip ?? true,
          },
        );
        expect(est.weights.length).toBe(c.weights.length);
        est.weights.forEach((w, i) => expectClose(w, c.weights[i]!, 1e-14, `weight ${i}`));
        const d = est.dimensions[0]!;
        if (c.categoricalWeights) {
          if (d.kind !== 'categorical') throw new Error('expected categorical kernels');
          expect(d.weights.length).toBe(c.categoricalWeights.length);
          d.weights.forEach((row, k) =>
            row.forEach((w, i) =>
              expectClose(w, c.categoricalWeights![k]![i]!, 1e-14, `[${k}][${i}]`),
            ),
          );
        } else {
          if (d.kind !== 'numerical') throw new Error('expected numerical kernels');
          expect(d.mus.length).toBe(c.mus!.length);
          d.mus.forEach((m, i) => expectClose(m, c.mus![i]!, 1e-14, `mu ${i}`));
          d.sigmas.forEach((s, i) => expectClose(s, c.sigmas![i]!, 1e-14, `sigma ${i}`));
        }
        const logPdfs = parzenLogPdf(
          est,
          c.points.map((p) => [p]),
        );
        logPdfs.forEach((y, i) => expectClose(y, c.logPdf[i]!, 1e-12, `logPdf at ${c.points[i]}`));
      });
    }

    for (const c of fixture.joint) {
      it(`multivariate, ${c.name}: one kernel per trial across the dimensions`, () => {
        const columns = c.dimensions.map((_, j) => c.observations.map((o) => o[j]!));
        const est = buildParzenEstimator(
          columns,
          readSpace(c.dimensions),
          defaultWeights(c.observations.length),
          { priorWeight: 1, considerEndpoints: false, considerMagicClip: true },
        );
        est.weights.forEach((w, i) => expectClose(w, c.weights[i]!, 1e-14, `weight ${i}`));
        parzenLogPdf(est, c.points).forEach((y, i) =>
          expectClose(y, c.logPdf[i]!, 1e-12, `logPdf at ${c.points[i]!.join(', ')}`),
        );
      });
    }
  });
});
