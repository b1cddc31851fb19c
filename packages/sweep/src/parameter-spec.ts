/**
 * One entry of a sweep's `parameters` as W&B's sweeps library reads it (wandb/sweeps
 * `config/schema.json`, the `parameter` definitions, and `params.py`): its shape, the
 * distribution inferred when none is named, the defaults W&B fills in (`mu` 0, `sigma` 1, `a` 1,
 * `b` 1, `q` 1), and the checks W&B makes (min < max, `*_values` bounds > 0, probabilities that sum
 * to 1). What a name may hold (a built-in task's `d_m`, `lr`…) is checked on top, in parameters.ts.
 */
import type { Violation } from '@headroom/errors';
import { betaPpf, normalPpf, quantize } from './laws';
import { hasKey, isRecord, joinPath, listWords, showValue } from './violations';

/** Any value a `value` or `values` entry may hold: W&B takes any YAML value (lists, mappings, null). */
export type SpecValue =
  null | boolean | number | string | SpecValue[] | { [key: string]: SpecValue };

/** Every `distribution` W&B's sweeps library knows, in the order of its docs. */
export const DISTRIBUTIONS = [
  'constant',
  'categorical',
  'int_uniform',
  'uniform',
  'q_uniform',
  'log_uniform',
  'log_uniform_values',
  'q_log_uniform',
  'q_log_uniform_values',
  'inv_log_uniform',
  'inv_log_uniform_values',
  'normal',
  'q_normal',
  'log_normal',
  'q_log_normal',
  'beta',
  'q_beta',
] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

/**
 * W&B's schema name for a categorical with `probabilities`; read as `categorical` (which takes
 * `probabilities` too in Headroom).
 */
const CATEGORICAL_W_PROBABILITIES = 'categorical_w_probabilities';

export type RangeDistribution =
  | 'int_uniform'
  | 'uniform'
  | 'log_uniform'
  | 'log_uniform_values'
  | 'inv_log_uniform'
  | 'inv_log_uniform_values';
export type QRangeDistribution = 'q_uniform' | 'q_log_uniform' | 'q_log_uniform_values';
export type NormalDistribution = 'normal' | 'log_normal';
export type QNormalDistribution = 'q_normal' | 'q_log_normal';

/** A constant (`distribution: constant`, or inferred from `value`). */
export interface ValueParameter {
  distribution?: 'constant';
  value: SpecValue;
}
/** A list to choose from (`distribution: categorical`, or inferred from `values`). */
export interface ValuesParameter {
  distribution?: 'categorical';
  values: SpecValue[];
  /** W&B's `probabilities`: one per value, summing to 1; uniform when absent. */
  probabilities?: number[];
}
export interface RangeParameter {
  distribution: RangeDistribution;
  min: number;
  max: number;
}
export interface QRangeParameter {
  distribution: QRangeDistribution;
  min: number;
  max: number;
  q: number;
}
export interface NormalParameter {
  distribution: NormalDistribution;
  mu: number;
  sigma: number;
}
export interface QNormalParameter {
  distribution: QNormalDistribution;
  mu: number;
  sigma: number;
  q: number;
}
export interface BetaParameter {
  distribution: 'beta';
  a: number;
  b: number;
}
export interface QBetaParameter {
  distribution: 'q_beta';
  a: number;
  b: number;
  q: number;
}
/** A drawn number: every distribution but constant and categorical. */
export type DistributionParameter =
  | RangeParameter
  | QRangeParameter
  | NormalParameter
  | QNormalParameter
  | BetaParameter
  | QBetaParameter;
/** W&B's nested parameters: a mapping of parameters under one name (a trial gets a mapping there). */
export interface NestedParameter {
  parameters: Record<string, ParameterSpec>;
}
/** One entry of a spec's `parameters`, as in a W&B sweep config, defaults filled in. */
export type ParameterSpec =
  ValueParameter | ValuesParameter | DistributionParameter | NestedParameter;
/** A parameter that gives a trial one value (everything but nested parameters). */
export type LeafParameter = Exclude<ParameterSpec, NestedParameter>;

