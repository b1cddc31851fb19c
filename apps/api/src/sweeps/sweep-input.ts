import { HeadroomError, isHeadroomError, type Violation } from '@headroom/errors';
import { isTaskSweep, parseSweepSpec, parseSweepText, type SweepSpec } from '@headroom/sweep';
import type { ControlSweepSpec } from '@headroom/sweep/temporal';

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
export function parseSweepInput(input: SweepSource): ControlSweepSpec {
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
 * The one place that says what the control plane cannot run yet: a program sweep without the
 * metric its program reports (nothing would rank its trials). Every method runs, random and
 * bayes without run_cap until stopped. Delete a branch as the workflow learns it.
 */
export function refuseWhatCannotRunYet(spec: SweepSpec): ControlSweepSpec {
  const violations: Violation[] = [];
  if (!isTaskSweep(spec) && spec.metric === undefined) {
    violations.push({
      path: 'metric',
      message:
        'a program sweep needs the metric its program reports, to rank its trials; e.g. metric: { name: val_loss, goal: minimize }',
    });
  }
  if (violations.length > 0) throw HeadroomError.invalid('INVALID_SPEC', 'sweep spec', violations);
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
