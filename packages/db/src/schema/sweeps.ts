import {
  METRIC_GOALS,
  SWEEP_METHODS,
  SWEEP_STATUSES,
  TASK_IDS,
  type MetricGoal,
  type SweepMethod,
  type SweepStatus,
  type TaskId,
} from '@headroom/sweep';
import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { isOneOf, timestamps } from './columns';

export const sweeps = pgTable(
  'sweeps',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    /** A built-in task's sweep; null for a program sweep. */
    task: text().$type<TaskId>(),
    /** A program sweep's program, as its spec names it (the rest of the command is in `spec`); null for a task sweep. */
    program: text(),
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
    check('sweeps_task_or_program_check', sql`(${t.task} is null) <> (${t.program} is null)`),
    check('sweeps_method_check', isOneOf(t.method, SWEEP_METHODS)),
  ],
);
