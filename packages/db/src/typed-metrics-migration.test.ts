import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createTestDatabase } from '@headroom/test-support';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/databases';
import { MIGRATIONS_FOLDER } from './migrations';

/** The migration under test and the one before it (the old shape). */
const MIGRATION = '0004_typed_metric_values';
const BEFORE = '0003_trial_results';

interface Journal {
  entries: Array<{ tag: string }>;
}

/** A copy of the migrations folder whose journal stops at `lastTag`. */
function migrationsUpTo(dir: string, lastTag: string): string {
  const folder = path.join(dir, lastTag);
  fs.cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const file = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(file, 'utf8')) as Journal;
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  expect(last, `${lastTag} in the journal`).toBeGreaterThanOrEqual(0);
  journal.entries = journal.entries.slice(0, last + 1);
  fs.writeFileSync(file, JSON.stringify(journal));
  return folder;
}

interface Migratable {
  run(query: string): Promise<Array<Record<string, unknown>>>;
  migrate(folder: string): Promise<void>;
  close(): Promise<void>;
}

const BACKENDS: Array<{ kind: string; open(): Promise<Migratable> }> = [
  {
    kind: 'pglite',
    open: async () => {
      const client = await PGlite.create();
      const db = drizzlePglite({ client });
      return {
        // exec: several statements in one string, as pg's simple query does.
        run: async (q) =>
          ((await client.exec(q)).at(-1)?.rows ?? []) as Array<Record<string, unknown>>,
        migrate: (folder) => migratePglite(db, { migrationsFolder: folder }),
        close: () => client.close(),
      };
    },
  },
  {
    kind: 'postgres',
    open: async () => {
      const database = await createTestDatabase('headroom_db_migration');
      const pool = new pg.Pool({ connectionString: database.url, max: 2 });
      const db = drizzleNodePg({ client: pool });
      return {
        run: async (q) => (await pool.query(q)).rows as Array<Record<string, unknown>>,
        migrate: (folder) => migrateNodePg(db, { migrationsFolder: folder }),
        close: async () => {
          await pool.end();
          await database.drop();
        },
      };
    },
  },
];

describe.each(BACKENDS)(`${MIGRATION} on $kind`, (backend) => {
  it("moves today's jsonb metrics into the typed tables, numbers only", async () => {
    const tmp = tempDir('migration');
    const db = await backend.open();
    try {
      await db.migrate(migrationsUpTo(tmp.dir, BEFORE));
      // Rows in the old shape: metrics only in jsonb, with a null (NaN on the wire) and a string.
      await db.run(`
        insert into sweeps (id, name, task, method, metric_name, metric_goal, spec)
          values ('s', 's', 'pose3d', 'grid', 'mpjpe', 'minimize', '{}');
        insert into trials (id, sweep_id, index, status, params, d_m, heads, d_h, qk_tied, epochs, metrics)
          values
            ('s-0', 's', 0, 'succeeded', '{"seed": 0}', 64, 4, 16, false, 2, '{"mpjpe": 41.5, "p_mpjpe": null}'),
            ('s-1', 's', 1, 'failed', '{"seed": 1}', 64, 4, 16, false, 2, null),
            ('s-2', 's', 2, 'running', '{"seed": 2}', 64, 4, 16, false, 2, '{"mpjpe": 50}');
        insert into trial_metrics (trial_id, epoch, metrics) values
          ('s-0', 1, '{"mpjpe": 60.25, "p_mpjpe": 40, "note": "x"}'),
          ('s-0', 2, '{"mpjpe": 41.5, "p_mpjpe": null}'),
          ('s-1', 1, '{"mpjpe": 1e-3}');
      `);
      await db.migrate(MIGRATIONS_FOLDER);

      const values = await db.run(
        `select trial_id, epoch, name, value, task from trial_metric_values order by trial_id, epoch, name`,
      );
      expect(values).toEqual([
        { trial_id: 's-0', epoch: 1, name: 'mpjpe', value: 60.25, task: 'pose3d' },
        { trial_id: 's-0', epoch: 1, name: 'p_mpjpe', value: 40, task: 'pose3d' },
        { trial_id: 's-0', epoch: 2, name: 'mpjpe', value: 41.5, task: 'pose3d' },
        { trial_id: 's-1', epoch: 1, name: 'mpjpe', value: 0.001, task: 'pose3d' },
      ]);
      // Final values of succeeded trials only (s-2's metrics are not a final report).
      const finals = await db.run(
        `select trial_id, name, value, task, sweep_id from trial_final_metrics order by trial_id, name`,
      );
      expect(finals).toEqual([
        { trial_id: 's-0', name: 'mpjpe', value: 41.5, task: 'pose3d', sweep_id: 's' },
      ]);
      const flops = await db.run(`select count(*)::int as n from trials where flops is null`);
      expect(flops).toEqual([{ n: 3 }]);
    } finally {
      await db.close();
      tmp.remove();
    }
  });
});
