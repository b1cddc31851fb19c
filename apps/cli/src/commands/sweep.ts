import { readFileSync, writeFileSync } from 'node:fs';
import { HeadroomError } from '@headroom/errors';
import { graphql, type ApiTarget } from '../graphql-client';
import {
  CREATE_SWEEP,
  RETRY_FAILED,
  SWEEP_ACTIONS,
  SWEEP_PROBLEM,
  WORKERS,
  type SweepAction,
  type SweepView,
} from '../queries';
import { csvOfTrials, jsonlOfTrials } from '../formats';
import { LiveBlock, renderLeaderboard, renderProgress } from '../render';
import { fetchSweep } from '../sweep-pages';
import { fetchSweepLeaderboard, watchSweep } from '../sweep-watch';

interface Common {
  api: ApiTarget;
  json?: boolean;
}

function readSpecFile(file: string | undefined): string {
  if (!file)
    throw new HeadroomError(
      'INVALID_INPUT',
      'sweep create needs a sweep file: headroom sweep create FILE.yaml',
    );
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new HeadroomError(
      'INVALID_INPUT',
      `${file}: cannot read the sweep file (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
}

/** `headroom sweep create FILE [--wait] [--json]` */
export async function createSweepCommand(
  file: string | undefined,
  opts: Common & { wait?: boolean },
): Promise<number> {
  const yaml = readSpecFile(file);
  const { createSweep } = await graphql(opts.api, CREATE_SWEEP, {
    input: { yaml },
  }).catch((err: unknown) => {
    // Name the file the spec came from: the API only knows `input.yaml`.
    if (err instanceof HeadroomError && err.code === 'INVALID_SPEC') {
      throw new HeadroomError('INVALID_SPEC', `${file}: ${err.message}`, err.violations);
    }
    throw err;
  });
  if (!opts.wait) {
    console.log(opts.json ? JSON.stringify({ id: createSweep.id }) : createSweep.id);
    return 0;
  }
  if (!opts.json)
    console.log(`sweep ${createSweep.name} (${createSweep.id}): ${createSweep.trialCount} trials`);
  const live = new LiveBlock();
  const sweep = await watchSweep(opts.api, createSweep.id, (s) => {
    if (!opts.json) live.update(renderProgress(s));
  });
  if (opts.json) console.log(JSON.stringify(showJson(sweep)));
  return sweep.status === 'succeeded' ? 0 : 1;
}

/** The stable JSON shape of `sweep show --json`, for scripts. */
export function showJson(s: SweepView) {
  return {
    id: s.id,
    status: s.status,
    trials: s.trials.map((t) => ({
      id: t.id,
      index: t.index,
      status: t.status,
      params: t.params,
      attempts: t.attempts,
      resumedFromEpoch: t.resumedFromEpoch,
      epochsCompleted: t.epochsCompleted,
      metrics: t.metrics,
    })),
  };
}

/**
 * `headroom sweep show ID [--watch] [--json]`; `--watch` follows the sweep live until it ends
 * (as `create --wait` does), then shows it, and exits 0 only if it succeeded.
 */
export async function showSweepCommand(
  id: string | undefined,
  opts: Common & { watch?: boolean },
): Promise<number> {
  if (!id)
    throw new HeadroomError('INVALID_INPUT', 'sweep show needs a sweep id: headroom sweep show ID');
  let sweep: SweepView | null;
  if (opts.watch) {
    const live = new LiveBlock();
    sweep = await watchSweep(opts.api, id, (s) => {
      if (!opts.json) live.update(renderProgress(s));
    });
  } else sweep = await fetchSweep(opts.api, id);
  if (!sweep) throw new HeadroomError('NOT_FOUND', `no sweep ${id}`);
  // A watched sweep has ended; one shown as it is may be stalled (its workflow cannot progress).
  const problem = opts.watch
    ? null
    : ((await graphql(opts.api, SWEEP_PROBLEM, { id })).sweep?.problem ?? null);
  if (opts.json) console.log(JSON.stringify({ ...showJson(sweep), problem }));
  else {
    // With --watch the live block already shows the sweep as it ended.
    if (!opts.watch) for (const line of renderProgress(sweep)) console.log(line);
    if (problem) {
      const what = problem.kind === 'temporal_unreachable' ? 'progress unknown' : 'stalled';
      console.log(`\n${what} (${problem.kind}): ${problem.message}`);
    }
    // Leaderboards rank a built-in task's trials; a program sweep (no task) is in none.
    const task = sweep.task;
    const rows = task
      ? await fetchSweepLeaderboard(opts.api, { task, metric: sweep.metric, sweepId: sweep.id })
      : [];
    if (task && rows.length > 0) {
      console.log('');
      for (const line of renderLeaderboard(rows, task)) console.log(line);
    }
  }
  return opts.watch && sweep.status !== 'succeeded' ? 1 : 0;
}

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;

/**
 * `headroom export SWEEP_ID [--format csv|jsonl] [--per-epoch] [--out FILE]`: every trial with
 * its parameters and final metrics (CSV: a line per trial; `--per-epoch`: a line per trial and
 * epoch; JSONL: a trial per line with its history), for pandas or a spreadsheet.
 */
export async function exportSweepCommand(
  id: string | undefined,
  opts: { api: ApiTarget; format?: string; perEpoch?: boolean; out?: string },
): Promise<number> {
  if (!id)
    throw new HeadroomError('INVALID_INPUT', 'export needs a sweep id: headroom export SWEEP_ID');
  const format = opts.format ?? 'csv';
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new HeadroomError(
      'INVALID_INPUT',
      `--format ${format}: use ${EXPORT_FORMATS.join(' or ')}`,
    );
  if (opts.perEpoch && format !== 'csv')
    throw new HeadroomError(
      'INVALID_INPUT',
      "--per-epoch is for --format csv; jsonl carries each trial's history",
    );
  const sweep = await fetchSweep(opts.api, id, { onPage: exportProgress() });
  if (!sweep)
    throw new HeadroomError('NOT_FOUND', `no sweep ${id}; list sweeps with the API's sweeps query`);
  const text =
    format === 'csv'
      ? csvOfTrials(sweep.trials, {
          layout: opts.perEpoch ? 'epochs' : 'wide',
          task: sweep.task ?? undefined,
        })
      : jsonlOfTrials(sweep.trials);
  if (opts.out) {
    writeFileSync(opts.out, text);
    console.error(`wrote ${sweep.trials.length} trials of ${sweep.name} to ${opts.out}`);
  } else process.stdout.write(text);
  return 0;
}

/**
 * Progress of a long read on stderr (`read 3,000 of 10,000 trials`), once a sweep has more than
 * one page; redrawn in place on a terminal, a line per page elsewhere. stdout stays the data.
 */
function exportProgress(out: NodeJS.WriteStream = process.stderr) {
  let shown = false;
  return ({ read, total }: { read: number; total: number }) => {
    if (!shown && read >= total) return;
    shown = true;
    const line = `read ${read.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} trials`;
    if (out.isTTY) out.write(`\r${line}${read >= total ? '\n' : ''}`);
    else out.write(`${line}\n`);
  };
}

/** `headroom sweep pause|resume|cancel ID` */
export async function sweepActionCommand(
  action: SweepAction,
  id: string | undefined,
  opts: Common,
): Promise<number> {
  if (!id) throw new HeadroomError('INVALID_INPUT', `sweep ${action} needs a sweep id`);
  const { sweep: s } = await graphql(opts.api, SWEEP_ACTIONS[action], { id });
  console.log(opts.json ? JSON.stringify(s) : `sweep ${s.id}: ${s.status}`);
  return 0;
}

/** `headroom trials retry-failed SWEEP_ID [--trial ID …]` */
export async function retryFailedCommand(
  sweepId: string | undefined,
  trialIds: string[],
  opts: Common,
): Promise<number> {
  if (!sweepId)
    throw new HeadroomError(
      'INVALID_INPUT',
      'trials retry-failed needs a sweep id: headroom trials retry-failed SWEEP_ID',
    );
  const { retryFailedTrials } = await graphql(opts.api, RETRY_FAILED, {
    sweepId,
    trialIds: trialIds.length > 0 ? trialIds : null,
  });
  console.log(
    opts.json
      ? JSON.stringify(retryFailedTrials)
      : `sweep ${retryFailedTrials.id}: ${retryFailedTrials.status}, failed trials running again`,
  );
  return 0;
}

/** `headroom workers [--pool NAME] [--json]` */
export async function workersCommand(pool: string | undefined, opts: Common): Promise<number> {
  const { workers } = await graphql(opts.api, WORKERS, { pool: pool ?? null });
  if (opts.json) console.log(JSON.stringify(workers));
  else if (workers.length === 0) console.log('no train workers have registered');
  else
    for (const w of workers)
      console.log(
        `${w.pool}\t${w.id}\t${w.backend}\t${w.device}\tslots ${w.slots}\t${w.status}\tlast seen ${w.lastSeenAt}`,
      );
  return 0;
}
