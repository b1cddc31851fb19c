import { HeadroomError } from '@headroom/errors';
import type { AttentionGeometry, MetricGoal, TaskId } from '@headroom/sweep';
import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Database } from '../database';
import { LEADERBOARD_EPOCHS, type LeaderboardEpoch } from '../schema';
import { paretoFront } from '../pareto';
import { checkLimit } from './limits';

export { LEADERBOARD_EPOCHS, type LeaderboardEpoch };

/** `geometry`: trials of one head geometry (and the same other non-seed parameters) pooled; `trial`: each alone. */
export const LEADERBOARD_GROUP_BYS = ['geometry', 'trial'] as const;
export type LeaderboardGroupBy = (typeof LEADERBOARD_GROUP_BYS)[number];
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

/**
 * Succeeded trials of a task ranked by `metric`, one row per group with n, mean, sample std, min,
 * max, parameter count, FLOPs and every metric of the task as mean ± std.
 *
 * Per trial, the value is its final report (`epoch: 'final'`) or its best epoch by the goal
 * (`'best'`, the earliest epoch of equal values), and the other metrics are read at that same epoch;
 * both are leaderboard_values rows written when the trial succeeded. Values that are not finite
 * numbers are never stored, so a trial without the metric is left out and NaN never reaches a mean.
 *
 * `groupBy: 'geometry'` pools the trials that differ only by their seed (trial_groups): the same
 * partition as "the geometry plus every other parameter that varies among the selected trials", so
 * two learning rates never average together. A row's `params` are those varying parameters (present
 * in some groups and absent in others counts as varying); constant ones stay out. `groupBy: 'trial'`
 * makes each trial its own row (key = trial id, n = 1, std null).
 *
 * Ranked by the mean (ascending for `minimize`), ties broken by the key in byte order ("C"
 * collation, the same on every server). `after` is a keyset cursor (mean, key), so writes never
 * shift a page by an offset: a new row appears on the page it ranks in, and pages already read are
 * not repeated. (A group whose mean changes between pages moves with its mean.) With `pareto`, the
 * rows are the non-dominated ones by (cost, mean), cheapest first, and the cursor is (cost, key).
 */
export async function groupedLeaderboard(
  db: Database,
  q: GroupedLeaderboardQuery,
): Promise<GroupedLeaderboardPage> {
  const limit = checkLimit(q.limit, 20);
  const cursor = q.after === undefined ? undefined : decodeCursor(q.after, q.pareto);
  if (q.sweepIds !== undefined && q.sweepIds.length === 0) return { rows: [], next: null };
  const read: Read = {
    q,
    limit,
    cursor,
    pick: q.epoch ?? 'final',
    selected: selection(q),
    groupStats: groupStats(q),
    order: sql.raw(q.goal === 'minimize' ? 'asc' : 'desc'),
    after: sql.raw(q.goal === 'minimize' ? '>' : '<'),
  };
  // One snapshot for the ranking and the page's details, so a trial completing in between cannot
  // show in one and not the other: a geometry ranking page is one statement (which has one
  // snapshot); the others read in a read-only repeatable-read transaction.
  const geometry = (q.groupBy ?? 'geometry') === 'geometry';
  if (geometry && q.pareto === undefined) return rankingPage(db, read);
  return db.transaction((tx) => (geometry ? paretoPageOf(tx, read) : trialPage(tx, read)), {
    isolationLevel: 'repeatable read',
    accessMode: 'read only',
  });
}

interface Read {
  q: GroupedLeaderboardQuery;
  limit: number;
  cursor: Cursor | undefined;
  pick: LeaderboardEpoch;
  /** The conditions on `leaderboard_values v` that select the trials. */
  selected: SQL;
  /** Per selected group: group_id, key ("C"), rest, n, mean, std, min, max, param_count_min/max, flops. */
  groupStats: SQL;
  order: SQL;
  /** The comparison that means "ranks after" for the goal. */
  after: SQL;
}

type Tx = Pick<Database, 'execute'>;

