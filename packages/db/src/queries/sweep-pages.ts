import type { MetricBreakdown, MetricValues, TrialStatus } from '@headroom/sweep';
import {
  and,
  asc,
  count,
  desc,
  eq,
  getTableColumns,
  gt,
  inArray,
  sql,
  type SQL,
} from 'drizzle-orm';
import type { Database } from '../database';
import type { SweepRow, TrialMetricRow, TrialRow } from '../rows';
import { sweeps, trialMetrics, trials } from '../schema';

// Reads a page at a time, so a 10⁴-trial sweep never comes back in one response. Pages are keyset
// pages (trial index, epoch): rows written between two pages never shift or repeat a row.

/** The sweeps named, by id (absent ids are absent from the map): one query however many. */
export async function getSweeps(
  db: Database,
  ids: readonly string[],
): Promise<Map<string, SweepRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select()
    .from(sweeps)
    .where(inArray(sweeps.id, [...new Set(ids)]));
  return new Map(rows.map((row) => [row.id, row]));
}

/** A column of `trials`, by its TrialRow property. */
export type TrialColumn = keyof TrialRow;

const TRIAL_COLUMNS = getTableColumns(trials);
const TRIAL_TIMESTAMPS: ReadonlySet<string> = new Set(
  Object.entries(TRIAL_COLUMNS)
    .filter(([, column]) => column.dataType === 'date')
    .map(([name]) => name),
);

export interface SweepTrialsPageQuery {
  sweepId: string;
  /** Rows to return, at most. */
  limit: number;
  /** Only trials after this index (the last index of the previous page). */
  afterIndex?: number;
  /** Only trials in one of these statuses; absent or empty: all. */
  statuses?: readonly TrialStatus[];
  /** Only these columns (and `id`, `index`), e.g. those a query's fields read; absent: all. */
  columns?: readonly TrialColumn[];
}

/**
 * A page of a sweep's trials in index order (the `(sweep_id, index)` unique index serves it).
 * Ask for one row more than you show to know whether another page follows. The rows hold the
 * columns asked for, with the values drizzle's own rows would hold (timestamps as Dates).
 */
export async function listSweepTrialsPage<C extends TrialColumn = TrialColumn>(
  db: Database,
  q: SweepTrialsPageQuery & { columns?: readonly C[] },
): Promise<Array<Pick<TrialRow, C | 'id' | 'index'>>> {
  const conditions: SQL[] = [eq(trials.sweepId, q.sweepId)];
  if (q.afterIndex !== undefined) conditions.push(gt(trials.index, q.afterIndex));
  if (q.statuses && q.statuses.length > 0) conditions.push(inArray(trials.status, [...q.statuses]));
  const names: TrialColumn[] = q.columns
    ? [...new Set<TrialColumn>(['id', 'index', ...q.columns])]
    : (Object.keys(TRIAL_COLUMNS) as TrialColumn[]);
  // The page as one JSON text, parsed once. As driver rows (node-postgres parses each column of
  // each row, a JSON.parse per jsonb value, and drizzle maps each row again) a 1,000-trial page of
  // the bench's fields costs the API ~1.6× the CPU and PostgreSQL about half (row_to_json is not
  // free): the whole request's CPU, both sides, is lower this way. Timestamps go as the driver's
  // text, not JSON's ISO form, so their Dates are drizzle's, parsed from the same text.
  const fields = sql.join(
    names.map((name) =>
      TRIAL_TIMESTAMPS.has(name)
        ? sql`${TRIAL_COLUMNS[name]}::text as ${sql.identifier(name)}`
        : sql`${TRIAL_COLUMNS[name]} as ${sql.identifier(name)}`,
    ),
    sql`, `,
  );
  const { rows } = await db.execute<{ page: string | null }>(
    sql`select '[' || string_agg(row_to_json(t)::text, ',' order by t.${sql.identifier('index')}) || ']' as page
      from (
        select ${fields} from ${trials} where ${and(...conditions)}
        order by ${trials.index} limit ${q.limit}
      ) t`,
  );
  const page = JSON.parse(rows[0]?.page ?? '[]') as Array<Record<string, unknown>>;
  const dates = names.filter((name) => TRIAL_TIMESTAMPS.has(name));
  for (const row of page)
    for (const name of dates) if (row[name] !== null) row[name] = new Date(row[name] as string);
  return page as Array<Pick<TrialRow, C | 'id' | 'index'>>;
}

