import { HeadroomError, isHeadroomError, type Violation } from '@headroom/errors';
import {
  countTrials,
  isTaskSweep,
  parseSweepSpec,
  parseSweepText,
  SUPPORTED_METHODS,
  type SweepSpec,
  type TaskSweepSpec,
} from '@headroom/sweep';

export interface SweepSource {
  spec?: unknown;
  yaml?: string | null;
}

/**
 * Validates createSweep's input into a SweepSpec, before anything touches Temporal, and refuses
 * what the control plane cannot run yet (`refuseWhatCannotRunYet`). Violations keep the spec's
 * own paths under the argument they came from (`input.spec.parameters.d_h`, `input.yaml…`) so a
 * client can point at the offending field.
 */
export function parseSweepInput(input: SweepSource): TaskSweepSpec {
  const hasSpec = input.spec !== undefined && input.spec !== null;
  const hasYaml = input.yaml !== undefined && input.yaml !== null;
  if (hasSpec === hasYaml) {
    const got = hasSpec ? 'both' : 'neither';
    throw HeadroomError.invalid('INVALID_INPUT', 'input', [
      {
        path: 'input',
        message: `give exactly one of input.spec (the sweep spec as a JSON object) or input.yaml (the text of a sweep file, YAML or JSON); got ${got}`,
      },
    ]);
  }
  if (hasSpec)
    return withPrefix('input.spec', () => refuseWhatCannotRunYet(parseSweepSpec(input.spec)));
  return withPrefix('input.yaml', () =>
    refuseWhatCannotRunYet(parseSweepText(input.yaml as string, 'input.yaml')),
  );
}

/**
 * The one place that says what the control plane runs today: built-in task sweeps, grid or
 * random with a trial count. A valid W&B spec beyond that (a program, bayes, random without
 * run_cap) is an INVALID_SPEC naming what to change. Delete a branch as the workflow learns it.
 */
export function refuseWhatCannotRunYet(spec: SweepSpec): TaskSweepSpec {
  const violations: Violation[] = [];
  const today = `Headroom runs built-in task sweeps (task:) with method ${SUPPORTED_METHODS.join(' or ')} and a trial count today`;
  if (!isTaskSweep(spec)) {
    violations.push({
      path: 'program',
      message: `program sweeps cannot run yet; ${today}`,
    });
  }
  if (!(SUPPORTED_METHODS as readonly string[]).includes(spec.method)) {
    violations.push({
      path: 'method',
      message: `${spec.method} cannot run yet; ${today}: use method: random (with run_cap) or grid`,
    });
  } else if (countTrials(spec) === null) {
    violations.push({
      path: 'run_cap',
      message: `random without run_cap runs until stopped, which cannot run yet; ${today}: give run_cap, e.g. run_cap: 50`,
    });
  }
  if (violations.length > 0 || !isTaskSweep(spec)) {
    throw HeadroomError.invalid('INVALID_SPEC', 'sweep spec', violations);
  }
  return spec;
}

function withPrefix<T>(prefix: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (!isHeadroomError(err) || (err.code !== 'INVALID_SPEC' && err.code !== 'INVALID_INPUT'))
      throw err;
    const violations: Violation[] =
      err.violations.length > 0
        ? err.violations.map((v) => ({ path: joinPath(prefix, v.path), message: v.message }))
        : [{ path: prefix, message: err.message }];
    throw HeadroomError.invalid(err.code, prefix, violations);
  }
}

function joinPath(prefix: string, path: string): string {
  // @headroom/sweep names the document itself `spec` (e.g. "a sweep spec is a mapping…").
  if (path === '' || path === 'spec') return prefix;
  // parseSweepText may already name its source (we pass `input.yaml`).
  if (path.startsWith(prefix)) return path;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}
