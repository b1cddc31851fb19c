import type { Violation } from '@headroom/errors';
import { readSpecParameters, setNested } from './grid';
import { parameterLeaves, type ProgramTrialParams, type SpecValue } from './parameter-spec';
import { withDefaults, type ParameterName, type TrialParams } from './parameters';
import type { ProgramSweepSpec, SweepSpec, TaskSweepSpec } from './spec';
import { DEFAULT_SAMPLER_SEED, isTaskSweep } from './spec-shape';
import { resolveMetric } from './tasks';
import { suggestTpe, type TpeObservation } from './tpe/sampler';
import { dimensionFromWandb, type TpeSearchSpace } from './tpe/search-space';
import { throwIfViolations } from './violations';

/** A bayes sweep read once: TPE's dimensions, the constants merged into every trial, seed, goal. */
interface DecodedBayes {
  space: TpeSearchSpace;
  /** Leaves every trial has as written (`value`), by path. */
  constants: Array<{ path: string[]; value: SpecValue }>;
  /** Each dimension's path in the trial (its name is the path joined by `.`). */
  paths: string[][];
  seed: number;
  goal: 'minimize' | 'maximize';
}

/** Bayes sweeps already read, by spec object (as grid.ts and random.ts keep theirs). */
const decodedBayes = new WeakMap<SweepSpec, DecodedBayes>();

function decodeBayes(spec: SweepSpec): DecodedBayes {
  let decoded = decodedBayes.get(spec);
  if (decoded === undefined) {
    const violations: Violation[] = [];
    if (spec.method !== 'bayes') {
      violations.push({
        path: 'method',
        message: `TPE suggests the trials of method: bayes; ${String(spec.method)} sweeps compute theirs by index (trialAt)`,
      });
    }
    const seed = spec.sampler_seed ?? DEFAULT_SAMPLER_SEED;
    if (!Number.isSafeInteger(seed) || seed < 0) {
      violations.push({
        path: 'sampler_seed',
        message: `sampler_seed must be an integer ≥ 0; got ${String(seed)}`,
      });
    }
    const parameters = readSpecParameters(spec, violations) ?? {};
    throwIfViolations('sweep spec', violations);
    const space: TpeSearchSpace[number][] = [];
    const paths: string[][] = [];
    const constants: DecodedBayes['constants'] = [];
    for (const leaf of parameterLeaves(parameters)) {
      const dimension = dimensionFromWandb(leaf.path.join('.'), leaf.spec);
      if (dimension) {
        space.push(dimension);
        paths.push(leaf.path);
      } else if ('value' in leaf.spec) {
        constants.push({ path: leaf.path, value: leaf.spec.value });
      }
    }
    decoded = { space, constants, paths, seed, goal: resolveMetric(spec).goal };
    decodedBayes.set(spec, decoded);
  }
  return decoded;
}

/**
 * What TPE knows of a trial, from its parameters as the trial has them (nested, with a task's
 * defaults): the value of each dimension, by its dotted name. A parameter the trial lacks (a
 * conditional one) is left out.
 */
export function bayesDimensionsOf(
  spec: SweepSpec,
  params: TrialParams | ProgramTrialParams,
): Record<string, SpecValue> {
  const { space, paths } = decodeBayes(spec);
  const out: Record<string, SpecValue> = {};
  space.forEach((d, j) => {
    let at: unknown = params;
    for (const key of paths[j]!) {
      at =
        typeof at === 'object' && at !== null && !Array.isArray(at)
          ? (at as Record<string, unknown>)[key]
          : undefined;
    }
    if (at !== undefined) out[d.name] = at as SpecValue;
  });
  return out;
}

/**
 * Trial `index` of a bayes sweep: TPE (Optuna's TPESampler defaults, `suggestTpe`) over the
 * spec's parameters given the sweep's trials so far (`history`: finished ones with their metric,
 * running ones `pending` for the constant liar), seeded by `sampler_seed`. A pure function of its
 * arguments, so a workflow computes it and replays it. Nested as the spec's parameters are, with
 * a task's defaults filled in, like `trialAt`'s trials.
 */
export function suggestBayesTrial(
  spec: TaskSweepSpec,
  history: readonly TpeObservation[],
  index: number,
): TrialParams;
export function suggestBayesTrial(
  spec: ProgramSweepSpec,
  history: readonly TpeObservation[],
  index: number,
): ProgramTrialParams;
export function suggestBayesTrial(
  spec: SweepSpec,
  history: readonly TpeObservation[],
  index: number,
): TrialParams | ProgramTrialParams;
export function suggestBayesTrial(
  spec: SweepSpec,
  history: readonly TpeObservation[],
  index: number,
): TrialParams | ProgramTrialParams {
  const { space, paths, constants, seed, goal } = decodeBayes(spec);
  const suggested =
    space.length > 0 ? suggestTpe(space, history, { seed, trialIndex: index, goal }) : {};
  const params: ProgramTrialParams = {};
  // W&B's order (names sorted at each level): constants and dimensions interleaved by path.
  const leaves = [
    ...constants.map((c) => ({ path: c.path, value: c.value })),
    ...space.map((d, j) => ({ path: paths[j]!, value: suggested[d.name]! })),
  ].sort((a, b) => {
    const x = a.path.join('\u0000');
    const y = b.path.join('\u0000');
    return x < y ? -1 : x > y ? 1 : 0;
  });
  for (const leaf of leaves) setNested(params, leaf.path, leaf.value);
  return isTaskSweep(spec)
    ? withDefaults(params as Partial<Record<ParameterName, TrialParams[ParameterName]>>)
    : params;
}
