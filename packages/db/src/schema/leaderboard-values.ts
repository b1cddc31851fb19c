import type { TaskId } from '@headroom/sweep';
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
} from 'drizzle-orm/pg-core';
import { isOneOf } from './columns';
import { FINITE_VALUE_CHECK } from './trial-metric-values';
import { trialGroups } from './trial-groups';
import { trials } from './trials';

/** `final`: each trial's last report (completeTrial's metrics); `best`: its best epoch on the metric. */
export const LEADERBOARD_EPOCHS = ['final', 'best'] as const;
export type LeaderboardEpoch = (typeof LEADERBOARD_EPOCHS)[number];

/**
 * A succeeded trial's values as leaderboards rank them, one row per finite value: `pick = 'final'`
 * is completeTrial's report (which need not be a stored epoch: a trial resumed past its last
 * reported epoch, a final evaluation after the loop); `pick = 'best'` is, per metric with a goal,
 * the trial's best epoch on it (the earliest of equal values), whose other metrics are read from
 * trial_metric_values at that `epoch`. Only completeTrial writes here (and a late re-delivered epoch
 * of a succeeded trial refreshes `best`), so a row means "succeeded" without a join to trials.
 *
 * The trial's task, sweep, group, parameter count and FLOPs are copied (none changes once the trial
 * has succeeded) so that every leaderboard read is an index scan of this table alone: the top N of
 * a task or of a sweep in value order, a group's rows for its statistics.
 */
export const leaderboardValues = pgTable(
  'leaderboard_values',
  {
    trialId: text()
      .notNull()
      .references(() => trials.id, { onDelete: 'cascade' }),
    pick: text().$type<LeaderboardEpoch>().notNull(),
    name: text().notNull(),
    value: doublePrecision().notNull(),
    /** The epoch of a `best` value; null for `final`. */
    epoch: integer(),
    task: text().$type<TaskId>().notNull(),
    sweepId: text().notNull(),
    groupId: integer()
      .notNull()
      .references(() => trialGroups.id),
    paramCount: bigint({ mode: 'number' }),
    flops: bigint({ mode: 'number' }),
  },
  (t) => [
    primaryKey({ name: 'leaderboard_values_pk', columns: [t.trialId, t.pick, t.name] }),
    // Ties are broken by trial id in byte order ("C"), the same on every server.
    index('leaderboard_values_task_rank_idx').on(
      t.task,
      t.name,
      t.pick,
      t.value,
      sql`${t.trialId} collate "C"`,
    ),
    index('leaderboard_values_sweep_rank_idx').on(
      t.sweepId,
      t.name,
      t.pick,
      t.value,
      sql`${t.trialId} collate "C"`,
    ),
    // The rows of one group: all of them to recompute its statistics (leaderboardGroups); a pick,
    // or a pick and metric, for a leaderboard page's details.
    index('leaderboard_values_group_idx').on(t.groupId, t.pick, t.name),
    check('leaderboard_values_pick_check', isOneOf(t.pick, LEADERBOARD_EPOCHS)),
    check('leaderboard_values_finite_check', FINITE_VALUE_CHECK),
  ],
);
