import { HeadroomError } from '@headroom/errors';
import type { SpecValue } from '../parameter-spec';
import { hashString, hashWords } from '../prng';
import type { MetricGoal } from '../tasks';
import {
  buildParzenEstimator,
  parzenLogPdf,
  sampleParzen,
  type ParzenParameters,
} from './parzen-estimator';
import {
  readSpace,
  samplePrior,
  toExternal,
  toInternal,
  type Domain,
  type TpeDimension,
  type TpeSearchSpace,
} from './search-space';

/** What TPE knows of one earlier (or running) trial of the sweep. */
export interface TpeObservation {
  /** The trial's index in the sweep: it orders trials as Optuna's trial numbers do. */
  index: number;
  /** The values it ran with; a parameter it did not have (a conditional one) is left out. */
  params: Readonly<Record<string, SpecValue>>;
  /** The metric: the final value of a complete trial, the last reported one of a pruned trial. */
  value: number | null;
  /** `pending`: started, no result yet (constant liar); `failed`: ignored, as Optuna ignores FAIL. */
  state: 'complete' | 'pending' | 'failed' | 'pruned';
  /** A pruned trial's last reported step (epoch): a pruned trial that went further ranks better. */
  step?: number;
}

export interface TpeOptions {
  /** The sweep's sampler seed. */
  seed: number;
  /** The trial being suggested: with `seed`, the key of every random number it draws. */
  trialIndex: number;
  goal: MetricGoal;
  /** Trials drawn from the prior until this many are complete or pruned. */
  nStartupTrials?: number;
  /** Candidates drawn from l(x); the one with the largest l(x)/g(x) wins. */
  nEiCandidates?: number;
  priorWeight?: number;
  considerMagicClip?: boolean;
  considerEndpoints?: boolean;
  /**
   * One joint estimator over the dimensions every finished trial has, one kernel per trial
   * across all of them (Optuna's `multivariate=True`: TPESampler's default in 5.0.0 for a single
   * objective); the other dimensions, and all of them when false, are sampled one at a time
   * (Optuna's independent TPE, its default before 5.0).
   */
  multivariate?: boolean;
  /** Pending trials count as the worst, in g(x) (Optuna's `constant_liar=True`, its default). */
  constantLiar?: boolean;
}

/** Optuna 5.0.0's TPESampler defaults. */
export const TPE_DEFAULTS = {
  nStartupTrials: 10,
  nEiCandidates: 24,
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  multivariate: true,
  constantLiar: true,
} as const satisfies Required<Omit<TpeOptions, 'seed' | 'trialIndex' | 'goal'>>;

/** How many finished trials form l(x): Optuna's default_gamma, min(⌈0.1 n⌉, 25). */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/**
 * Each observation's weight in its estimator, oldest first: Optuna's default_weights — equal
 * below 25, else a ramp from 1/n to 1 over the oldest n − 25 and 1 for the newest 25.
 */
export function defaultWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return new Array<number>(n).fill(1);
  const num = n - 25;
  const ramp: number[] = [];
  const start = 1 / n;
  const step = num > 1 ? (1 - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) ramp.push(i === num - 1 && num > 1 ? 1 : start + i * step);
  return [...ramp, ...new Array<number>(25).fill(1)];
}

const TWO_26 = 0x400_0000;
const TWO_53 = 0x20_0000_0000_0000;
const TWO_32 = 0x1_0000_0000;

/**
 * A stream of uniforms in [0, 1) keyed by (seed, trial index, key): the k-th number is a hash
 * of its coordinates (prng.ts's scheme), so a stream is the same on every replay and one
 * dimension's draws do not move when another dimension is added.
 */
