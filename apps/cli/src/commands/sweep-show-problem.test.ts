import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DbHandle,
  insertSweep,
  openDatabase,
  setSweepStatus,
  sweepRegistration,
} from '@headroom/db';
import { parseSweepSpec } from '@headroom/sweep';
import { CONTROL_TASK_QUEUE, SWEEP_WORKFLOW_TYPE, sweepWorkflowId } from '@headroom/sweep/temporal';
import { startProcess, type ManagedProcess } from '@headroom/stack';
import {
  createTestDatabase,
  createTestWorkflowEnvironment,
  type TestDatabase,
} from '@headroom/test-support';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiTarget } from '../graphql-client';
import { appEntry } from '../stack/local-stack';
import { readTokenFile } from '../stack-state';
import { showSweepCommand } from './sweep';

// The real API (dist/main.js) with a Temporal dev server; no control worker: the sweeps here
// are written straight to the database, and their workflows are what the test makes them.
const dataDir = mkdtempSync(join(tmpdir(), 'headroom-show-problem-'));
let database: TestDatabase;
let handle: DbHandle;
let env: TestWorkflowEnvironment;
let proc: ManagedProcess;
let api: ApiTarget;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = await openDatabase({ url: database.url, maxConnections: 2 });
  env = await createTestWorkflowEnvironment();
  const started = await startProcess({
    name: 'api',
    command: process.execPath,
    args: [appEntry('api')],
    env: {
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: env.address,
      HOST: '127.0.0.1',
      PORT: '0',
      HEADROOM_ADMIN_TOKEN_FILE: join(dataDir, 'token'),
    },
    ready: /listening on (http:\/\/\S+)/,
    readyTimeoutMs: 60_000,
  });
  proc = started.proc;
  api = { url: started.match[1]!, token: readTokenFile(join(dataDir, 'token')) };
}, 120_000);

afterAll(async () => {
  await proc?.stop();
  await env?.teardown();
  await handle?.close();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

async function runningSweep(id: string) {
  const spec = parseSweepSpec({
    name: id,
    task: 'pose3d',
    dataset: { kind: 'synthetic' },
    method: 'grid',
    parameters: { d_m: { value: 64 }, heads: { value: 4 }, seed: { values: [1, 2] } },
  });
  await insertSweep(handle.db, sweepRegistration(id, spec));
  await setSweepStatus(handle.db, id, 'running');
}

async function show(id: string, json: boolean): Promise<string[]> {
  const printed: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    printed.push(String(line));
  });
  try {
    expect(await showSweepCommand(id, { api, json })).toBe(0);
  } finally {
    log.mockRestore();
  }
  return printed;
}

describe('`headroom sweep show` of a sweep that cannot progress', () => {
  it('says its workflow ended, and why, in text and in JSON', async () => {
    const id = 'swendedbyhnd';
    await runningSweep(id);
    const wf = await env.client.workflow.start(SWEEP_WORKFLOW_TYPE, {
      workflowId: sweepWorkflowId(id),
      taskQueue: CONTROL_TASK_QUEUE,
      args: [{ sweepId: id }],
    });
    await wf.terminate('stopped by hand');

    const text = (await show(id, false)).join('\n');
    expect(text).toContain(
      `stalled (workflow_ended): its workflow ${sweepWorkflowId(id)} (namespace default, task queue ${CONTROL_TASK_QUEUE}) ended terminated: stopped by hand`,
    );
    const json = JSON.parse((await show(id, true)).at(-1)!) as Record<string, unknown>;
    expect(json).toMatchObject({ id, status: 'running', problem: { kind: 'workflow_ended' } });
  });

  it('says Temporal has no workflow for a sweep that lost it', async () => {
    const id = 'swlostitswfl';
    await runningSweep(id);
    const text = (await show(id, false)).join('\n');
    expect(text).toContain(
      `stalled (no_workflow): Temporal has no workflow ${sweepWorkflowId(id)}`,
    );
  });

  it('shows no problem once the sweep has ended', async () => {
    const id = 'swendedwellx';
    await runningSweep(id);
    await setSweepStatus(handle.db, id, 'succeeded');
    const json = JSON.parse((await show(id, true)).at(-1)!) as Record<string, unknown>;
    expect(json).toMatchObject({ id, status: 'succeeded', problem: null });
  });
});
