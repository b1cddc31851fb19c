import { HeadroomError, type Violation } from '@headroom/errors';
import { betaCdf, betaPpf, normalPpf, quantize } from '../laws';
import { distributionOf, type LeafParameter, type SpecValue } from '../parameter-spec';
import { logNdtr } from './truncnorm';

/**
 * A law searched through a bounded internal coordinate. TPE works on the coordinate (its
 * kernels are truncated normals on [low, high]); the trial gets `transform(coordinate)`. Each
 * maps a quantile u ∈ [low, high] ⊂ (0, 1) through the law's inverse CDF, so a uniform
 * coordinate is the law itself (the startup trials and TPE's prior kernel draw from it) and an
 * unbounded law (normal, log-normal) is searched within `QUANTILE_EPSILON` of its tails.
 */
export type TpeTransform =
  | { kind: 'normal'; mu: number; sigma: number }
  | { kind: 'log_normal'; mu: number; sigma: number }
  | { kind: 'beta'; a: number; b: number };

/** A real parameter. `low`/`high` bound the coordinate TPE searches (the value itself unless `transform`). */
export interface TpeFloatDimension {
  name: string;
  kind: 'float';
  low: number;
  high: number;
  /** Search log(x): kernels in log space, for a scale parameter (lr). Needs low > 0. */
  log?: boolean;
  /** Values low, low + step, … ≤ high, as Optuna's `step` (kernels are discretised truncated normals). */
  step?: number;
  transform?: TpeTransform;
  /** After `transform`: round the value to a multiple of q, as W&B's q_* laws (`round(x / q) · q`). */
  q?: number;
}

/** An integer parameter: low, low + step, … ≤ high (Optuna's IntDistribution). */
export interface TpeIntDimension {
  name: string;
  kind: 'int';
  low: number;
  high: number;
  log?: boolean;
  step?: number;
}

/**
 * One of `choices` (any W&B value: lists and mappings too, compared by content); `weights`
 * (W&B's `probabilities`) shape the prior, uniform when absent.
 */
export interface TpeCategoricalDimension {
  name: string;
  kind: 'categorical';
  choices: readonly SpecValue[];
  weights?: readonly number[];
}

export type TpeDimension = TpeFloatDimension | TpeIntDimension | TpeCategoricalDimension;
/** The parameters TPE chooses for a trial; a parameter fixed by the spec (W&B `value`) is not one. */
export type TpeSearchSpace = readonly TpeDimension[];

/** Quantile coordinates stay in [ε, 1 − ε]: a normal law is searched within ±6 σ. */
export const QUANTILE_EPSILON = 1e-9;

/**
 * A dimension as the estimator reads it: numeric ones on their internal coordinate with the
 * discretisation and scale Optuna applies, categorical ones by index.
 */
export type NumericalDomain = {
  kind: 'numerical';
  low: number;
  high: number;
  log: boolean;
  /** 0 for continuous. */
  step: number;
};
export type CategoricalDomain = { kind: 'categorical'; size: number; prior: number[] };
export type Domain = NumericalDomain | CategoricalDomain;

function fail(violations: Violation[]): never {
  throw HeadroomError.invalid('INVALID_INPUT', 'TPE search space', violations);
}

/** Optuna's rule: a range that `step` does not divide ends at the last step below high. */
function adjustHigh(low: number, high: number, step: number): number {
  const n = Math.floor((high - low) / step + 1e-9);
  const adjusted = low + n * step;
  return Math.abs(adjusted - high) <= 1e-9 * Math.max(1, Math.abs(high)) ? high : adjusted;
}

