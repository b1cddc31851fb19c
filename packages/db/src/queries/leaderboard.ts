import type { MetricGoal, TaskId } from '@headroom/sweep';
import { and, asc, desc, eq, getTableColumns, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Database } from '../database';
import type { TrialRow } from '../rows';
import { sweeps, trials } from '../schema';
import { checkLimit } from './limits';

export interface LeaderboardQuery {
  task: TaskId;
  /** Key of the final metrics (`trials.metrics`), e.g. `ap` or `mpjpe`. */
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
 * Metric names are open-ended (per task), so the value is read from jsonb rather than an indexed column;
 * the partial index on succeeded trials keeps the scanned set small.
 */
export async function leaderboard(db: Database, q: LeaderboardQuery): Promise<LeaderboardEntry[]> {
  const limit = checkLimit(q.limit, 20);
  const value = sql<number>`(${trials.metrics} ->> ${q.metric}::text)::double precision`.mapWith(
    Number,
  );
  const conditions: SQL[] = [
    eq(sweeps.task, q.task),
    eq(trials.status, 'succeeded'),
    // Only numbers: a null (NaN serialised by JSON) or a string would break the cast or the order.
    sql`jsonb_typeof(${trials.metrics} -> ${q.metric}::text) = 'number'`,
  ];
  if (q.sweepId !== undefined) conditions.push(eq(trials.sweepId, q.sweepId));

  const rows = await db
    .select({ trial: getTableColumns(trials), sweepName: sweeps.name, value })
    .from(trials)
    .innerJoin(sweeps, eq(sweeps.id, trials.sweepId))
    .where(and(...conditions))
    .orderBy(q.goal === 'minimize' ? asc(value) : desc(value), asc(trials.id))
    .limit(limit);
  return rows.map((row, i) => ({
    rank: i + 1,
    value: row.value,
    trial: row.trial,
    sweepName: row.sweepName,
  }));
}
