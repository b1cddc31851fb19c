import { asc, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../database';
import { workerColumns, type WorkerRow } from '../rows';
import { workers } from '../schema';

export interface RegisterWorkerInput {
  id: string;
  pool: string;
  host: string;
  pid: number;
  backend: string;
  device: string;
  slots: number;
  startedAt: Date;
}

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
  status: 'running' | 'stopped' = 'running',
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

export async function listWorkers(db: Database, opts: { pool?: string } = {}): Promise<WorkerRow[]> {
  const q = db.select(workerColumns).from(workers);
  return (opts.pool ? q.where(eq(workers.pool, opts.pool)) : q).orderBy(asc(workers.pool), desc(workers.lastSeenAt));
}