/** Checks a space and reads each dimension's domain; every violation names its dimension. */
export function readSpace(space: TpeSearchSpace): Domain[] {
  const violations: Violation[] = [];
  const seen = new Set<string>();
  const domains = space.map((d, i): Domain => {
    const path = `space[${i}]`;
    const bad = (message: string) => violations.push({ path, message: `${d.name}: ${message}` });
    if (seen.has(d.name)) bad('appears twice; every dimension needs its own name');
    seen.add(d.name);
    if (d.kind === 'categorical') {
      if (d.choices.length === 0) bad('categorical needs at least one choice');
      const w = d.weights ?? d.choices.map(() => 1);
      if (w.length !== d.choices.length || w.some((x) => !(x >= 0)) || !(sum(w) > 0)) {
        bad('weights need one non-negative number per choice, not all zero');
      }
      const total = sum(w);
      return { kind: 'categorical', size: d.choices.length, prior: w.map((x) => x / total) };
    }
    const step = d.step ?? (d.kind === 'int' ? 1 : 0);
    if (!Number.isFinite(d.low) || !Number.isFinite(d.high) || d.low > d.high) {
      bad(`needs finite low ≤ high; got [${d.low}, ${d.high}]`);
    }
    if (d.log && d.low <= 0) bad(`log scale needs low > 0; got ${d.low}`);
    if (!(step >= 0) || (d.kind === 'int' && (!Number.isSafeInteger(step) || step < 1))) {
      bad(`step must be ${d.kind === 'int' ? 'a positive integer' : 'positive'}; got ${step}`);
    }
    if (d.kind === 'int' && (!Number.isSafeInteger(d.low) || !Number.isSafeInteger(d.high))) {
      bad(`int bounds must be integers; got [${d.low}, ${d.high}]`);
    }
    if (d.kind === 'float' && d.transform) {
      if (d.log || d.step) bad('a transformed dimension searches its quantile: no log, no step');
      if (d.low <= 0 || d.high >= 1) bad('a transform reads a quantile: 0 < low ≤ high < 1');
    }
    if (d.kind === 'float' && d.q !== undefined && !(d.q > 0)) bad(`q must be > 0; got ${d.q}`);
    const high = step > 0 && d.high > d.low ? adjustHigh(d.low, d.high, step) : d.high;
    return { kind: 'numerical', low: d.low, high, log: d.log ?? false, step };
  });
  if (violations.length > 0) fail(violations);
  return domains;
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/**
 * Whether a trial's value is this choice: by content, keys in any order, as W&B compares
 * values (a history read back from JSON holds copies, not the spec's objects).
 */
function sameChoice(a: SpecValue, b: SpecValue): boolean {
  if (Object.is(a, b) || a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((x, i) => sameChoice(x, b[i]!))
    );
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((k) => Object.hasOwn(b, k) && sameChoice(a[k]!, b[k]!))
  );
}

/**
 * A trial's value of a dimension on the estimator's coordinate (categorical: the choice's
 * index), or undefined when the trial has no usable value for it: absent (a conditional
 * parameter), not a choice, or outside the range (a spec that changed) — such a trial does not
 * inform this dimension, as in Optuna where a trial without a parameter is skipped for it.
 */
export function toInternal(d: TpeDimension, value: SpecValue | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (d.kind === 'categorical') {
    const i = d.choices.findIndex((c) => sameChoice(c, value));
    return i >= 0 ? i : undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  if (d.kind === 'float' && d.transform) {
    return Math.min(d.high, Math.max(d.low, quantileOf(d.transform, value)));
  }
  const slack = 1e-9 * Math.max(1, Math.abs(d.high - d.low));
  if (value < d.low - slack || value > d.high + slack) return undefined;
  return value;
}

/** The parameter value for an internal coordinate (the estimator's output, or a prior draw). */
export function toExternal(d: TpeDimension, x: number): SpecValue {
  if (d.kind === 'categorical') return d.choices[x]!;
  if (d.kind === 'int') return Math.round(x);
  if (!d.transform) return x;
  const v = valueOf(d.transform, x);
  return d.q === undefined ? v : quantize(v, d.q);
}

function valueOf(t: TpeTransform, u: number): number {
  switch (t.kind) {
    case 'normal':
      return t.mu + t.sigma * normalPpf(u);
    case 'log_normal':
      return Math.exp(t.mu + t.sigma * normalPpf(u));
    case 'beta':
      return betaPpf(u, t.a, t.b);
  }
}

function quantileOf(t: TpeTransform, v: number): number {
  switch (t.kind) {
    case 'normal':
      return Math.exp(logNdtr((v - t.mu) / t.sigma));
    case 'log_normal':
      return v > 0 ? Math.exp(logNdtr((Math.log(v) - t.mu) / t.sigma)) : 0;
    case 'beta':
      return betaCdf(v, t.a, t.b);
  }
}

/**
 * A draw from a dimension's prior given uniforms in [0, 1), on the internal coordinate — the
 * startup trials' sampler, Optuna's RandomSampler: uniform on [low, high] (log: in log space);
 * with a step, uniform on [low − step/2, high + step/2] then the nearest step; categorical by
 * its weights.
 */
export function samplePrior(d: TpeDimension, domain: Domain, u: number): number {
  if (domain.kind === 'categorical') {
    let acc = 0;
    for (let i = 0; i < domain.size; i++) {
      acc += domain.prior[i]!;
      if (u < acc) return i;
    }
    return domain.size - 1;
  }
  const { low, high, log, step } = domain;
  if (d.kind === 'int' && log) {
    const x = Math.exp(Math.log(low - 0.5) + u * (Math.log(high + 0.5) - Math.log(low - 0.5)));
    return Math.min(high, Math.max(low, Math.round(x)));
  }
  if (log) {
    // Optuna keeps a log draw below high (np.nextafter): exp(log(high)) can round past it.
    const x = Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low)));
    return Math.min(high, Math.max(low, x));
  }
  if (step > 0) {
    const x = low - step / 2 + u * (high - low + step);
    return Math.min(high, Math.max(low, low + Math.floor((x - low) / step + 0.5) * step));
  }
  return low + u * (high - low);
}

