import { isHeadroomError, type Violation } from '@headroom/errors';
import { z } from 'zod';
import { ashaRungs, hyperbandBands } from './asha';
import { checkCommand } from './command';
import { gridSize, parameterLeaves, readParameters, type ParameterSpec } from './parameter-spec';
import { maxEpochs, validateParameters } from './parameters';
import { DEFAULT_SAMPLER_SEED } from './spec-shape';
import { METRIC_GOALS, TASK_IDS, TASKS, type RealDatasetKind, type TaskId } from './tasks';
import {
  hasKey,
  isRecord,
  joinPath,
  listWords,
  parsePiece,
  showValue,
  throwIfViolations,
} from './violations';

/**
 * W&B's search methods (its `custom` scheduler engines are refused by name): all three run —
 * grid and random trials by index, bayes trials from TPE in the sweep workflow.
 */
export const SWEEP_METHODS = ['grid', 'random', 'bayes'] as const;
export type SweepMethod = (typeof SWEEP_METHODS)[number];

/** The pool (train task queue) a sweep runs on when `resources.pool` is not given. */
export const DEFAULT_POOL = 'default';

/** Pool names become task queue names, so keep them to plain characters. */
export const POOL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Keys of a W&B sweep config that Headroom accepts so users can bring their files, and drops:
 * `controller` picks W&B's local or cloud controller (Headroom's sweep workflow is the
 * controller); `apiVersion` and `kind` are W&B's document header.
 */
export const IGNORED_WANDB_KEYS = ['controller', 'apiVersion', 'kind'] as const;

/** W&B keys for what Headroom does not do, each with what to do instead. */
const REFUSED_WANDB_KEYS: Record<string, string> = {
  job: 'W&B Launch jobs are not run by Headroom; give program (and command) to run your script',
  image_uri:
    'W&B Launch images are not run by Headroom; give program (and command) to run your script',
  scheduler:
    "W&B's custom scheduler engines (optuna, ax) are not run by Headroom; use method: bayes",
  metrics:
    'multi-objective sweeps (metrics: [...]) need a custom W&B scheduler; give one metric: { name, goal }',
};

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
const ZMethod = oneOf(SWEEP_METHODS, 'method');

/**
 * W&B's metric: `target` ends the sweep once a trial's metric reaches it (in the goal's
 * direction); `impute` and `impute_while_running` are W&B's bayes settings, kept as written.
 */
