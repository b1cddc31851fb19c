import { HeadroomError } from '@headroom/errors';
import type { AttentionGeometry, GeometryField, MetricGoal, TaskId } from '@headroom/sweep';
import { and, asc, desc, eq, getTableColumns, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Database } from '../database';
import type { TrialRow } from '../rows';
import { sweeps, trialFinalMetrics, trials } from '../schema';
import { paretoFront } from '../pareto';
import { checkLimit } from './limits';

export interface LeaderboardQuery {
  task: TaskId;
  /** A metric of the final report (`trials.metrics`), e.g. `ap` or `mpjpe`. */
  metric: string;
  goal: MetricGoal;
  sweepId?: string;
  /** Default 20. */
  limit?: number;
}

export interface LeaderboardEntry {
  rank: number;
  value: number;
  trial: TrialRow;
  sweepName: string;
}

/**
 * Succeeded trials of a task that report `metric`, best first; equal values are ordered by trial id.
 * Read from the typed final values (trial_final_metrics, a finite number per succeeded trial and
 * metric), whose (task, name, value) index yields the top N without reading any jsonb.
 */
export async function leaderboard(db: Database, q: LeaderboardQuery): Promise<LeaderboardEntry[]> {
  const limit = checkLimit(q.limit, 20);
  const m = trialFinalMetrics;
  const conditions: SQL[] = [eq(m.task, q.task), eq(m.name, q.metric)];
  if (q.sweepId !== undefined) conditions.push(eq(m.sweepId, q.sweepId));

  const rows = await db
    .select({ trial: getTableColumns(trials), sweepName: sweeps.name, value: m.value })
    .from(m)
    .innerJoin(trials, eq(trials.id, m.trialId))
    .innerJoin(sweeps, eq(sweeps.id, trials.sweepId))
    .where(and(...conditions))
    .orderBy(q.goal === 'minimize' ? asc(m.value) : desc(m.value), asc(m.trialId))
    .limit(limit);
  return rows.map((row, i) => ({
    rank: i + 1,
    value: row.value,
    trial: row.trial,
    sweepName: row.sweepName,
  }));
}

/** `geometry`: trials of one head geometry (and the same other non-seed parameters) pooled; `trial`: each alone. */
export const LEADERBOARD_GROUP_BYS = ['geometry', 'trial'] as const;
export type LeaderboardGroupBy = (typeof LEADERBOARD_GROUP_BYS)[number];
/** `final`: each trial's last report (completeTrial's metrics); `best`: its best epoch on the metric. */
export const LEADERBOARD_EPOCHS = ['final', 'best'] as const;
export type LeaderboardEpoch = (typeof LEADERBOARD_EPOCHS)[number];
/** The cost axis of a Pareto front: parameter count or FLOPs per sample. */
export const PARETO_COSTS = ['params', 'flops'] as const;
export type ParetoCost = (typeof PARETO_COSTS)[number];

type OneOrMany<T> = T | readonly T[];

/** Trial filters; the geometry keys are the sweep file's words. */
export interface LeaderboardFilter {
  d_m?: OneOrMany<number>;
  heads?: OneOrMany<number>;
  d_h?: OneOrMany<number>;
  qk_tied?: boolean;
  /** Inclusive bounds on the trial's parameter count. */
  paramCount?: { min?: number; max?: number };
}

export interface GroupedLeaderboardQuery {
  task: TaskId;
  /** A metric of the task, e.g. `mpjpe` or `ap`. */
  metric: string;
  goal: MetricGoal;
  /** Default `geometry`. */
  groupBy?: LeaderboardGroupBy;
  /** Default: every sweep of the task. */
  sweepIds?: readonly string[];
  where?: LeaderboardFilter;
  /** Default `final`. */
  epoch?: LeaderboardEpoch;
  /** Only the non-dominated groups, cheapest first, instead of the ranking. */
  pareto?: ParetoCost;
  /** Default 20. */
  limit?: number;
  /** `next` of the previous page. */
  after?: string;
}

export interface MetricSummary {
  mean: number;
  /** Sample standard deviation (n − 1); null when n = 1. */
  std: number | null;
  /** Trials of the group that have this metric (a metric without a value is left out, not zeroed). */
  n: number;
}

export interface LeaderboardGroupTrial {
  id: string;
  sweepId: string;
  value: number;
  /** The epoch the value comes from under `best`; null under `final`. */
  epoch: number | null;
}

