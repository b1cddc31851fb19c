import { isHeadroomError, type Violation } from '@headroom/errors';
import { z } from 'zod';
import { ashaRungs } from './asha';
import { maxEpochs, validateParameters, type ParameterSpec } from './parameters';
import { METRIC_GOALS, TASK_IDS, TASKS, type RealDatasetKind, type TaskId } from './tasks';
import { isRecord, listWords, parsePiece, showValue, throwIfViolations } from './violations';

/** What a W&B sweep config may say; `bayes` is recognised so it can be refused by name. */
export const SWEEP_METHODS = ['grid', 'random', 'bayes'] as const;
export type SweepMethod = (typeof SWEEP_METHODS)[number];
/** The methods Headroom runs. */
export const SUPPORTED_METHODS = ['grid', 'random'] as const satisfies readonly SweepMethod[];

/**
 * The sampler seed of a random sweep that does not give `sampler_seed`. A Headroom key (W&B
 * has none): the same spec and seed always give the same trials.
 */
export const DEFAULT_SAMPLER_SEED = 0;

/** The pool (train task queue) a sweep runs on when `resources.pool` is not given. */
export const DEFAULT_POOL = 'default';

/** Pool names become task queue names, so keep them to plain characters. */
export const POOL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Keys of a W&B sweep config that Headroom accepts so users can bring their files, and
 * drops: they say how W&B launches runs or where it logs, which Headroom decides itself.
 */
export const IGNORED_WANDB_KEYS = [
  'program',
  'command',
  'project',
  'entity',
  'description',
] as const;

const REAL_DATASET_KINDS = [
  'h36m',
  'coco',
  'chestxray14',
] as const satisfies readonly RealDatasetKind[];

type IssueLike = { code?: string; input?: unknown };

/** A zod error function: `required; …` when absent, else what is expected and what came. */
function expecting(what: string, requiredHint = '') {
  return (iss: IssueLike) =>
    iss.input === undefined
      ? `required${requiredHint ? `; ${requiredHint}` : ''}`
      : `must be ${what}; got ${showValue(iss.input)}`;
}

function positiveInt() {
  const error = expecting('a positive integer');
  return z.int({ error }).positive({ error });
}

function nonNegativeInt() {
  const error = expecting('an integer ≥ 0');
  return z.int({ error }).nonnegative({ error });
}

function nonEmptyString(requiredHint = '') {
  const error = expecting('a non-empty string', requiredHint);
  return z.string({ error }).regex(/\S/, { error });
}

function subjectList() {
  const error = expecting('a non-empty list of subjects, e.g. [S9, S11]');
  return z.array(nonEmptyString(), { error }).min(1, { error });
}

/** `suggest`: the values to offer when they are fewer than the accepted ones. */
function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
  what: string,
  suggest: readonly string[] = values,
) {
  return z.enum(values, {
    error: (iss: IssueLike) =>
      iss.input === undefined
        ? `required; use ${listWords(suggest)}`
        : `unknown ${what} ${showValue(iss.input)}; use ${listWords(suggest)}`,
  });
}

/** A strict object whose unknown keys are each reported with the keys it does take. */
function strictObject<S extends z.ZodRawShape>(what: string, shape: S) {
  const keys = listWords(Object.keys(shape));
  const like = `{ ${Object.keys(shape).join(', ')} }`;
  return z.strictObject(shape, {
    error: (iss: IssueLike) =>
      iss.code === 'unrecognized_keys'
        ? `unknown key; ${what} takes ${keys}`
        : iss.input === undefined
          ? `required; ${what} is a mapping like ${like}`
          : `${what} must be a mapping like ${like}; got ${showValue(iss.input)}`,
  });
}

const ZName = nonEmptyString('give the sweep a name');
const ZTaskId = oneOf(TASK_IDS, 'task');
const ZMethod = oneOf(SWEEP_METHODS, 'method', SUPPORTED_METHODS);

