import { HeadroomError } from '@headroom/errors';
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Database } from '../database';
import type { FinalTrialStatus, TrialStatus } from '@headroom/sweep';
import type { TrialRow } from '../rows';
import { trials } from '../schema';
import { writeLeaderboardValues } from './leaderboard-values';

// Every write below is safe to repeat: Temporal runs activities at least once.

export interface MarkTrialRunningInput {
  /**
   * Names one attempt of the training activity (workflow run id + Temporal's attempt number).
   * `attempts` counts distinct keys, so it adds up across retries and `retryFailedTrials`,
   * and a report delivered twice counts once.
   */
  attemptKey: string;
  /** The epoch this attempt starts from: 0 fresh, k when resumed from epoch k's checkpoint. */
  resumedFromEpoch?: number;
  backend?: string;
  device?: string;
  worker?: string;
  /** Known once the model is built: trainable parameters and FLOPs per sample. */
  paramCount?: number;
  flops?: number;
}

/** Marks a trial running (again, for a retry or resume). A succeeded trial stays succeeded. */
export async function markTrialRunning(
  db: Database,
  id: string,
  input: MarkTrialRunningInput,
): Promise<void> {
  const updated = await db
    .update(trials)
    .set({
      status: 'running',
      attempts: sql`case when ${trials.lastAttemptKey} is distinct from ${input.attemptKey} then ${trials.attempts} + 1 else ${trials.attempts} end`,
      lastAttemptKey: input.attemptKey,
      resumedFromEpoch: input.resumedFromEpoch ?? 0,
      worker: input.worker,
      ...(input.paramCount !== undefined ? { paramCount: input.paramCount } : {}),
      ...(input.flops !== undefined ? { flops: input.flops } : {}),
      prunedAtRung: null,
      startedAt: sql`coalesce(${trials.startedAt}, now())`,
      // A resumed trial is no longer finished; a stale error would contradict its status.
      finishedAt: null,
      error: null,
      backend: input.backend,
      device: input.device,
      updatedAt: sql`now()`,
    })
    .where(and(eq(trials.id, id), ne(trials.status, 'succeeded')))
    .returning({ id: trials.id });
  if (updated.length === 0) await assertTrialExists(db, id);
}

export type CompleteTrialInput = { trialId: string } & Pick<
  typeof trials.$inferInsert,
  'paramCount' | 'flops' | 'artifactPath' | 'artifacts' | 'backend' | 'device'
> & {
    metrics: NonNullable<(typeof trials.$inferInsert)['metrics']>;
    epochsCompleted: number;
  };

/**
 * Marks a trial succeeded with its final metrics; in the same transaction its leaderboard values
 * (final and best, see leaderboardValues) are rewritten, so a repeated completion leaves exactly
 * the latest report's.
 */
export async function completeTrial(db: Database, input: CompleteTrialInput): Promise<void> {
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(trials)
      .set({
        status: 'succeeded',
        metrics: input.metrics,
        paramCount: input.paramCount,
        flops: input.flops,
        artifactPath: input.artifactPath,
        artifacts: input.artifacts ?? [],
        epochsCompleted: sql`greatest(${trials.epochsCompleted}, ${input.epochsCompleted}::integer)`,
        backend: input.backend,
        device: input.device,
        error: null,
        // A repeated completion keeps the time of the first.
        finishedAt: sql`case when ${trials.status} = 'succeeded' then coalesce(${trials.finishedAt}, now()) else now() end`,
        updatedAt: sql`now()`,
      })
      .where(eq(trials.id, input.trialId))
      .returning({ id: trials.id });
    if (updated.length === 0) throw trialNotFound(input.trialId);
    await writeLeaderboardValues(tx, input.trialId);
  });
}

export interface FailTrialInput {
  trialId: string;
  /** `paused` ends an attempt without ending the trial: it resumes from its checkpoint later. */
  status: Exclude<FinalTrialStatus, 'succeeded'> | 'paused';
  error: string | null;
  /** ASHA: the rung a pruned trial reached. */
  prunedAtRung?: number;
}

/** Ends a trial without a result. A succeeded trial is never overwritten (a late duplicate failure). */
export async function failTrial(db: Database, input: FailTrialInput): Promise<void> {
  const updated = await db
    .update(trials)
    .set({
      status: input.status,
      error: input.error,
      prunedAtRung: input.prunedAtRung ?? null,
      finishedAt: input.status === 'paused' ? null : sql`coalesce(${trials.finishedAt}, now())`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(trials.id, input.trialId), ne(trials.status, 'succeeded')))
    .returning({ id: trials.id });
  if (updated.length === 0) await assertTrialExists(db, input.trialId);
}

export async function getTrial(db: Database, id: string): Promise<TrialRow | undefined> {
  const rows = await db.select().from(trials).where(eq(trials.id, id));
  return rows[0];
}

/** All trials of a sweep, by index. */
export async function listTrials(db: Database, sweepId: string): Promise<TrialRow[]> {
  return db.select().from(trials).where(eq(trials.sweepId, sweepId)).orderBy(asc(trials.index));
}

export function trialNotFound(id: string): HeadroomError {
  return new HeadroomError(
    'NOT_FOUND',
    `trial ${id} does not exist; insertSweep creates trials before they run`,
  );
}

async function assertTrialExists(db: Database, id: string): Promise<void> {
  const rows = await db.select({ id: trials.id }).from(trials).where(eq(trials.id, id));
  if (rows.length === 0) throw trialNotFound(id);
}

/** A cancelled sweep's trials that never started end cancelled too, so none is left pending. */
export async function cancelPendingTrials(db: Database, sweepId: string): Promise<number> {
  const rows = await db
    .update(trials)
    .set({
      status: 'cancelled',
      error: 'sweep cancelled before the trial started',
      updatedAt: sql`now()`,
    })
    .where(and(eq(trials.sweepId, sweepId), eq(trials.status, 'pending')))
    .returning({ id: trials.id });
  return rows.length;
}

/** How many trials are in each status, over every sweep (operators' metrics). */
export async function countTrialsByStatus(db: Database): Promise<Map<TrialStatus, number>> {
  const rows = await db
    .select({ status: trials.status, n: sql<number>`count(*)::integer` })
    .from(trials)
    .groupBy(trials.status);
  return new Map(rows.map((r) => [r.status, r.n]));
}