/**
 * A program trial's values, nested as the spec's parameters are (W&B's run config without its
 * `{ value: … }` wrappers): `{ batch_size: 64, optimizer: { lr: 0.001, nadam: { beta: 0.9 } } }`.
 */
export interface ProgramTrialParams {
  [name: string]: SpecValue;
}

/** W&B's parameter names (`propertyNames` in its schema): they become command-line flags. */
export const PARAMETER_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

const KEYS: Record<Distribution, readonly string[]> = {
  constant: ['value'],
  categorical: ['values', 'probabilities'],
  int_uniform: ['min', 'max'],
  uniform: ['min', 'max'],
  q_uniform: ['min', 'max', 'q'],
  log_uniform: ['min', 'max'],
  log_uniform_values: ['min', 'max'],
  q_log_uniform: ['min', 'max', 'q'],
  q_log_uniform_values: ['min', 'max', 'q'],
  inv_log_uniform: ['min', 'max'],
  inv_log_uniform_values: ['min', 'max'],
  normal: ['mu', 'sigma'],
  q_normal: ['mu', 'sigma', 'q'],
  log_normal: ['mu', 'sigma'],
  q_log_normal: ['mu', 'sigma', 'q'],
  beta: ['a', 'b'],
  q_beta: ['a', 'b', 'q'],
};

/** W&B's schema defaults for the keys a distribution may leave out. */
const DEFAULTS: Record<string, number> = { mu: 0, sigma: 1, a: 1, b: 1, q: 1 };

export function isNested(p: ParameterSpec): p is NestedParameter {
  return 'parameters' in p;
}

