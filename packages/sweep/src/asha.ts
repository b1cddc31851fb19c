/**
 * Early termination for W&B's `early_terminate: { type: hyperband, min_iter | max_iter + s, eta,
 * strict }`, run as
 * asynchronous successive halving (ASHA: Li et al., "A System for Massively Parallel
 * Hyperparameter Tuning", MLSys 2020, arXiv:1810.05934).
 *
 * Rungs sit at min_iter · eta^k epochs. When a trial reaches a rung, its metric is recorded there
 * and compared with every value recorded at that rung so far (its own included): it continues
 * iff it is among the top ⌊n / eta⌋ of those n values, and is pruned at that rung otherwise.
 *
 * The paper's ASHA promotes paused trials: a trial waits at its rung until ⌊n / eta⌋ grows
 * enough to take it. Headroom's trials hold a GPU while they train, so they cannot wait; like
 * Optuna's SuccessiveHalvingPruner (the same asynchronous rule decided at the moment a trial
 * reports), the decision is made at once, and while a rung has fewer than eta values — where
 * ⌊n / eta⌋ = 0 and the paper would promote nobody yet — a trial continues only if it is the best
 * value at that rung so far ("at least 1"). So the first trial at every rung continues.
 *
 * Everything here is pure and deterministic: the sweep workflow owns the state, a plain JSON
 * object carried across continue-as-new, and makes every decision in workflow code.
 */
import { HeadroomError, type Violation } from '@headroom/errors';
import { maxEpochs } from './parameters';
import type { EarlyTerminate, SweepSpec } from './spec';
import { METRIC_GOALS, resolveMetric, type MetricGoal } from './tasks';
import { hasKey, isRecord } from './violations';

export interface AshaConfig {
  /** Epochs at the first rung (`early_terminate.min_iter`). */
  minIter: number;
  /** Reduction factor (`early_terminate.eta`, > 1): a rung keeps its top 1/eta. */
  eta: number;
  /** The most epochs a trial trains for; no rung lies past it. */
  maxIter: number;
  /** Whether lower (`minimize`) or higher (`maximize`) metric values are better. */
  goal: MetricGoal;
  /**
   * W&B's brackets from `max_iter` and `s` (`hyperbandBands`): the rung epochs themselves, used
   * instead of min_iter · eta^k when given.
   */
  bands?: number[];
  /**
   * W&B's `strict` (default true): a trial is ranked by its value at the rung; with false, by its
   * best value so far (W&B's "conservative" condition, which stops fewer trials).
   */
  strict?: boolean;
}

export interface AshaRung {
  /** The epoch at which a trial reaches this rung. */
  epoch: number;
  /** The value each trial had when it reached the rung, by trial id; `null` for a non-finite one. */
  values: Record<string, number | null>;
}

/** The whole ASHA state of a sweep: plain JSON, so it survives continue-as-new unchanged. */
export interface AshaState {
  version: 1;
  config: AshaConfig;
  rungs: AshaRung[];
  /** Trials pruned so far, with the index of the rung they were pruned at. */
  pruned: Record<string, number>;
  /** With `strict: false`: each trial's best finite value so far. */
  best?: Record<string, number>;
}

export interface AshaReport {
  trialId: string;
  /** The epoch just finished, counted from 1. */
  epoch: number;
  /** The sweep metric after that epoch. NaN or ±Infinity (a diverged trial) counts as worst. */
  value: number;
}

export interface AshaDecision {
  decision: 'continue' | 'prune';
  /** The index of the highest rung the trial has reached (its pruning rung when pruned). */
  rung?: number;
}

/** Rung epochs are computed step by step; an eta this close to 1 would make too many steps. */
const MAX_RUNG_STEPS = 10_000;

function invalidConfig(violations: Violation[]): HeadroomError {
  return HeadroomError.invalid('INVALID_INPUT', 'ASHA config', violations);
}

