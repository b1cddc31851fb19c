import type { PGlite } from '@electric-sql/pglite';
import { HeadroomError } from '@headroom/errors';
import { and, eq, gte, inArray } from 'drizzle-orm';
import pg from 'pg';
import type { Database } from './database';
import type { SweepRow, TrialRow, WorkerRow } from './rows';
import { sweeps, trials, workers } from './schema';

/**
 * The channel the database's triggers (migration 0006_events) NOTIFY on every write to sweeps,
 * trials, trial_metrics and workers, at commit, whoever the writer.
 */
export const EVENTS_CHANNEL = 'headroom_events';

/** What a notification names; the rows are loaded by the listener (`rowsOfEvent`…). */
export type DatabaseEvent =
  | { kind: 'sweep'; id: string }
  /** Trials of one sweep written by one statement (also an epoch recorded): at most 500 indexes. */
  | { kind: 'trial'; sweepId: string; indexes: number[] }
  | { kind: 'worker'; id: string };

export interface DatabaseEventHandlers {
  onEvent(event: DatabaseEvent): void;
  /**
   * The listener lost its connection and is listening again: events committed since `since`
   * (the database's clock, with a margin) may never arrive; re-read what changed since then.
   */
  onGap?(since: Date): void;
  /** A lost connection or a failed reconnection attempt (it keeps trying); for logs. */
  onError?(err: Error): void;
}

export interface DatabaseEventListener {
  close(): Promise<void>;
}

/** Parses a notification's payload; null for one this version does not know. */
export function parseDatabaseEvent(payload: string): DatabaseEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if ((v.kind === 'sweep' || v.kind === 'worker') && typeof v.id === 'string')
    return { kind: v.kind, id: v.id };
  if (
    v.kind === 'trial' &&
    typeof v.sweepId === 'string' &&
    Array.isArray(v.indexes) &&
    v.indexes.every((i) => Number.isInteger(i))
  )
    return { kind: 'trial', sweepId: v.sweepId, indexes: v.indexes as number[] };
  return null;
}

/** In-process PGlite: its own `listen` (the writes go through the same client). */
export async function listenPglite(
  client: PGlite,
  handlers: DatabaseEventHandlers,
): Promise<DatabaseEventListener> {
  const unlisten = await client.listen(EVENTS_CHANNEL, (payload) => {
    const event = parseDatabaseEvent(payload);
    if (event) handlers.onEvent(event);
  });
  let closing: Promise<void> | undefined;
  return { close: () => (closing ??= unlisten().catch(() => undefined)) };
}

export interface PostgresListenOptions {
  /** How often the listening connection is checked (a query), so a silent drop is noticed. */
  keepAliveMs?: number;
  /** First reconnection delay; it doubles up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How long the first connection is tried again while the server restarts (then CONFIG). */
  startRetryMs?: number;
}

const KEEP_ALIVE_MS = 15_000;
const BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;
const START_RETRY_MS = 30_000;

/**
 * A server that is restarting, not a wrong DATABASE_URL: shutting down or starting up (57P01,
 * 57P03), refusing or resetting connections. A wrong host, user, password or database fails at once.
 */
function serverRestarting(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === '57P01' || code === '57P03' || code === 'ECONNREFUSED' || code === 'ECONNRESET';
}
/** A write's updated_at is taken before its commit; a gap reaches back this far before the last check. */
const GAP_MARGIN_MS = 60_000;

/**
 * LISTENs on a dedicated connection (not a pool's: LISTEN belongs to a session), PostgreSQL or
 * PGlite served over the wire alike (the server relays notifications, see socket-queue.ts).
 * A dropped connection is reopened with backoff; then `onGap` says since when events may be lost.
 * The first connection must succeed (CONFIG error otherwise), waited for up to `startRetryMs`
 * while the server is restarting.
 */