/** The distribution a (parsed) leaf draws from: `constant` and `categorical` when left implicit. */
export function distributionOf(p: LeafParameter): Distribution {
  if ('value' in p) return 'constant';
  if ('values' in p) return 'categorical';
  return p.distribution;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The distribution W&B infers when `distribution` is left out: `value` → constant, `values` →
 * categorical, `min`/`max` both integers → int_uniform, else uniform (its schema tries
 * int_uniform's `format: integer` first). `isInteger` says whether a number was written as an
 * integer; from YAML text Headroom knows (`1.0` is a float), from a JS object only the value.
 */
export function inferDistribution(
  raw: Record<string, unknown>,
  isInteger: (v: unknown) => boolean = (v) => Number.isInteger(v),
): string | undefined {
  if (hasKey(raw, 'distribution')) return raw.distribution as string;
  if (hasKey(raw, 'value')) return 'constant';
  if (hasKey(raw, 'values')) return 'categorical';
  if (hasKey(raw, 'min') || hasKey(raw, 'max')) {
    return isInteger(raw.min) && isInteger(raw.max) ? 'int_uniform' : 'uniform';
  }
  return undefined;
}

/**
 * A string that two values share exactly when they are the same value: `{ a: 1 }` and
 * `{ a: 1.0 }`, and mappings with their keys in any order, are one value (W&B's yaml_hash); so
 * are 0 and −0, and NaN and NaN. Lets a list's repeats be found in one pass, not pair by pair.
 * Functions and symbols (only a spec built in code holds them) are the same only as themselves.
 */
function valueKey(value: unknown, identities: Map<unknown, number>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'boolean':
      return String(value);
    case 'number':
      // String(-0) is '0' and String(NaN) 'NaN': the equalities wanted.
      return `n${String(value)}`;
    case 'bigint':
      return `i${String(value)}`;
    case 'string':
      return JSON.stringify(value);
    case 'object':
      if (Array.isArray(value))
        return `[${Array.from(value, (v: unknown) => valueKey(v, identities)).join(',')}]`;
      return `{${Object.keys(value)
        .sort()
        .map(
          (k) =>
            `${JSON.stringify(k)}:${valueKey((value as Record<string, unknown>)[k], identities)}`,
        )
        .join(',')}}`;
    default: {
      let id = identities.get(value);
      if (id === undefined) identities.set(value, (id = identities.size));
      return `#${id}`;
    }
  }
}

/** The index of every value equal to one before it (`valueKey`), in one pass. */
export function repeatedIndexes(values: readonly unknown[]): number[] {
  const identities = new Map<unknown, number>();
  const seen = new Set<string>();
  const repeats: number[] = [];
  values.forEach((v, i) => {
    const key = valueKey(v, identities);
    if (seen.has(key)) repeats.push(i);
    else seen.add(key);
  });
  return repeats;
}

const SHAPE_HINT =
  '{ value: x }, { values: [x, y] }, { min: a, max: b }, { distribution: …, … } or { parameters: { … } }';

/**
 * Reads one parameter entry W&B's way, pushing every problem at its path. `allowNested` is false
 * where nesting is not allowed (built-in tasks). Returns the entry with its distribution and
 * defaults filled in, or `undefined` after a violation.
 */
export function readParameter(
  raw: unknown,
  path: string,
  violations: Violation[],
  options: ReadOptions & { name: string },
): ParameterSpec | undefined {
  const leaf = readEntry(raw, path, violations, options);
  // A grid walks every leaf (W&B's grid search), so a continuous one is refused where it is.
  if (options.grid && leaf !== undefined && !isNested(leaf) && gridSize(leaf) === undefined) {
    violations.push(gridViolation(leaf, path));
    return undefined;
  }
  return leaf;
}

/** How `parameters` are read: nesting allowed (program sweeps), walked by a grid. */
export interface ReadOptions {
  allowNested: boolean;
  grid?: boolean;
}

function readEntry(
  raw: unknown,
  path: string,
  violations: Violation[],
  options: ReadOptions & { name: string },
): ParameterSpec | undefined {
  const before = violations.length;
  if (!isRecord(raw)) {
    violations.push({
      path,
      message: `a parameter is a mapping, got ${showValue(raw)}; write ${options.name}: ${SHAPE_HINT}`,
    });
    return undefined;
  }
  if (hasKey(raw, 'parameters')) {
    if (!options.allowNested) {
      violations.push({
        path: joinPath(path, 'parameters'),
        message:
          'built-in tasks take flat parameters; nested parameters are for program sweeps (program: …)',
      });
      return undefined;
    }
    for (const key of Object.keys(raw)) {
      if (key !== 'parameters')
        violations.push({
          path: joinPath(path, key),
          message: 'unknown key; nested parameters take only parameters: { name: { … } }',
        });
    }
    const inner = readParameters(raw.parameters, joinPath(path, 'parameters'), violations, options);
    return violations.length === before && inner ? { parameters: inner } : undefined;
  }

  const inferred = inferDistribution(raw);
  const given = inferred === CATEGORICAL_W_PROBABILITIES ? 'categorical' : inferred;
  if (given === undefined) {
    violations.push({ path, message: `empty parameter; write ${options.name}: ${SHAPE_HINT}` });
    return undefined;
  }
  if (!(DISTRIBUTIONS as readonly unknown[]).includes(given)) {
    violations.push({
      path: joinPath(path, 'distribution'),
      message: `unknown distribution ${showValue(given)}; use ${listWords(DISTRIBUTIONS)}`,
    });
    return undefined;
  }
  const dist = given as Distribution;
  const allowed = KEYS[dist];
  const unknown = Object.keys(raw).filter((k) => k !== 'distribution' && !allowed.includes(k));
  // value and values together, or values with min/max: the W&B schema matches no form.
  const forms = ['value', 'values', 'min'].filter(
    (k) => hasKey(raw, k) || (k === 'min' && hasKey(raw, 'max')),
  );
  if (!hasKey(raw, 'distribution') && forms.length > 1) {
    violations.push({
      path,
      message: `give exactly one of value, values or distribution (min/max); write ${options.name}: ${SHAPE_HINT}`,
    });
    return undefined;
  }
  for (const key of unknown) {
    violations.push({
      path: joinPath(path, key),
      message: `unknown key; ${dist} takes ${listWords(['distribution', ...allowed])}`,
    });
  }

  if (dist === 'constant') {
    if (!hasKey(raw, 'value'))
      violations.push({ path: joinPath(path, 'value'), message: 'constant needs value: x' });
    if (violations.length > before) return undefined;
    const out: ValueParameter = { value: raw.value as SpecValue };
    if (hasKey(raw, 'distribution')) out.distribution = 'constant';
    return out;
  }

  if (dist === 'categorical') {
    const at = joinPath(path, 'values');
    const values = raw.values;
    if (!hasKey(raw, 'values')) {
      violations.push({ path: at, message: 'categorical needs values: [x, y, …]' });
    } else if (!Array.isArray(values)) {
      violations.push({ path: at, message: `values must be a list, got ${showValue(values)}` });
    } else if (values.length === 0) {
      violations.push({ path: at, message: 'values is empty; give at least one value' });
    } else {
      // A repeat would run the same grid point twice (W&B's grid skips it) and skew sampling.
      for (const i of repeatedIndexes(values)) {
        violations.push({
          path: joinPath(at, i),
          message: `${showValue(values[i])} is repeated; list each value once`,
        });
      }
    }
    let probabilities: number[] | undefined;
    if (hasKey(raw, 'probabilities')) {
      probabilities = readProbabilities(
        raw.probabilities,
        values,
        joinPath(path, 'probabilities'),
        violations,
      );
    } else if (inferred === CATEGORICAL_W_PROBABILITIES) {
      violations.push({
        path: joinPath(path, 'probabilities'),
        message: `${CATEGORICAL_W_PROBABILITIES} needs probabilities: one per value, summing to 1`,
      });
    }
    if (violations.length > before) return undefined;
    const out: ValuesParameter = { values: values as SpecValue[] };
    if (hasKey(raw, 'distribution')) out.distribution = 'categorical';
    if (probabilities) out.probabilities = probabilities;
    return out;
  }

  const num = (key: string, check?: (v: number) => string | undefined): number | undefined => {
    const at = joinPath(path, key);
    if (!hasKey(raw, key)) {
      if (key in DEFAULTS) return DEFAULTS[key];
      violations.push({ path: at, message: `${dist} needs ${key}` });
      return undefined;
    }
    const v = raw[key];
    if (!isNumber(v)) {
      violations.push({ path: at, message: `${key} must be a number; got ${showValue(v)}` });
      return undefined;
    }
    const problem = check?.(v);
    if (problem) {
      violations.push({ path: at, message: problem });
      return undefined;
    }
    return v;
  };
  const positive = (key: string) => (v: number) =>
    v > 0 ? undefined : `${key} must be greater than 0; got ${v}`;

  if (allowed.includes('min')) {
    const integer = dist === 'int_uniform';
    const isValues = dist.endsWith('_values');
    const intCheck = (key: string) => (v: number) =>
      integer && !Number.isInteger(v)
        ? `${key} must be an integer for int_uniform; got ${v} (for fractions use uniform)`
        : isValues && v <= 0
          ? `${dist} takes the values themselves, which must be > 0; got ${v}${dist === 'log_uniform_values' ? ' (log_uniform takes natural-log exponents instead)' : ''}`
          : undefined;
    const min = num('min', intCheck('min'));
    const max = num('max', intCheck('max'));
    if (min !== undefined && max !== undefined && min >= max) {
      violations.push({
        path: joinPath(path, 'max'),
        message: `max must be greater than min (${min}); for a fixed value use value: ${min}`,
      });
    }
    const q = allowed.includes('q') ? num('q', positive('q')) : undefined;
    if (violations.length > before) return undefined;
    return q === undefined
      ? { distribution: dist as RangeDistribution, min: min!, max: max! }
      : { distribution: dist as QRangeDistribution, min: min!, max: max!, q };
  }
  if (allowed.includes('mu')) {
    const mu = num('mu');
    const sigma = num('sigma', (v) => (v >= 0 ? undefined : `sigma must be ≥ 0; got ${v}`));
    const q = allowed.includes('q') ? num('q', positive('q')) : undefined;
    if (violations.length > before) return undefined;
    return q === undefined
      ? { distribution: dist as NormalDistribution, mu: mu!, sigma: sigma! }
      : { distribution: dist as QNormalDistribution, mu: mu!, sigma: sigma!, q };
  }
  const a = num('a', positive('a'));
  const b = num('b', positive('b'));
  const q = allowed.includes('q') ? num('q', positive('q')) : undefined;
  if (violations.length > before) return undefined;
  return q === undefined
    ? { distribution: 'beta', a: a!, b: b! }
    : { distribution: 'q_beta', a: a!, b: b!, q };
}

function readProbabilities(
  raw: unknown,
  values: unknown,
  at: string,
  violations: Violation[],
): number[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) {
    violations.push({
      path: at,
      message: `probabilities must be a list of numbers ≥ 0; got ${showValue(raw)}`,
    });
    return undefined;
  }
  const before = violations.length;
  raw.forEach((p, i) => {
    if (!isNumber(p) || p < 0)
      violations.push({
        path: joinPath(at, i),
        message: `a probability is a number ≥ 0; got ${showValue(p)}`,
      });
  });
  if (violations.length > before) return undefined;
  const ps = raw as number[];
  if (Array.isArray(values) && values.length !== ps.length) {
    violations.push({
      path: at,
      message: `give one probability per value: ${values.length} values, ${ps.length} probabilities`,
    });
    return undefined;
  }
  const sum = ps.reduce((s, p) => s + p, 0);
  // numpy's isclose(sum, 1.0), W&B's check.
  if (Math.abs(sum - 1) > 1e-8 + 1e-5) {
    violations.push({ path: at, message: `probabilities must sum to 1; they sum to ${sum}` });
    return undefined;
  }
  return ps;
}