export const ZMetricSpec = strictObject('metric', {
  name: nonEmptyString(),
  goal: oneOf(METRIC_GOALS, 'goal').optional(),
});
export type MetricSpec = z.infer<typeof ZMetricSpec>;

/**
 * pose2d crops each person to `input_size: [height, width]`; its backbone's three stride-2
 * stages (heatmaps at stride 4 after one upsampling) need both to be multiples of this.
 */
export const POSE2D_INPUT_MULTIPLE = 8;

function inputSize() {
  const error = expecting(
    `[height, width] in pixels, each a positive multiple of ${POSE2D_INPUT_MULTIPLE}, e.g. [256, 192]`,
  );
  const side = z.int({ error }).positive({ error }).multipleOf(POSE2D_INPUT_MULTIPLE, { error });
  return z.tuple([side, side], { error });
}

/** The side, in pixels, chest images are resized to when `image_size` is not given. */
export const CHEST_DEFAULT_IMAGE_SIZE = 224;

/**
 * Generated data, a pure function of its fields. pose3d counts it in `samples` (or
 * `frames_per_action`); pose2d in `images` of a synthetic COCO set, cropped to `input_size`;
 * chest in `images` of a synthetic ChestX-ray14 set, `image_size` pixels square (the trainer's
 * default when absent: small, so synthetic trials stay fast).
 */
export const ZSyntheticDataset = strictObject('a synthetic dataset', {
  kind: z.literal('synthetic'),
  samples: positiveInt().optional(),
  seed: nonNegativeInt().optional(),
  frames_per_action: positiveInt().optional(),
  images: positiveInt().optional(),
  input_size: inputSize().optional(),
  image_size: positiveInt().optional(),
});
/**
 * COCO person keypoints: `path` holds `annotations/person_keypoints_{train,val}[2017].json`
 * and the images, in `images/{train,val}[2017]/` or (COCO 2017's own zips) `{train,val}2017/`.
 */
export const ZCocoDataset = strictObject('a coco dataset', {
  kind: z.literal('coco'),
  path: nonEmptyString('give the directory holding annotations/ and the image folders'),
  input_size: inputSize().optional(),
});
/**
 * Human3.6M as VideoPose3D ships it: `path` holds `data_3d_h36m.npz` and
 * `data_2d_h36m_<keypoints>.npz` (default `gt`); train S1,S5,S6,S7,S8 and test S9,S11 unless given.
 */
export const ZH36mDataset = strictObject('an h36m dataset', {
  kind: z.literal('h36m'),
  path: nonEmptyString(
    'give the directory holding data_3d_h36m.npz and data_2d_h36m_<keypoints>.npz',
  ),
  keypoints: nonEmptyString().optional(),
  train_subjects: subjectList().optional(),
  test_subjects: subjectList().optional(),
});
/**
 * ChestX-ray14: `path` holds `Data_Entry_2017.csv`, `images/`, `train_val_list.txt` and
 * `test_list.txt`; `extra` CSVs in the same format (relative to `path`, or absolute; their
 * images in `images/` too) add images and labels, as the thesis adds a COVID-19 set. Images are
 * resized to `image_size` pixels square.
 */
export const ZChestXray14Dataset = strictObject('a chestxray14 dataset', {
  kind: z.literal('chestxray14'),
  path: nonEmptyString(
    'give the directory holding Data_Entry_2017.csv, images/, train_val_list.txt and test_list.txt',
  ),
  extra: z.array(nonEmptyString(), { error: expecting('a list of CSV paths') }).optional(),
  image_size: positiveInt().default(CHEST_DEFAULT_IMAGE_SIZE),
});
export const ZDatasetSpec = z.discriminatedUnion('kind', [
  ZSyntheticDataset,
  ZCocoDataset,
  ZH36mDataset,
  ZChestXray14Dataset,
]);
export type DatasetSpec = z.infer<typeof ZDatasetSpec>;