/** How many trials each sweep has (0 for a sweep without trials or unknown): one query. */
export async function countSweepTrials(
  db: Database,
  sweepIds: readonly string[],
  opts: { statuses?: readonly TrialStatus[] } = {},
): Promise<Map<string, number>> {
  const counts = new Map(sweepIds.map((id) => [id, 0]));
  if (sweepIds.length === 0) return counts;
  const conditions: SQL[] = [inArray(trials.sweepId, [...new Set(sweepIds)])];
  if (opts.statuses && opts.statuses.length > 0)
    conditions.push(inArray(trials.status, [...opts.statuses]));
  const rows = await db
    .select({ sweepId: trials.sweepId, n: count() })
    .from(trials)
    .where(and(...conditions))
    .groupBy(trials.sweepId);
  for (const row of rows) counts.set(row.sweepId, Number(row.n));
  return counts;
}

export interface EpochPageKey {
  trialId: string;
  /** Only epochs after this one (the last epoch of the previous page). */
  afterEpoch?: number;
}

/** An epoch's metrics as a history lists them; the breakdown is read only when asked (listEpochBreakdowns). */
export type EpochMetricsRow = Pick<TrialMetricRow, 'trialId' | 'epoch' | 'metrics'>;

/**
 * Epochs of many trials at once, each key's page in epoch order after its own `afterEpoch`, at
 * most `limitPerTrial` per key (ask for one more than you show to know whether more follow);
 * the pages come back in the order of the keys. One query: the keys go as one JSON parameter,
 * and each key's page is a range of the `(trial_id, epoch)` primary key, cut to the limit there.
 */
export async function listTrialEpochPages(
  db: Database,
  keys: readonly EpochPageKey[],
  limitPerTrial: number,
): Promise<EpochMetricsRow[][]> {
  if (keys.length === 0) return [];
  const wanted = JSON.stringify(
    keys.map((k, i) => ({ i, trial_id: k.trialId, after_epoch: k.afterEpoch ?? -1 })),
  );
  // One row per key with its page as JSON text ([[epoch, metrics], …]): a 1,000-trial page's 10⁴
  // epochs as 10⁴ driver rows (or `trial_id in (…1,000 parameters)`, which the planner answers
  // with a scan of every trial's epochs) cost several times this.
  const { rows } = await db.execute<{ i: number; epochs: string | null }>(
    // Concatenated text, not json_agg(json_build_array(…)): the same JSON, ~16 % less of
    // PostgreSQL's time on a 1,000-trial page (EXPLAIN ANALYZE, 10⁵-trial bench database).
    sql`select k.i, (
        select '[' || string_agg('[' || m.epoch || ',' || m.metrics::text || ']', ',' order by m.epoch) || ']'
        from (
          select m.epoch, m.metrics from ${trialMetrics} m
          where m.trial_id = k.trial_id and m.epoch > k.after_epoch
          order by m.epoch limit ${limitPerTrial}
        ) m
      ) as epochs
      from json_to_recordset(${wanted}::json) as k(i integer, trial_id text, after_epoch integer)`,
  );
  const pages: EpochMetricsRow[][] = keys.map(() => []);
  for (const row of rows) {
    const i = Number(row.i);
    const trialId = keys[i]!.trialId;
    if (row.epochs === null) continue;
    pages[i] = (JSON.parse(row.epochs) as Array<[number, MetricValues]>).map(
      ([epoch, metrics]) => ({ trialId, epoch, metrics }),
    );
  }
  return pages;
}

/** Each trial's latest reported epoch (absent when it has none): one query, one row per trial. */
export async function latestTrialEpochs(
  db: Database,
  trialIds: readonly string[],
): Promise<Map<string, TrialMetricRow>> {
  if (trialIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([trialMetrics.trialId])
    .from(trialMetrics)
    .where(inArray(trialMetrics.trialId, [...new Set(trialIds)]))
    .orderBy(asc(trialMetrics.trialId), desc(trialMetrics.epoch));
  return new Map(rows.map((row) => [row.trialId, row]));
}

/** One epoch of one trial. */
export interface TrialEpochKey {
  trialId: string;
  epoch: number;
}

/**
 * The breakdowns of the epochs named, in their order (null for an epoch without one or not
 * stored): one query, served by the `(trial_id, epoch)` primary key.
 */
export async function listEpochBreakdowns(
  db: Database,
  keys: readonly TrialEpochKey[],
): Promise<Array<MetricBreakdown | null>> {
  if (keys.length === 0) return [];
  const rows = await db
    .select({
      trialId: trialMetrics.trialId,
      epoch: trialMetrics.epoch,
      breakdown: trialMetrics.breakdown,
    })
    .from(trialMetrics)
    .where(
      sql`(${trialMetrics.trialId}, ${trialMetrics.epoch}) in (${sql.join(
        keys.map((k) => sql`(${k.trialId}, ${k.epoch}::integer)`),
        sql`, `,
      )})`,
    );
  const found = new Map(rows.map((r) => [`${r.trialId}\u0000${r.epoch}`, r.breakdown]));
  return keys.map((k) => found.get(`${k.trialId}\u0000${k.epoch}`) ?? null);
}
