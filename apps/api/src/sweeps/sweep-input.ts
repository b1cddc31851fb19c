import { HeadroomError, isHeadroomError, type Violation } from '@headroom/errors';
import { parseSweepSpec, parseSweepText, type SweepSpec } from '@headroom/sweep';

export interface SweepSource {
  spec?: unknown;
  yaml?: string | null;
}

/**
 * Validates createSweep's input into a SweepSpec, before anything touches Temporal. Violations keep
 * the spec's own paths under the argument they came from (`input.spec.parameters.d_h`, `input.yaml…`)
 * so a client can point at the offending field.
 */
export function parseSweepInput(input: SweepSource): SweepSpec {
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
  if (hasSpec) return withPrefix('input.spec', () => parseSweepSpec(input.spec));
  return withPrefix('input.yaml', () => parseSweepText(input.yaml as string, 'input.yaml'));
}

function withPrefix(prefix: string, parse: () => SweepSpec): SweepSpec {
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