export const ZEarlyTerminate = strictObject('early_terminate', {
  type: z.literal('hyperband', { error: expecting('hyperband (the only rule Headroom has)') }),
  min_iter: positiveInt(),
  // W&B's default.
  eta: z
    .number({ error: expecting('a number > 1') })
    .gt(1, { error: expecting('a number > 1') })
    .default(3),
});
export type EarlyTerminate = z.output<typeof ZEarlyTerminate>;

export const ZResources = strictObject('resources', {
  pool: z
    .string({ error: expecting('a pool name') })
    .regex(POOL_PATTERN, {
      error: expecting('letters, digits, ".", "_" or "-", starting with a letter or digit'),
    })
    .optional(),
  max_concurrent: positiveInt().optional(),
});
export type ResourcesSpec = z.output<typeof ZResources>;

/** What `parseSweepSpec` returns; packages/sweep/README.md describes every key. */
export interface SweepSpecShape {
  name: string;
  task: TaskId;
  dataset: DatasetSpec;
  method: SweepMethod;
  /** Filled in by parsing: the task's default metric, and the goal the task gives it. */
  metric?: MetricSpec;
  parameters: Record<string, ParameterSpec>;
  /** How many trials to run: required for `random`, an optional cap for `grid`. */
  run_cap?: number;
  /**
   * Seeds `random` sampling (Headroom's key; W&B has none). Filled in with 0 for a random
   * sweep that leaves it out, so the stored spec names the seed its trials came from.
   */
  sampler_seed?: number;
  early_terminate?: EarlyTerminate;
  /** Filled in by parsing with `pool: 'default'` when absent. */
  resources?: ResourcesSpec;
}

const SPEC_KEYS = [
  'name',
  'task',
  'dataset',
  'method',
  'metric',
  'parameters',
  'run_cap',
  'sampler_seed',
  'early_terminate',
  'resources',
] as const;

function parseDataset(raw: unknown, violations: Violation[]): DatasetSpec | undefined {
  const kinds = ['synthetic', ...REAL_DATASET_KINDS];
  if (raw === undefined) {
    violations.push({
      path: 'dataset',
      message: 'required; e.g. { kind: synthetic } or { kind: h36m, path: ./data/h36m }',
    });
    return undefined;
  }
  if (!isRecord(raw)) {
    violations.push({
      path: 'dataset',
      message: `dataset must be a mapping with kind; got ${showValue(raw)}`,
    });
    return undefined;
  }
  // Pick the schema by kind first, so a typo in kind is one clear message.
  if (raw.kind === 'synthetic') return parsePiece(ZSyntheticDataset, raw, 'dataset', violations);
  if (raw.kind === 'coco') return parsePiece(ZCocoDataset, raw, 'dataset', violations);
  if (raw.kind === 'h36m') return parsePiece(ZH36mDataset, raw, 'dataset', violations);
  if (raw.kind === 'chestxray14')
    return parsePiece(ZChestXray14Dataset, raw, 'dataset', violations);
  violations.push({
    path: 'dataset.kind',
    message:
      raw.kind === undefined
        ? `required; use ${listWords(kinds)}`
        : `unknown dataset kind ${showValue(raw.kind)}; use ${listWords(kinds)}`,
  });
  return undefined;
}

/** Keys of a synthetic dataset that another task's generator would silently ignore. */
const SYNTHETIC_KEYS_OF_OTHER_TASKS: Partial<Record<TaskId, Record<string, string>>> = {
  pose2d: {
    samples:
      "pose2d's synthetic COCO set is counted in images (0 to 4 people each); write images: N",
    frames_per_action:
      "frames_per_action is for pose3d's synthetic Human3.6M, not pose2d; remove it",
    image_size: 'pose2d crops people to input_size: [height, width]; write input_size',
  },
  pose3d: {
    images: "pose3d's synthetic Human3.6M is counted in samples; write samples: N",
    input_size: 'pose3d lifts 2D keypoints and crops no images; remove input_size',
    image_size: 'pose3d lifts 2D keypoints and reads no images; remove image_size',
  },
  chest: {
    samples: "chest's synthetic ChestX-ray14 set is counted in images; write images: N",
    frames_per_action:
      "frames_per_action is for pose3d's synthetic Human3.6M, not chest; remove it",
    input_size: 'chest images are square: write image_size: N (pixels)',
  },
};

