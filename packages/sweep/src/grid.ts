import { HeadroomError, type Violation } from '@headroom/errors';
import {
  gridSize,
  gridValueAt,
  gridViolation,
  parameterLeaves,
  readParameters,
  type LeafParameter,
  type ParameterSpec,
  type ProgramTrialParams,
  type SpecValue,
} from './parameter-spec';
import {
  validateParameters,
  withDefaults,
  type ParameterName,
  type TrialParams,
} from './parameters';
import type { ProgramSweepSpec, SweepSpec, TaskSweepSpec } from './spec';
import { isTaskSweep } from './spec-shape';
import { joinPath, throwIfViolations } from './violations';

interface GridAxis {
  path: string[];
  spec: LeafParameter;
  size: number;
}

/**
 * A spec's parameters as its kind reads them (a task's closed list, or W&B's for a program), so
 * a spec built in code (not parsed) cannot slip an invalid value into trials.
 */
export function readSpecParameters(
  spec: SweepSpec,
  violations: Violation[],
): Record<string, ParameterSpec> | undefined {
  return isTaskSweep(spec)
    ? validateParameters(spec.parameters, violations)
    : readParameters(spec.parameters, 'parameters', violations, { allowNested: true });
}

/**
 * One axis per leaf, names sorted at each level (W&B's order); a task parameter left out takes its
 * default, as an axis of one value would. Every leaf must be walkable (W&B's grid search:
 * constant, categorical, int_uniform, q_uniform).
 */
function readGridAxes(spec: SweepSpec): GridAxis[] {
  const violations: Violation[] = [];
  if (spec.method !== 'grid') {
    violations.push({
      path: 'method',
      message: `a grid needs method: grid; ${String(spec.method)} sweeps sample their trials`,
    });
  }
  const parameters = readSpecParameters(spec, violations) ?? {};
  const axes: GridAxis[] = [];
  for (const leaf of parameterLeaves(parameters)) {
    const size = gridSize(leaf.spec);
    if (size === undefined) {
      violations.push(
        gridViolation(leaf.spec, joinPath('parameters', leaf.path.join('.parameters.'))),
      );
    } else {
      axes.push({ ...leaf, size });
    }
  }
  throwIfViolations('sweep spec', violations);
  return axes;
}

function countAxes(axes: readonly GridAxis[]): number {
  return axes.reduce((n, axis) => n * axis.size, 1);
}

/** A grid read once: its axes and how many points they make. */
interface DecodedGrid {
  axes: readonly GridAxis[];
  count: number;
}

/**
 * Grids already read, by spec object: reading validates the whole spec (O(values)), so a
 * workflow or a registration walking 10⁴ trials of one spec reads it once, and each trial costs
 * O(parameters). Specs are values: a changed spec is a new object (`{ ...spec, … }`), never one
 * edited in place after its trials were asked for. Only valid grids are kept; an invalid one
 * throws its violations on every call.
 */
const decodedGrids = new WeakMap<SweepSpec, DecodedGrid>();

function decodeGrid(spec: SweepSpec): DecodedGrid {
  let grid = decodedGrids.get(spec);
  if (grid === undefined) {
    const axes = readGridAxes(spec);
    grid = { axes, count: countAxes(axes) };
    decodedGrids.set(spec, grid);
  }
  return grid;
}

/** Sets `value` at `path` in a nested record, making the mappings on the way. */
export function setNested(
  target: ProgramTrialParams,
  path: readonly string[],
  value: SpecValue,
): void {
  let at = target;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) at[key] = {};
    at = at[key] as ProgramTrialParams;
  }
  at[path[path.length - 1]!] = value;
}

/** Mixed-radix decoding: the last axis (in name order) changes fastest, like nested loops. */
function pointAt(axes: readonly GridAxis[], index: number): ProgramTrialParams {
  const values: SpecValue[] = [];
  let rest = index;
  for (let k = axes.length - 1; k >= 0; k--) {
    const axis = axes[k]!;
    values[k] = gridValueAt(axis.spec, rest % axis.size);
    rest = Math.floor(rest / axis.size);
  }
  const params: ProgramTrialParams = {};
  axes.forEach((axis, k) => setNested(params, axis.path, values[k]!));
  return params;
}

function trialOf(spec: SweepSpec, point: ProgramTrialParams): TrialParams | ProgramTrialParams {
  return isTaskSweep(spec)
    ? withDefaults(point as Partial<Record<ParameterName, TrialParams[ParameterName]>>)
    : point;
}

/** How many trials a grid sweep has, without listing them (grids can be 10⁵ trials). */
export function countGridTrials(spec: SweepSpec): number {
  return decodeGrid(spec).count;
}

/**
 * The `index`-th trial of a grid, in `expandGrid`'s order, so a workflow can walk a
 * huge grid one trial at a time: the spec is read once per spec object, then each trial is
 * a mixed-radix decoding of its index, O(parameters).
 */
export function gridTrialAt(spec: TaskSweepSpec, index: number): TrialParams;
export function gridTrialAt(spec: ProgramSweepSpec, index: number): ProgramTrialParams;
export function gridTrialAt(spec: SweepSpec, index: number): TrialParams | ProgramTrialParams;
export function gridTrialAt(spec: SweepSpec, index: number): TrialParams | ProgramTrialParams {
  const { axes, count } = decodeGrid(spec);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw HeadroomError.invalid('INVALID_INPUT', 'grid index', [
      {
        path: 'index',
        message: `${index} is outside the grid; use an integer from 0 to ${count - 1}`,
      },
    ]);
  }
  return trialOf(spec, pointAt(axes, index));
}

/**
 * Every trial of a grid sweep: the cartesian product over parameter names in sorted order
 * (nested names sorted within their parent; the last changes fastest), each parameter's values
 * in the order given (int_uniform every integer of [min, max], q_uniform numpy's
 * `arange(min, max, q)`), defaults for task parameters left out — W&B's grid search.
 */
export function expandGrid(spec: TaskSweepSpec): TrialParams[];
export function expandGrid(spec: ProgramSweepSpec): ProgramTrialParams[];
export function expandGrid(spec: SweepSpec): Array<TrialParams | ProgramTrialParams>;
export function expandGrid(spec: SweepSpec): Array<TrialParams | ProgramTrialParams> {
  const { axes, count } = decodeGrid(spec);
  const trials: Array<TrialParams | ProgramTrialParams> = [];
  for (let i = 0; i < count; i++) trials.push(trialOf(spec, pointAt(axes, i)));
  return trials;
}
