import type { TaskId } from '@headroom/sweep';
import { sql } from 'drizzle-orm';
import {
  check,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
} from 'drizzle-orm/pg-core';
import { trials } from './trials';

/** Postgres doubles admit NaN and ±Infinity; either would poison avg/stddev and the ranking. */
export const FINITE_VALUE_CHECK = sql.raw(`value not in ('NaN', 'Infinity', '-Infinity')`);

/**
 * Every finite number of every epoch report, one row per (trial, epoch, metric): the typed copy of
 * `trial_metrics.metrics`, which stays the report as sent. A null (NaN on the wire) or any other
 * non-number is not stored, so every `value` can be ranked and averaged.
 *
 * `task` is copied from the trial's sweep (it never changes) so the index narrows to one task's
 * metric without joining sweeps or reading jsonb; BEST picks each trial's best epoch within it.
 * A program trial's values have no task (they are in no task's leaderboard).
 */
export const trialMetricValues = pgTable(
  'trial_metric_values',
  {
    trialId: text()
      .notNull()
      .references(() => trials.id, { onDelete: 'cascade' }),
    epoch: integer().notNull(),
    name: text().notNull(),
    value: doublePrecision().notNull(),
    task: text().$type<TaskId>(),
  },
  (t) => [
    primaryKey({ name: 'trial_metric_values_pk', columns: [t.trialId, t.epoch, t.name] }),
    index('trial_metric_values_task_name_idx').on(t.task, t.name, t.trialId, t.value),
    check('trial_metric_values_finite_check', FINITE_VALUE_CHECK),
  ],
);