export function uniformStream(seed: number, trialIndex: number, key: string): () => number {
  const base = [
    seed >>> 0,
    Math.floor(seed / TWO_32) >>> 0,
    trialIndex >>> 0,
    Math.floor(trialIndex / TWO_32) >>> 0,
    hashString(key),
  ];
  let k = 0;
  return () => {
    const high = hashWords([...base, k, 0]) >>> 5;
    const low = hashWords([...base, k, 1]) >>> 6;
    k += 1;
    return (high * TWO_26 + low) / TWO_53;
  };
}

interface Finished {
  observation: TpeObservation;
  /** Sort key, smaller is better. */
  key: [number, number];
}

/**
 * Optuna's `_split_trials`: the best `nBelow` complete trials, then (if fewer) the pruned ones
 * that went furthest, form `below`; the rest and every pending trial form `above`; both in
 * trial order.
 */
export function splitTrials(
  trials: readonly TpeObservation[],
  nBelow: number,
  goal: MetricGoal,
): { below: TpeObservation[]; above: TpeObservation[] } {
  const sign = goal === 'minimize' ? 1 : -1;
  const complete: Finished[] = [];
  const pruned: Finished[] = [];
  const running: TpeObservation[] = [];
  for (const t of trials) {
    if (t.state === 'pending') running.push(t);
    else if (t.state === 'complete') complete.push({ observation: t, key: [sign * t.value!, 0] });
    else if (t.state === 'pruned') {
      const v = t.value;
      pruned.push({
        observation: t,
        key:
          t.step === undefined || v === null
            ? [1, 0]
            : [-t.step, Number.isNaN(v) ? Infinity : sign * v],
      });
    }
  }
  const byKey = (a: Finished, b: Finished) =>
    a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.observation.index - b.observation.index;
  complete.sort(byKey);
  pruned.sort(byKey);
  const belowComplete = Math.min(nBelow, complete.length);
  const belowPruned = Math.min(Math.max(0, nBelow - belowComplete), pruned.length);
  const byIndex = (a: TpeObservation, b: TpeObservation) => a.index - b.index;
  const below = [...complete.slice(0, belowComplete), ...pruned.slice(0, belowPruned)].map(
    (f) => f.observation,
  );
  const above = [...complete.slice(belowComplete), ...pruned.slice(belowPruned)].map(
    (f) => f.observation,
  );
  return { below: below.sort(byIndex), above: [...above, ...running].sort(byIndex) };
}

/** A trial's usable values on the internal coordinates of `dims`, or undefined if it lacks one. */
function internalRow(t: TpeObservation, dims: readonly TpeDimension[]): number[] | undefined {
  const row: number[] = [];
  for (const d of dims) {
    const x = toInternal(d, t.params[d.name]);
    if (x === undefined) return undefined;
    row.push(x);
  }
  return row;
}

function estimatorOf(
  trials: readonly TpeObservation[],
  dims: readonly TpeDimension[],
  domains: readonly Domain[],
  params: ParzenParameters,
) {
  const rows = trials.map((t) => internalRow(t, dims)).filter((r) => r !== undefined);
  const columns = dims.map((_, j) => rows.map((r) => r[j]!));
  return buildParzenEstimator(columns, domains, defaultWeights(rows.length), params);
}

/**
 * Suggests the parameters of trial `options.trialIndex` by TPE (Bergstra et al. 2011, as
 * Optuna 5.0.0's TPESampler does it): a pure function of (space, history, seed, trialIndex) —
 * no clock, no global state, random numbers only from `uniformStream` — so a Temporal workflow
 * computes the same suggestion on every replay. History order does not matter: trials are
 * ordered by `index`, as Optuna orders them by number. The trial itself, if it is in
 * `history` (as pending), is left out.
 *
 * Until `nStartupTrials` trials are complete or pruned each dimension is drawn from its prior.
 * Then, per dimension (or jointly, `multivariate`): finished trials are split into the best
 * γ(n) (`below`, l(x)) and the rest plus pending trials (`above`, g(x)); `nEiCandidates` points
 * are drawn from l and the one maximising log l(x) − log g(x) is returned. A dimension uses only
 * the trials that have a usable value for it, so conditional parameters learn from the trials
 * where they were present.
 */
