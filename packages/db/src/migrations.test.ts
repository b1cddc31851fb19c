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

// Each test starts from the shape before a migration, writes rows in that shape, applies the
// migration (and the ones after it, as a real upgrade does) and reads where the data went.
describe.each(BACKENDS)('data-moving migrations on $kind', (backend) => {
  it("0004_typed_metric_values moves today's jsonb metrics into typed tables, numbers only", async () => {
    const tmp = tempDir('migration');
    const db = await backend.open();
    try {
      await db.migrate(migrationsUpTo(tmp.dir, '0003_trial_results'));
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
      await db.migrate(migrationsUpTo(tmp.dir, '0004_typed_metric_values'));

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

  it('0005_leaderboard_values groups every trial and moves final values, adding best epochs (and 0007 copies key and rest, 0012 keeps sums)', async () => {
    const tmp = tempDir('migration');
    const db = await backend.open();
    try {
      await db.migrate(migrationsUpTo(tmp.dir, '0004_typed_metric_values'));
      // Two seeds of one geometry and lr, one of another lr, a pending trial; pose3d minimizes.
      await db.run(`
        insert into sweeps (id, name, task, method, metric_name, metric_goal, spec)
          values ('s', 's', 'pose3d', 'grid', 'mpjpe', 'minimize', '{}');
        insert into trials (id, sweep_id, index, status, params, d_m, heads, d_h, qk_tied, epochs, metrics, param_count, flops)
          values
            ('s-0', 's', 0, 'succeeded', '{"d_m": 64, "heads": 4, "d_h": 16, "qk_tied": false, "lr": 0.1, "seed": 0}', 64, 4, 16, false, 2, '{"mpjpe": 50}', 1000, 2000),
            ('s-1', 's', 1, 'succeeded', '{"seed": 1, "lr": 0.1, "d_m": 64, "heads": 4, "d_h": 16, "qk_tied": false}', 64, 4, 16, false, 2, '{"mpjpe": 45}', 1000, 2000),
            ('s-2', 's', 2, 'succeeded', '{"d_m": 64, "heads": 4, "d_h": 16, "qk_tied": false, "lr": 0.2, "seed": 0}', 64, 4, 16, false, 2, '{"mpjpe": 70}', 1000, null),
            ('s-3', 's', 3, 'pending', '{"d_m": 64, "heads": 4, "d_h": 16, "qk_tied": false, "lr": 0.2, "seed": 1}', 64, 4, 16, false, 2, null, null, null);
        insert into trial_final_metrics (trial_id, name, value, task, sweep_id) values
          ('s-0', 'mpjpe', 50, 'pose3d', 's'), ('s-1', 'mpjpe', 45, 'pose3d', 's'), ('s-2', 'mpjpe', 70, 'pose3d', 's');
        insert into trial_metric_values (trial_id, epoch, name, value, task) values
          ('s-0', 1, 'mpjpe', 40, 'pose3d'), ('s-0', 2, 'mpjpe', 50, 'pose3d'),
          ('s-1', 1, 'mpjpe', 45, 'pose3d'), ('s-1', 2, 'mpjpe', 45, 'pose3d'),
          ('s-2', 1, 'mpjpe', 70, 'pose3d'), ('s-2', 1, 'loss', 3, 'pose3d');
      `);
      await db.migrate(MIGRATIONS_FOLDER);

      const groups = await db.run(
        `select t.id, g.d_m, g.rest from trials t join trial_groups g on g.id = t.group_id order by t.id`,
      );
      expect(groups.map((g) => [g.id, g.d_m, g.rest])).toEqual([
        ['s-0', 64, { lr: 0.1 }],
        ['s-1', 64, { lr: 0.1 }],
        ['s-2', 64, { lr: 0.2 }],
        ['s-3', 64, { lr: 0.2 }],
      ]);
      const [same] = await db.run(
        `select count(distinct group_id)::int as n from trials where id in ('s-0', 's-1')`,
      );
      expect(same).toEqual({ n: 1 }); // the key ignores the order of the keys and the seed
      const values = await db.run(
        `select trial_id, pick, name, value, epoch, param_count::integer, flops::integer from leaderboard_values order by trial_id, pick`,
      );
      // Best: the earliest of equal values (s-1), no row for a metric without a goal (loss).
      expect(values).toEqual([
        {
          trial_id: 's-0',
          pick: 'best',
          name: 'mpjpe',
          value: 40,
          epoch: 1,
          param_count: 1000,
          flops: 2000,
        },
        {
          trial_id: 's-0',
          pick: 'final',
          name: 'mpjpe',
          value: 50,
          epoch: null,
          param_count: 1000,
          flops: 2000,
        },
        {
          trial_id: 's-1',
          pick: 'best',
          name: 'mpjpe',
          value: 45,
          epoch: 1,
          param_count: 1000,
          flops: 2000,
        },
        {
          trial_id: 's-1',
          pick: 'final',
          name: 'mpjpe',
          value: 45,
          epoch: null,
          param_count: 1000,
          flops: 2000,
        },
        {
          trial_id: 's-2',
          pick: 'best',
          name: 'mpjpe',
          value: 70,
          epoch: 1,
          param_count: 1000,
          flops: null,
        },
        {
          trial_id: 's-2',
          pick: 'final',
          name: 'mpjpe',
          value: 70,
          epoch: null,
          param_count: 1000,
          flops: null,
        },
      ]);
      // The groups' statistics, from those values: the lr 0.1 group pools seeds 0 and 1; 0012 adds
      // the sums they are kept by and derives mean and std from them.
      const stats = await db.run(
        `select t.id, s.pick, s.n, s.sum, s.sum_sq_dev, s.mean, s.std, s.min, s.max from leaderboard_groups s
         join trials t on t.group_id = s.group_id and t.index in (0, 2) order by t.id, s.pick`,
      );
      expect(stats).toEqual([
        {
          id: 's-0',
          pick: 'best',
          n: 2,
          sum: 85,
          sum_sq_dev: 12.5,
          mean: 42.5,
          std: Math.sqrt(12.5),
          min: 40,
          max: 45,
        },
        {
          id: 's-0',
          pick: 'final',
          n: 2,
          sum: 95,
          sum_sq_dev: 12.5,
          mean: 47.5,
          std: Math.sqrt(12.5),
          min: 45,
          max: 50,
        },
        // One value: no spread, and no sample std.
        ...['best', 'final'].map((pick) => ({
          id: 's-2',
          pick,
          n: 1,
          sum: 70,
          sum_sq_dev: 0,
          mean: 70,
          std: null,
          min: 70,
          max: 70,
        })),
      ]);
      // 0007_leaderboard_ranking: each row carries its group's key and rest.
      const copied = await db.run(
        `select distinct s.rest, s.key = g.key as same_key from leaderboard_groups s
         join trial_groups g on g.id = s.group_id order by s.rest`,
      );
      expect(copied).toEqual([
        { rest: { lr: 0.1 }, same_key: true },
        { rest: { lr: 0.2 }, same_key: true },
      ]);
      const gone = await db.run(`select to_regclass('trial_final_metrics') as t`);
      expect(gone).toEqual([{ t: null }]);
    } finally {
      await db.close();
      tmp.remove();
    }
  });
});
