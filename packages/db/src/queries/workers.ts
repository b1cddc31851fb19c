import { asc, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../database';
import type { WorkerStatus } from '@headroom/sweep';
import type { WorkerRow } from '../rows';
import { workers } from '../schema';

/** What a train worker says about itself when it starts; status and last-seen are kept here. */
export type RegisterWorkerInput = Pick<
  typeof workers.$inferInsert,
  'id' | 'pool' | 'host' | 'pid' | 'backend' | 'device' | 'slots' | 'startedAt'
>;

/** Upsert by identity: a worker announcing itself again (or twice) stays one row. */
export async function registerWorker(db: Database, w: RegisterWorkerInput): Promise<void> {
  await db
    .insert(workers)
    .values({ ...w, status: 'running', lastSeenAt: w.startedAt })
    .onConflictDoUpdate({
      target: workers.id,
      set: {
        pool: w.pool,
        backend: w.backend,
        device: w.device,
        slots: w.slots,
        status: 'running',
        lastSeenAt: sql`greatest(${workers.lastSeenAt}, ${w.startedAt.toISOString()}::timestamptz)`,
        updatedAt: sql`now()`,
      },
    });
}

/** Moves `lastSeenAt` forward only: heartbeats may be persisted out of order. */
export async function markWorkerSeen(
  db: Database,
  id: string,
  at: Date,
  status: WorkerStatus = 'running',
): Promise<void> {
  await db
    .update(workers)
    .set({
      lastSeenAt: sql`greatest(${workers.lastSeenAt}, ${at.toISOString()}::timestamptz)`,
      status,
      updatedAt: sql`now()`,
    })
    .where(eq(workers.id, id));
}

export async function listWorkers(
  db: Database,
  opts: { pool?: string } = {},
): Promise<WorkerRow[]> {
  const q = db.select().from(workers);
  return (opts.pool ? q.where(eq(workers.pool, opts.pool)) : q).orderBy(
    asc(workers.pool),
    desc(workers.lastSeenAt),
  );
}