export interface GroupedLeaderboardRow {
  /** 1-based position in the ranking by the metric (also on a Pareto page). */
  rank: number;
  /** The group key (see groupedLeaderboard); the trial id when grouping by trial. */
  key: string;
  geometry: AttentionGeometry;
  /** The non-seed parameters that vary among the selected trials, with this group's values. */
  params: Record<string, unknown>;
  n: number;
  mean: number;
  std: number | null;
  min: number;
  max: number;
  /** The group's parameter count: the largest when its trials disagree (`paramCountRange` says so). */
  paramCount: number | null;
  /** [min, max] when the group's trials report different parameter counts, else null. */
  paramCountRange: [number, number] | null;
  /** FLOPs per sample, the largest of the group's trials; null when none reported it. */
  flops: number | null;
  /** Every metric of the task, at the same epoch as the ranked value of each trial. */
  metrics: Record<string, MetricSummary>;
  /** By trial id. */
  trials: LeaderboardGroupTrial[];
}

export interface GroupedLeaderboardPage {
  rows: GroupedLeaderboardRow[];
  /** Pass as `after` for the next page; null on the last page. */
  next: string | null;
}

const GEOMETRY_KEYS = [
  'd_m',
  'heads',
  'd_h',
  'qk_tied',
] as const satisfies readonly GeometryField[];
/** Seeds are what a group averages over; every other parameter that varies splits groups. */
const AVERAGED_KEYS = ['seed'] as const;

/**
 * Succeeded trials of a task ranked by `metric`, one row per group with n, mean, sample std, min,
 * max, parameter count, FLOPs and every metric of the task as mean ± std.
 *
 * Per trial, the value is its final report (`epoch: 'final'`, from trial_final_metrics) or its best
 * epoch by the goal (`'best'`, from trial_metric_values; the earliest epoch of equal values), and
 * the other metrics are read at that same epoch. Values that are not finite numbers are never
 * stored, so a trial without the metric is left out and NaN never reaches a mean.
 *
 * The group key (`groupBy: 'geometry'`) is the JSON array `[d_m, heads, d_h, qk_tied, {p: v…}]`
 * where the object holds every parameter of `trials.params` other than the geometry and `seed`
 * whose value is not the same in all selected trials (present in some and absent in others counts
 * as varying), so two learning rates never average together while constant ones stay out of the
 * key. `groupBy: 'trial'` makes each trial its own group (key = trial id, n = 1, std null).
 *
 * Ranked by the mean (ascending for `minimize`), ties broken by the key in byte order ("C"
 * collation, the same on every server). `after` is a keyset cursor (mean, key), so writes never
 * shift a page by an offset: a trial of another group appears on the page it ranks in, and pages
 * already read are not repeated. (A group whose mean changes between pages moves with its mean.)
 * With `pareto`, the rows are the non-dominated groups by (cost, mean), cheapest first, and the
 * cursor is (cost, key).
 */