/**
 * Reads a `parameters` mapping (of a program sweep, or nested under a name): names as W&B allows
 * them, each entry with `readParameter`. Returns the entries when all are valid.
 */
export function readParameters(
  raw: unknown,
  base: string,
  violations: Violation[],
  options: ReadOptions,
): Record<string, ParameterSpec> | undefined {
  if (!isRecord(raw)) {
    violations.push({
      path: base,
      message:
        raw === undefined
          ? 'required; a mapping of parameter name to { value | values | distribution … }'
          : `parameters must be a mapping of name to spec, got ${showValue(raw)}`,
    });
    return undefined;
  }
  if (Object.keys(raw).length === 0) {
    violations.push({ path: base, message: 'no parameters; give at least one' });
    return undefined;
  }
  const before = violations.length;
  const out: Record<string, ParameterSpec> = {};
  for (const [name, entry] of Object.entries(raw)) {
    const path = joinPath(base, name);
    if (!PARAMETER_NAME_PATTERN.test(name)) {
      violations.push({
        path,
        message: `a parameter name starts with a letter or _ and holds letters, digits, _, . or - (W&B's rule; it becomes --${name}=…)`,
      });
      continue;
    }
    const p = readParameter(entry, path, violations, { ...options, name });
    if (p !== undefined) out[name] = p;
  }
  return violations.length === before ? out : undefined;
}

