import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_POSTGRES_URL } from './postgres';

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return (
      (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1
    );
  } finally {
    await client.end();
  }
}

describe('createTestDatabase', () => {
  it('creates an empty database of its own and drops it even with a connection still open', async () => {
    const [a, b] = [await createTestDatabase('ts_check'), await createTestDatabase('ts_check')];
    expect(a.name).not.toBe(b.name);
    expect(a.name).toMatch(/^ts_check_[0-9a-f]{12}$/);
    const open = new pg.Client({ connectionString: a.url });
    await open.connect();
    open.on('error', () => {}); // the forced drop ends this session
    const { rows } = await open.query<{ db: string }>('select current_database() as db');
    expect(rows[0]?.db).toBe(a.name);
    await a.drop();
    await b.drop();
    expect(await databaseExists(a.name)).toBe(false);
    expect(await databaseExists(b.name)).toBe(false);
    await open.end().catch(() => {});
  });

  it('refuses a prefix that would need quoting', async () => {
    await expect(createTestDatabase('Bad-Name')).rejects.toThrow(/lower-case letters/);
  });
});