export async function groupedLeaderboard(
  db: Database,
  q: GroupedLeaderboardQuery,
): Promise<GroupedLeaderboardPage> {
  const limit = checkLimit(q.limit, 20);
  const groupBy = q.groupBy ?? 'geometry';
  const epoch = q.epoch ?? 'final';
  const cursor = q.after === undefined ? undefined : decodeCursor(q.after, q.pareto);
  const order = q.goal === 'minimize' ? sql.raw('asc') : sql.raw('desc');

  const filters: SQL[] = [sql`m.task = ${q.task}`, sql`m.name = ${q.metric}`];
  if (q.sweepIds !== undefined) {
    if (q.sweepIds.length === 0) return { rows: [], next: null };
    // trial_final_metrics carries sweep_id for its (sweep_id, name, value) index; epochs go by the trial's.
    const sweepId = sql.raw(epoch === 'final' ? 'm.sweep_id' : 't.sweep_id');
    filters.push(
      sql`${sweepId} in (${sql.join(
        q.sweepIds.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
  }
  filters.push(...whereFilters(q.where ?? {}));
  const filter = sql.join(filters, sql` and `);

  // One row per trial: the ranked value (and its epoch under BEST).
  const trial = sql.raw(
    't.id, t.sweep_id, t.params, t.d_m, t.heads, t.d_h, t.qk_tied, t.param_count, t.flops',
  );
  const picked =
    epoch === 'final'
      ? sql`select ${trial}, m.value, null::integer as epoch
            from trial_final_metrics m join trials t on t.id = m.trial_id
            where ${filter}`
      : sql`select distinct on (t.id) ${trial}, m.value, m.epoch
            from trial_metric_values m join trials t on t.id = m.trial_id
            where t.status = 'succeeded' and ${filter}
            order by t.id, m.value ${order}, m.epoch`;
  const otherMetrics =
    epoch === 'final'
      ? sql`trial_final_metrics o on o.trial_id = s.id`
      : sql`trial_metric_values o on o.trial_id = s.id and o.epoch = s.epoch`;
  const notKey = sql.raw(
    `array[${[...GEOMETRY_KEYS, ...AVERAGED_KEYS].map((k) => `'${k}'`).join(', ')}]::text[]`,
  );
  const groupKey =
    groupBy === 'trial'
      ? sql`k.id`
      : sql`jsonb_build_array(k.d_m, k.heads, k.d_h, k.qk_tied, k.varied)::text`;

  // The ranking's page is cut in SQL (keyset on mean, key), so the trial lists and the other
  // metrics are aggregated for that page only; a Pareto front needs every group, cut below.
  const pageOf =
    q.pareto !== undefined
      ? sql`select * from ranked`
      : sql`select * from ranked r ${
          cursor === undefined
            ? sql``
            : sql`where r.group_key <> ${cursor.key} and (r.mean ${sql.raw(
                q.goal === 'minimize' ? '>' : '<',
              )} ${cursor.at}::float8 or (r.mean = ${cursor.at}::float8 and r.group_key > ${cursor.key} collate "C"))`
        } order by r.rank limit ${limit + 1}`;

  const result = await db.transaction(async (tx) => {
    // The planner's guesses for jsonb_each and the per-trial aggregates cross JIT's cost threshold
    // at ~10⁵ trials, where compiling takes a second for a query that runs in milliseconds.
    await tx.execute(sql`set local jit = off`);
    return tx.execute(sql`
    with picked as (${picked}),
    -- Parameters other than geometry and seed; constant keys are those every distinct set has with
    -- one value. Working on the distinct sets keeps this cheap however many seeds each has.
    rests as (select distinct p.params - ${notKey} as rest from picked p),
    constant as (
      select coalesce(array_agg(key), '{}'::text[]) as keys from (
        select e.key from rests r cross join lateral jsonb_each(r.rest) e
        group by e.key
        having count(distinct e.value) = 1 and count(*) = (select count(*) from rests)
      ) c
    ),
    keyed as (select p.*, (p.params - ${notKey}) - constant.keys as varied from picked p, constant),
    selected as (select k.*, ${groupKey} collate "C" as group_key from keyed k),
    groups as (
      select group_key,
        min(d_m) as d_m, min(heads) as heads, min(d_h) as d_h, bool_and(qk_tied) as qk_tied,
        (array_agg(varied))[1] as varied,
        count(*)::integer as n, avg(value) as mean, stddev_samp(value) as std,
        min(value) as min, max(value) as max,
        min(param_count)::float8 as param_count_min, max(param_count)::float8 as param_count_max,
        max(flops)::float8 as flops
      from selected group by group_key
    ),
    ranked as (
      select g.*, row_number() over (order by g.mean ${order}, g.group_key collate "C")::integer as rank
      from groups g
    ),
    page as (${pageOf}),
    trial_lists as (
      select group_key, jsonb_agg(
          jsonb_build_object('id', s.id, 'sweepId', s.sweep_id, 'value', s.value, 'epoch', s.epoch)
          order by s.id collate "C") as trials
      from selected s join page using (group_key) group by group_key
    ),
    metric_stats as (
      select s.group_key, o.name, avg(o.value) as mean, stddev_samp(o.value) as std, count(*)::integer as n
      from selected s join page using (group_key) join ${otherMetrics}
      group by s.group_key, o.name
    ),
    metrics as (
      select group_key, jsonb_object_agg(name, jsonb_build_object('mean', mean, 'std', std, 'n', n)) as metrics
      from metric_stats group by group_key
    )
    select p.*, l.trials, coalesce(m.metrics, '{}'::jsonb) as metrics
    from page p join trial_lists l using (group_key) left join metrics m using (group_key)
    order by p.rank
  `);
  });
  const ranked = result.rows.map((r) => toRow(r as unknown as RawGroup));

  if (q.pareto !== undefined) {
    const cost = q.pareto === 'params' ? paramCostOf : flopsOf;
    const front = paretoFront(ranked, { cost, value: (r) => r.mean, goal: q.goal });
    const start =
      cursor === undefined
        ? 0
        : front.findIndex((r) => {
            const c = cost(r) as number;
            return c > cursor.at || (c === cursor.at && r.key > cursor.key);
          });
    return page(start < 0 ? [] : front.slice(start), limit, (r) => ({
      at: cost(r) as number,
      key: r.key,
    }));
  }
  return page(ranked, limit, (r) => ({ at: r.mean, key: r.key }));
}

function whereFilters(where: LeaderboardFilter): SQL[] {
  const out: SQL[] = [];
  const columns = { d_m: 't.d_m', heads: 't.heads', d_h: 't.d_h' } as const;
  for (const field of ['d_m', 'heads', 'd_h'] as const) {
    const wanted = where[field];
    if (wanted === undefined) continue;
    const list = typeof wanted === 'number' ? [wanted] : wanted;
    for (const v of list) {
      if (!Number.isInteger(v) || v < 1)
        throw new HeadroomError(
          'INVALID_INPUT',
          `where.${field} must be positive integers, got ${JSON.stringify(wanted)}`,
        );
    }
    if (list.length === 0) out.push(sql`false`);
    else
      out.push(
        sql`${sql.raw(columns[field])} in (${sql.join(
          list.map((v) => sql`${v}`),
          sql`, `,
        )})`,
      );
  }
  if (where.qk_tied !== undefined) out.push(sql`t.qk_tied = ${where.qk_tied}`);
  const { min, max } = where.paramCount ?? {};
  for (const [bound, op] of [
    [min, '>='],
    [max, '<='],
  ] as const) {
    if (bound === undefined) continue;
    if (!Number.isFinite(bound))
      throw new HeadroomError(
        'INVALID_INPUT',
        `where.paramCount bounds must be finite numbers, got ${String(bound)}`,
      );
    out.push(sql`t.param_count ${sql.raw(op)} ${bound}`);
  }
  return out;
}

interface RawGroup {
  group_key: string;
  d_m: number;
  heads: number;
  d_h: number;
  qk_tied: boolean;
  varied: Record<string, unknown>;
  n: number;
  mean: number;
  std: number | null;
  min: number;
  max: number;
  param_count_min: number | null;
  param_count_max: number | null;
  flops: number | null;
  trials: LeaderboardGroupTrial[];
  metrics: Record<string, MetricSummary>;
  rank: number;
}

function toRow(r: RawGroup): GroupedLeaderboardRow {
  const num = (x: unknown): number => Number(x);
  const numOrNull = (x: unknown): number | null => (x === null ? null : Number(x));
  const lo = numOrNull(r.param_count_min);
  const hi = numOrNull(r.param_count_max);
  return {
    rank: num(r.rank),
    key: r.group_key,
    geometry: { dModel: r.d_m, heads: r.heads, dH: r.d_h, qkTied: r.qk_tied },
    params: r.varied,
    n: num(r.n),
    mean: num(r.mean),
    std: numOrNull(r.std),
    min: num(r.min),
    max: num(r.max),
    paramCount: hi,
    paramCountRange: lo !== null && hi !== null && lo !== hi ? [lo, hi] : null,
    flops: numOrNull(r.flops),
    metrics: r.metrics,
    trials: r.trials,
  };
}

const paramCostOf = (r: GroupedLeaderboardRow): number | null => r.paramCount;
const flopsOf = (r: GroupedLeaderboardRow): number | null => r.flops;

interface Cursor {
  /** The mean (ranking) or the cost (Pareto) of the last row served. */
  at: number;
  key: string;
}

function page(
  rows: GroupedLeaderboardRow[],
  limit: number,
  position: (r: GroupedLeaderboardRow) => Cursor,
): GroupedLeaderboardPage {
  const served = rows.slice(0, limit);
  const last = served.at(-1);
  return {
    rows: served,
    next: rows.length > limit && last !== undefined ? encodeCursor(position(last)) : null,
  };
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.at, c.key]), 'utf8').toString('base64url');
}

function decodeCursor(after: string, pareto: ParetoCost | undefined): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'number' &&
      typeof parsed[1] === 'string'
    )
      return { at: parsed[0], key: parsed[1] };
  } catch {
    // reported below
  }
  throw new HeadroomError(
    'INVALID_INPUT',
    `after: '${after}' is not a cursor of this leaderboard; pass the 'next' of the previous page${
      pareto === undefined ? '' : ' of the same Pareto query'
    }, or omit it for the first page`,
  );
}