function checkSyntheticFields(
  task: TaskId,
  dataset: z.infer<typeof ZSyntheticDataset>,
  violations: Violation[],
): void {
  const refused = SYNTHETIC_KEYS_OF_OTHER_TASKS[task] ?? {};
  for (const [key, message] of Object.entries(refused)) {
    if (dataset[key as keyof typeof dataset] !== undefined) {
      violations.push({ path: `dataset.${key}`, message });
    }
  }
}

/** Checks everything and pushes every violation; returns the spec, defaults filled in, when there was none. */
function validateSweepSpec(input: unknown, violations: Violation[]): SweepSpecShape | undefined {
  if (!isRecord(input)) {
    violations.push({
      path: 'spec',
      message: `a sweep spec is a mapping with ${listWords(SPEC_KEYS)}; got ${showValue(input)}`,
    });
    return undefined;
  }
  const before = violations.length;
  for (const key of Object.keys(input)) {
    if (
      !(SPEC_KEYS as readonly string[]).includes(key) &&
      !(IGNORED_WANDB_KEYS as readonly string[]).includes(key)
    ) {
      violations.push({
        path: key,
        message: `unknown key; a sweep spec takes ${listWords(SPEC_KEYS)}`,
      });
    }
  }

  const name = parsePiece(ZName, input.name, 'name', violations);
  const task = parsePiece(ZTaskId, input.task, 'task', violations);
  const dataset = parseDataset(input.dataset, violations);
  const method = parsePiece(ZMethod, input.method, 'method', violations);
  const metric =
    input.metric === undefined
      ? undefined
      : parsePiece(ZMetricSpec, input.metric, 'metric', violations);
  const parameters = validateParameters(input.parameters, method, violations);
  const runCap =
    input.run_cap === undefined
      ? undefined
      : parsePiece(positiveInt(), input.run_cap, 'run_cap', violations);
  const samplerSeed =
    input.sampler_seed === undefined
      ? undefined
      : parsePiece(nonNegativeInt(), input.sampler_seed, 'sampler_seed', violations);
  const earlyTerminate =
    input.early_terminate === undefined
      ? undefined
      : parsePiece(ZEarlyTerminate, input.early_terminate, 'early_terminate', violations);
  const resources =
    input.resources === undefined
      ? {}
      : parsePiece(ZResources, input.resources, 'resources', violations);

  // Checks across fields, each only when the fields it reads are themselves valid.
  if (method === 'bayes') {
    violations.push({
      path: 'method',
      message: 'bayes is not supported yet; use method: random (with run_cap) or method: grid',
    });
  }
  if (method === 'random' && input.run_cap === undefined) {
    violations.push({
      path: 'run_cap',
      message:
        'required for method: random, which samples until it has run run_cap trials; give a positive integer, e.g. run_cap: 50',
    });
  }
  if (method === 'grid' && input.sampler_seed !== undefined) {
    violations.push({
      path: 'sampler_seed',
      message: 'a grid samples nothing; remove sampler_seed or use method: random',
    });
  }
  if (earlyTerminate !== undefined && parameters !== undefined) {
    // Hyperband rungs sit at min_iter · eta^k epochs; past every trial's last epoch, no rung
    // would ever be reached and early_terminate would silently stop nothing.
    const longest = maxEpochs(parameters);
    if (earlyTerminate.min_iter > longest) {
      violations.push({
        path: 'early_terminate.min_iter',
        message: `min_iter ${earlyTerminate.min_iter} is past the last epoch of every trial (epochs at most ${longest}), so nothing would ever be stopped; lower min_iter or remove early_terminate`,
      });
    } else {
      // The rungs themselves, so an eta too close to 1 is refused here and not mid-sweep.
      try {
        ashaRungs({
          minIter: earlyTerminate.min_iter,
          eta: earlyTerminate.eta,
          maxIter: longest,
          goal: 'minimize',
        });
      } catch (err) {
        if (!isHeadroomError(err)) throw err;
        for (const v of err.violations) {
          violations.push({
            path: `early_terminate.${v.path === 'eta' ? 'eta' : 'min_iter'}`,
            message: v.message,
          });
        }
      }
    }
  }
  if (task !== undefined && metric !== undefined) {
    const metrics = TASKS[task].metrics;
    const goal = metrics[metric.name];
    if (goal === undefined) {
      violations.push({
        path: 'metric.name',
        message: `${showValue(metric.name)} is not a metric of task ${task}; use ${listWords(Object.keys(metrics))}`,
      });
    } else if (metric.goal !== undefined && metric.goal !== goal) {
      violations.push({
        path: 'metric.goal',
        message: `${metric.name} is better when ${goal === 'minimize' ? 'lower' : 'higher'}; write goal: ${goal} or leave goal out`,
      });
    }
  }
  if (task !== undefined && dataset?.kind === 'synthetic') {
    checkSyntheticFields(task, dataset, violations);
  }
  if (task !== undefined && dataset !== undefined && dataset.kind !== 'synthetic') {
    const expected = TASKS[task].datasetKind;
    if (dataset.kind !== expected) {
      violations.push({
        path: 'dataset.kind',
        message: `task ${task} reads ${expected} data; use kind: ${expected} or kind: synthetic`,
      });
    }
  }

  if (violations.length > before) return undefined;
  // Every piece parsed when no violation was added; the checks narrow the types.
  if (!name || !task || !dataset || !method || !parameters || !resources) return undefined;
  const metricName = metric?.name ?? TASKS[task].defaultMetric;
  const spec: SweepSpecShape = {
    name,
    task,
    dataset,
    method,
    metric: { name: metricName, goal: metric?.goal ?? TASKS[task].metrics[metricName] },
    parameters,
  };
  if (runCap !== undefined) spec.run_cap = runCap;
  if (method === 'random') spec.sampler_seed = samplerSeed ?? DEFAULT_SAMPLER_SEED;
  if (earlyTerminate !== undefined) spec.early_terminate = earlyTerminate;
  spec.resources = { pool: DEFAULT_POOL, ...resources };
  return spec;
}

