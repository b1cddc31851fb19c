import { HeadroomError, type Violation } from '@headroom/errors';
import { parse } from 'yaml';
import { graphql, type ApiTarget } from '../graphql-client';
import { UPDATE_SWEEP } from '../queries';

export interface SweepUpdateOptions {
  runCap?: string;
  maxConcurrent?: string;
  /** `NAME=[v1, v2]`, repeatable. */
  add?: string[];
  stop?: boolean;
}

/** The change `sweep update` sends: each flag checked here, the rest by the sweep itself. */
export function sweepChangeOf(opts: SweepUpdateOptions) {
  const violations: Violation[] = [];
  const count = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n <= 0)
      violations.push({ path: flag, message: `${flag} takes an integer > 0; got ${text}` });
    return n;
  };
  const runCap = count('--run-cap', opts.runCap);
  const maxConcurrent = count('--max-concurrent', opts.maxConcurrent);
  const add = (opts.add ?? []).flatMap((text) => {
    const eq = text.indexOf('=');
    let values: unknown;
    try {
      values = eq > 0 ? parse(text.slice(eq + 1)) : undefined;
    } catch {
      values = undefined;
    }
    if (!Array.isArray(values) || values.length === 0) {
      violations.push({
        path: '--add',
        message: `--add takes NAME=[VALUES], e.g. --add 'd_h=[96,128]'; got ${text}`,
      });
      return [];
    }
    return [{ parameter: text.slice(0, eq).trim(), values }];
  });
  if (runCap === undefined && maxConcurrent === undefined && add.length === 0 && !opts.stop)
    violations.push({
      path: 'change',
      message: 'give at least one of --run-cap N, --max-concurrent N, --add NAME=[VALUES], --stop',
    });
  if (violations.length > 0)
    throw HeadroomError.invalid('INVALID_INPUT', 'sweep update', violations);
  return {
    ...(runCap !== undefined ? { runCap } : {}),
    ...(maxConcurrent !== undefined ? { maxConcurrent } : {}),
    ...(add.length > 0 ? { add } : {}),
    ...(opts.stop ? { stop: true } : {}),
  };
}

/** `headroom sweep update ID [--run-cap N] [--max-concurrent N] [--add 'NAME=[…]']… [--stop] [--json]` */
export async function updateSweepCommand(
  id: string | undefined,
  opts: SweepUpdateOptions & { api: ApiTarget; json?: boolean },
): Promise<number> {
  if (!id) throw new HeadroomError('INVALID_INPUT', 'sweep update needs a sweep id');
  const change = sweepChangeOf(opts);
  const { updateSweep: s } = await graphql(opts.api, UPDATE_SWEEP, { id, change });
  console.log(
    opts.json ? JSON.stringify(s) : `sweep ${s.id}: ${s.status}, ${s.trialCount} trials registered`,
  );
  return 0;
}
