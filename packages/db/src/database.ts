import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { HeadroomError } from '@headroom/errors';
import { type Assume, sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import {
  type DatabaseEventHandlers,
  type DatabaseEventListener,
  listenPglite,
  listenPostgres,
} from './events';
import { MIGRATION_LOCK_KEY, migrationsFolder } from './migrations';
import { createFromTemplate, isNewDataDir } from './pglite-template';
import {
  checkpoints,
  leaderboardGroups,
  leaderboardValues,
  sweeps,
  trialGroups,
  trialMetrics,
  trialMetricValues,
  trials,
} from './schema';

export const schema = {
  sweeps,
  trials,
  trialMetrics,
  trialMetricValues,
  trialGroups,
  leaderboardValues,
  leaderboardGroups,
  checkpoints,
};
export type Schema = typeof schema;

/** What `db.execute` returns on both drivers (node-postgres QueryResult and PGlite Results share `rows`). */
export interface DatabaseQueryResultHKT extends PgQueryResultHKT {
  type: QueryRows<Assume<this['row'], Record<string, unknown>>>;
}

export interface QueryRows<TRow> {
  rows: TRow[];
}

/** A drizzle database over either driver; queries take this so they run on Postgres and PGlite alike. */
export type Database = PgDatabase<DatabaseQueryResultHKT, Schema>;

export interface DbHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  /**
   * Calls `handlers` for every change the database's triggers announce (events.ts), on a
   * connection of its own (PostgreSQL, or PGlite served over the wire) or PGlite's own `listen`.
   */
  listen(handlers: DatabaseEventHandlers): Promise<DatabaseEventListener>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres:// URL; defaults to DATABASE_URL. */
  url?: string;
  /** PGlite data directory when no URL is given; undefined means in-memory. */
  dataDir?: string;
  /** Pool size for Postgres (default 10). */
  maxConnections?: number;
}

const CASING = 'snake_case' as const;
const DEFAULT_MAX_CONNECTIONS = 10;
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Opens the database and brings its schema up to date.
 * `url ?? DATABASE_URL` selects PostgreSQL; otherwise PGlite at `dataDir` (in-memory when undefined).
 */
export async function openDatabase(opts: OpenDatabaseOptions = {}): Promise<DbHandle> {
  // An empty DATABASE_URL (common in compose files) means "not set", not "invalid".
  const url = opts.url ?? (process.env.DATABASE_URL || undefined);
  return url === undefined ? openPglite(opts.dataDir) : openPostgres(url, opts.maxConnections);
}

async function openPostgres(
  url: string,
  maxConnections = DEFAULT_MAX_CONNECTIONS,
): Promise<DbHandle> {
  const where = describePostgresUrl(url);
  const folder = migrationsFolder();
  const pool = new pg.Pool({
    connectionString: withoutJit(url),
    max: maxConnections,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // Without a listener an idle client's error (server restart, network blip) crashes the process;
  // the pool already drops that client and the next query connects afresh.
  pool.on('error', () => undefined);

  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new HeadroomError(
      'CONFIG',
      `Cannot connect to PostgreSQL at ${where} (DATABASE_URL): ${errorMessage(err)}. ` +
        `Check that the server is running and reachable from this machine and that DATABASE_URL's host, port, ` +
        `user, password and database name are right; unset DATABASE_URL to use the embedded PGlite database.`,
    );
  }

  try {
    // API and worker often start together: the lock makes the second wait, then find nothing to apply.
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrateNodePg(drizzleNodePg({ client, casing: CASING }), { migrationsFolder: folder });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
    client.release();
  } catch (err) {
    client.release(true);
    await pool.end().catch(() => undefined);
    throw new HeadroomError(
      'CONFIG',
      `Applying database migrations to ${where} (DATABASE_URL) failed: ${errorMessage(err)}. ` +
        `Check that the user may create tables there and that the database belongs to Headroom.`,
    );
  }

  const db: Database = drizzleNodePg({ client: pool, schema, casing: CASING });
  return {
    db,
    kind: 'postgres',
    listen: (handlers) => listenPostgres(url, handlers),
    close: once(() => pool.end()),
  };
}

async function openPglite(dataDir: string | undefined): Promise<DbHandle> {
  const folder = migrationsFolder();
  const dir = dataDir === undefined ? undefined : path.resolve(dataDir);
  const client = await openPgliteClient(dir);
  try {
    const db = drizzlePglite({ client, schema, casing: CASING });
    await migratePglite(db, { migrationsFolder: folder });
    return {
      db,
      kind: 'pglite',
      listen: (handlers) => listenPglite(client, handlers),
      close: once(() => client.close()),
    };
  } catch (err) {
    await client.close().catch(() => undefined);
    throw new HeadroomError(
      'CONFIG',
      `Applying database migrations to the embedded PGlite database${dir ? ` at ${dir}` : ''} failed: ${errorMessage(err)}.`,
    );
  }
}

/** Resolves when the database answers a trivial query (readiness probes); rejects otherwise. */
export async function pingDatabase(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}

/**
 * Opens a PGlite database, in memory or at `dataDir`, creating it (from the template, see
 * pglite-template.ts) when new; a data directory must belong to one process at a time.
 */
export async function openPgliteClient(dataDir: string | undefined): Promise<PGlite> {
  try {
    if (dataDir !== undefined) fs.mkdirSync(dataDir, { recursive: true });
    if (dataDir === undefined || isNewDataDir(dataDir)) return await createFromTemplate(dataDir);
    return await PGlite.create({ dataDir });
  } catch (err) {
    throw new HeadroomError(
      'CONFIG',
      `Cannot open the embedded PGlite database at ${dataDir ?? '(memory)'}: ${errorMessage(err)}. ` +
        `Check that the directory is writable and that no other process has it open ` +
        `(to share one database between processes, serve it and set DATABASE_URL).`,
    );
  }
}

export async function migrateEmbedded(client: PGlite): Promise<void> {
  await migratePglite(drizzlePglite({ client, casing: CASING }), {
    migrationsFolder: migrationsFolder(),
  });
}

/**
 * The URL with `-c jit=off` added to its startup options (kept if it has its own). Headroom's reads
 * are short: at 10⁵ trials the planner's guesses for the leaderboard's aggregates cross JIT's cost
 * threshold, and compiling takes a second for a query that runs in milliseconds. (PGlite has no JIT.)
 */
function withoutJit(url: string): string {
  const parsed = new URL(url);
  const options = parsed.searchParams.get('options');
  parsed.searchParams.set('options', options ? `${options} -c jit=off` : '-c jit=off');
  return parsed.toString();
}

/** host:port/database of a URL, without credentials, for messages; CONFIG error if it is not a Postgres URL. */
function describePostgresUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badUrl(url);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw badUrl(url);
  return `${parsed.host || 'localhost'}${parsed.pathname || '/'}`;
}

function badUrl(url: string): HeadroomError {
  const shown = url.replace(/\/\/([^/@]*)@/, '//***@');
  return new HeadroomError(
    'CONFIG',
    `DATABASE_URL is not a PostgreSQL URL (got '${shown}'): expected postgres://user:password@host:5432/database, ` +
      `or unset DATABASE_URL to use the embedded PGlite database.`,
  );
}

function errorMessage(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0)
    return err.errors.map(errorMessage).join('; ');
  // drizzle wraps driver errors as "Failed query: <sql>"; the driver's own message is the useful part.
  if (err instanceof Error && err.cause instanceof Error) return errorMessage(err.cause);
  if (err instanceof Error) return err.message || ('code' in err ? String(err.code) : err.name);
  return String(err);
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