/** `parameters.d_h.values[1]` → `['parameters', 'd_h', 'values', 1]` (the root `spec` → `[]`). */
function toZodPath(path: string): Array<string | number> {
  if (path === 'spec') return [];
  const out: Array<string | number> = [];
  for (const part of path.split('.')) {
    const m = /^(.*?)((?:\[\d+\])*)$/.exec(part);
    if (m?.[1]) out.push(m[1]);
    for (const idx of (m?.[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/**
 * The sweep spec as a zod schema: any input in, a valid spec with defaults out, or every
 * violation as an issue (message and path) — the same checks as `parseSweepSpec`.
 */
export const ZSweepSpec = z.unknown().transform((input, ctx): SweepSpecShape => {
  const violations: Violation[] = [];
  const spec = validateSweepSpec(input, violations);
  for (const v of violations) {
    ctx.issues.push({ code: 'custom', message: v.message, path: toZodPath(v.path), input });
  }
  return spec ?? z.NEVER;
});
export type SweepSpec = z.infer<typeof ZSweepSpec>;

/**
 * Validates a sweep spec (already parsed from YAML/JSON) and fills in its defaults.
 * Throws `HeadroomError` INVALID_SPEC listing every violation with its path.
 */
export function parseSweepSpec(input: unknown, source = 'sweep spec'): SweepSpec {
  const violations: Violation[] = [];
  const spec = validateSweepSpec(input, violations);
  throwIfViolations(source, violations);
  return spec as SweepSpec;
}
