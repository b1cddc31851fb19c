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
    metrics: jsonb().$type<Record<string, number>>().notNull(),
    ...timestamps,
  },
  (t) => [primaryKey({ name: 'trial_metrics_pk', columns: [t.trialId, t.epoch] })],
);
