import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../database';
import { getTableColumns } from 'drizzle-orm';
import type { TrialMetricRow } from '../rows';
import { sweeps, trialMetrics, trialMetricValues, trials } from '../schema';
import { finiteMetrics } from './finite-metrics';
import { writeLeaderboardValues } from './leaderboard-values';
import { trialNotFound } from './trials';

export type RecordEpochMetricsInput = Pick<
  typeof trialMetrics.$inferInsert,
  'trialId' | 'epoch' | 'metrics' | 'breakdown'
>;

/**
 * One row per trial and epoch however often an epoch is reported; the latest report wins, in
 * `trial_metrics` (as sent) and in `trial_metric_values` (its finite numbers: the epoch's rows are
 * replaced, so a value missing from the re-delivered report disappears), and for a trial that has
 * already succeeded, in its leaderboard values.
 */
export async function recordEpochMetrics(
  db: Database,
  input: RecordEpochMetricsInput,
): Promise<void> {
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(trials)
      .set({
        epochsCompleted: sql`greatest(${trials.epochsCompleted}, ${input.epoch}::integer)`,
        updatedAt: sql`now()`,
      })
      .from(sweeps)
      .where(and(eq(trials.id, input.trialId), eq(sweeps.id, trials.sweepId)))
      .returning({ task: sweeps.task, status: trials.status });
    const trial = updated[0];
    if (trial === undefined) throw trialNotFound(input.trialId);
    const { task } = trial;
    await tx
      .delete(trialMetricValues)
      .where(
        and(eq(trialMetricValues.trialId, input.trialId), eq(trialMetricValues.epoch, input.epoch)),
      );
    const values = finiteMetrics(input.metrics);
    if (values.length > 0) {
      await tx.insert(trialMetricValues).values(
        values.map(([name, value]) => ({
          trialId: input.trialId,
          epoch: input.epoch,
          name,
          value,
          task,
        })),
      );
    }
    await tx
      .insert(trialMetrics)
      .values({
        trialId: input.trialId,
        epoch: input.epoch,
        metrics: input.metrics,
        breakdown: input.breakdown ?? null,
      })
      .onConflictDoUpdate({
        target: [trialMetrics.trialId, trialMetrics.epoch],
        set: { metrics: input.metrics, breakdown: input.breakdown ?? null, updatedAt: sql`now()` },
      });
    // An epoch re-delivered after completion may change which epoch is best.
    if (trial.status === 'succeeded') await writeLeaderboardValues(tx, input.trialId);
  });
}

/** A trial's epochs in order. */
export async function listTrialMetrics(db: Database, trialId: string): Promise<TrialMetricRow[]> {
  return db
    .select()
    .from(trialMetrics)
    .where(eq(trialMetrics.trialId, trialId))
    .orderBy(asc(trialMetrics.epoch));
}

/** Every epoch of every trial of a sweep, by trial index then epoch (learning curves in one query). */
export async function listSweepMetrics(db: Database, sweepId: string): Promise<TrialMetricRow[]> {
  return db
    .select(getTableColumns(trialMetrics))
    .from(trialMetrics)
    .innerJoin(trials, eq(trials.id, trialMetrics.trialId))
    .where(eq(trials.sweepId, sweepId))
    .orderBy(asc(trials.index), asc(trialMetrics.epoch));
}