/** One parameter of a (parsed) spec with its place: nested names as a path. */
export interface ParameterLeaf {
  /** The names from the top, e.g. `['optimizer', 'lr']`. */
  path: string[];
  spec: LeafParameter;
}

// Plain code-unit order, not localeCompare: the same on every machine and on replay.
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Every leaf of a parameters mapping, depth first with names sorted at each level — W&B's order
 * (`HyperParameterSet.from_config` sorts each level's keys), which is also the grid's order.
 */
export function parameterLeaves(
  parameters: Record<string, ParameterSpec>,
  prefix: string[] = [],
): ParameterLeaf[] {
  return Object.keys(parameters)
    .sort(byCodeUnit)
    .flatMap((name) => {
      const p = parameters[name]!;
      const path = [...prefix, name];
      return isNested(p) ? parameterLeaves(p.parameters, path) : [{ path, spec: p }];
    });
}

/**
 * The values a grid walks for a leaf, as W&B's grid search expands them: constant and categorical
 * as given (categorical without probabilities), int_uniform every integer of [min, max], q_uniform
 * `np.arange(min, max, q)` (max excluded). `undefined` for anything else: a grid cannot walk it.
 */
export function gridValues(p: LeafParameter): readonly SpecValue[] | undefined {
  if ('value' in p) return [p.value];
  if ('values' in p) return p.probabilities === undefined ? p.values : undefined;
  if (p.distribution === 'int_uniform') {
    const out: number[] = [];
    for (let v = p.min; v <= p.max; v++) out.push(v);
    return out;
  }
  if (p.distribution === 'q_uniform') {
    // numpy's arange: ceil((stop − start) / step) values, each start + i·delta with
    // delta = (start + step) − start, as its fill function computes them.
    const n = Math.max(0, Math.ceil((p.max - p.min) / p.q));
    const delta = p.min + p.q - p.min;
    const out: number[] = [];
    for (let i = 0; i < n; i++)
      out.push(i === 0 ? p.min : i === 1 ? p.min + p.q : p.min + i * delta);
    return out;
  }
  return undefined;
}

/** Why a grid cannot walk a leaf (W&B's grid search refuses it too), at its path. */
export function gridViolation(p: LeafParameter, path: string): Violation {
  const what =
    'values' in p
      ? 'categorical with probabilities weighs a draw, a grid walks every value once; remove probabilities'
      : `${distributionOf(p)} draws from a continuum`;
  return {
    path,
    message: `grid needs value, values, int_uniform or q_uniform; ${what}, or use method: random or bayes`,
  };
}

/** How many values a grid walks for a leaf, without listing a large int_uniform range. */
export function gridSize(p: LeafParameter): number | undefined {
  if ('distribution' in p && p.distribution === 'int_uniform') return p.max - p.min + 1;
  if ('distribution' in p && p.distribution === 'q_uniform')
    return Math.max(0, Math.ceil((p.max - p.min) / p.q));
  return gridValues(p)?.length;
}

/** The k-th value a grid walks for a leaf (0 ≤ k < gridSize), without listing the others. */
export function gridValueAt(p: LeafParameter, k: number): SpecValue {
  if ('distribution' in p && p.distribution === 'int_uniform') return p.min + k;
  if ('distribution' in p && p.distribution === 'q_uniform') {
    if (k === 0) return p.min;
    if (k === 1) return p.min + p.q;
    return p.min + k * (p.min + p.q - p.min);
  }
  return gridValues(p)![k]!;
}

/**
 * One draw of a leaf for one uniform `u` in [0, 1): W&B's `HyperParameter.ppf(u)` for every
 * distribution (params.py), so each law is W&B's:
 *
 * - categorical: a uniform index, or the first value whose cumulative probability exceeds u;
 * - int_uniform: an integer of [min, max], each equally likely; uniform: [min, max);
 * - log_uniform: exp(uniform(min, max)), min/max natural-log exponents; log_uniform_values:
 *   exp(uniform(ln min, ln max)); inv_log_uniform: exp(−uniform(min, max)) drawn from the top
 *   (W&B's `exp(−uniform.ppf(1 − u))`); inv_log_uniform_values: the same on (−ln max, −ln min);
 * - normal: mu + sigma·Φ⁻¹(u); log_normal: exp(mu + sigma·Φ⁻¹(u)); beta: Beta(a, b)'s inverse CDF;
 * - q_*: the unquantised draw rounded to a multiple of q (numpy's round-half-even).
 */
export function drawLeaf(p: LeafParameter, u: number): SpecValue {
  if ('value' in p) return p.value;
  if ('values' in p) {
    if (p.probabilities === undefined) return p.values[Math.floor(u * p.values.length)]!;
    let cumulative = 0;
    for (let i = 0; i < p.probabilities.length; i++) {
      cumulative += p.probabilities[i]!;
      if (u < cumulative) return p.values[i]!;
    }
    // Probabilities summing to a hair under 1 (isclose): W&B's argmin of an all-false row is 0.
    return p.values[0]!;
  }
  switch (p.distribution) {
    case 'int_uniform':
      // Both ends included: max − min + 1 integers, each equally likely (u < 1, so ≤ max).
      return p.min + Math.floor(u * (p.max - p.min + 1));
    case 'uniform':
      return p.min + u * (p.max - p.min);
    case 'q_uniform':
      return quantize(p.min + u * (p.max - p.min), p.q);
    case 'log_uniform':
      return Math.exp(p.min + u * (p.max - p.min));
    case 'log_uniform_values':
      return logUniformValues(p.min, p.max, u);
    case 'q_log_uniform':
      return quantize(Math.exp(p.min + u * (p.max - p.min)), p.q);
    case 'q_log_uniform_values':
      return quantize(logUniformValues(p.min, p.max, u), p.q);
    case 'inv_log_uniform':
      return Math.exp(-(p.min + (1 - u) * (p.max - p.min)));
    case 'inv_log_uniform_values': {
      const lo = -Math.log(p.max);
      const hi = -Math.log(p.min);
      return Math.exp(-(lo + (1 - u) * (hi - lo)));
    }
    case 'normal':
      return p.mu + p.sigma * normalPpf(u);
    case 'q_normal':
      return quantize(p.mu + p.sigma * normalPpf(u), p.q);
    case 'log_normal':
      return Math.exp(p.mu + p.sigma * normalPpf(u));
    case 'q_log_normal':
      return quantize(Math.exp(p.mu + p.sigma * normalPpf(u)), p.q);
    case 'beta':
      return betaPpf(u, p.a, p.b);
    case 'q_beta':
      return quantize(betaPpf(u, p.a, p.b), p.q);
  }
}

function logUniformValues(min: number, max: number, u: number): number {
  // V8's Math.log and Math.exp are ports of fdlibm: the same bits on every platform, so a
  // replay on another worker samples the same value.
  const x = Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)));
  // exp(log(max)) can round one ulp past max; the spec promised [min, max].
  return Math.min(max, Math.max(min, x));
}