export async function listenPostgres(
  url: string,
  handlers: DatabaseEventHandlers,
  opts: PostgresListenOptions = {},
): Promise<DatabaseEventListener> {
  const keepAliveMs = opts.keepAliveMs ?? KEEP_ALIVE_MS;
  const maxBackoffMs = opts.maxBackoffMs ?? MAX_BACKOFF_MS;
  let client: pg.Client | undefined;
  let closed = false;
  /** The database's clock when the connection last answered. */
  let aliveAt: Date | undefined;
  let keepAlive: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  const firstBackoff = opts.backoffMs ?? BACKOFF_MS;
  let backoff = firstBackoff;
  /** The delay before the next attempt; the one after it doubles, up to maxBackoffMs. */
  const nextDelay = () => {
    const delay = backoff;
    backoff = Math.min(backoff * 2, maxBackoffMs);
    return delay;
  };

  const check = async (c: pg.Client) => {
    const { rows } = await c.query<{ now: Date }>('select now() as now');
    aliveAt = rows[0]!.now;
  };

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: url, application_name: 'headroom-events' });
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost) return;
      lost = true;
      if (client === c) client = undefined;
      clearInterval(keepAlive);
      c.end().catch(() => undefined);
      if (closed) return;
      handlers.onError?.(err ?? new Error('the listening connection ended'));
      scheduleReconnect();
    };
    c.on('notification', (n) => {
      if (n.channel !== EVENTS_CHANNEL || n.payload === undefined) return;
      const event = parseDatabaseEvent(n.payload);
      if (event) handlers.onEvent(event);
    });
    c.on('error', onLost);
    c.on('end', () => onLost());
    try {
      await c.connect();
      await c.query(`LISTEN ${EVENTS_CHANNEL}`);
      const before = aliveAt;
      await check(c);
      if (closed) {
        await c.end();
        return;
      }
      client = c;
      keepAlive = setInterval(() => void check(c).catch((err: Error) => onLost(err)), keepAliveMs);
      keepAlive.unref();
      if (before !== undefined) handlers.onGap?.(new Date(before.getTime() - GAP_MARGIN_MS));
    } catch (err) {
      lost = true;
      await c.end().catch(() => undefined);
      throw err;
    }
  }

  function scheduleReconnect(): void {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().then(
        () => (backoff = firstBackoff),
        (err: Error) => {
          handlers.onError?.(err);
          scheduleReconnect();
        },
      );
    }, nextDelay());
    retry.unref();
  }

  // The caller has usually just used the database (migrations, the admin token): a server that
  // is restarting at this moment is waited for, with the reconnections' backoff.
  const startDeadline = Date.now() + (opts.startRetryMs ?? START_RETRY_MS);
  for (;;) {
    try {
      await connect();
      break;
    } catch (err) {
      if (serverRestarting(err) && Date.now() < startDeadline) {
        await new Promise((r) => setTimeout(r, nextDelay()));
        continue;
      }
      throw new HeadroomError(
        'CONFIG',
        `Cannot LISTEN for database events on DATABASE_URL: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  backoff = firstBackoff;
  let closing: Promise<void> | undefined;
  return {
    close: () =>
      (closing ??= (async () => {
        closed = true;
        clearTimeout(retry);
        clearInterval(keepAlive);
        await client?.end().catch(() => undefined);
      })()),
  };
}

// The rows events name, loaded in one query per event (a listener batches subscribers' loads).

/** Indexes per query: a batch of events may name a whole 10⁵-trial sweep. */
const INDEXES_PER_QUERY = 5_000;

/** Trials of a sweep at these indexes, in index order. */
export async function trialsAt(
  db: Database,
  sweepId: string,
  indexes: readonly number[],
): Promise<TrialRow[]> {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const rows: TrialRow[] = [];
  for (let at = 0; at < sorted.length; at += INDEXES_PER_QUERY) {
    const part = sorted.slice(at, at + INDEXES_PER_QUERY);
    rows.push(
      ...(await db
        .select()
        .from(trials)
        .where(and(eq(trials.sweepId, sweepId), inArray(trials.index, part)))
        .orderBy(trials.index)),
    );
  }
  return rows;
}

/** Trials of a sweep written at or after `since` (after a gap in the events), in index order. */
export async function trialsChangedSince(
  db: Database,
  sweepId: string,
  since: Date,
): Promise<TrialRow[]> {
  return db
    .select()
    .from(trials)
    .where(and(eq(trials.sweepId, sweepId), gte(trials.updatedAt, since)))
    .orderBy(trials.index);
}

export async function sweepsByIds(db: Database, ids: readonly string[]): Promise<SweepRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(sweeps)
    .where(inArray(sweeps.id, [...ids]));
}

export async function workersByIds(db: Database, ids: readonly string[]): Promise<WorkerRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(workers)
    .where(inArray(workers.id, [...ids]));
}

/** Every worker written at or after `since`. */
export async function workersChangedSince(db: Database, since: Date): Promise<WorkerRow[]> {
  return db.select().from(workers).where(gte(workers.updatedAt, since));
}
