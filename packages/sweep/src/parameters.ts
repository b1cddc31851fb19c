/**
 * The built-in tasks' parameters: their closed list of names, what each accepts, their
 * defaults, and the checks a task sweep's `parameters` get on top of W&B's reading
 * (parameter-spec.ts).
 */
import type { Violation } from '@headroom/errors';
import { autoHeadSizeMessage } from './geometry';
import {
  distributionOf,
  drawsIntegers,
  gridSize,
  gridViolation,
  readParameter,
  supportOf,
  type LeafParameter,
  type ParameterSpec,
  type SpecValue,
} from './parameter-spec';
import { hasKey, isRecord, joinPath, listWords, showValue } from './violations';

/** A value of a built-in task's parameter. */
export type ParameterValue = number | string | boolean;

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

/** The values a task parameter lists (`value`, `values`); `undefined` for a drawn number. */
export function finiteValues(p: LeafParameter): readonly SpecValue[] | undefined {
  if ('value' in p) return [p.value];
  if ('values' in p) return p.values;
  return undefined;
}

/** Where a bad end of a drawn range is reported: at min/max when the spec has them. */
function endPath(p: LeafParameter, path: string, end: 'min' | 'max'): string {
  return 'min' in p ? joinPath(path, end) : joinPath(path, 'distribution');
}

/**
 * Checks one (W&B-read) parameter against what its name accepts, pushing every problem: each
 * listed value, and both ends of a drawn distribution (±∞ for the normal families' tails).
 */
function checkTaskParameter(
  name: ParameterName,
  p: LeafParameter,
  path: string,
  violations: Violation[],
): void {
  const rule = PARAMETER_RULES[name];
  const checkValue = (value: unknown, at: string) => {
    if (!rule.accepts(value)) {
      violations.push({
        path: at,
        message: `${name} must be ${rule.expect}; got ${showValue(value)}`,
      });
    }
  };
  if ('value' in p) return checkValue(p.value, joinPath(path, 'value'));
  if ('values' in p) {
    p.values.forEach((v, i) => checkValue(v, joinPath(joinPath(path, 'values'), i)));
    return;
  }
  const dist = distributionOf(p);
  if (rule.kind === 'boolean' || rule.kind === 'enum') {
    const listed = `[${(rule.choices ?? []).join(', ')}]`;
    violations.push({
      path: joinPath(path, 'distribution'),
      message: `${name} is ${rule.expect}, it cannot be drawn from ${dist}; use values: ${listed}`,
    });
    return;
  }
  if (rule.kind === 'int' && !drawsIntegers(p)) {
    violations.push({
      path: joinPath(path, 'distribution'),
      message: `${name} takes integers, ${dist} draws fractions; use int_uniform, values, or a q_ distribution with an integer q`,
    });
    return;
  }
  const support = supportOf(p);
  if (support === undefined) return;
  if (!Number.isFinite(support.lo) && !Number.isFinite(support.hi)) {
    violations.push({
      path: joinPath(path, 'distribution'),
      message: `${name} must be ${rule.expect}; ${dist} draws any real number; use a bounded distribution`,
    });
    return;
  }
  for (const [end, value] of [
    ['min', support.lo],
    ['max', support.hi],
  ] as const) {
    if (!Number.isFinite(value)) {
      violations.push({
        path: endPath(p, path, end),
        message: `${name} must be ${rule.expect}; ${dist} draws values ${value < 0 ? 'down to −∞' : 'up to ∞'}; use a bounded distribution`,
      });
    } else if (
      !rule.accepts(value === 0 && support.lo === 0 && isOpenAtZero(p) ? Number.MIN_VALUE : value)
    ) {
      const written = 'min' in p ? p[end] : undefined;
      violations.push({
        path: endPath(p, path, end),
        message:
          written === value
            ? `${name} must be ${rule.expect}; ${end} is ${value}`
            : `${name} must be ${rule.expect}; ${dist} can draw ${value}`,
      });
    }
  }
}