/**
 * The smallest and largest values a leaf can take (±Infinity for the normal families' tails;
 * numbers only — `undefined` for a constant or list that holds something else). Built-in tasks
 * check both ends against what a name accepts.
 */
export function supportOf(p: LeafParameter): { lo: number; hi: number } | undefined {
  if ('value' in p || 'values' in p) {
    const values = 'value' in p ? [p.value] : p.values;
    if (!values.every(isNumber)) return undefined;
    return { lo: Math.min(...(values as number[])), hi: Math.max(...(values as number[])) };
  }
  const q = (x: number) => ('q' in p ? quantize(x, p.q) : x);
  switch (p.distribution) {
    case 'int_uniform':
    case 'uniform':
    case 'q_uniform':
    case 'log_uniform_values':
    case 'q_log_uniform_values':
    case 'inv_log_uniform_values':
      return { lo: q(p.min), hi: q(p.max) };
    case 'log_uniform':
    case 'q_log_uniform':
      return { lo: q(Math.exp(p.min)), hi: q(Math.exp(p.max)) };
    case 'inv_log_uniform':
      return { lo: Math.exp(-p.max), hi: Math.exp(-p.min) };
    case 'normal':
    case 'q_normal':
      return p.sigma === 0 ? { lo: q(p.mu), hi: q(p.mu) } : { lo: -Infinity, hi: Infinity };
    case 'log_normal':
    case 'q_log_normal':
      return p.sigma === 0
        ? { lo: q(Math.exp(p.mu)), hi: q(Math.exp(p.mu)) }
        : { lo: q(0), hi: Infinity };
    case 'beta':
    case 'q_beta':
      return { lo: q(0), hi: q(1) };
  }
}

/** Whether every value a leaf draws is an integer (int_uniform; a q_* with an integer q; integer lists). */
export function drawsIntegers(p: LeafParameter): boolean {
  if ('value' in p || 'values' in p) {
    const values = 'value' in p ? [p.value] : p.values;
    return values.every((v) => Number.isInteger(v));
  }
  if (p.distribution === 'int_uniform') return true;
  return 'q' in p && Number.isInteger(p.q);
}
