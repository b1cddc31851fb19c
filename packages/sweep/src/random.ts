import { HeadroomError, type Violation } from '@headroom/errors';
import { readSpecParameters, setNested } from './grid';
import {
  drawLeaf,
  parameterLeaves,
  type ParameterLeaf,
  type ProgramTrialParams,
} from './parameter-spec';
import { withDefaults, type ParameterName, type TrialParams } from './parameters';
import { uniformAt } from './prng';
import type { ProgramSweepSpec, SweepSpec, TaskSweepSpec } from './spec';
import { DEFAULT_SAMPLER_SEED, isTaskSweep } from './spec-shape';
import { throwIfViolations } from './violations';

/** A random sweep read once: its leaves (W&B's order), seed and run_cap. */
interface DecodedRandom {
  leaves: ParameterLeaf[];
  seed: number;
  runCap: number | undefined;
}

/**
 * Random sweeps already read, by spec object (as grid.ts keeps grids): a workflow sampling 10⁴
 * trials of one spec validates it once. Specs are values, never edited in place; only valid
 * ones are kept.
 */
const decodedRandoms = new WeakMap<SweepSpec, DecodedRandom>();

function decodeRandom(spec: SweepSpec): DecodedRandom {
  let decoded = decodedRandoms.get(spec);
  if (decoded === undefined) {
    decoded = readRandomSpec(spec);
    decodedRandoms.set(spec, decoded);
  }
  return decoded;
}

/**
 * Re-validates what sampling reads, so a spec built in code (not parsed) cannot slip in a
 * combination where `d_h: auto` does not divide, a bad run_cap or a bad seed.
 */
function readRandomSpec(spec: SweepSpec): DecodedRandom {
  const violations: Violation[] = [];
  if (spec.method !== 'random') {
    violations.push({
      path: 'method',
      message: `sampling by index needs method: random; ${String(spec.method)} sweeps do not (a grid walks its values with gridTrialAt)`,
    });
  }
  const runCap = spec.run_cap;
  if (runCap !== undefined && (!Number.isSafeInteger(runCap) || runCap <= 0)) {
    violations.push({
      path: 'run_cap',
      message: `run_cap must be a positive integer, or left out to sample until stopped; got ${String(runCap)}`,
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
  return { leaves: parameterLeaves(parameters), seed, runCap };
}

/**
 * The key a leaf's random number is drawn under: its name at the top level (so trials of specs
 * written before nesting existed keep their values), its names joined by `/` when nested (a
 * character W&B's names cannot hold, so `a.b` at the top never collides with b under a).
 */
function drawKey(leaf: ParameterLeaf): string {
  return leaf.path.join('/');
}

/** How many trials a random sweep runs: its run_cap, or `null` (until stopped) without one. */
export function countRandomTrials(spec: SweepSpec): number | null {
  return decodeRandom(spec).runCap ?? null;
}

/**
 * The `index`-th trial of a random sweep (0 ≤ index < run_cap, any index ≥ 0 without one): a
 * pure function of the parameters, `sampler_seed` and `index` — not of run_cap, nor of the
 * trials before it — so a workflow computes any trial on its own, and raising run_cap keeps the
 * trials already run.
 *
 * Each parameter draws one number u in [0, 1), a hash of (sampler_seed, index, its name), and
 * takes W&B's inverse CDF of its distribution at u (`drawLeaf`): adding or removing a parameter
 * leaves the others' values unchanged. Task parameters the spec leaves out take their defaults;
 * a program trial is nested as the spec's parameters are.
 */
export function sampleTrialAt(spec: TaskSweepSpec, index: number): TrialParams;
export function sampleTrialAt(spec: ProgramSweepSpec, index: number): ProgramTrialParams;
export function sampleTrialAt(spec: SweepSpec, index: number): TrialParams | ProgramTrialParams;
export function sampleTrialAt(spec: SweepSpec, index: number): TrialParams | ProgramTrialParams {
  const { leaves, seed, runCap } = decodeRandom(spec);
  if (!Number.isSafeInteger(index) || index < 0 || (runCap !== undefined && index >= runCap)) {
    throw HeadroomError.invalid('INVALID_INPUT', 'trial index', [
      {
        path: 'index',
        message:
          runCap === undefined
            ? `${index} is not a trial index; use an integer ≥ 0`
            : `${index} is outside the sweep; use an integer from 0 to ${runCap - 1} (run_cap ${runCap})`,
      },
    ]);
  }
  const params: ProgramTrialParams = {};
  for (const leaf of leaves) {
    setNested(params, leaf.path, drawLeaf(leaf.spec, uniformAt(seed, index, drawKey(leaf))));
  }
  return isTaskSweep(spec)
    ? withDefaults(params as Partial<Record<ParameterName, TrialParams[ParameterName]>>)
    : params;
}