/** Pareto rows of one geometry (see paretoRows), then the page's details. */
async function paretoPageOf(tx: Tx, r: Read): Promise<GroupedLeaderboardPage> {
  const { rows, next, constant } = await paretoRows(tx, r);
  if (rows.length === 0) return { rows: [], next };
  const groups = sqlArray(
    rows.map((row) => row.groupId),
    'integer',
  );
  const details = await readDetails(
    tx,
    detailsOf(
      r,
      sql`v.group_id`,
      groups,
      groups,
      constant.length === 0 ? sql`'{}'::text[]` : sqlArray(constant, 'text'),
    ),
  );
  return { rows: rows.map((row) => withDetails(row, details.get(String(row.groupId)))), next };
}

/**
 * A page of the ranking of geometry rows from the cursor on, with its details, in one statement.
 * A first page is the top of the ranking, so its rows are numbered by their place on it; after a
 * cursor, by their place among all the groups (the cursor's own group may have moved since the
 * page before). The parameters constant over all the groups are left out of each row's own.
 */
async function rankingPage(db: Tx, r: Read): Promise<GroupedLeaderboardPage> {
  const c = r.cursor;
  const shown = sql`array(select s.group_id from shown s)`;
  const details = detailsOf(r, sql`v.group_id`, shown, shown, sql`(select keys from constant)`);
  const result = await db.execute(sql`
    with ${rankedGroups(r, sql`s.*`, c !== undefined)},
    page as (
      select s.* from ranked s ${
        c === undefined
          ? sql``
          : sql`where s.key <> ${c.key} and (s.mean ${r.after} ${c.at}::float8
              or (s.mean = ${c.at}::float8 and s.key > ${c.key} collate "C"))`
      } order by s.mean ${r.order}, s.key limit ${r.limit + 1}
    ),
    shown as (select p.group_id from page p order by p.mean ${r.order}, p.key limit ${r.limit}),
    ${details.ctes},
    details as (${details.select})
    select p.group_id, p.key, p.n, p.mean, p.std, p.min, p.max, p.param_count_min,
      p.param_count_max, p.flops, g.d_m, g.heads, g.d_h, g.qk_tied, p.rank,
      d.params, d.trials, d.metrics
    from page p join trial_groups g on g.id = p.group_id
      left join details d on d.row_key = p.group_id::text
    order by p.mean ${r.order}, p.key`);
  const ranked = result.rows.map((row) => toRow(row as unknown as RawRow));
  if (c === undefined) ranked.forEach((row, i) => (row.rank = i + 1));
  const { rows, next } = page(ranked, r.limit, (row) => ({ at: row.mean, key: row.key }));
  return {
    rows: rows.map((row, i) => {
      const d = result.rows[i]!;
      return withDetails(
        row,
        d.trials === null
          ? undefined
          : {
              params: d.params as Details['params'],
              trials: d.trials as Details['trials'],
              metrics: d.metrics as Details['metrics'],
            },
      );
    }),
    next,
  };
}

