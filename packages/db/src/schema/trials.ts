import {
  TRIAL_STATUSES,
  type MetricValues,
  type TrialArtifact,
  type TrialStatus,
} from '@headroom/sweep';
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { isOneOf, timestamps } from './columns';
import { sweeps } from './sweeps';
import { trialGroups } from './trial-groups';

export const trials = pgTable(
  'trials',
  {
    /** `${sweepId}-${index}`, deterministic so retried activities address the same row. */
    id: text().primaryKey(),
    sweepId: text()
      .notNull()
      .references(() => sweeps.id, { onDelete: 'cascade' }),
    index: integer().notNull(),
    status: text().$type<TrialStatus>().notNull().default('pending'),
    /**
     * Every sampled hyperparameter; a task trial's head geometry and epochs are also copied to
     * typed columns for leaderboards (null for a program trial: its parameters are its own).
     */
    params: jsonb().$type<Record<string, unknown>>().notNull(),
    // snake_case casing would give d_model / d_h; the domain words are d_m and d_h.
    dModel: integer('d_m'),
    heads: integer(),
    dH: integer('d_h'),
    qkTied: boolean(),
    /** Its seeds' group (every parameter but the seed); set when the sweep is registered. */
    groupId: integer().references(() => trialGroups.id),
    epochs: integer(),
    epochsCompleted: integer().notNull().default(0),
    paramCount: bigint({ mode: 'number' }),
    /** FLOPs per sample (one forward pass), from packages/models; null until reported. */
    flops: bigint({ mode: 'number' }),
    /** Final metrics of a succeeded trial, name → value. */
    metrics: jsonb().$type<MetricValues>(),
    /** The final weights. */
    artifactPath: text(),
    /** Files written for people to look at (Grad-CAM overlays), listed on the trial. */
    artifacts: jsonb().$type<TrialArtifact[]>().notNull().default([]),
    backend: text(),
    device: text(),
    error: text(),
    attempts: integer().notNull().default(0),
    /** The attempt last counted in `attempts` (run id + attempt), so a repeated report counts once. */
    lastAttemptKey: text(),
    /** The epoch the latest attempt started from: 0 for a fresh start, k when resumed from epoch k's checkpoint. */
    resumedFromEpoch: integer().notNull().default(0),
    /** The worker (identity) running or last running the trial. */
    worker: text(),
    /** ASHA: the rung (0-based) a pruned trial reached. */
    prunedAtRung: integer(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    unique('trials_sweep_id_index_unique').on(t.sweepId, t.index),
    // Leaderboards read only succeeded trials, per sweep; a partial index keeps that lookup small.
    index('trials_succeeded_idx')
      .on(t.sweepId)
      .where(sql`${t.status} = 'succeeded'`),
    index('trials_geometry_idx').on(t.dModel, t.heads, t.dH, t.qkTied),
    check('trials_status_check', isOneOf(t.status, TRIAL_STATUSES)),
  ],
);