export function suggestTpe(
  space: TpeSearchSpace,
  history: readonly TpeObservation[],
  options: TpeOptions,
): Record<string, SpecValue> {
  // An option given as undefined takes its default (a spread alone would let it erase it).
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = { ...TPE_DEFAULTS, ...(given as TpeOptions) };
  if (!Number.isSafeInteger(o.seed) || !Number.isSafeInteger(o.trialIndex) || o.trialIndex < 0) {
    throw HeadroomError.invalid('INVALID_INPUT', 'TPE options', [
      {
        path: 'options',
        message: `seed and trialIndex must be integers (trialIndex ≥ 0); got ${o.seed}, ${o.trialIndex}`,
      },
    ]);
  }
  const domains = readSpace(space);
  const trials = history
    .filter((t) => t.index !== o.trialIndex)
    .map((t) =>
      t.state === 'complete' && (t.value === null || !Number.isFinite(t.value))
        ? { ...t, state: 'failed' as const }
        : t,
    )
    .filter((t) => t.state !== 'failed' && (o.constantLiar || t.state !== 'pending'))
    .sort((a, b) => a.index - b.index);
  const finished = trials.filter((t) => t.state !== 'pending');
  const result: Record<string, SpecValue> = {};

  if (finished.length < o.nStartupTrials) {
    space.forEach((d, j) => {
      const u = uniformStream(o.seed, o.trialIndex, `tpe/prior/${d.name}`)();
      result[d.name] = toExternal(d, samplePrior(d, domains[j]!, u));
    });
    return result;
  }

  const { below, above } = splitTrials(trials, defaultGamma(finished.length), o.goal);
  const params: ParzenParameters = {
    priorWeight: o.priorWeight,
    considerMagicClip: o.considerMagicClip,
    considerEndpoints: o.considerEndpoints,
  };
  const groups: number[][] = [];
  if (o.multivariate) {
    // Optuna's IntersectionSearchSpace: the dimensions every complete or pruned trial has.
    const joint = space
      .map((_, j) => j)
      .filter((j) =>
        finished.every((t) => toInternal(space[j]!, t.params[space[j]!.name]) !== undefined),
      );
    if (joint.length > 0) groups.push(joint);
    for (let j = 0; j < space.length; j++) if (!joint.includes(j)) groups.push([j]);
  } else {
    for (let j = 0; j < space.length; j++) groups.push([j]);
  }

  for (const group of groups) {
    const dims = group.map((j) => space[j]!);
    const groupDomains = group.map((j) => domains[j]!);
    const key = o.multivariate && group.length > 1 ? 'tpe/joint' : `tpe/${dims[0]!.name}`;
    const lower = estimatorOf(below, dims, groupDomains, params);
    const upper = estimatorOf(above, dims, groupDomains, params);
    const streams = new Map<number, () => number>();
    const u = (j: number) => {
      let s = streams.get(j);
      if (!s) {
        s = uniformStream(o.seed, o.trialIndex, `${key}/${j < 0 ? '#kernel' : dims[j]!.name}`);
        streams.set(j, s);
      }
      return s();
    };
    const candidates = sampleParzen(lower, o.nEiCandidates, u);
    const l = parzenLogPdf(lower, candidates);
    const g = parzenLogPdf(upper, candidates);
    let best = 0;
    for (let c = 1; c < candidates.length; c++) {
      if (l[c]! - g[c]! > l[best]! - g[best]!) best = c;
    }
    dims.forEach((d, j) => {
      result[d.name] = toExternal(d, candidates[best]![j]!);
    });
  }
  // Keys in the space's order, whatever the grouping, so every trial's JSON reads the same.
  return Object.fromEntries(space.map((d) => [d.name, result[d.name]!]));
}
