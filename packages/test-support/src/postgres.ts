import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server test databases are created on: CI sets DATABASE_URL, locally the trust-auth one. */
export const TEST_POSTGRES_URL =
  process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** The new database's URL (same server, user and options as TEST_POSTGRES_URL). */
  url: string;
  name: string;
  /** Drops it, with any connections still open (a test that failed mid-way may leave some). */
  drop(): Promise<void>;
}

/**
 * Errors of a server that is restarting (the chaos test restarts the shared PostgreSQL while the
 * other lane's tests run): the connection terminated by the administrator, refused or reset.
 */
function restarting(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    e.code === '57P01' ||
    e.code === '57P03' ||
    e.code === 'ECONNREFUSED' ||
    e.code === 'ECONNRESET' ||
    /terminat|Connection terminated/i.test(e.message ?? '')
  );
}

/** One admin statement on its own connection, tried again for up to 30 s while the server restarts. */
async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await run(client);
    } catch (err) {
      if (!restarting(err) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * A fresh, empty database per test file (or per test), so parallel and repeated runs never share rows.
 * `prefix` names the caller in `\l` when one is left behind: letters, digits and `_` only.
 */
export async function createTestDatabase(prefix = 'headroom_test'): Promise<TestDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) {
    throw new Error(
      `createTestDatabase: prefix ${JSON.stringify(prefix)} must be lower-case letters, digits and _`,
    );
  }
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
