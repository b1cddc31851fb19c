import { asc, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../database';
import type { CheckpointRow } from '../rows';
import { checkpoints } from '../schema';
import { FOREIGN_KEY_VIOLATION, sqlState } from './pg-error';
import { trialNotFound } from './trials';

export type RecordCheckpointInput = Pick<
  typeof checkpoints.$inferInsert,
  'trialId' | 'epoch' | 'path' | 'sizeBytes' | 'sha256'
>;

/** One row per trial and epoch; a re-saved checkpoint replaces the old record. */
export async function recordCheckpoint(db: Database, input: RecordCheckpointInput): Promise<void> {
  const { trialId, epoch, path, sizeBytes, sha256 } = input;
  try {
    await db
      .insert(checkpoints)
      .values({ trialId, epoch, path, sizeBytes, sha256 })
      .onConflictDoUpdate({
        target: [checkpoints.trialId, checkpoints.epoch],
        set: { path, sizeBytes, sha256, updatedAt: sql`now()` },
      });
  } catch (err) {
    if (sqlState(err) === FOREIGN_KEY_VIOLATION) throw trialNotFound(trialId);
    throw err;
  }
}

/** A trial's checkpoints, oldest epoch first. */
export async function listCheckpoints(db: Database, trialId: string): Promise<CheckpointRow[]> {
  return db
    .select()
    .from(checkpoints)
    .where(eq(checkpoints.trialId, trialId))
    .orderBy(asc(checkpoints.epoch));
}

/** The newest checkpoint recorded for a trial, where a re-run resumes (the trainer checks it is intact). */
export async function latestCheckpoint(
  db: Database,
  trialId: string,
): Promise<CheckpointRow | undefined> {
  const rows = await db
    .select()
    .from(checkpoints)
    .where(eq(checkpoints.trialId, trialId))
    .orderBy(desc(checkpoints.epoch))
    .limit(1);
  return rows[0];
}