/** `array[…]::type[]` of the values, each a parameter. */
function sqlArray(values: ReadonlyArray<string | number>, type: 'integer' | 'text'): SQL {
  return sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::${sql.raw(type)}[]`;
}

/**
 * `ranked`: the selected groups with their number in the ranking (1 + the groups before them),
 * or without it (`rank` null) when the caller numbers a first page itself; and `constant`.
 */
function rankedGroups(r: Read, columns: SQL, numbered = true): SQL {
  const rank = numbered
    ? sql`row_number() over (order by s.mean ${r.order}, s.key)::integer`
    : sql`null::integer`;
  return sql`ranked as materialized (
      select ${columns}, ${rank} as rank from (${r.groupStats}) s
    ),
    ${constantKeys(sql`select rest from ranked`)}`;
}

interface GeometryRows {
  rows: RankedRow[];
  next: string | null;
  /** The parameters constant over every selected group. */
  constant: string[];
}

/**
 * A page of the Pareto front: every group read narrow once (cost, mean, rank), the front taken
 * here, then the statistics of the page's groups alone (an index lookup each when stored).
 */
async function paretoRows(tx: Tx, r: Read): Promise<GeometryRows> {
  const all = await tx.execute(sql`
    with ${rankedGroups(r, sql`s.group_id, s.key, s.mean, s.param_count_max, s.flops, s.rest`)}
    select s.group_id, s.key, s.mean, s.param_count_max, s.flops, s.rank,
      case when s.rank = 1 then constant.keys end as constant_keys
    from ranked s, constant
    order by s.rank`);
  const front = paretoPage(
    all.rows.map((row) => ({
      groupId: Number(row.group_id),
      key: String(row.key),
      mean: Number(row.mean),
      paramCount: row.param_count_max === null ? null : Number(row.param_count_max),
      flops: row.flops === null ? null : Number(row.flops),
      rank: Number(row.rank),
    })),
    r,
  );
  const constant = (all.rows[0]?.constant_keys ?? []) as string[];
  if (front.rows.length === 0) return { rows: [], next: front.next, constant };
  const result = await tx.execute(sql`
    select p.group_id, p.key, p.n, p.mean, p.std, p.min, p.max, p.param_count_min,
      p.param_count_max, p.flops, g.d_m, g.heads, g.d_h, g.qk_tied
    from (${r.groupStats}) p join trial_groups g on g.id = p.group_id
    where p.group_id in (${sql.join(
      front.rows.map((row) => sql`${row.groupId}::integer`),
      sql`, `,
    )})`);
  const byGroup = new Map(
    result.rows.map((row) => {
      const ranked = toRow(row as unknown as RawRow);
      return [ranked.groupId, ranked];
    }),
  );
  const rows = front.rows.flatMap((p) => {
    const row = byGroup.get(p.groupId);
    return row ? [{ ...row, rank: p.rank }] : [];
  });
  return { rows, next: front.next, constant };
}

/** Rows of one trial: a range of the (value, trial id) index, or the Pareto front over the trials' costs. */
async function trialPage(tx: Tx, r: Read): Promise<GroupedLeaderboardPage> {
  const columns = sql`v.trial_id as key, v.value as mean, v.param_count::float8 as param_count_min,
    v.param_count::float8 as param_count_max, v.flops::float8 as flops,
    g.id as group_id, g.d_m, g.heads, g.d_h, g.qk_tied`;
  const source = sql`leaderboard_values v join trial_groups g on g.id = v.group_id`;
  let rows: RankedRow[];
  let next: string | null;
  if (r.q.pareto === undefined) {
    const c = r.cursor;
    const result = await tx.execute(sql`
      select ${columns} from ${source}
      where ${r.selected} ${
        c === undefined
          ? sql``
          : sql`and (v.value ${r.after} ${c.at}::float8
              or (v.value = ${c.at}::float8 and v.trial_id collate "C" > ${c.key} collate "C"))`
      }
      order by v.value ${r.order}, v.trial_id collate "C" limit ${r.limit + 1}`);
    ({ rows, next } = page(
      result.rows.map((row) => toRow(row as unknown as RawRow)),
      r.limit,
      (row) => ({ at: row.mean, key: row.key }),
    ));
  } else {
    // The front is made of each cost's best value, so find those (one aggregate), then the trial
    // that holds each front point first in the ranking.
    const cost = sql.raw(r.q.pareto === 'params' ? 'v.param_count' : 'v.flops');
    const best = sql.raw(r.q.goal === 'minimize' ? 'min' : 'max');
    const points = await tx.execute(sql`
      select ${cost}::float8 as cost, ${best}(v.value) as value from leaderboard_values v
      where ${r.selected} and ${cost} is not null group by ${cost}`);
    const front = paretoFront(points.rows as unknown as Array<{ cost: number; value: number }>, {
      cost: (p) => Number(p.cost),
      value: (p) => Number(p.value),
      goal: r.q.goal,
    });
    const holders =
      front.length === 0
        ? []
        : (
            await tx.execute(sql`
            select distinct on (${cost}) ${columns} from ${source}
            where ${r.selected} and (${cost}, v.value) in (${sql.join(
              front.map((p) => sql`(${Number(p.cost)}::bigint, ${Number(p.value)}::float8)`),
              sql`, `,
            )})
            order by ${cost}, v.trial_id collate "C"`)
          ).rows.map((row) => toRow(row as unknown as RawRow));
    ({ rows, next } = paretoPage(holders, r));
  }
  await rankTrials(tx, r, rows);
  if (rows.length === 0) return { rows: [], next };
  const details = await readDetails(
    tx,
    detailsOf(
      r,
      sql`v.trial_id`,
      sqlArray(
        rows.map((row) => row.key),
        'text',
      ),
      sqlArray([...new Set(rows.map((row) => row.groupId))], 'integer'),
      sql`(with ${constantKeys(sql`select rest from (${r.groupStats}) a`)} select keys from constant)`,
    ),
  );
  return { rows: rows.map((row) => withDetails(row, details.get(row.key))), next };
}

/**
 * A trial's rank: 1 + the trials ranked before it, counted as two index ranges (better values; equal
 * value, smaller id). The rows of a ranking page follow each other, so only its first is counted
 * (none on the first page); a Pareto page's rows are counted one by one.
 */
async function rankTrials(tx: Tx, r: Read, rows: RankedRow[]): Promise<void> {
  const consecutive = r.q.pareto === undefined;
  if (consecutive && r.cursor === undefined) {
    rows.forEach((row, i) => (row.rank = i + 1));
    return;
  }
  const counted = consecutive ? rows.slice(0, 1) : rows;
  if (counted.length === 0) return;
  const better = sql.raw(r.q.goal === 'minimize' ? '<' : '>');
  const ranks = await tx.execute(sql`
    select p.key,
      1 + (select count(*) from leaderboard_values v where ${r.selected} and v.value ${better} p.value)
        + (select count(*) from leaderboard_values v where ${r.selected} and v.value = p.value
            and v.trial_id collate "C" < p.key collate "C") as rank
    from (values ${sql.join(
      counted.map((row) => sql`(${row.key}, ${row.mean}::float8)`),
      sql`, `,
    )}) p(key, value)`);
  const rankOf = new Map(ranks.rows.map((x) => [String(x.key), Number(x.rank)]));
  const first = rankOf.get(rows[0]!.key) ?? 0;
  rows.forEach((row, i) => (row.rank = consecutive ? first + i : (rankOf.get(row.key) ?? 0)));
}

/**
 * `constant(keys)`: the parameters (other than geometry and seed) that every one of `rests` has,
 * with one value; what is left of a rest without them is what varies.
 */
function constantKeys(rests: SQL): SQL {
  // On the distinct rests: a handful however many groups and seeds share them.
  return sql`rests as (select distinct x.rest from (${rests}) x),
    constant as (
      select coalesce(array_agg(key), '{}'::text[]) as keys from (
        select e.key from rests r cross join lateral jsonb_each(r.rest) e
        group by e.key
        having count(distinct e.value) = 1 and count(*) = (select count(*) from rests)
      ) c
    )`;
}

interface Details {
  params: Record<string, unknown>;
  trials: LeaderboardGroupTrial[];
  metrics: Record<string, MetricSummary>;
}

/**
 * For the page's rows only (`keys`, an array of row keys; `groupIds`, an integer array of their
 * groups: literal or from a CTE of the same statement): the varying parameters (see
 * constantKeys), the trials behind each (by id) and every metric of the task as mean ± std at each
 * trial's ranked epoch (final: the final values; best: that epoch's values). The CTEs and the
 * select that reads them, one row per row key, to run alone (readDetails) or inside a statement.
 */
function detailsOf(
  r: Read,
  rowKey: SQL,
  keys: SQL,
  groupIds: SQL,
  /** The keys constant over the selection (a text[] expression): what is left varies. */
  constant: SQL,
): { ctes: SQL; select: SQL } {
  // FINAL: geometry rows read their groups' final values (an index range each), trial rows their
  // own (the primary key); BEST: each trial's values at its best epoch.
  const others =
    r.pick === 'best'
      ? sql`trial_metric_values o on o.trial_id = c.trial_id and o.epoch = c.epoch`
      : r.q.groupBy === 'trial'
        ? sql`leaderboard_values o on o.trial_id = c.trial_id and o.pick = 'final'`
        : sql`(select o.trial_id, o.name, o.value from leaderboard_values o
            where o.group_id = any(${groupIds}) and o.pick = 'final') o on o.trial_id = c.trial_id`;
  return {
    ctes: sql`chosen as (
      select ${rowKey}::text as row_key, v.trial_id, v.sweep_id, v.value, v.epoch, v.group_id
      from leaderboard_values v
      where ${r.selected} and ${rowKey} = any(${keys})
    ),
    trial_lists as (
      select row_key, min(group_id) as group_id, jsonb_agg(
          jsonb_build_object('id', c.trial_id, 'sweepId', c.sweep_id, 'value', c.value, 'epoch', c.epoch)
          order by c.trial_id collate "C") as trials
      from chosen c group by row_key
    ),
    metric_stats as (
      select c.row_key, o.name, avg(o.value) as mean, stddev_samp(o.value) as std, count(*)::integer as n
      from chosen c join ${others} group by c.row_key, o.name
    ),
    metrics as (
      select row_key, jsonb_object_agg(name, jsonb_build_object('mean', mean, 'std', std, 'n', n)) as metrics
      from metric_stats group by row_key
    )`,
    select: sql`select l.row_key, g.rest - ${constant} as params, l.trials,
      coalesce(m.metrics, '{}'::jsonb) as metrics
    from trial_lists l join trial_groups g on g.id = l.group_id and g.id = any(${groupIds})
      left join metrics m using (row_key)`,
  };
}

/** Runs detailsOf's statement alone: each row key's details. */
async function readDetails(
  tx: Tx,
  details: { ctes: SQL; select: SQL },
): Promise<Map<string, Details>> {
  const result = await tx.execute(sql`with ${details.ctes} ${details.select}`);
  return new Map(
    result.rows.map((row) => [
      String(row.row_key),
      {
        params: row.params as Details['params'],
        trials: row.trials as Details['trials'],
        metrics: row.metrics as Details['metrics'],
      },
    ]),
  );
}

function withDetails(row: RankedRow, details: Details | undefined): GroupedLeaderboardRow {
  const { groupId: _groupId, ...rest } = row;
  return {
    ...rest,
    params: details?.params ?? {},
    trials: details?.trials ?? [],
    metrics: details?.metrics ?? {},
  };
}

/** The trials selected (`leaderboard_values v`): task, metric, FINAL/BEST, sweeps, geometry, size. */
function selection(q: GroupedLeaderboardQuery): SQL {
  const filters: SQL[] = [
    sql`v.task = ${q.task}`,
    sql`v.name = ${q.metric}`,
    sql`v.pick = ${q.epoch ?? 'final'}`,
    ...groupFilter(q, sql`v.group_id`),
  ];
  if (q.sweepIds !== undefined)
    filters.push(
      sql`v.sweep_id in (${sql.join(
        q.sweepIds.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
  filters.push(...paramCountFilters(q.where ?? {}));
  return sql.join(filters, sql` and `);
}

/**
 * The statistics of each selected group. Across every sweep of the task they are stored
 * (leaderboard_groups, a few thousand rows); narrowed to some sweeps or a parameter-count range,
 * they are aggregated from the selected trials with the same aggregates.
 */
function groupStats(q: GroupedLeaderboardQuery): SQL {
  const { min, max } = q.where?.paramCount ?? {};
  if (q.sweepIds === undefined && min === undefined && max === undefined)
    return sql`select s.group_id, s.key, s.rest, s.n, s.mean, s.std, s.min, s.max,
        s.param_count_min::float8 as param_count_min, s.param_count_max::float8 as param_count_max,
        s.flops::float8 as flops
      from leaderboard_groups s
      where ${sql.join(
        [
          sql`s.task = ${q.task}`,
          sql`s.name = ${q.metric}`,
          sql`s.pick = ${q.epoch ?? 'final'}`,
          ...groupFilter(q, sql`s.group_id`),
        ],
        sql` and `,
      )}`;
  return sql`select a.*, g.key collate "C" as key, g.rest
    from (
      select v.group_id, count(*)::integer as n, avg(v.value) as mean,
        stddev_samp(v.value) as std, min(v.value) as min, max(v.value) as max,
        min(v.param_count)::float8 as param_count_min, max(v.param_count)::float8 as param_count_max,
        max(v.flops)::float8 as flops
      from leaderboard_values v where ${selection(q)} group by v.group_id
    ) a join trial_groups g on g.id = a.group_id`;
}

/** `groupId in (groups of the task with the asked geometry)`, when a geometry filter is given. */
function groupFilter(q: GroupedLeaderboardQuery, groupId: SQL): SQL[] {
  const geometry = whereFilters(q.where ?? {});
  if (geometry.length === 0) return [];
  return [
    sql`${groupId} in (select g.id from trial_groups g where g.task = ${q.task} and ${sql.join(
      geometry,
      sql` and `,
    )})`,
  ];
}

/** Geometry filters, on `trial_groups g`. */
function whereFilters(where: LeaderboardFilter): SQL[] {
  const out: SQL[] = [];
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
    out.push(
      list.length === 0
        ? sql`false`
        : sql`${sql.raw(`g.${field}`)} in (${sql.join(
            list.map((v) => sql`${v}`),
            sql`, `,
          )})`,
    );
  }
  if (where.qk_tied !== undefined) out.push(sql`g.qk_tied = ${where.qk_tied}`);
  return out;
}

/** Bounds on the trial's parameter count, on `leaderboard_values v`. */
function paramCountFilters(where: LeaderboardFilter): SQL[] {
  const out: SQL[] = [];
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
    out.push(sql`v.param_count ${sql.raw(op)} ${bound}`);
  }
  return out;
}

/** A row as both page queries return it (a trial row has n = 1 and its value as mean, min and max). */
interface RawRow {
  key: string;
  group_id: number;
  d_m: number;
  heads: number;
  d_h: number;
  qk_tied: boolean;
  n?: number;
  mean: number;
  std?: number | null;
  min?: number;
  max?: number;
  param_count_min: number | null;
  param_count_max: number | null;
  flops: number | null;
  rank?: number;
}

/** A row before its details (parameters, trials, other metrics) are read; `groupId` is dropped then. */
type RankedRow = Omit<GroupedLeaderboardRow, 'params' | 'trials' | 'metrics'> & { groupId: number };

function toRow(r: RawRow): RankedRow {
  const numOrNull = (x: unknown): number | null => (x === null ? null : Number(x));
  const mean = Number(r.mean);
  const lo = numOrNull(r.param_count_min);
  const hi = numOrNull(r.param_count_max);
  return {
    rank: Number(r.rank ?? 0),
    key: r.key,
    groupId: Number(r.group_id),
    geometry: { dModel: r.d_m, heads: r.heads, dH: r.d_h, qkTied: r.qk_tied },
    n: Number(r.n ?? 1),
    mean,
    std: numOrNull(r.std ?? null),
    min: Number(r.min ?? mean),
    max: Number(r.max ?? mean),
    paramCount: hi,
    paramCountRange: lo !== null && hi !== null && lo !== hi ? [lo, hi] : null,
    flops: numOrNull(r.flops),
  };
}

function costOf(r: Read): (row: CostedRow) => number | null {
  return r.q.pareto === 'flops' ? (row) => row.flops : (row) => row.paramCount;
}

/** What a Pareto front is taken over: a row's cost (parameter count or FLOPs) and its value. */
type CostedRow = Pick<RankedRow, 'groupId' | 'key' | 'mean' | 'paramCount' | 'flops'>;

/** The non-dominated rows (given in ranking order) from the cursor on, a page of them. */
function paretoPage<T extends CostedRow>(ranked: T[], r: Read): { rows: T[]; next: string | null } {
  const cost = costOf(r);
  const front = paretoFront(ranked, { cost, value: (row) => row.mean, goal: r.q.goal });
  const c = r.cursor;
  const start =
    c === undefined
      ? 0
      : front.findIndex((row) => {
          const x = cost(row) as number;
          return x > c.at || (x === c.at && row.key > c.key);
        });
  return page(start < 0 ? [] : front.slice(start), r.limit, (row) => ({
    at: cost(row) as number,
    key: row.key,
  }));
}

interface Cursor {
  /** The mean (ranking) or the cost (Pareto) of the last row served. */
  at: number;
  key: string;
}

function page<T>(
  rows: T[],
  limit: number,
  position: (r: T) => Cursor,
): { rows: T[]; next: string | null } {
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
