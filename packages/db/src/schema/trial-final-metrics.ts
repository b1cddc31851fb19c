import type { TaskId } from '@headroom/sweep';
import { check, doublePrecision, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { FINITE_VALUE_CHECK } from './trial-metric-values';
import { trials } from './trials';

/**
 * A succeeded trial's final metrics (`trials.metrics`, as `completeTrial` reports them), typed: one
 * row per finite value. Why a table of its own rather than "the epoch = trials.epochs_completed" in
 * trial_metric_values: the final report is what completeTrial was given, which need not be a stored
 * epoch (a trial resumed past its last reported epoch, a final evaluation after the loop), and only
 * completeTrial writes here, and a succeeded trial never leaves that status, so a row here means
 * "succeeded" and the ranking index needs no join to trials to filter by status.
 *
 * `task` and `sweep_id` are copied from the trial (both immutable) so that "best N of a task by
 * metric", across sweeps or within some, is an index range scan in value order.
 */
export const trialFinalMetrics = pgTable(
  'trial_final_metrics',
  {
    trialId: text()
      .notNull()
      .references(() => trials.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    value: doublePrecision().notNull(),
    task: text().$type<TaskId>().notNull(),
    sweepId: text().notNull(),
  },
  (t) => [
    primaryKey({ name: 'trial_final_metrics_pk', columns: [t.trialId, t.name] }),
    index('trial_final_metrics_task_name_value_idx').on(t.task, t.name, t.value, t.trialId),
    index('trial_final_metrics_sweep_name_value_idx').on(t.sweepId, t.name, t.value, t.trialId),
    check('trial_final_metrics_finite_check', FINITE_VALUE_CHECK),
  ],
);
