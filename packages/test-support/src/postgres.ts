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

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
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
