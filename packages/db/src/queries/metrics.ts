import { asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../database';
import { getTableColumns } from 'drizzle-orm';
import type { TrialMetricRow } from '../rows';
import { trialMetrics, trials } from '../schema';
import { trialNotFound } from './trials';

export type RecordEpochMetricsInput = Pick<
  typeof trialMetrics.$inferInsert,
  'trialId' | 'epoch' | 'metrics' | 'breakdown'
>;

/** One row per trial and epoch however often an epoch is reported; the latest report wins. */
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
      .where(eq(trials.id, input.trialId))
      .returning({ id: trials.id });
    if (updated.length === 0) throw trialNotFound(input.trialId);
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
