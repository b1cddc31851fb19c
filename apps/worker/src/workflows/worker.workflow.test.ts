import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { WorkerStatus } from '@headroom/sweep';
import {
  CONTROL_TASK_QUEUE,
  WORKER_WORKFLOW_TYPE,
  workerSeenSignal,
  workerStoppedSignal,
  workerWorkflowId,
  type WorkerInfo,
} from '@headroom/sweep/temporal';
import { createTestWorkflowEnvironment, waitFor } from '@headroom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlActivities } from '../activities/control.activities';

/**
 * The worker workflow against a real Temporal dev server, its control activities faked: what it
 * writes as a train worker reports, falls silent, comes back and stops. A worker reporting every
 * 200 ms is lost after 600 ms of silence. `HEADROOM_RECORD_HISTORIES=1` records its history for
 * replay.test.ts.
 */
const writes: Array<{ status: WorkerStatus | 'registered'; at: string }> = [];
const control = {
  async registerWorker(info: WorkerInfo) {
    writes.push({ status: 'registered', at: info.startedAt });
  },
  async markWorkerSeen({ at, status }: { id: string; at: string; status: WorkerStatus }) {
    writes.push({ status, at });
  },
} as Partial<ControlActivities>;

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  env = await createTestWorkflowEnvironment();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: CONTROL_TASK_QUEUE,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: join(__dirname, 'index.ts'),
      logger: new DefaultLogger('ERROR'),
    }),
    activities: control,
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
}, 60_000);

describe('workerWorkflow', () => {
  it('marks a silent worker lost once, running again when it reports, stopped when it stops', async () => {
    const info: WorkerInfo = {
      id: `train@test/${Date.now()}`,
      pool: 'default',
      host: 'test',
      pid: 1,
      backend: 'cpu',
      device: 'cpu',
      slots: 1,
      startedAt: '2026-12-01T00:00:00.000Z',
      reportEveryMs: 200,
    };
    const workflowId = workerWorkflowId(info.id);
    const seen = (at: string) =>
      env.client.workflow.signalWithStart(WORKER_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: CONTROL_TASK_QUEUE,
        args: [info],
        signal: workerSeenSignal,
        signalArgs: [{ at }],
      });
    await seen('2026-12-01T00:00:01.000Z');
    await waitFor(
      'the worker to be lost',
      async () => writes.some((w) => w.status === 'lost'),
      20_000,
      50,
    );
    // Silent for several more periods: still one `lost`, at the last time it was heard.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(writes).toEqual([
      { status: 'registered', at: info.startedAt },
      { status: 'running', at: '2026-12-01T00:00:01.000Z' },
      { status: 'lost', at: '2026-12-01T00:00:01.000Z' },
    ]);
    await seen('2026-12-01T00:00:09.000Z');
    await waitFor('the worker to run again', async () => writes.length === 4, 20_000, 50);
    const handle = env.client.workflow.getHandle(workflowId);
    await handle.signal(workerStoppedSignal, { at: '2026-12-01T00:00:10.000Z' });
    await handle.result();
    expect(writes.slice(3)).toEqual([
      { status: 'running', at: '2026-12-01T00:00:09.000Z' },
      { status: 'stopped', at: '2026-12-01T00:00:10.000Z' },
    ]);
    if (process.env.HEADROOM_RECORD_HISTORIES === '1') {
      const dir = join(__dirname, 'histories');
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'worker-lost.json'),
        `${historyToJSON(await handle.fetchHistory())}\n`,
      );
    }
  });
});
