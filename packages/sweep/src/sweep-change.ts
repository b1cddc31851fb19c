import { HeadroomError, type Violation } from '@headroom/errors';
import { countGridTrials } from './grid';
import { isNested, type ParameterSpec, type SpecValue } from './parameter-spec';
import { parseSweepSpec, type SweepSpec } from './spec';

/**
 * A change to a running sweep (`updateSweep`): each key given is applied, in this order.
 * `runCap` raises or lowers the trial count (trials already started stay); `maxConcurrent`
 * changes how many trials run at once; `add` adds values to a grid parameter (new trials only
 * for the new points); `stop` starts no new trial (running ones finish).
 */
export interface SweepChange {
  runCap?: number;
  maxConcurrent?: number;
  /** `parameter`: its name, nested names dotted (`optimizer.lr`). */
  add?: Array<{ parameter: string; values: SpecValue[] }>;
  stop?: boolean;
}

const sameValue = (a: SpecValue, b: SpecValue) => JSON.stringify(a) === JSON.stringify(b);

/** The parameters object holding a (dotted) parameter, and its own name, or a violation. */
function locate(
  parameters: Record<string, ParameterSpec>,
  name: string,
): { holder: Record<string, ParameterSpec>; key: string } | string {
  const path = name.split('.');
  let holder = parameters;
  for (let k = 0; k < path.length - 1; k++) {
    const p = holder[path[k]!];
    if (p === undefined || !isNested(p))
      return `${path.slice(0, k + 1).join('.')} holds no parameters`;
    holder = p.parameters;
  }
  const key = path[path.length - 1]!;
  if (!(key in holder)) {
    const known = Object.keys(holder).sort().join(', ');
    return `the sweep has no parameter ${name}; its parameters: ${known}`;
  }
  return { holder, key };
}

/**
 * A grid sweep with `values` added to `parameter` (dotted): the whole new spec, validated as
 * createSweep validates one (a task's parameter checks, `d_h: auto` dividing…), and the grid of
 * the new points alone — the parameter at its new values only, the others as they were — whose
 * trials follow the ones the sweep has. Only a listed parameter (`value` or `values` without
 * `probabilities`) takes values; a value already there is refused. Pure: the workflow's update
 * validator runs it.
 */
export function addGridValues(
  spec: SweepSpec,
  parameter: string,
  values: readonly SpecValue[],
): { spec: SweepSpec; added: SweepSpec; count: number } {
  const path = `change.add.${parameter}`;
  const refuse = (message: string): never => {
    throw HeadroomError.invalid('INVALID_INPUT', 'sweep change', [{ path, message }]);
  };
  if (spec.method !== 'grid') {
    refuse(
      `values can be added to a grid sweep's parameter; this sweep is ${spec.method} (raise its run_cap instead)`,
    );
  }
  if (values.length === 0) refuse('give at least one value to add');
  const whole = structuredCopy(spec);
  const cut = structuredCopy(spec);
  const at = locate(whole.parameters as Record<string, ParameterSpec>, parameter);
  const atCut = locate(cut.parameters as Record<string, ParameterSpec>, parameter);
  if (typeof at === 'string' || typeof atCut === 'string') return refuse(at as string);
  const p = at.holder[at.key]!;
  let old: readonly SpecValue[];
  if ('value' in p) old = [p.value];
  else if ('values' in p && p.probabilities === undefined) old = p.values;
  else
    return refuse(
      `${parameter} is not a list of values (value or values without probabilities), so a grid cannot take new ones`,
    );
  const repeated = values.filter((v, i) =>
    [...old, ...values.slice(0, i)].some((o) => sameValue(o, v)),
  );
  if (repeated.length > 0) {
    refuse(
      `${parameter} already has ${repeated.map((v) => JSON.stringify(v)).join(', ')}; add values it does not have`,
    );
  }
  at.holder[at.key] = { values: [...old, ...values] } as ParameterSpec;
  atCut.holder[atCut.key] = { values: [...values] } as ParameterSpec;
  const checked = (s: SweepSpec): SweepSpec => {
    try {
      return parseSweepSpec(s, 'sweep change');
    } catch (err) {
      if (!(err instanceof HeadroomError)) throw err;
      const violations: Violation[] = err.violations.map((v) => ({
        path: `change.add.${parameter}`,
        message: `${v.path}: ${v.message}`,
      }));
      throw HeadroomError.invalid('INVALID_INPUT', 'sweep change', violations);
    }
  };
  const next = checked(whole);
  const added = checked(cut);
  return { spec: next, added, count: countGridTrials(added) };
}

/** A spec is plain JSON (validated, stored as jsonb): a copy to change without touching the original. */
function structuredCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
