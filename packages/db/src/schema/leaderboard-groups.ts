import type { TaskId } from '@headroom/sweep';
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
} from 'drizzle-orm/pg-core';
import { isOneOf } from './columns';
import { LEADERBOARD_EPOCHS, type LeaderboardEpoch } from './leaderboard-values';
import { trialGroups } from './trial-groups';

/**
 * The statistics of each group's leaderboard values per metric and pick, kept in the transaction
 * that writes a trial's values, with the group row locked so that two trials of a group completing
 * at once cannot each miss the other. A trial's first values are added to the running sums that
 * PostgreSQL's own avg and stddev_samp keep (N, Sx, Sxx, Youngs–Cramer), so a completion costs the
 * same in a group of 10⁵ trials as in one of 5 and the numbers are those the aggregates give over
 * the values in that order; values replaced (a re-delivered epoch or completion) recount the group
 * from its values. A leaderboard across all sweeps of a task reads these few thousand rows instead
 * of aggregating 10⁵ trials; one narrowed to some sweeps or a parameter-count range aggregates its
 * trials directly.
 *
 * `key` and `rest` are the group's (trial_groups; they never change), copied so that a ranking is
 * read from this table alone: ordered by (mean, key), its constant parameters from the rests.
 */
export const leaderboardGroups = pgTable(
  'leaderboard_groups',
  {
    task: text().$type<TaskId>().notNull(),
    name: text().notNull(),
    pick: text().$type<LeaderboardEpoch>().notNull(),
    groupId: integer()
      .notNull()
      .references(() => trialGroups.id),
    /** trial_groups.key, in the "C" collation (migration 0007) that breaks ranking ties. */
    key: text().notNull(),
    /** trial_groups.rest: the parameters other than the geometry and the seed. */
    rest: jsonb().$type<Record<string, unknown>>().notNull(),
    n: integer().notNull(),
    /** Sx: the sum of the values. */
    sum: doublePrecision().notNull(),
    /** Sxx: the sum of the squared deviations from the mean. */
    sumSqDev: doublePrecision().notNull(),
    // Derived as avg and stddev_samp derive them from the same sums.
    mean: doublePrecision()
      .notNull()
      .generatedAlwaysAs(sql`sum / n`),
    /** Sample standard deviation; null when n = 1. */
    std: doublePrecision().generatedAlwaysAs(
      sql`case when n > 1 then sqrt(sum_sq_dev / (n - 1)) end`,
    ),
    min: doublePrecision().notNull(),
    max: doublePrecision().notNull(),
    paramCountMin: bigint({ mode: 'number' }),
    paramCountMax: bigint({ mode: 'number' }),
    flops: bigint({ mode: 'number' }),
  },
  (t) => [
    primaryKey({ name: 'leaderboard_groups_pk', columns: [t.task, t.name, t.pick, t.groupId] }),
    // One group's rows, for its recomputation (no column of it changes, so updates stay HOT).
    index('leaderboard_groups_group_idx').on(t.groupId, t.task),
    check('leaderboard_groups_pick_check', isOneOf(t.pick, LEADERBOARD_EPOCHS)),
  ],
);
