import type { MetricBreakdown, MetricValues } from '@headroom/sweep';
import { integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { trials } from './trials';

/** One row per trial and epoch: the key makes re-delivered epoch reports overwrite instead of duplicate. */
export const trialMetrics = pgTable(
  'trial_metrics',
  {
    trialId: text()
      .notNull()
      .references(() => trials.id, { onDelete: 'cascade' }),
    epoch: integer().notNull(),
    metrics: jsonb().$type<MetricValues>().notNull(),
    /** The per-group values behind the epoch's means (pose3d: per action); null for tasks without groups. */
    breakdown: jsonb().$type<MetricBreakdown>(),
    ...timestamps,
  },
  (t) => [primaryKey({ name: 'trial_metrics_pk', columns: [t.trialId, t.epoch] })],
);
