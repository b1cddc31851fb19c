import { TASKS, type MetricGoal } from '@headroom/sweep';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../database';
import { leaderboardValues, sweeps, trialMetricValues, trials } from '../schema';
import { finiteMetrics } from './finite-metrics';

type Row = typeof leaderboardValues.$inferInsert;
/** `db` or a transaction: both can select, insert and delete. */
type Writer = Pick<Database, 'select' | 'insert' | 'delete' | 'execute'>;

/**
 * Rewrites a succeeded trial's leaderboard values from what is stored: its final report and, per
 * metric of the task with a goal, its best epoch (the earliest of equal values). Called in the
 * transaction that completes the trial, and again when an epoch of a succeeded trial is
 * re-delivered, so the rows always agree with the reports they are read from; the group's
 * statistics (leaderboardGroups) follow.
 */
export async function writeLeaderboardValues(tx: Writer, trialId: string): Promise<void> {
  const [trial] = await tx
    .select({
      status: trials.status,
      metrics: trials.metrics,
      task: sweeps.task,
      sweepId: trials.sweepId,
      groupId: trials.groupId,
      paramCount: trials.paramCount,
      flops: trials.flops,
    })
    .from(trials)
    .innerJoin(sweeps, eq(sweeps.id, trials.sweepId))
    .where(eq(trials.id, trialId));
  // A program trial is in no group (groups are a task's): no leaderboard values.
  if (trial?.groupId == null || trial.task === null) return;
  const task = trial.task;
  // Lock the group first (before any row references it), so its statistics are updated by one
  // trial at a time, each seeing the values and sums the other committed.
  await tx.execute(sql`select id from trial_groups where id = ${trial.groupId} for no key update`);
  const replaced = await tx
    .delete(leaderboardValues)
    .where(eq(leaderboardValues.trialId, trialId))
    .returning({ name: leaderboardValues.name });
  if (trial.status !== 'succeeded') {
    if (replaced.length > 0) await recountGroup(tx, task, trial.groupId);
    return;
  }
  const { metrics, ...copied } = trial;
  const shared = { ...copied, task, groupId: trial.groupId, trialId };

  const rows: Row[] = finiteMetrics(metrics ?? {}).map(([name, value]) => ({
    ...shared,
    pick: 'final',
    name,
    value,
    epoch: null,
  }));
  const epochs = await tx
    .select({
      epoch: trialMetricValues.epoch,
      name: trialMetricValues.name,
      value: trialMetricValues.value,
    })
    .from(trialMetricValues)
    .where(eq(trialMetricValues.trialId, trialId))
    .orderBy(trialMetricValues.epoch);
  const goals: Readonly<Record<string, MetricGoal>> = TASKS[task].metrics;
  const best = new Map<string, { epoch: number; value: number }>();
  for (const e of epochs) {
    const goal = Object.hasOwn(goals, e.name) ? goals[e.name] : undefined;
    if (goal === undefined) continue; // no goal, no "best"
    const seen = best.get(e.name);
    // Epochs come in order, so a strict improvement keeps the earliest of equal values.
    if (!seen || (goal === 'minimize' ? e.value < seen.value : e.value > seen.value))
      best.set(e.name, { epoch: e.epoch, value: e.value });
  }
  for (const [name, b] of best) rows.push({ ...shared, pick: 'best', name, ...b });
  if (rows.length > 0) await tx.insert(leaderboardValues).values(rows);
  // A trial's first values are added to its group's sums; values replaced recount the group.
  if (replaced.length > 0) await recountGroup(tx, task, trial.groupId);
  else if (rows.length > 0) await addToGroup(tx, task, trialId);
}

/**
 * Adds a trial's values to its group's statistics: one row per metric and pick, O(1) whatever the
 * group's size. The sums are updated as PostgreSQL's float8_accum updates avg's and stddev_samp's
 * (Youngs–Cramer); min and max, like the aggregates, ignore nulls (greatest/least). An upsert that
 * changes no indexed column, so it is HOT and the small, hot table (fillfactor 50, migration 0005)
 * stays compact between vacuums.
 */
async function addToGroup(tx: Writer, task: string, trialId: string): Promise<void> {
  await tx.execute(sql`
    insert into leaderboard_groups as s (task, name, pick, group_id, key, rest, n, sum, sum_sq_dev,
      min, max, param_count_min, param_count_max, flops)
    select ${task}, v.name, v.pick, g.id, g.key, g.rest, 1, v.value, 0, v.value, v.value,
      v.param_count, v.param_count, v.flops
    from leaderboard_values v join trial_groups g on g.id = v.group_id
    where v.trial_id = ${trialId}
    on conflict (task, name, pick, group_id) do update set n = s.n + 1,
      sum = s.sum + excluded.sum,
      sum_sq_dev = s.sum_sq_dev + power(excluded.sum * (s.n + 1) - (s.sum + excluded.sum), 2)
        / ((s.n + 1)::float8 * s.n),
      min = least(s.min, excluded.min), max = greatest(s.max, excluded.max),
      param_count_min = least(s.param_count_min, excluded.param_count_min),
      param_count_max = greatest(s.param_count_max, excluded.param_count_max),
      flops = greatest(s.flops, excluded.flops)`);
}

/**
 * Rewrites a group's statistics from all its leaderboard values (an index range of its rows), for
 * when a trial's values were replaced or removed: sums cannot take a value back exactly, nor min
 * and max. An upsert, HOT like addToGroup's.
 */
async function recountGroup(tx: Writer, task: string, groupId: number): Promise<void> {
  await tx.execute(sql`
    with fresh as (
      select name, pick, count(*) as n, sum(value) as sum,
        var_pop(value) * count(*) as sum_sq_dev, min(value) as min, max(value) as max,
        min(param_count) as param_count_min, max(param_count) as param_count_max,
        max(flops) as flops
      from leaderboard_values where group_id = ${groupId} and task = ${task}
      group by name, pick
    ),
    upserted as (
      insert into leaderboard_groups (task, name, pick, group_id, key, rest, n, sum, sum_sq_dev,
        min, max, param_count_min, param_count_max, flops)
      select ${task}, f.name, f.pick, g.id, g.key, g.rest, f.n, f.sum, f.sum_sq_dev, f.min, f.max,
        f.param_count_min, f.param_count_max, f.flops
      from fresh f join trial_groups g on g.id = ${groupId}
      on conflict (task, name, pick, group_id) do update set n = excluded.n,
        sum = excluded.sum, sum_sq_dev = excluded.sum_sq_dev, min = excluded.min,
        max = excluded.max, param_count_min = excluded.param_count_min,
        param_count_max = excluded.param_count_max, flops = excluded.flops
    )
    -- A metric none of the group's trials reports any more.
    delete from leaderboard_groups s where s.group_id = ${groupId} and s.task = ${task}
      and not exists (select 1 from fresh f where f.name = s.name and f.pick = s.pick)`);
}