function checkConfig(config: AshaConfig): void {
  const violations: Violation[] = [];
  const { minIter, eta, maxIter, goal } = config;
  if (!Number.isSafeInteger(minIter) || minIter < 1) {
    violations.push({
      path: 'minIter',
      message: `minIter (early_terminate.min_iter) must be a positive integer; got ${String(minIter)}`,
    });
  }
  if (typeof eta !== 'number' || !Number.isFinite(eta) || eta <= 1) {
    violations.push({
      path: 'eta',
      message: `eta (early_terminate.eta) must be a number > 1, e.g. 3; got ${String(eta)}`,
    });
  }
  if (!Number.isSafeInteger(maxIter) || maxIter < 1) {
    violations.push({
      path: 'maxIter',
      message: `maxIter must be a positive integer, the most epochs a trial trains for; got ${String(maxIter)}`,
    });
  } else if (violations.length === 0 && minIter > maxIter) {
    violations.push({
      path: 'minIter',
      message: `minIter ${minIter} is past maxIter ${maxIter}, so no trial would reach a rung; lower minIter or turn early termination off`,
    });
  }
  if (!(METRIC_GOALS as readonly unknown[]).includes(goal)) {
    violations.push({
      path: 'goal',
      message: `goal must be minimize or maximize; got ${String(goal)}`,
    });
  }
  if (violations.length > 0) throw invalidConfig(violations);
}

/**
 * The rung epochs: min_iter · eta^k for k = 0, 1, … while ≤ max_iter, e.g. [1, 3, 9, 27] for
 * min_iter 1, eta 3, max_iter 27. A fractional eta gives fractional products; a trial reaches
 * such a rung at the first whole epoch past it (the product rounded up), and products that
 * round to the same epoch make one rung.
 */
export function ashaRungs(config: AshaConfig): number[] {
  checkConfig(config);
  if (config.bands !== undefined) {
    return [...new Set(config.bands)].filter((b) => b <= config.maxIter).sort((a, b) => a - b);
  }
  const epochs: number[] = [];
  // Repeated multiplication: exact for integer eta, so 1 · 3 · 3 · 3 is 27, not 27.000…1.
  let exact = config.minIter;
  for (let step = 0; ; step++) {
    // The tiny shave undoes float error: 50 · 1.1 is 55.00000000000001, which is epoch 55, not 56.
    const epoch = Math.ceil(exact * (1 - 1e-12));
    if (epoch > config.maxIter) break;
    if (step >= MAX_RUNG_STEPS) {
      throw invalidConfig([
        {
          path: 'eta',
          message: `eta ${config.eta} is so close to 1 that the rungs take over ${MAX_RUNG_STEPS} steps; use eta ≥ 1.1 (W&B's default is 3)`,
        },
      ]);
    }
    if (epoch !== epochs[epochs.length - 1]) epochs.push(epoch);
    exact *= config.eta;
  }
  return epochs;
}

/** A fresh ASHA state for a sweep; validates the config with messages naming the spec keys. */
export function createAsha(config: AshaConfig): AshaState {
  const { minIter, eta, maxIter, goal, bands, strict } = config;
  const rungs = ashaRungs(config);
  return {
    version: 1,
    // Only what was given: a min_iter sweep's state stays as it always was.
    config: {
      minIter,
      eta,
      maxIter,
      goal,
      ...(bands !== undefined ? { bands } : {}),
      ...(strict === false ? { strict } : {}),
    },
    rungs: rungs.map((epoch) => ({ epoch, values: {} })),
    pruned: {},
    ...(strict === false ? { best: {} } : {}),
  };
}

/**
 * W&B's hyperband brackets from `max_iter` and `s` (hyperband_stopping.py): max_iter / eta^k for
 * k = 1…s, each truncated to a whole epoch, stopping below 1, ascending — e.g. [3, 9] for
 * max_iter 27, eta 3, s 2. Empty when max_iter / eta < 1.
 */
export function hyperbandBands(et: Pick<EarlyTerminate, 'max_iter' | 's' | 'eta'>): number[] {
  const bands: number[] = [];
  let band = et.max_iter ?? 0;
  for (let i = 0; i < (et.s ?? 0); i++) {
    band /= et.eta;
    if (band < 1) break;
    bands.push(Math.trunc(band));
  }
  return [...new Set(bands)].sort((a, b) => a - b);
}

/**
 * The ASHA config of a parsed sweep spec, or `undefined` when it has no `early_terminate`:
 * rungs from min_iter and eta, max_iter the most epochs any of its trials trains for, and
 * the goal of its metric.
 */
