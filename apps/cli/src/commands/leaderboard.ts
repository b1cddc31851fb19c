import { HeadroomError } from '@headroom/errors';
import { isTaskId, TASK_IDS, TASKS, type ReferenceRow, type TaskId } from '@headroom/sweep';
import { formatLeaderboard, type GroupRow, type LeaderboardFormat } from '../formats';
import { graphql, type ApiTarget } from '../graphql-client';
import { LEADERBOARD, type LeaderboardPage } from '../queries';
import { renderGroups } from '../render';

const FORMATS = ['table', 'markdown', 'csv', 'json'] as const;
const GROUP_BYS = ['geometry', 'trial'] as const;
const EPOCHS = ['final', 'best'] as const;
const PARETO = ['params', 'flops'] as const;

export interface LeaderboardOptions {
  api: ApiTarget;
  task?: string;
  metric?: string;
  groupBy?: string;
  sweep?: string[];
  epoch?: string;
  pareto?: string;
  withReferences?: boolean;
  limit?: string;
  format?: string;
  json?: boolean;
}

/** A flag's value among `valid`, or a usage error naming the flag and the valid values. */
function oneOf<const T extends string>(
  flag: string,
  value: string | undefined,
  valid: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((valid as readonly string[]).includes(value)) return value as T;
  throw new HeadroomError('INVALID_INPUT', `--${flag} ${value}: use ${valid.join(', ')}`);
}

/**
 * `headroom leaderboard --task T [--metric M] [--group-by geometry|trial] [--sweep ID]…
 * [--epoch final|best] [--pareto params|flops] [--with-references] [--limit N]
 * [--format table|markdown|csv|json] [--json]`: the results table of a task, one row per head
 * geometry (mean ± std over seeds) or per trial, read a page at a time from the API.
 */
export async function leaderboardCommand(opts: LeaderboardOptions): Promise<number> {
  if (!opts.task || !isTaskId(opts.task))
    throw new HeadroomError(
      'INVALID_INPUT',
      `leaderboard needs --task ${TASK_IDS.join('|')}${opts.task ? `; got ${opts.task}` : ''}`,
    );
  const task: TaskId = opts.task;
  const metric = opts.metric ?? TASKS[task].defaultMetric;
  const format = opts.json ? 'json' : oneOf('format', opts.format, FORMATS, 'table');
  const limit = opts.limit === undefined ? 20 : Number(opts.limit);
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new HeadroomError('INVALID_INPUT', `--limit ${opts.limit}: use a whole number ≥ 1`);

  const rows: LeaderboardPage['rows'] = [];
  let references: LeaderboardPage['references'] = [];
  let after: string | null = null;
  do {
    const page: LeaderboardPage = (
      await graphql(opts.api, LEADERBOARD, {
        task,
        metric,
        groupBy: oneOf('group-by', opts.groupBy, GROUP_BYS, 'geometry'),
        epoch: oneOf('epoch', opts.epoch, EPOCHS, 'final'),
        pareto: opts.pareto === undefined ? null : oneOf('pareto', opts.pareto, PARETO, 'params'),
        sweepIds: opts.sweep?.length ? opts.sweep : null,
        withReferences: opts.withReferences ?? false,
        limit: Math.min(100, limit - rows.length),
        after,
      })
    ).leaderboard;
    rows.push(...page.rows);
    references = page.references;
    after = page.next;
  } while (after !== null && rows.length < limit);

  if (format === 'table') {
    for (const line of renderGroups(rows, task, metric)) console.log(line);
    for (const r of references) console.log(`  reference: ${r.label} — ${r.citation}`);
    return 0;
  }
  const text = formatLeaderboard(format satisfies LeaderboardFormat, {
    task,
    metric,
    rows: rows.map((r): GroupRow => ({
      ...r,
      params: r.params as GroupRow['params'],
      metrics: r.metrics as GroupRow['metrics'],
    })),
    references: references.map(
      (r) =>
        ({
          id: r.id,
          task,
          label: r.label,
          source: { citation: r.citation, ...(r.url ? { url: r.url } : {}) },
          geometry: Object.fromEntries(
            (['d_m', 'heads', 'd_h', 'qk_tied'] as const)
              .filter((k) => r[k] !== null)
              .map((k) => [k, r[k]]),
          ),
          metrics: r.metrics as Record<string, number>,
          ...(r.note ? { note: r.note } : {}),
        }) as ReferenceRow,
    ),
  });
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}
