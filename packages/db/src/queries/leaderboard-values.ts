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
 * re-delivered, so the rows always agree with the reports they are read from; then the group's
 * statistics (leaderboardGroups) are recomputed from its values.
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
  // Lock the group first (before any row references it), so its statistics are recomputed by one
  // trial at a time, each seeing the values the other committed.
  await tx.execute(sql`select id from trial_groups where id = ${trial.groupId} for no key update`);
  await tx.delete(leaderboardValues).where(eq(leaderboardValues.trialId, trialId));
  if (trial.status !== 'succeeded') return refreshGroup(tx, task, trial.groupId);
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
  await refreshGroup(tx, task, trial.groupId);
}

/**
 * Rewrites a group's statistics from its leaderboard values (an index range of its rows). An upsert,
 * not delete + insert: no indexed column changes, so the update is HOT and the small, hot table
 * (fillfactor 50, migration 0005) stays compact between vacuums.
 */
async function refreshGroup(tx: Writer, task: string, groupId: number): Promise<void> {
  await tx.execute(sql`
    with fresh as (
      select name, pick, count(*) as n, avg(value) as mean, stddev_samp(value) as std,
        min(value) as min, max(value) as max, min(param_count) as param_count_min,
        max(param_count) as param_count_max, max(flops) as flops
      from leaderboard_values where group_id = ${groupId} and task = ${task}
      group by name, pick
    ),
    upserted as (
      insert into leaderboard_groups (task, name, pick, group_id, key, rest, n, mean, std, min,
        max, param_count_min, param_count_max, flops)
      select ${task}, f.name, f.pick, g.id, g.key, g.rest, f.n, f.mean, f.std, f.min, f.max,
        f.param_count_min, f.param_count_max, f.flops
      from fresh f join trial_groups g on g.id = ${groupId}
      on conflict (task, name, pick, group_id) do update set n = excluded.n,
        mean = excluded.mean, std = excluded.std, min = excluded.min, max = excluded.max,
        param_count_min = excluded.param_count_min, param_count_max = excluded.param_count_max,
        flops = excluded.flops
    )
    -- A metric none of the group's trials reports any more.
    delete from leaderboard_groups s where s.group_id = ${groupId} and s.task = ${task}
      and not exists (select 1 from fresh f where f.name = s.name and f.pick = s.pick)`);
}
