import { setTimeout as pause } from 'node:timers/promises';
import { type DbHandle, insertSweep, openDatabase } from '@headroom/db';
import { CONTROL_TASK_QUEUE, parseSweepText, SWEEP_WORKFLOW_TYPE, sweepWorkflowId, type SweepWorkflowInput } from '@headroom/sweep';
import { Client, defaultPayloadConverter, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, startApi } from './helpers/api-process';
import { createTestDatabase, createTestWorkflowEnvironment, type TestDatabase } from '@headroom/test-support';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { CREATE_SWEEP } from './helpers/specs';

// A real Temporal dev server but no control worker: the test plays the worker's first activity
// (read the workflow's input, write the sweep) to see createSweep start the right workflow and wait for it.
let database: TestDatabase;
let handle: DbHandle;
let temporal: TestWorkflowEnvironment;
let client: Client;
let api: ApiProcess;
const seenWorkflows = new Set<string>();

const YAML = `
name: h36m-flexible-heads
task: pose3d
dataset: { kind: synthetic, samples: 64, seed: 1 }
method: grid
metric: { name: mpjpe, goal: minimize }
parameters:
  d_m: { value: 64 }
  heads: { value: 4 }
  d_h: { values: [auto, 32] }
  qk_tied: { value: false }
  layers: { value: 1 }
  lr: { value: 0.001 }
  epochs: { value: 1 }
`;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = await openDatabase({ url: database.url, maxConnections: 2 });
  temporal = await createTestWorkflowEnvironment();
  client = new Client({ connection: temporal.connection, namespace: 'default' });
  api = await startApi({ DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporal.address });
}, 90_000);

afterAll(async () => {
  await api?.stop();
  await temporal?.teardown();
  await handle?.close();
  await database?.drop();
});

/** The sweep workflow the API started since the last call (visibility lags a little, so poll to a deadline). */
async function nextStartedSweepWorkflow(): Promise<WorkflowHandle> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    for await (const wf of client.workflow.list({ query: `WorkflowType = '${SWEEP_WORKFLOW_TYPE}'` })) {
      if (!seenWorkflows.has(wf.workflowId)) {
        seenWorkflows.add(wf.workflowId);
        return client.workflow.getHandle(wf.workflowId);
      }
    }
    await pause(100); // poll interval, not synchronisation: the loop ends on the condition or the deadline
  }
  throw new Error('the API started no sweep workflow within 15 s');
}

async function startInput(workflow: WorkflowHandle): Promise<SweepWorkflowInput> {
  const history = await workflow.fetchHistory();
  const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
  expect(payloads).toHaveLength(1);
  return defaultPayloadConverter.fromPayload<SweepWorkflowInput>(payloads[0]!);
}

describe('createSweep with Temporal', () => {
  it('starts the sweep workflow on the control queue and returns the sweep once it is registered', async () => {
    const pending = api.gql<{ createSweep: Record<string, unknown> }>(CREATE_SWEEP, { input: { yaml: YAML } });

    const workflow = await nextStartedSweepWorkflow();
    const description = await workflow.describe();
    expect(description.type).toBe(SWEEP_WORKFLOW_TYPE);
    expect(description.taskQueue).toBe(CONTROL_TASK_QUEUE);
    const input = await startInput(workflow);
    expect(workflow.workflowId).toBe(sweepWorkflowId(input.sweepId));
    expect(input.spec).toEqual(parseSweepText(YAML));

    // What the control worker's first activity does.
    await insertSweep(handle.db, {
      id: input.sweepId,
      name: input.spec.name,
      task: input.spec.task,
      method: input.spec.method,
      metricName: 'mpjpe',
      metricGoal: 'minimize',
      spec: input.spec,
      trials: [
        { index: 0, params: {}, dModel: 64, heads: 4, dH: 16, qkTied: false, epochs: 1 },
        { index: 1, params: {}, dModel: 64, heads: 4, dH: 32, qkTied: false, epochs: 1 },
      ],
    });

    const res = await pending;
    expect(res.errors).toBeUndefined();
    expect(res.data?.createSweep).toEqual({
      id: input.sweepId,
      name: 'h36m-flexible-heads',
      task: 'pose3d',
      method: 'grid',
      metric: 'mpjpe',
      goal: 'minimize',
      status: 'pending',
      trialCount: 2,
      trials: [
        { index: 0, d_m: 64, heads: 4, d_h: 16, qk_tied: false },
        { index: 1, d_m: 64, heads: 4, d_h: 32, qk_tied: false },
      ],
    });
  });

  it('says no control worker registered the sweep when none does before the deadline', async () => {
    const res = await api.gql(CREATE_SWEEP, { input: { yaml: YAML } });
    const workflow = await nextStartedSweepWorkflow();
    expect(res.data).toBeNull();
    const error = res.errors?.[0];
    expect(error?.extensions?.code).toBe('CONFIG');
    expect(error?.message).toContain(`was started (Temporal workflow ${workflow.workflowId}`);
    expect(error?.message).toContain('no control worker registered it');
    expect(error?.message).toContain('headroom worker --control');
    expect(error?.message).toContain(`task queue ${CONTROL_TASK_QUEUE}`);
  });
});
