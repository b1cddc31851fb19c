import type { Violation } from '@headroom/errors';
import { autoHeadSizeMessage } from './geometry';
import { hasKey, isRecord, joinPath, listWords, showValue } from './violations';

export type ParameterValue = number | string | boolean;

export const DISTRIBUTIONS = [
  'uniform',
  'int_uniform',
  'log_uniform_values',
  'categorical',
] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

export interface ValueParameter {
  value: ParameterValue;
}
export interface ValuesParameter {
  values: ParameterValue[];
}
export interface DistributionParameter {
  distribution: Distribution;
  min?: number;
  max?: number;
  /** Only for `categorical`. */
  values?: ParameterValue[];
}
/** One entry of a spec's `parameters`, as in a W&B sweep config. */
export type ParameterSpec = ValueParameter | ValuesParameter | DistributionParameter;

/** Every optimizer a trial can train with, written as in sweep files (PyTorch's names). */
export const OPTIMIZERS = ['adam', 'adamw'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Learning-rate schedules after the warm-up: hold lr, or cosine decay to 0 at the last step. */
export const LR_SCHEDULES = ['constant', 'cosine'] as const;
export type LrScheduleName = (typeof LR_SCHEDULES)[number];

/**
 * `weight_decay` when the spec leaves it out: each PyTorch constructor's default, so
 * `optimizer: { values: [adam, adamw] }` compares what `Adam(params)` and `AdamW(params)` do.
 */
export const DEFAULT_WEIGHT_DECAY: Readonly<Record<OptimizerName, number>> = {
  adam: 0,
  adamw: 0.01,
};

/** The values of one trial. `d_h` stays `auto` here; `resolveGeometry` turns it into a number. */
export interface TrialParams {
  d_m: number;
  heads: number;
  d_h: number | 'auto';
  qk_tied: boolean;
  layers: number;
  lr: number;
  epochs: number;
  batch_size: number;
  seed: number;
  dropout: number;
  optimizer: OptimizerName;
  /** Adam: L2 added to the gradient (torch.optim.Adam); AdamW: decoupled (torch.optim.AdamW). */
  weight_decay: number;
  lr_schedule: LrScheduleName;
  /** Optimizer steps of linear warm-up from 0 to lr. */
  warmup_steps: number;
}

export type ParameterName = keyof TrialParams;

export const PARAMETER_NAMES = [
  'd_m',
  'heads',
  'd_h',
  'qk_tied',
  'layers',
  'lr',
  'epochs',
  'batch_size',
  'seed',
  'dropout',
  'optimizer',
  'weight_decay',
  'lr_schedule',
  'warmup_steps',
] as const satisfies readonly ParameterName[];

export const REQUIRED_PARAMETERS = ['d_m', 'heads'] as const satisfies readonly ParameterName[];

/**
 * What a trial uses for a parameter its spec does not mention; `weight_decay` is the default
 * optimizer's, and follows the trial's optimizer (`DEFAULT_WEIGHT_DECAY`, see `withDefaults`).
 */
export const PARAMETER_DEFAULTS: Omit<TrialParams, 'd_m' | 'heads'> = {
  d_h: 'auto',
  qk_tied: false,
  layers: 2,
  lr: 1e-3,
  epochs: 10,
  batch_size: 64,
  seed: 1,
  dropout: 0,
  optimizer: 'adam',
  weight_decay: DEFAULT_WEIGHT_DECAY.adam,
  lr_schedule: 'constant',
  warmup_steps: 0,
};

/** A parameter's default for a trial whose other values are `params`. */
export function parameterDefault(
  name: Exclude<ParameterName, 'd_m' | 'heads'>,
  params: Partial<Record<ParameterName, ParameterValue>>,
): ParameterValue {
  if (name === 'weight_decay') {
    const optimizer = (params.optimizer ?? PARAMETER_DEFAULTS.optimizer) as OptimizerName;
    return DEFAULT_WEIGHT_DECAY[optimizer];
  }
  return PARAMETER_DEFAULTS[name];
}

/**
 * A trial from the values drawn or walked for the parameters its spec gives: defaults
 * filled in (after the others, since `weight_decay`'s depends on `optimizer`), every key in
 * the declared order so every trial's JSON looks the same.
 */
export function withDefaults(given: Partial<Record<ParameterName, ParameterValue>>): TrialParams {
  const params: Record<string, ParameterValue> = {};
  for (const name of PARAMETER_NAMES) {
    const value = given[name];
    params[name] =
      value !== undefined
        ? value
        : parameterDefault(name as Exclude<ParameterName, 'd_m' | 'heads'>, given);
  }
  return params as unknown as TrialParams;
}

type RuleKind = 'int' | 'number' | 'boolean' | 'enum';

interface ParameterRule {
  /**
   * Decides which distributions make sense: integers must not be sampled as floats, and
   * booleans and enums are listed (`values`, `categorical`), never drawn from a range.
   */
  kind: RuleKind;
  /** What a valid value is, worded for messages. */
  expect: string;
  accepts(value: unknown): boolean;
  /** The values a boolean or enum takes, in the order a `values:` hint lists them. */
  choices?: readonly (string | boolean)[];
}

/** A string parameter: one of `words`. */
function oneOf(words: readonly string[]): ParameterRule {
  return {
    kind: 'enum',
    expect: `one of ${listWords(words)}`,
    accepts: (v) => typeof v === 'string' && words.includes(v),
    choices: words,
  };
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isPositiveInt = (v: unknown) => Number.isSafeInteger(v) && (v as number) > 0;
const positiveInt: ParameterRule = {
  kind: 'int',
  expect: 'a positive integer',
  accepts: isPositiveInt,
};

const PARAMETER_RULES: Record<ParameterName, ParameterRule> = {
  d_m: positiveInt,
  heads: positiveInt,
  d_h: {
    kind: 'int',
    expect: 'a positive integer or auto',
    accepts: (v) => v === 'auto' || isPositiveInt(v),
  },
  qk_tied: {
    kind: 'boolean',
    expect: 'true or false',
    accepts: (v) => typeof v === 'boolean',
    choices: [false, true],
  },
  layers: positiveInt,
  lr: { kind: 'number', expect: 'a positive number', accepts: (v) => isNumber(v) && v > 0 },
  epochs: positiveInt,
  batch_size: positiveInt,
  seed: {
    kind: 'int',
    expect: 'an integer ≥ 0',
    accepts: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
  },
  dropout: {
    kind: 'number',
    expect: 'a number with 0 ≤ x < 1',
    accepts: (v) => isNumber(v) && v >= 0 && v < 1,
  },
  optimizer: oneOf(OPTIMIZERS),
  weight_decay: {
    kind: 'number',
    expect: 'a number ≥ 0',
    accepts: (v) => isNumber(v) && v >= 0,
  },
  lr_schedule: oneOf(LR_SCHEDULES),
  warmup_steps: {
    kind: 'int',
    expect: 'an integer ≥ 0',
    accepts: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
  },
};

export function isParameterName(name: string): name is ParameterName {
  return (PARAMETER_NAMES as readonly string[]).includes(name);
}

const PARAMETER_KEYS = ['value', 'values', 'distribution', 'min', 'max'];

/** The values a grid walks for a parameter; `undefined` for a sampled range. */
export function finiteValues(p: ParameterSpec): readonly ParameterValue[] | undefined {
  if ('value' in p) return [p.value];
  if ('distribution' in p) return p.distribution === 'categorical' ? p.values : undefined;
  return p.values;
}

/**
 * Validates one parameter against the shape W&B allows and the constraint of its name,
 * pushing every problem; returns the normalised spec only when there was none.
 */
function validateParameter(
  name: ParameterName,
  raw: unknown,
  path: string,
  violations: Violation[],
): ParameterSpec | undefined {
  const rule = PARAMETER_RULES[name];
  const before = violations.length;
  const shapeHint = `write ${name}: { value: x }, { values: [x, y] } or { distribution: …, min, max }`;
  if (!isRecord(raw)) {
    violations.push({
      path,
      message: `a parameter is a mapping, got ${showValue(raw)}; ${shapeHint}`,
    });
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!PARAMETER_KEYS.includes(key)) {
      violations.push({
        path: joinPath(path, key),
        message: `unknown key; a parameter takes ${listWords(PARAMETER_KEYS)} (W&B's q, mu, sigma, probabilities and nested parameters are not supported)`,
      });
    }
  }

  const checkValue = (value: unknown, at: string) => {
    if (!rule.accepts(value)) {
      violations.push({
        path: at,
        message: `${name} must be ${rule.expect}; got ${showValue(value)}`,
      });
    }
  };
  const checkValues = (values: unknown, at: string): void => {
    if (!Array.isArray(values)) {
      violations.push({ path: at, message: `values must be a list, got ${showValue(values)}` });
      return;
    }
    if (values.length === 0) {
      violations.push({ path: at, message: 'values is empty; give at least one value' });
      return;
    }
    values.forEach((v, i) => {
      checkValue(v, joinPath(at, i));
      // Repeats would run the same trial twice in a grid and skew sampling otherwise.
      if (values.findIndex((w) => Object.is(w, v)) < i) {
        violations.push({
          path: joinPath(at, i),
          message: `${showValue(v)} is repeated; list each value once`,
        });
      }
    });
  };

  const hasRange = hasKey(raw, 'min') || hasKey(raw, 'max');
  const hasDistribution = hasKey(raw, 'distribution') || hasRange;
  const forms = [hasKey(raw, 'value'), hasKey(raw, 'values') && !hasDistribution, hasDistribution];
  if (forms.filter(Boolean).length > 1) {
    violations.push({
      path,
      message: `give exactly one of value, values or distribution; ${shapeHint}`,
    });
    return undefined;
  }

  if (hasKey(raw, 'value')) {
    checkValue(raw.value, joinPath(path, 'value'));
    return violations.length === before ? { value: raw.value as ParameterValue } : undefined;
  }
  if (!hasDistribution) {
    if (!hasKey(raw, 'values')) {
      violations.push({ path, message: `empty parameter; ${shapeHint}` });
      return undefined;
    }
    checkValues(raw.values, joinPath(path, 'values'));
    return violations.length === before ? { values: raw.values as ParameterValue[] } : undefined;
  }

  // W&B infers the distribution from min/max when it is left out: integers → int_uniform.
  const ends = [raw.min, raw.max].filter((v) => v !== undefined);
  const distribution: unknown = hasKey(raw, 'distribution')
    ? raw.distribution
    : ends.every((v) => Number.isInteger(v))
      ? 'int_uniform'
      : 'uniform';
  if (!(DISTRIBUTIONS as readonly unknown[]).includes(distribution)) {
    violations.push({
      path: joinPath(path, 'distribution'),
      message: `unknown distribution ${showValue(distribution)}; use ${listWords(DISTRIBUTIONS)}`,
    });
    return undefined;
  }
  const dist = distribution as Distribution;

  if (dist === 'categorical') {
    if (hasRange) {
      violations.push({ path, message: 'categorical takes values, not min/max' });
    }
    if (!hasKey(raw, 'values')) {
      violations.push({
        path: joinPath(path, 'values'),
        message: 'categorical needs values: [x, y, …]',
      });
    } else {
      checkValues(raw.values, joinPath(path, 'values'));
    }
    return violations.length === before
      ? { distribution: dist, values: raw.values as ParameterValue[] }
      : undefined;
  }

  if (hasKey(raw, 'values')) {
    violations.push({
      path: joinPath(path, 'values'),
      message: `${dist} takes min and max, not values`,
    });
  }
  if (rule.kind === 'boolean' || rule.kind === 'enum') {
    const listed = `[${(rule.choices ?? []).join(', ')}]`;
    violations.push({
      path: joinPath(path, 'distribution'),
      message: `${name} is ${rule.expect}, it cannot be drawn from ${dist}; use values: ${listed}`,
    });
    return undefined;
  }
  if (rule.kind === 'int' && dist !== 'int_uniform') {
    violations.push({
      path: joinPath(path, 'distribution'),
      message: `${name} takes integers, ${dist} draws fractions; use int_uniform or values`,
    });
  }
  const range: Record<'min' | 'max', number | undefined> = { min: undefined, max: undefined };
  for (const end of ['min', 'max'] as const) {
    const at = joinPath(path, end);
    const value = raw[end];
    if (value === undefined) {
      violations.push({ path: at, message: `${dist} needs ${end}` });
    } else if (!isNumber(value) || (dist === 'int_uniform' && !Number.isInteger(value))) {
      const what = dist === 'int_uniform' ? 'an integer' : 'a number';
      violations.push({ path: at, message: `${end} must be ${what}; got ${showValue(value)}` });
    } else if (!rule.accepts(value)) {
      violations.push({ path: at, message: `${name} must be ${rule.expect}; ${end} is ${value}` });
    } else {
      range[end] = value;
    }
  }
  if (range.min !== undefined && range.max !== undefined && range.min >= range.max) {
    violations.push({
      path: joinPath(path, 'max'),
      message: `max must be greater than min (${range.min}); for a fixed value use value: ${range.min}`,
    });
  }
  if (dist === 'log_uniform_values' && range.min !== undefined && range.min <= 0) {
    violations.push({ path: joinPath(path, 'min'), message: 'log_uniform_values needs min > 0' });
  }
  return violations.length === before
    ? { distribution: dist, min: range.min, max: range.max }
    : undefined;
}

/** How many `d_m / heads` combinations are listed one by one before the rest are summed up. */
const MAX_LISTED_COMBINATIONS = 10;

/**
 * `d_h: auto` means `d_m / heads`; every (d_m, heads) a trial can get must divide.
 * Grids and random value lists are checked combination by combination; a sampled
 * `d_m` or `heads` cannot promise it, so auto is refused next to one.
 *
 * Random search relies on this: it rejects up front rather than resampling a combination that
 * does not divide. Resampling would quietly change the distribution the user wrote (conditioned
 * on divisibility), could loop for ever when few combinations divide, and would hide the
 * conflict; refusing names it and says how to fix it before anything runs.
 */
function checkAutoDivides(
  params: Partial<Record<ParameterName, ParameterSpec>>,
  dhGiven: boolean,
  method: string | undefined,
  base: string,
  violations: Violation[],
): void {
  const dh = params.d_h;
  // An invalid d_h is reported already; it is not the default auto.
  if (dh === undefined && dhGiven) return;
  const dhPath = joinPath(base, 'd_h');
  let autoPath: string | undefined;
  if (dh === undefined) autoPath = dhPath;
  else if ('value' in dh) autoPath = dh.value === 'auto' ? joinPath(dhPath, 'value') : undefined;
  else {
    const at = dh.values?.indexOf('auto') ?? -1;
    if (at >= 0) autoPath = joinPath(joinPath(dhPath, 'values'), at);
  }
  if (autoPath === undefined || params.d_m === undefined || params.heads === undefined) return;
  const lead = dh === undefined ? 'd_h defaults to auto, which' : 'd_h: auto';

  const dms = finiteValues(params.d_m) as number[] | undefined;
  const hs = finiteValues(params.heads) as number[] | undefined;
  if (dms === undefined || hs === undefined) {
    // In a grid the distribution itself is already reported.
    if (method !== 'grid') {
      violations.push({
        path: autoPath,
        message: `${lead} needs d_m divisible by heads, which a sampled d_m or heads cannot promise; give d_m and heads as value or values, or give d_h numbers`,
      });
    }
    return;
  }
  const bad: Array<[number, number]> = [];
  for (const dm of dms) for (const h of hs) if (dm % h !== 0) bad.push([dm, h]);
  for (const [dm, h] of bad.slice(0, MAX_LISTED_COMBINATIONS)) {
    violations.push({
      path: autoPath,
      message: autoHeadSizeMessage(dm, h, lead),
    });
  }
  if (bad.length > MAX_LISTED_COMBINATIONS) {
    violations.push({
      path: autoPath,
      message: `and ${bad.length - MAX_LISTED_COMBINATIONS} more (d_m, heads) combinations where d_m / heads is not an integer`,
    });
  }
}

/**
 * The most epochs any trial of these (validated) parameters can train for: the largest
 * value, or the top of an `int_uniform` range, or the default when `epochs` is left out.
 */
export function maxEpochs(parameters: Record<string, ParameterSpec>): number {
  const p = parameters.epochs;
  if (p === undefined) return PARAMETER_DEFAULTS.epochs;
  const values = finiteValues(p);
  if (values !== undefined) return Math.max(...(values as number[]));
  return (p as DistributionParameter).max ?? PARAMETER_DEFAULTS.epochs;
}

/**
 * Validates a spec's `parameters` (known names, required ones, each constraint, `d_h: auto`
 * combinations, grid-only rules). Returns them normalised when everything is valid.
 */
export function validateParameters(
  raw: unknown,
  method: string | undefined,
  violations: Violation[],
  base = 'parameters',
): Record<string, ParameterSpec> | undefined {
  if (raw === undefined) {
    violations.push({
      path: base,
      message: 'required; give at least d_m and heads, e.g. d_m: { value: 256 }',
    });
    return undefined;
  }
  if (!isRecord(raw)) {
    violations.push({
      path: base,
      message: `parameters must be a mapping of name to spec, got ${showValue(raw)}`,
    });
    return undefined;
  }
  const before = violations.length;
  const parsed: Partial<Record<ParameterName, ParameterSpec>> = {};
  for (const [name, spec] of Object.entries(raw)) {
    const path = joinPath(base, name);
    if (!isParameterName(name)) {
      violations.push({
        path,
        message: `unknown parameter; known parameters are ${listWords(PARAMETER_NAMES)}`,
      });
      continue;
    }
    const p = validateParameter(name, spec, path, violations);
    if (p !== undefined) parsed[name] = p;
    if (p !== undefined && method === 'grid' && finiteValues(p) === undefined) {
      violations.push({ path, message: 'grid needs value or values; use method: random' });
    }
  }
  for (const name of REQUIRED_PARAMETERS) {
    if (!hasKey(raw, name)) {
      violations.push({
        path: joinPath(base, name),
        message: `required for every task, e.g. ${name}: { value: ${name === 'd_m' ? 256 : 8} }`,
      });
    }
  }
  checkAutoDivides(parsed, hasKey(raw, 'd_h'), method, base, violations);
  if (method === 'grid' && violations.length === before) {
    const count = Object.values(parsed).reduce((n, p) => n * (finiteValues(p)?.length ?? 1), 1);
    if (count > Number.MAX_SAFE_INTEGER) {
      violations.push({
        path: base,
        message: `the grid has ${count} combinations, too many to number; use method: random with run_cap`,
      });
    }
  }
  return violations.length === before ? (parsed as Record<string, ParameterSpec>) : undefined;
}
