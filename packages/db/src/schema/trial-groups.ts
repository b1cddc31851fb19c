import type { TaskId } from '@headroom/sweep';
import { boolean, integer, jsonb, pgTable, text, unique } from 'drizzle-orm/pg-core';

/**
 * Trials that differ only by their seed: what a leaderboard's geometry row averages over.
 *
 * Grouping by every non-seed parameter is the same partition as grouping by the geometry plus the
 * parameters that vary among the selected trials (a constant parameter is equal in all of them),
 * so the group is fixed when the trial is registered and a leaderboard aggregates by a small
 * integer instead of comparing jsonb at read time.
 *
 * `key` is `trial_group_key(params, d_m, heads, d_h, qk_tied)` (migration 0005, the one definition
 * the writes and the migration share): the parameters without `seed`, with the typed geometry, as
 * jsonb text — jsonb orders and deduplicates keys itself, so equal parameters give equal keys.
 */
export const trialGroups = pgTable(
  'trial_groups',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    task: text().$type<TaskId>().notNull(),
    key: text().notNull(),
    dModel: integer('d_m').notNull(),
    heads: integer().notNull(),
    dH: integer('d_h').notNull(),
    qkTied: boolean().notNull(),
    /** The parameters other than the geometry and the seed, shown where they vary. */
    rest: jsonb().$type<Record<string, unknown>>().notNull(),
  },
  (t) => [unique('trial_groups_task_key_unique').on(t.task, t.key)],
);