/** log_normal and beta draw values above 0, never 0 itself (unless quantised to it). */
function isOpenAtZero(p: LeafParameter): boolean {
  return 'distribution' in p && (p.distribution === 'log_normal' || p.distribution === 'beta');
}

/** How many `d_m / heads` combinations are listed one by one before the rest are summed up. */
const MAX_LISTED_COMBINATIONS = 10;

/**
 * `d_h: auto` means `d_m / heads`; every (d_m, heads) a trial can get must divide.
 * Listed values and ranges are checked combination by combination; a drawn `d_m` or `heads`
 * cannot promise it, so auto is refused next to one.
 *
 * Random search relies on this: it rejects up front rather than resampling a combination that
 * does not divide. Resampling would quietly change the distribution the user wrote (conditioned
 * on divisibility), could loop for ever when few combinations divide, and would hide the
 * conflict; refusing names it and says how to fix it before anything runs.
 */
function checkAutoDivides(
  params: Partial<Record<ParameterName, LeafParameter>>,
  dhGiven: boolean,
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
  else if ('values' in dh) {
    const at = dh.values.indexOf('auto');
    if (at >= 0) autoPath = joinPath(joinPath(dhPath, 'values'), at);
  }
  if (autoPath === undefined || params.d_m === undefined || params.heads === undefined) return;
  const lead = dh === undefined ? 'd_h defaults to auto, which' : 'd_h: auto';

  const dms = finiteValues(params.d_m) as number[] | undefined;
  const hs = finiteValues(params.heads) as number[] | undefined;
  if (dms === undefined || hs === undefined) {
    violations.push({
      path: autoPath,
      message: `${lead} needs d_m divisible by heads, which a sampled d_m or heads cannot promise; give d_m and heads as value or values, or give d_h numbers`,
    });
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
 * The most epochs any trial of these (validated) task parameters can train for: the top of
 * what `epochs` can take, or the default when it is left out.
 */
export function maxEpochs(parameters: Record<string, ParameterSpec>): number {
  const p = parameters.epochs;
  if (p === undefined || 'parameters' in p) return PARAMETER_DEFAULTS.epochs;
  return supportOf(p)?.hi ?? PARAMETER_DEFAULTS.epochs;
}

/**
 * Validates a task sweep's `parameters`: W&B's reading of each entry (no nesting), then known
 * names, required ones, each name's constraint at both ends of what it can draw, and the
 * `d_h: auto` combinations. Returns them normalised when everything is valid. Whether a grid can
 * walk them is the caller's check (it holds for every sweep).
 */
export function validateParameters(
  raw: unknown,
  violations: Violation[],
  method?: string,
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
  const parsed: Partial<Record<ParameterName, LeafParameter>> = {};
  for (const [name, entry] of Object.entries(raw)) {
    const path = joinPath(base, name);
    if (!isParameterName(name)) {
      violations.push({
        path,
        message: `unknown parameter; known parameters are ${listWords(PARAMETER_NAMES)} (any name is allowed in a program sweep: program: …)`,
      });
      continue;
    }
    const at = violations.length;
    const p = readParameter(entry, path, violations, { allowNested: false, name });
    if (p === undefined || 'parameters' in p) continue;
    checkTaskParameter(name, p, path, violations);
    // After the name's own checks, so a word drawn from a range is told to list its values.
    if (method === 'grid' && gridSize(p) === undefined) violations.push(gridViolation(p, path));
    if (violations.length === at) parsed[name] = p;
  }
  for (const name of REQUIRED_PARAMETERS) {
    if (!hasKey(raw, name)) {
      violations.push({
        path: joinPath(base, name),
        message: `required for every task, e.g. ${name}: { value: ${name === 'd_m' ? 256 : 8} }`,
      });
    }
  }
  checkAutoDivides(parsed, hasKey(raw, 'd_h'), base, violations);
  return violations.length === before ? (parsed as Record<string, ParameterSpec>) : undefined;
}
