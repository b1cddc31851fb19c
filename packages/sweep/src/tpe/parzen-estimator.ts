/**
 * Optuna's Parzen estimator (optuna/samplers/_tpe/parzen_estimator.py and
 * probability_distributions.py): a mixture with one kernel per observed trial plus one prior
 * kernel, each kernel a product over the dimensions of a truncated normal (numerical) or a
 * smoothed one-hot (categorical).
 */
import { roundHalfEven } from '../laws';
import type { Domain } from './search-space';
import { logGaussMass, normLogPdf, ppf } from './truncnorm';

const EPS = 1e-12;

export interface ParzenParameters {
  priorWeight: number;
  considerMagicClip: boolean;
  considerEndpoints: boolean;
}

/** One numerical dimension's kernels, on the estimator's coordinate (log space when `log`). */
export interface NumericalKernels {
  kind: 'numerical';
  mus: number[];
  sigmas: number[];
  /** The truncation: [low − step/2, high + step/2], in log space when `log`. */
  adaptedLow: number;
  adaptedHigh: number;
  low: number;
  high: number;
  log: boolean;
  step: number;
}

/** One categorical dimension's kernels: a row of choice probabilities per kernel. */
export interface CategoricalKernels {
  kind: 'categorical';
  weights: number[][];
}

export interface ParzenEstimator {
  /** Mixture weights, normalised; the prior kernel's last. */
  weights: number[];
  dimensions: (NumericalKernels | CategoricalKernels)[];
}

/**
 * Builds the mixture from observations (`columns[j][k]`: dimension j of observation k on the
 * internal coordinate) weighted by `observationWeights`.
 */
export function buildParzenEstimator(
  columns: readonly (readonly number[])[],
  domains: readonly Domain[],
  observationWeights: readonly number[],
  params: ParzenParameters,
): ParzenEstimator {
  const n = observationWeights.length;
  const raw = n === 0 ? [1] : [...observationWeights, params.priorWeight];
  const total = raw.reduce((s, w) => s + w, 0);
  return {
    weights: raw.map((w) => w / total),
    dimensions: domains.map((domain, j) =>
      domain.kind === 'categorical'
        ? categoricalKernels(columns[j] ?? [], domain.size, domain.prior, params)
        : numericalKernels(columns[j] ?? [], domain, params),
    ),
  };
}

/**
 * Each observation's row is the prior spread over the choices plus 1 at its own choice; the
 * prior kernel's row is the prior alone. Optuna's prior is uniform; a weighted prior (W&B's
 * `probabilities`) spreads the same mass in proportion to the weights, so uniform weights give
 * Optuna's numbers exactly.
 */
function categoricalKernels(
  observations: readonly number[],
  size: number,
  prior: readonly number[],
  params: ParzenParameters,
): CategoricalKernels {
  if (observations.length === 0) return { kind: 'categorical', weights: [[...prior]] };
  const nKernels = observations.length + 1;
  const rows: number[][] = [];
  for (let k = 0; k < nKernels; k++) {
    const row = prior.map((p) => (params.priorWeight / nKernels) * size * p);
    if (k < observations.length) row[observations[k]!]! += 1;
    const s = row.reduce((a, b) => a + b, 0);
    rows.push(row.map((x) => x / (s === 0 ? 1 : s)));
  }
  return { kind: 'categorical', weights: rows };
}

function numericalKernels(
  observations: readonly number[],
  domain: Extract<Domain, { kind: 'numerical' }>,
  params: ParzenParameters,
): NumericalKernels {
  let low = domain.low;
  let high = domain.high;
  if (domain.step > 0) {
    low -= domain.step / 2;
    high += domain.step / 2;
  }
  if (domain.log) {
    low = Math.log(low);
    high = Math.log(high);
  }
  const mus = observations.map((x) => (domain.log ? Math.log(x) : x));
  const sigmas = kernelSigmas(mus, low, high, params);
  mus.push(0.5 * (low + high));
  sigmas.push(high - low);
  return {
    kind: 'numerical',
    mus,
    sigmas,
    adaptedLow: low,
    adaptedHigh: high,
    low: domain.low,
    high: domain.high,
    log: domain.log,
    step: domain.step,
  };
}

/**
 * Each kernel's bandwidth: the larger gap to its sorted neighbours (the range's ends count as
 * neighbours), except that without `considerEndpoints` the outermost kernels look inwards only;
 * then clipped to [(high − low) / min(100, 1 + kernels), high − low] (the "magic clip").
 * Ties in the sort are broken by observation order (Optuna's numpy argsort does not promise an
 * order for ties; it only matters when tied observations carry different weights).
 */