export const ZMetricSpec = strictObject('metric', {
  name: nonEmptyString(),
  goal: oneOf(METRIC_GOALS, 'goal').optional(),
  target: z.number({ error: expecting('a number') }).optional(),
  impute: oneOf(['latest', 'best', 'worst'], 'impute').optional(),
  impute_while_running: oneOf(
    ['latest', 'best', 'worst', 'false'],
    'impute_while_running',
  ).optional(),
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
  const side = z
    .int({ error })
    .positive({ error })
    .multipleOf(POSE2D_INPUT_MULTIPLE, { error })
    .max(SYNTHETIC_LIMITS.side, { error });
  return z.tuple([side, side], { error });
}

/** The side, in pixels, chest images are resized to when `image_size` is not given. */
export const CHEST_DEFAULT_IMAGE_SIZE = 224;

/**
 * A synthetic set is generated into a worker's memory: bounds well above a real set's size
 * (Human3.6M's 1.6 M training frames; COCO's 118 k and ChestX-ray14's 112 k images) and below what
 * no worker could hold.
 */
export const SYNTHETIC_LIMITS = {
  samples: 5_000_000,
  frames_per_action: 100_000,
  images: 500_000,
  /** Pixels per side of an image or crop. */
  side: 2048,
} as const;

/** A positive integer up to `max`; past it, says the bound and why. */
function positiveIntUpTo(max: number, why: string) {
  const error = expecting('a positive integer');
  return z
    .int({ error })
    .positive({ error })
    .max(max, {
      error: (iss: IssueLike) =>
        `must be at most ${max.toLocaleString('en-US')} (${why}); got ${showValue(iss.input)}`,
    });
}

const SYNTHETIC_MEMORY = 'a synthetic set is generated in a worker’s memory';

/**
 * Generated data, a pure function of its fields. pose3d counts it in `samples` (or
 * `frames_per_action`); pose2d in `images` of a synthetic COCO set, cropped to `input_size`;
 * chest in `images` of a synthetic ChestX-ray14 set, `image_size` pixels square (the trainer's
 * default when absent: small, so synthetic trials stay fast).
 */
export const ZSyntheticDataset = strictObject('a synthetic dataset', {
  kind: z.literal('synthetic'),
  samples: positiveIntUpTo(SYNTHETIC_LIMITS.samples, SYNTHETIC_MEMORY).optional(),
  seed: nonNegativeInt().optional(),
  frames_per_action: positiveIntUpTo(
    SYNTHETIC_LIMITS.frames_per_action,
    SYNTHETIC_MEMORY,
  ).optional(),
  images: positiveIntUpTo(SYNTHETIC_LIMITS.images, SYNTHETIC_MEMORY).optional(),
  input_size: inputSize().optional(),
  image_size: positiveIntUpTo(SYNTHETIC_LIMITS.side, 'pixels per side').optional(),
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

/**
 * W&B's hyperband stopping: rungs from `min_iter` (min_iter·eta^k) or from `max_iter` and `s`
 * (max_iter/eta^k for k = 1…s, W&B's brackets); `strict` (W&B's default) compares a trial's
 * value at the rung, `strict: false` its best value so far.
 */
export const ZEarlyTerminate = strictObject('early_terminate', {
  type: z.literal('hyperband', {
    error: expecting('hyperband (the only rule W&B and Headroom have)'),
  }),
  min_iter: positiveInt().optional(),
  max_iter: positiveInt().optional(),
  s: positiveInt().optional(),
  // W&B's defaults.
  eta: z
    .number({ error: expecting('a number > 1') })
    .gt(1, { error: expecting('a number > 1') })
    .default(3),
  strict: z.boolean({ error: expecting('true or false') }).default(true),
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

/** What every sweep spec has, task or program; packages/sweep/README.md describes every key. */
interface SweepSpecBase {
  name: string;
  method: SweepMethod;
  /** A task sweep's is filled in by parsing: the task's default metric, and the goal the task gives it. */
  metric?: MetricSpec;
  parameters: Record<string, ParameterSpec>;
  /**
   * How many trials to run: an optional cap for a grid; random and bayes without it run until
   * stopped (their trial count is `null`).
   */
  run_cap?: number;
  /**
   * Seeds `random` (and `bayes`) sampling (Headroom's key; W&B has none). Filled in with 0 when
   * left out, so the stored spec names the seed its trials came from.
   */
  sampler_seed?: number;
  early_terminate?: EarlyTerminate;
  /** Filled in by parsing with `pool: 'default'` when absent. */
  resources?: ResourcesSpec;
  /** W&B's metadata, kept as written. */
  description?: string;
  project?: string;
  entity?: string;
}

/** A sweep of a built-in task (`task:`): Headroom's trainer, its closed list of parameters. */
export interface TaskSweepSpec extends SweepSpecBase {
  task: TaskId;
  dataset: DatasetSpec;
}

/**
 * A sweep of the user's own program (`program:`), W&B's way: any parameter names, nested
 * parameters, the command line built from `command` and its macros.
 */
export interface ProgramSweepSpec extends SweepSpecBase {
  program: string;
  /** W&B's `command`, macros unexpanded; `buildCommand` expands it (default `${env} ${interpreter} ${program} ${args}`). */
  command?: string[];
  /** Headroom's key: the directory the program runs in (default: the worker's working directory). */
  workdir?: string;
}

/** What `parseSweepSpec` returns: exactly one of a task sweep or a program sweep. */
export type SweepSpecShape = TaskSweepSpec | ProgramSweepSpec;

const COMMON_KEYS = [
  'name',
  'method',
  'metric',
  'parameters',
  'run_cap',
  'sampler_seed',
  'early_terminate',
  'resources',
  'description',
  'project',
  'entity',
] as const;
const TASK_KEYS = ['task', 'dataset'] as const;
const PROGRAM_KEYS = ['program', 'command', 'workdir'] as const;
const SPEC_KEYS = [
  ...COMMON_KEYS.slice(0, 1),
  ...TASK_KEYS,
  ...PROGRAM_KEYS,
  ...COMMON_KEYS.slice(1),
];
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

/**
 * The most trials a sweep that lists them up front (grid, random with run_cap) may have: they are
 * registered in one transaction. Larger studies are several sweeps; leaderboards read across them.
 */
export const MAX_SWEEP_TRIALS = 100_000;

/** A grid's trials (after run_cap) are listed up front: at most MAX_SWEEP_TRIALS. */
function checkGridSize(
  parameters: Record<string, ParameterSpec>,
  runCap: number | undefined,
  violations: Violation[],
): void {
  const count = parameterLeaves(parameters).reduce((n, l) => n * (gridSize(l.spec) ?? 1), 1);
  if (Math.min(count, runCap ?? Infinity) > MAX_SWEEP_TRIALS) {
    violations.push({
      path: runCap === undefined ? 'parameters' : 'run_cap',
      message: `the grid has ${count.toLocaleString('en-US')} combinations${
        runCap === undefined ? '' : ` and run_cap is ${runCap.toLocaleString('en-US')}`
      }; a sweep holds at most ${MAX_SWEEP_TRIALS.toLocaleString('en-US')} trials: split it into several sweeps, set run_cap, or use method: random`,
    });
  }
}

/** Hyperband's own checks: min_iter or max_iter + s, and rungs a trial can reach. */
function checkEarlyTerminate(
  et: EarlyTerminate,
  raw: Record<string, unknown>,
  longest: number | undefined,
  violations: Violation[],
): void {
  const hasMax = raw.max_iter !== undefined || raw.s !== undefined;
  if (raw.min_iter === undefined && !hasMax) {
    violations.push({
      path: 'early_terminate',
      message:
        'give min_iter (the first rung, in epochs) or max_iter and s (s rungs below max_iter), as W&B does',
    });
    return;
  }
  if (hasMax && (et.max_iter === undefined || et.s === undefined)) {
    violations.push({
      path: `early_terminate.${et.max_iter === undefined ? 'max_iter' : 's'}`,
      message: `required with ${et.max_iter === undefined ? 's' : 'max_iter'}: W&B's brackets are max_iter/eta^k for k = 1…s`,
    });
    return;
  }
  if (et.max_iter !== undefined && et.s !== undefined) {
    // W&B reads max_iter and s first when both forms are given.
    const bands = hyperbandBands(et);
    if (bands.length === 0) {
      violations.push({
        path: 'early_terminate.max_iter',
        message: `max_iter ${et.max_iter} / eta ${et.eta} is below 1 epoch, so there is no rung; raise max_iter or lower eta`,
      });
    } else if (longest !== undefined && bands[0]! > longest) {
      violations.push({
        path: 'early_terminate.max_iter',
        message: `the first rung (epoch ${bands[0]}) is past the last epoch of every trial (epochs at most ${longest}), so nothing would ever be stopped; lower max_iter or remove early_terminate`,
      });
    }
    return;
  }
  const minIter = et.min_iter!;
  if (longest === undefined) return;
  // Hyperband rungs sit at min_iter · eta^k epochs; past every trial's last epoch, no rung
  // would ever be reached and early_terminate would silently stop nothing.
  if (minIter > longest) {
    violations.push({
      path: 'early_terminate.min_iter',
      message: `min_iter ${minIter} is past the last epoch of every trial (epochs at most ${longest}), so nothing would ever be stopped; lower min_iter or remove early_terminate`,
    });
    return;
  }
  // The rungs themselves, so an eta too close to 1 is refused here and not mid-sweep.
  try {
    ashaRungs({ minIter, eta: et.eta, maxIter: longest, goal: 'minimize' });
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

/** A program sweep's own keys: program, command (its macros), workdir. */
function readProgram(
  input: Record<string, unknown>,
  violations: Violation[],
): Pick<ProgramSweepSpec, 'program' | 'command' | 'workdir'> | undefined {
  const before = violations.length;
  const program = parsePiece(nonEmptyString(), input.program, 'program', violations);
  let command: string[] | undefined;
  if (input.command !== undefined) {
    if (!Array.isArray(input.command) || input.command.length === 0) {
      violations.push({
        path: 'command',
        message: `command is a non-empty list, e.g. [\${env}, python, \${program}, \${args}]; got ${showValue(input.command)}`,
      });
    } else {
      const items = input.command as unknown[];
      items.forEach((c, i) => {
        if (typeof c !== 'string' && typeof c !== 'number' && typeof c !== 'boolean')
          violations.push({
            path: joinPath('command', i),
            message: `a command item is a word (a string); got ${showValue(c)}`,
          });
      });
      // W&B str()s every item; numbers and booleans become words as Python writes them.
      command = items.map((c) => (typeof c === 'boolean' ? (c ? 'True' : 'False') : String(c)));
      if (violations.length === before) checkCommand(command, violations);
    }
  }
  const workdir =
    input.workdir === undefined
      ? undefined
      : parsePiece(nonEmptyString(), input.workdir, 'workdir', violations);
  if (violations.length > before || program === undefined) return undefined;
  return {
    program,
    ...(command !== undefined ? { command } : {}),
    ...(workdir !== undefined ? { workdir } : {}),
  };
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
  const isTask = input.task !== undefined;
  const isProgram = input.program !== undefined;
  if (isTask === isProgram) {
    violations.push({
      path: isTask ? 'program' : 'task',
      message: isTask
        ? 'give task (a built-in task) or program (your script), not both'
        : `give task (a built-in task: ${listWords(TASK_IDS)}) or program (your script, W&B's program: train.py)`,
    });
  }
  const own: readonly string[] = isProgram && !isTask ? PROGRAM_KEYS : TASK_KEYS;
  for (const key of Object.keys(input)) {
    if (REFUSED_WANDB_KEYS[key] !== undefined) {
      violations.push({ path: key, message: REFUSED_WANDB_KEYS[key] });
    } else if (
      !(COMMON_KEYS as readonly string[]).includes(key) &&
      !own.includes(key) &&
      !(IGNORED_WANDB_KEYS as readonly string[]).includes(key) &&
      !(isTask && isProgram && (PROGRAM_KEYS as readonly string[]).includes(key))
    ) {
      const belongs = (TASK_KEYS as readonly string[]).includes(key)
        ? 'a key of task sweeps; a program sweep has no dataset'
        : (PROGRAM_KEYS as readonly string[]).includes(key)
          ? 'a key of program sweeps; a task sweep runs the built-in trainer'
          : `unknown key; a sweep spec takes ${listWords([...COMMON_KEYS.slice(0, 1), ...own, ...COMMON_KEYS.slice(1)])}`;
      violations.push({ path: key, message: belongs });
    }
  }

  const method =
    input.method === 'custom'
      ? (violations.push({
          path: 'method',
          message:
            "W&B's custom scheduler method is not run by Headroom; use grid, random or bayes",
        }),
        undefined)
      : parsePiece(ZMethod, input.method, 'method', violations);
  const metric =
    input.metric === undefined
      ? undefined
      : parsePiece(ZMetricSpec, input.metric, 'metric', violations);
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
  const meta: Pick<SweepSpecBase, 'description' | 'project' | 'entity'> = {};
  for (const key of ['description', 'project', 'entity'] as const) {
    if (input[key] === undefined) continue;
    const value = parsePiece(
      z.string({ error: expecting('a string') }),
      input[key],
      key,
      violations,
    );
    if (value !== undefined) meta[key] = value;
  }

  // The kind's own keys and parameters.
  let task: TaskId | undefined;
  let dataset: DatasetSpec | undefined;
  let program: ReturnType<typeof readProgram>;
  let parameters: Record<string, ParameterSpec> | undefined;
  if (isTask) {
    task = parsePiece(ZTaskId, input.task, 'task', violations);
    dataset = parseDataset(input.dataset, violations);
    parameters = validateParameters(input.parameters, violations, method);
  } else if (isProgram) {
    program = readProgram(input, violations);
    parameters = readParameters(input.parameters, 'parameters', violations, {
      allowNested: true,
      grid: method === 'grid',
    });
  }
  const name =
    input.name === undefined && isProgram && !isTask && typeof input.program === 'string'
      ? input.program
      : parsePiece(ZName, input.name, 'name', violations);

  // Checks across fields, each only when the fields it reads are themselves valid.
  if (method === 'grid' && parameters !== undefined) checkGridSize(parameters, runCap, violations);
  if (method === 'random' && runCap !== undefined && runCap > MAX_SWEEP_TRIALS)
    violations.push({
      path: 'run_cap',
      message: `a sweep holds at most ${MAX_SWEEP_TRIALS.toLocaleString('en-US')} trials (they are registered up front); got ${runCap.toLocaleString('en-US')}: split it into several sweeps`,
    });
  if (method === 'grid' && input.sampler_seed !== undefined) {
    violations.push({
      path: 'sampler_seed',
      message: 'a grid samples nothing; remove sampler_seed or use method: random',
    });
  }
  if (isProgram && !isTask && metric === undefined && input.metric === undefined) {
    // W&B's bayes search and hyperband stopping read the metric; they have nothing else to go on.
    if (method === 'bayes')
      violations.push({
        path: 'metric',
        message: 'required for method: bayes; e.g. metric: { name: val_loss, goal: minimize }',
      });
    if (input.early_terminate !== undefined)
      violations.push({
        path: 'metric',
        message:
          'required for early_terminate, which stops trials by it; e.g. metric: { name: val_loss, goal: minimize }',
      });
  }
  if (earlyTerminate !== undefined && isRecord(input.early_terminate)) {
    const longest = isTask && parameters !== undefined ? maxEpochs(parameters) : undefined;
    if (!isTask || parameters !== undefined)
      checkEarlyTerminate(earlyTerminate, input.early_terminate, longest, violations);
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
  if (!name || !method || !parameters || !resources) return undefined;
  const common: SweepSpecBase = { name, method, parameters };
  if (runCap !== undefined) common.run_cap = runCap;
  if (method !== 'grid') common.sampler_seed = samplerSeed ?? DEFAULT_SAMPLER_SEED;
  if (earlyTerminate !== undefined) common.early_terminate = earlyTerminate;
  common.resources = { pool: DEFAULT_POOL, ...resources };
  Object.assign(common, meta);
  if (task !== undefined && dataset !== undefined) {
    const metricName = metric?.name ?? TASKS[task].defaultMetric;
    const filled: MetricSpec = {
      ...metric,
      name: metricName,
      goal: metric?.goal ?? TASKS[task].metrics[metricName],
    };
    return { ...orderTask(common, task, dataset), metric: filled };
  }
  if (program === undefined) return undefined;
  // W&B fills goal: minimize.
  if (metric !== undefined) common.metric = { ...metric, goal: metric.goal ?? 'minimize' };
  const { name: programName, ...rest } = common;
  return { name: programName, ...program, ...rest };
}

/** name, task, dataset first, as sweep files are written (and as stored specs always were). */
function orderTask(common: SweepSpecBase, task: TaskId, dataset: DatasetSpec): TaskSweepSpec {
  const { name, method, ...rest } = common;
  return { name, task, dataset, method, ...rest };
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
 *
 * `integers: 'bigint'` says the input's integers are bigints and its other numbers were written
 * as floats (yaml's `intAsBigInt`; `parseSweepText` reads files so): `{ min: 1.0, max: 3.0 }` is
 * then uniform, as in W&B. A plain object's numbers are integers when their value is.
 */
export function parseSweepSpec(
  input: unknown,
  source = 'sweep spec',
  options: { integers?: 'bigint' } = {},
): SweepSpec {
  const violations: Violation[] = [];
  const spec = validateSweepSpec(
    options.integers === 'bigint' ? fromTypedNumbers(input) : input,
    violations,
  );
  throwIfViolations(source, violations);
  return spec as SweepSpec;
}

/**
 * A document whose integers are bigints, as plain numbers, with W&B's inference made explicit
 * first: a parameter with min/max and no distribution is int_uniform only when both were
 * written as integers (W&B's `format: integer`), else uniform.
 */
function fromTypedNumbers(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(fromTypedNumbers);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      key === 'parameters' && isRecord(v) ? parametersFromTypedNumbers(v) : fromTypedNumbers(v);
  }
  return out;
}

function parametersFromTypedNumbers(parameters: Record<string, unknown>): Record<string, unknown> {
  const isNumeric = (v: unknown) => typeof v === 'number' || typeof v === 'bigint';
  const out: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(parameters)) {
    const converted = fromTypedNumbers(entry);
    if (
      isRecord(entry) &&
      isRecord(converted) &&
      !['distribution', 'value', 'values', 'parameters'].some((k) => hasKey(entry, k)) &&
      isNumeric(entry.min) &&
      isNumeric(entry.max)
    ) {
      converted.distribution =
        typeof entry.min === 'bigint' && typeof entry.max === 'bigint' ? 'int_uniform' : 'uniform';
    }
    out[name] = converted;
  }
  return out;
}