export function resolveAshaConfig(spec: SweepSpec): AshaConfig | undefined {
  const et = spec.early_terminate;
  if (et === undefined) return undefined;
  // W&B reads max_iter and s first when both forms are given.
  const bands = et.max_iter !== undefined && et.s !== undefined ? hyperbandBands(et) : undefined;
  const config: AshaConfig = {
    minIter: bands?.[0] ?? et.min_iter ?? 1,
    eta: et.eta,
    // A program's epochs are its own business: only max_iter bounds them.
    maxIter:
      'task' in spec
        ? maxEpochs(spec.parameters)
        : Math.max(et.max_iter ?? Number.MAX_SAFE_INTEGER, bands?.at(-1) ?? 1),
    goal: 'task' in spec ? resolveMetric(spec).goal : (spec.metric?.goal ?? 'minimize'),
  };
  if (bands !== undefined) config.bands = bands;
  if (et.strict === false) config.strict = false;
  return config;
}

/** Trial ids are data: `__proto__` must become a key like any other, not a prototype. */
function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function checkReport(state: AshaState, report: AshaReport): void {
  const violations: Violation[] = [];
  if (!isRecord(state) || state.version !== 1 || !Array.isArray(state.rungs)) {
    throw new HeadroomError(
      'INTERNAL',
      'ashaReport needs the state createAsha made (version 1), carried as it is; got something else',
    );
  }
  if (typeof report.trialId !== 'string' || report.trialId === '') {
    violations.push({ path: 'trialId', message: 'trialId must be a non-empty string' });
  }
  if (!Number.isSafeInteger(report.epoch) || report.epoch < 1) {
    violations.push({
      path: 'epoch',
      message: `epoch must be the epoch just finished, an integer ≥ 1; got ${String(report.epoch)}`,
    });
  }
  if (typeof report.value !== 'number') {
    violations.push({
      path: 'value',
      message: `value must be the metric, a number; got ${String(report.value)}`,
    });
  }
  if (violations.length > 0)
    throw HeadroomError.invalid('INVALID_INPUT', 'ASHA report', violations);
}

/** Whether `value` is among the top max(1, ⌊n / eta⌋) of the rung's n values (its own included). */
function isPromotable(value: number, rung: AshaRung, config: AshaConfig): boolean {
  const values = Object.values(rung.values);
  const keep = Math.max(1, Math.floor(values.length / config.eta));
  let better = 0;
  for (const other of values) {
    if (other === null) continue;
    if (config.goal === 'minimize' ? other < value : other > value) better++;
  }
  // Ties go the trial's way, as in Optuna (value <= the keep-th best): equal is not worse.
  return better < keep;
}

/**
 * Records a trial's metric after an epoch and says whether it goes on. Mutates `state` (the
 * workflow's own variable); the same reports in the same order always give the same decisions.
 *
 * At each rung the epoch has reached and the trial has not recorded yet (lowest first, so a
 * trial that reports only now and then still meets every rung), the value is recorded and
 * ranked; the trial is pruned at the first rung where it is not among the top. The last rung,
 * when it is max_iter itself, only records: a trial there has finished, there is nothing to
 * stop. Reports are idempotent per trial and rung — a trial resumed from a checkpoint may
 * report an epoch again, and gets the decision it got the first time; a pruned trial stays
 * pruned at its rung.
 */
export function ashaReport(state: AshaState, report: AshaReport): AshaDecision {
  checkReport(state, report);
  const { trialId, epoch, value } = report;
  if (hasKey(state.pruned, trialId)) return { decision: 'prune', rung: state.pruned[trialId] };
  // strict: false ranks the trial's best value so far (W&B's min(history)), not the rung's.
  let ranked = value;
  if (state.config.strict === false) {
    const best = state.best ?? (state.best = {});
    const previous = hasKey(best, trialId) ? best[trialId] : undefined;
    if (Number.isFinite(value)) {
      const better =
        previous === undefined ||
        (state.config.goal === 'minimize' ? value < previous : value > previous);
      if (better) setOwn(best, trialId, value);
    }
    ranked = hasKey(best, trialId) ? best[trialId]! : value;
  }

  let reached: number | undefined;
  for (let k = 0; k < state.rungs.length; k++) {
    const rung = state.rungs[k]!;
    if (rung.epoch > epoch) break;
    reached = k;
    if (hasKey(rung.values, trialId)) continue;
    const finite = Number.isFinite(value);
    setOwn(rung.values, trialId, finite ? value : null);
    if (rung.epoch >= state.config.maxIter) continue;
    // A diverged trial is worst; it still counts in n, as a trial that reached the rung and lost.
    if (!Number.isFinite(ranked) || !isPromotable(ranked, rung, state.config)) {
      setOwn(state.pruned, trialId, k);
      return { decision: 'prune', rung: k };
    }
  }
  return reached === undefined ? { decision: 'continue' } : { decision: 'continue', rung: reached };
}
