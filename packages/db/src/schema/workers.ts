import { WORKER_STATUSES, type WorkerStatus } from '@headroom/sweep';
import { check, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { isOneOf, timestamps } from './columns';

/**
 * Train workers as they announce themselves (through Temporal and the control worker:
 * train workers never connect here). `lastSeenAt` moves with their periodic heartbeat.
 */
export const workers = pgTable(
  'workers',
  {
    /** The Temporal worker identity, e.g. `train@gpu-node-3/41872`. */
    id: text().primaryKey(),
    pool: text().notNull(),
    host: text().notNull(),
    pid: integer().notNull(),
    backend: text().notNull(),
    device: text().notNull(),
    slots: integer().notNull(),
    status: text().$type<WorkerStatus>().notNull().default('running'),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull(),
    ...timestamps,
  },
  (t) => [
    index('workers_pool_idx').on(t.pool),
    check('workers_status_check', isOneOf(t.status, WORKER_STATUSES)),
  ],
);