/**
 * A W&B parameter (as `readParameter` parsed it, defaults filled in) as a TPE dimension, with
 * W&B's meaning: each case's prior is the law wandb/sweeps `params.py` draws from (`drawLeaf`),
 * over the same support.
 *
 * | W&B | dimension |
 * |---|---|
 * | `uniform` | float [min, max] |
 * | `q_uniform` | float [round(min/q)·q, round(max/q)·q], step q (int when all three are integers) |
 * | `int_uniform` | int [min, max] |
 * | `log_uniform` (min, max are natural-log exponents) | float [e^min, e^max], log |
 * | `log_uniform_values` | float [min, max], log |
 * | `q_log_uniform(_values)` | as the log laws, the range rounded to q, step q, log (int when integral) |
 * | `inv_log_uniform` (exponents) | float [e^−max, e^−min], log — W&B's e^−U is log-uniform there |
 * | `inv_log_uniform_values` | float [min, max], log — 1/x of a log-uniform x is log-uniform |
 * | `normal`, `q_normal` | quantile ∈ [ε, 1−ε], transform normal(mu, sigma), then round to q |
 * | `log_normal`, `q_log_normal` | quantile, transform log_normal(mu, sigma) (value e^N(mu, sigma)), q |
 * | `beta`, `q_beta` | quantile, transform beta(a, b), q |
 * | `categorical` / `values` (+ `probabilities`) | categorical, weights = probabilities |
 * | `constant` / `value` | none (undefined): the value is fixed, merge it into the trial |
 *
 * Nested parameters: one dimension per leaf (`parameterLeaves`), named by its path.
 */
export function dimensionFromWandb(name: string, p: LeafParameter): TpeDimension | undefined {
  const quantile = { low: QUANTILE_EPSILON, high: 1 - QUANTILE_EPSILON };
  const stepped = (lo: number, hi: number, q: number, log: boolean): TpeDimension => {
    const low = quantize(lo, q);
    const high = quantize(hi, q);
    // A log kernel needs low > 0: the smallest positive multiple of q when W&B's rounding gives 0.
    const safeLow = log && low <= 0 ? q : low;
    return [safeLow, high, q].every((x) => Number.isSafeInteger(x))
      ? { name, kind: 'int', low: safeLow, high, log, step: q }
      : { name, kind: 'float', low: safeLow, high, log, step: q };
  };
  if ('value' in p) return undefined;
  if ('values' in p) {
    return {
      name,
      kind: 'categorical',
      choices: p.values,
      ...(p.probabilities ? { weights: p.probabilities } : {}),
    };
  }
  switch (p.distribution) {
    case 'uniform':
      return { name, kind: 'float', low: p.min, high: p.max };
    case 'q_uniform':
      return stepped(p.min, p.max, p.q, false);
    case 'int_uniform':
      return { name, kind: 'int', low: p.min, high: p.max };
    case 'log_uniform':
      return { name, kind: 'float', low: Math.exp(p.min), high: Math.exp(p.max), log: true };
    case 'log_uniform_values':
    case 'inv_log_uniform_values':
      return { name, kind: 'float', low: p.min, high: p.max, log: true };
    case 'inv_log_uniform':
      return { name, kind: 'float', low: Math.exp(-p.max), high: Math.exp(-p.min), log: true };
    case 'q_log_uniform':
      return stepped(Math.exp(p.min), Math.exp(p.max), p.q, true);
    case 'q_log_uniform_values':
      return stepped(p.min, p.max, p.q, true);
    case 'normal':
    case 'log_normal':
    case 'q_normal':
    case 'q_log_normal':
      return {
        name,
        kind: 'float',
        ...quantile,
        transform: {
          kind: p.distribution.endsWith('log_normal') ? 'log_normal' : 'normal',
          mu: p.mu,
          sigma: p.sigma,
        },
        ...('q' in p ? { q: p.q } : {}),
      };
    case 'beta':
    case 'q_beta':
      return {
        name,
        kind: 'float',
        ...quantile,
        transform: { kind: 'beta', a: p.a, b: p.b },
        ...('q' in p ? { q: p.q } : {}),
      };
    default:
      return fail([
        {
          path: name,
          message: `${name}: TPE has no dimension for distribution ${distributionOf(p)}`,
        },
      ]);
  }
}