function kernelSigmas(
  mus: readonly number[],
  low: number,
  high: number,
  params: ParzenParameters,
): number[] {
  const n = mus.length;
  const order = mus.map((_, i) => i).sort((i, j) => mus[i]! - mus[j]! || i - j);
  const ends = [low, ...order.map((i) => mus[i]!), high];
  const sorted = new Array<number>(n);
  for (let k = 0; k < n; k++) {
    sorted[k] = Math.max(ends[k + 1]! - ends[k]!, ends[k + 2]! - ends[k + 1]!);
  }
  if (!params.considerEndpoints && ends.length >= 4) {
    sorted[0] = ends[2]! - ends[1]!;
    sorted[n - 1] = ends[n]! - ends[n - 1]!;
  }
  const maxSigma = high - low;
  const minSigma = params.considerMagicClip ? (high - low) / Math.min(100, 1 + (n + 1)) : EPS;
  const sigmas = new Array<number>(n);
  order.forEach((i, k) => {
    sigmas[i] = Math.min(maxSigma, Math.max(minSigma, sorted[k]!));
  });
  return sigmas;
}

/** numpy's RandomState.choice with p: the first index whose cumulative weight exceeds u. */
function chooseKernel(weights: readonly number[], u: number): number {
  let acc = 0;
  const total = weights.reduce((s, w) => s + w, 0);
  for (let k = 0; k < weights.length; k++) {
    acc += weights[k]!;
    if (acc / total > u) return k;
  }
  return weights.length - 1;
}

/**
 * `size` points from the mixture, on the internal coordinate: `u(j)` draws the uniforms for
 * dimension j (−1: the kernel choice), so each dimension reads its own stream.
 */
export function sampleParzen(
  estimator: ParzenEstimator,
  size: number,
  u: (dimension: number) => number,
): number[][] {
  const active = Array.from({ length: size }, () => chooseKernel(estimator.weights, u(-1)));
  const points = active.map(() => new Array<number>(estimator.dimensions.length));
  estimator.dimensions.forEach((d, j) => {
    for (let c = 0; c < size; c++) {
      const k = active[c]!;
      const r = u(j);
      if (d.kind === 'categorical') {
        const row = d.weights[Math.min(k, d.weights.length - 1)]!;
        let acc = 0;
        let index = 0;
        for (let i = 0; i < row.length; i++) {
          acc = i === row.length - 1 ? 1 : acc + row[i]!;
          if (acc < r) index += 1;
        }
        points[c]![j] = index;
        continue;
      }
      const mu = d.mus[k]!;
      const sigma = d.sigmas[k]!;
      let x = ppf(r, (d.adaptedLow - mu) / sigma, (d.adaptedHigh - mu) / sigma) * sigma + mu;
      if (d.log) x = Math.exp(x);
      if (d.step > 0) {
        x = Math.min(d.high, Math.max(d.low, d.low + roundHalfEven((x - d.low) / d.step) * d.step));
      }
      points[c]![j] = x;
    }
  });
  return points;
}

/** log density (mass, for stepped and categorical dimensions) of the mixture at each point. */
export function parzenLogPdf(estimator: ParzenEstimator, points: readonly number[][]): number[] {
  const nKernels = estimator.weights.length;
  const logWeights = estimator.weights.map((w) => Math.log(w));
  // Each kernel's truncation mass depends on the kernel only: once per call, not per point.
  const logMasses = estimator.dimensions.map((d) =>
    d.kind === 'categorical'
      ? []
      : d.mus.map((mu, k) =>
          logGaussMass((d.adaptedLow - mu) / d.sigmas[k]!, (d.adaptedHigh - mu) / d.sigmas[k]!),
        ),
  );
  return points.map((x) => {
    const terms = logWeights.slice();
    estimator.dimensions.forEach((d, j) => {
      const xj = x[j]!;
      if (d.kind === 'categorical') {
        for (let k = 0; k < nKernels; k++) {
          terms[k]! += Math.log(d.weights[Math.min(k, d.weights.length - 1)]![xj]!);
        }
        return;
      }
      const masses = logMasses[j]!;
      if (d.step === 0) {
        // Optuna's truncnorm.logpdf: −∞ outside the truncation, else the normal's log density
        // less the kernel's log mass and log σ.
        const v = d.log ? Math.log(xj) : xj;
        for (let k = 0; k < nKernels; k++) {
          const mu = d.mus[k]!;
          const sigma = d.sigmas[k]!;
          const z = (v - mu) / sigma;
          const a = (d.adaptedLow - mu) / sigma;
          const b = (d.adaptedHigh - mu) / sigma;
          terms[k]! += z < a || z > b ? -Infinity : normLogPdf(z) - masses[k]! - Math.log(sigma);
        }
        return;
      }
      const left = d.log ? Math.log(xj - d.step / 2) : xj - d.step / 2;
      const right = d.log ? Math.log(xj + d.step / 2) : xj + d.step / 2;
      for (let k = 0; k < nKernels; k++) {
        const mu = d.mus[k]!;
        const sigma = d.sigmas[k]!;
        terms[k]! += logGaussMass((left - mu) / sigma, (right - mu) / sigma) - masses[k]!;
      }
    });
    let max = -Infinity;
    for (const t of terms) if (t > max) max = t;
    if (max === -Infinity) max = 0;
    let total = 0;
    for (const t of terms) total += Math.exp(t - max);
    return Math.log(total) + max;
  });
}
