import fs from 'node:fs';
import path from 'node:path';
import { isHeadroomError } from '@headroom/errors';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '@headroom/test-support';
import { openPglite, tempDir } from '../test/databases';
import { openDatabase } from './database';
import type { Database } from './database';
import { getSweep, insertSweep } from './queries/sweeps';
import { MIGRATIONS_FOLDER } from './migrations';

const journal = JSON.parse(
  fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'),
) as {
  entries: unknown[];
};

async function appliedMigrations(db: Database): Promise<number> {
  const result = await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return (result.rows[0] as { n: number }).n;
}

async function tableNames(db: Database): Promise<string[]> {
  const result = await db.execute(
    sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  return result.rows.map((r) => (r as { table_name: string }).table_name);
}

const TABLES = [
  'api_tokens',
  'audit_log',
  'checkpoints',
  'leaderboard_groups',
  'leaderboard_values',
  'sweep_owners',
  'sweeps',
  'trial_groups',
  'trial_metric_values',
  'trial_metrics',
  'trials',
  'workers',
];

async function openError(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected openDatabase to fail');
    },
    (err: unknown) => err,
  );
}

describe('migrations', () => {
  it('are found from the package root, where dist/ and src/ both resolve them', () => {
    expect(path.basename(MIGRATIONS_FOLDER)).toBe('drizzle');
    expect(path.dirname(MIGRATIONS_FOLDER)).toBe(path.resolve(__dirname, '..'));
    expect(journal.entries.length).toBeGreaterThan(0);
  });

  it('apply twice on PGlite: reopening a data directory keeps the data', async () => {
    const tmp = tempDir('reopen');
    try {
      const first = await openPglite(tmp.dir);
      expect(first.kind).toBe('pglite');
      await insertSweep(first.db, {
        id: 'kept',
        name: 'kept',
        task: 'chest',
        method: 'random',
        metricName: 'mean_auc',
        metricGoal: 'maximize',
        spec: {},
        trials: [],
      });
      await first.close();

      const second = await openPglite(tmp.dir);
      try {
        expect(await tableNames(second.db)).toEqual(TABLES);
        expect(await appliedMigrations(second.db)).toBe(journal.entries.length);
        expect((await getSweep(second.db, 'kept'))?.task).toBe('chest');
      } finally {
        await second.close();
      }
    } finally {
      tmp.remove();
    }
  });

  it('apply twice on Postgres, also when two processes start at once', async () => {
    const database = await createTestDatabase('headroom_db_test');
    try {
      // Concurrent first start: without the advisory lock both would create the same schema and tables.
      const [a, b] = await Promise.all([
        openDatabase({ url: database.url }),
        openDatabase({ url: database.url }),
      ]);
      await Promise.all([a.close(), b.close()]);
      const again = await openDatabase({ url: database.url, maxConnections: 2 });
      try {
        expect(again.kind).toBe('postgres');
        expect(await tableNames(again.db)).toEqual(TABLES);
        expect(await appliedMigrations(again.db)).toBe(journal.entries.length);
      } finally {
        await again.close();
      }
    } finally {
      await database.drop();
    }
  });
});

describe('openDatabase configuration', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('uses DATABASE_URL when no url is given, and reports an unreachable server as CONFIG', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    vi.stubEnv('DATABASE_URL', 'postgres://headroom:secret@127.0.0.1:1/headroom');
    const err = await openError(openDatabase());
    expect(isHeadroomError(err) && err.code).toBe('CONFIG');
    const message = (err as Error).message;
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('127.0.0.1:1/headroom');
    expect(message).not.toContain('secret');
  });

  it('reports a URL that is not a Postgres URL as CONFIG without echoing the password', async () => {
    for (const url of ['not a url', 'mysql://root:secret@db/headroom']) {
      const err = await openError(openDatabase({ url }));
      expect(isHeadroomError(err) && err.code).toBe('CONFIG');
      expect((err as Error).message).toContain('DATABASE_URL');
      expect((err as Error).message).not.toContain('secret');
    }
  });

  it('reports a database that does not exist as CONFIG', async () => {
    const url = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test');
    url.pathname = '/headroom_db_test_does_not_exist';
    const err = await openError(openDatabase({ url: url.toString() }));
    expect(isHeadroomError(err) && err.code).toBe('CONFIG');
    expect((err as Error).message).toContain('headroom_db_test_does_not_exist');
  });

  it("honours the URL's sslmode: TLS required of a server without it is refused, as CONFIG", async () => {
    // This machine's PostgreSQL does not offer TLS; a client that drops sslmode would connect.
    const url = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test');
    url.searchParams.set('sslmode', 'require');
    const err = await openError(openDatabase({ url: url.toString() }));
    expect(isHeadroomError(err) && err.code).toBe('CONFIG');
    expect((err as Error).message).toMatch(/does not support SSL/);
  });

  it('treats an empty DATABASE_URL as unset and opens in-memory PGlite', async () => {
    vi.stubEnv('DATABASE_URL', '');
    const handle = await openDatabase();
    try {
      expect(handle.kind).toBe('pglite');
      expect(await tableNames(handle.db)).toEqual(TABLES);
    } finally {
      await handle.close();
    }
    await handle.close(); // closing twice is harmless
  });
});
