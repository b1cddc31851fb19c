import {
  METRIC_GOALS,
  SUPPORTED_METHODS,
  SWEEP_STATUSES,
  TASK_IDS,
  type MetricGoal,
  type SweepMethod,
  type SweepStatus,
  type TaskId,
} from '@headroom/sweep';
import { check, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { isOneOf, timestamps } from './columns';

export const sweeps = pgTable(
  'sweeps',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    task: text().$type<TaskId>().notNull(),
    method: text().$type<SweepMethod>().notNull(),
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
    check('sweeps_status_check', isOneOf(t.status, SWEEP_STATUSES)),
    check('sweeps_metric_goal_check', isOneOf(t.metricGoal, METRIC_GOALS)),
    check('sweeps_task_check', isOneOf(t.task, TASK_IDS)),
    check('sweeps_method_check', isOneOf(t.method, SUPPORTED_METHODS)),
  ],
);
