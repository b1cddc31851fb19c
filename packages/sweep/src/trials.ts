import { HeadroomError } from '@headroom/errors';
import { countGridTrials, gridTrialAt } from './grid';
import type { ProgramTrialParams } from './parameter-spec';
import {
  PARAMETER_NAMES,
  parameterDefault,
  type ParameterName,
  type TrialParams,
} from './parameters';
import { countRandomTrials, sampleTrialAt } from './random';
import type { ProgramSweepSpec, SweepSpec, TaskSweepSpec } from './spec';

function capGrid(spec: SweepSpec, gridCount: number): number {
  return spec.run_cap === undefined ? gridCount : Math.min(gridCount, spec.run_cap);
}

/**
 * How many trials a sweep runs: a grid's combinations, capped by run_cap when it is given
 * (W&B stops a grid there too); run_cap for random and bayes, or `null` without one — W&B runs
 * those until they are stopped.
 */
export function countTrials(spec: SweepSpec): number | null {
  if (spec.method === 'grid') return capGrid(spec, countGridTrials(spec));
  if (spec.method === 'random') return countRandomTrials(spec);
  return spec.run_cap ?? null;
}

/**
 * `countTrials` for code that lists every trial up front (registration, the sweep workflow
 * today): an unbounded sweep is an INVALID_SPEC error naming run_cap.
 */
export function requireTrialCount(spec: SweepSpec): number {
  const count = countTrials(spec);
  if (count !== null) return count;
  throw HeadroomError.invalid('INVALID_SPEC', 'sweep spec', [
    {
      path: 'run_cap',
      message: `method: ${spec.method} without run_cap runs until stopped; give run_cap, the number of trials`,
    },
  ]);
}

/**
 * The `index`-th trial of a sweep (0 ≤ index < countTrials(spec)), whatever its method: a
 * grid's `gridTrialAt`, a random sweep's `sampleTrialAt`. A pure function of the spec and the
 * index, so workflow code can compute trials one at a time, in any order, on replay; the spec
 * is validated once per spec object (`trialSpace`), each later call is O(parameters). Bayes
 * trials depend on the results before them and come from the TPE sampler instead.
 */
export function trialAt(spec: TaskSweepSpec, index: number): TrialParams;
export function trialAt(spec: ProgramSweepSpec, index: number): ProgramTrialParams;
export function trialAt(spec: SweepSpec, index: number): TrialParams | ProgramTrialParams;
export function trialAt(spec: SweepSpec, index: number): TrialParams | ProgramTrialParams {
  if (spec.method === 'random') return sampleTrialAt(spec, index);
  if (spec.method !== 'grid') {
    throw HeadroomError.invalid('INVALID_SPEC', 'sweep spec', [
      {
        path: 'method',
        message: `${String(spec.method)} trials depend on the results before them, so they cannot be computed by index; trialAt covers grid and random`,
      },
    ]);
  }
  const gridCount = countGridTrials(spec);
  const count = capGrid(spec, gridCount);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    const capped = count < gridCount ? ` (run_cap ${count} of a ${gridCount}-trial grid)` : '';
    throw HeadroomError.invalid('INVALID_INPUT', 'trial index', [
      {
        path: 'index',
        message: `${index} is outside the sweep; use an integer from 0 to ${count - 1}${capped}`,
      },
    ]);
  }
  return gridTrialAt(spec, index);
}

/** A sweep's trials, read once: how many there are and the index-th one. */
export interface TrialSpace<P extends TrialParams | ProgramTrialParams> {
  /** `countTrials(spec)`: null for a sweep that runs until stopped. */
  readonly count: number | null;
  /** `trialAt(spec, index)`, O(parameters): the spec is not validated again. */
  at(index: number): P;
}

/**
 * Validates a spec once (the INVALID_SPEC `trialAt` would throw) and returns its trials, for code
 * that walks many of them (the sweep workflow, registration): each `at` is then a decoding of the
 * index. Pure, as `trialAt` is; the decoded grid or random law is kept per spec object.
 */
export function trialSpace(spec: TaskSweepSpec): TrialSpace<TrialParams>;
export function trialSpace(spec: ProgramSweepSpec): TrialSpace<ProgramTrialParams>;
export function trialSpace(spec: SweepSpec): TrialSpace<TrialParams | ProgramTrialParams>;
export function trialSpace(spec: SweepSpec): TrialSpace<TrialParams | ProgramTrialParams> {
  return { count: countTrials(spec), at: (index) => trialAt(spec, index) };
}

/** Every parameter but the head geometry, which a trial's name always shows. */
const OTHER_PARAMETERS = PARAMETER_NAMES.filter(
  (name): name is Exclude<ParameterName, 'd_m' | 'heads' | 'd_h' | 'qk_tied'> =>
    name !== 'd_m' && name !== 'heads' && name !== 'd_h' && name !== 'qk_tied',
);

/**
 * One line naming a trial: its head geometry always, the other parameters only where they
 * differ from the defaults — e.g. `d_m 64 · heads 4 · d_h auto(16) · qk_tied false · lr 0.0005`.
 */
export function describeTrial(p: TrialParams): string {
  const auto = p.d_m % p.heads === 0 ? String(p.d_m / p.heads) : '?';
  const parts = [
    `d_m ${p.d_m}`,
    `heads ${p.heads}`,
    `d_h ${p.d_h === 'auto' ? `auto(${auto})` : p.d_h}`,
    `qk_tied ${p.qk_tied}`,
  ];
  for (const name of OTHER_PARAMETERS) {
    // Trials stored before a parameter existed lack it: they ran with its default.
    if (p[name] !== undefined && p[name] !== parameterDefault(name, p)) {
      parts.push(`${name} ${p[name]}`);
    }
  }
  return parts.join(' · ');
}
