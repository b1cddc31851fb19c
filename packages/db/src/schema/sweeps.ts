import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';

export const SWEEP_STATUSES = ['pending', 'running', 'paused', 'succeeded', 'failed', 'cancelled'] as const;
export type SweepStatus = (typeof SWEEP_STATUSES)[number];
export const METRIC_GOALS = ['minimize', 'maximize'] as const;
export type MetricGoal = (typeof METRIC_GOALS)[number];

export const sweeps = pgTable(
  'sweeps',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    task: text().notNull(),
    method: text().notNull(),
    metricName: text().notNull(),
    metricGoal: text().$type<MetricGoal>().notNull(),
    /** The validated sweep document as submitted; the typed columns above are copies for filtering. */
    spec: jsonb().$type<unknown>().notNull(),
    status: text().$type<SweepStatus>().notNull().default('pending'),
    ...timestamps,
  },
  (t) => [
    index('sweeps_task_idx').on(t.task),
    index('sweeps_created_at_idx').on(t.createdAt),
    // Text + CHECK rather than pg enums: adding a status later is a plain migration.
    check(
      'sweeps_status_check',
      sql`${t.status} in ('pending', 'running', 'paused', 'succeeded', 'failed', 'cancelled')`,
    ),
    check('sweeps_metric_goal_check', sql`${t.metricGoal} in ('minimize', 'maximize')`),
  ],
);
