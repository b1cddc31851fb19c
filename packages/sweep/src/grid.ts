import { HeadroomError, type Violation } from '@headroom/errors';
import {
  PARAMETER_NAMES,
  finiteValues,
  validateParameters,
  withDefaults,
  type ParameterName,
  type ParameterValue,
  type TrialParams,
} from './parameters';
import type { SweepSpec } from './spec';
import { throwIfViolations } from './violations';

interface GridAxis {
  name: ParameterName;
  values: readonly ParameterValue[];
}

// Plain code-unit order, not localeCompare: the same on every machine and on replay.
const SORTED_NAMES = [...PARAMETER_NAMES].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * One axis per parameter the spec gives, names sorted (a parameter left out takes its
 * default, as an axis of one value would). Re-validates the parameters, so a spec built in
 * code (not parsed) cannot slip an invalid combination into a grid.
 */
function readGridAxes(spec: SweepSpec): GridAxis[] {
  const violations: Violation[] = [];
  if (spec.method !== 'grid') {
    violations.push({
      path: 'method',
      message: `a grid needs method: grid; ${String(spec.method)} sweeps sample their trials`,
    });
  }
  const parameters = validateParameters(spec.parameters, 'grid', violations) ?? {};
  throwIfViolations('sweep spec', violations);
  return SORTED_NAMES.flatMap((name) => {
    const given = parameters[name];
    const values = given === undefined ? undefined : finiteValues(given);
    return values === undefined ? [] : [{ name, values }];
  });
}

function countAxes(axes: readonly GridAxis[]): number {
  return axes.reduce((n, axis) => n * axis.values.length, 1);
}

/** Mixed-radix decoding: the last axis (in name order) changes fastest, like nested loops. */
function trialAt(axes: readonly GridAxis[], index: number): TrialParams {
  const params: Partial<Record<ParameterName, ParameterValue>> = {};
  let rest = index;
  for (let k = axes.length - 1; k >= 0; k--) {
    const axis = axes[k]!;
    const n = axis.values.length;
    params[axis.name] = axis.values[rest % n]!;
    rest = Math.floor(rest / n);
  }
  return withDefaults(params);
}

/** How many trials a grid sweep has, without listing them (grids can be 10⁵ trials). */
export function countGridTrials(spec: SweepSpec): number {
  return countAxes(readGridAxes(spec));
}

/**
 * The `index`-th trial of a grid, in `expandGrid`'s order, so a workflow can walk a
 * huge grid one trial at a time.
 */
export function gridTrialAt(spec: SweepSpec, index: number): TrialParams {
  const axes = readGridAxes(spec);
  const count = countAxes(axes);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw HeadroomError.invalid('INVALID_INPUT', 'grid index', [
      {
        path: 'index',
        message: `${index} is outside the grid; use an integer from 0 to ${count - 1}`,
      },
    ]);
  }
  return trialAt(axes, index);
}

/**
 * Every trial of a grid sweep: the cartesian product over parameter names in sorted order
 * (the last name changes fastest), each parameter's values in the order given, defaults
 * for parameters left out.
 */
export function expandGrid(spec: SweepSpec): TrialParams[] {
  const axes = readGridAxes(spec);
  const count = countAxes(axes);
  const trials: TrialParams[] = [];
  for (let i = 0; i < count; i++) trials.push(trialAt(axes, i));
  return trials;
}
