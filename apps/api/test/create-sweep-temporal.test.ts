import { setSweepStatus } from '@headroom/db';
import { parseSweepText } from '@headroom/sweep';
import {
  CONTROL_TASK_QUEUE,
  SWEEP_WORKFLOW_TYPE,
  sweepWorkflowId,
  type SweepWorkflowInput,
} from '@headroom/sweep/temporal';
import { describe, expect, it } from 'vitest';
import { fakeControlActivities } from './fake-control/activities';
import { startApi } from './helpers/api-process';
import { apiWithFakeControl } from './helpers/fake-control-stack';
import { CREATE_SWEEP, validSpec } from './helpers/specs';

// A real Temporal dev server with a stand-in control worker (test/fake-control: the sweep
// workflow's contract, with a registerSweep that writes two trials), to see createSweep start the
// right workflow, return once it has registered the sweep, and bring its errors back; then
// without any worker, to see the deadline's message.
const registered: SweepWorkflowInput[] = [];
const stack = apiWithFakeControl({
  workflows: 'workflows.ts',
  activities: (db) => fakeControlActivities(db, registered),
});

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

const PAUSE = /* GraphQL */ `
  mutation ($id: ID!) {
    pauseSweep(id: $id) {
      id
      status
    }
  }
`;

async function create(spec: Record<string, unknown>) {
  return stack.api.gql<{ createSweep: { id: string; status: string } }>(CREATE_SWEEP, {
    input: { spec },
  });
}

describe('createSweep with Temporal', () => {
  it('starts the sweep workflow on the control queue and returns the sweep once it is registered', async () => {
    const res = await stack.api.gql<{ createSweep: Record<string, unknown> }>(CREATE_SWEEP, {
      input: { yaml: YAML },
    });
    expect(res.errors).toBeUndefined();
    const input = registered.at(-1)!;
    expect(input.spec).toEqual(parseSweepText(YAML));
    expect(input.retryOnly).toBeUndefined();

    const workflow = stack.env.client.workflow.getHandle(sweepWorkflowId(input.sweepId));
    const description = await workflow.describe();
    expect(description.type).toBe(SWEEP_WORKFLOW_TYPE);
    expect(description.taskQueue).toBe(CONTROL_TASK_QUEUE);

    // The rows the control worker wrote, read back by the API in the same call.
    expect(res.data?.createSweep).toEqual({
      id: input.sweepId,
      name: 'h36m-flexible-heads',
      task: 'pose3d',
      method: 'grid',
      metric: 'mpjpe',
      goal: 'minimize',
      status: 'pending',
      trialCount: 2,
      trials: {
        rows: [
          { index: 0, d_m: 64, heads: 4, d_h: 16, qk_tied: false },
          { index: 1, d_m: 64, heads: 4, d_h: 32, qk_tied: false },
        ],
        next: null,
      },
    });
  });

  it("returns the workflow's error as the GraphQL error: code, message and violations", async () => {
    const res = await create(validSpec({ name: 'rejected-by-worker' }));
    expect(res.data).toBeNull();
    const error = res.errors?.[0];
    expect(error?.extensions?.code).toBe('INVALID_SPEC');
    expect(error?.message).toContain('the sweep spec is invalid');
    expect(error?.extensions?.violations).toEqual([
      { path: 'dataset.path', message: 'no COCO annotations under /data/coco' },
    ]);
  });
});

describe('sweep control with Temporal', () => {
  it('pauseSweep returns once the workflow has written the status', async () => {
    const { data } = await create(validSpec({ name: 'stays' }));
    const res = await stack.api.gql<{ pauseSweep: { id: string; status: string } }>(PAUSE, {
      id: data!.createSweep.id,
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.pauseSweep).toEqual({ id: data!.createSweep.id, status: 'paused' });
  });

  it("returns the workflow validator's refusal as the GraphQL error", async () => {
    const { data } = await create(validSpec({ name: 'being-cancelled' }));
    const id = data!.createSweep.id;
    const res = await stack.api.gql(PAUSE, { id });
    expect(res.data).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    expect(res.errors?.[0]?.message).toBe(
      `sweep ${id} is being cancelled; only a running sweep can be paused`,
    );
    expect(res.errors?.[0]?.extensions?.violations).toEqual([
      { path: 'id', message: `sweep ${id} is cancelling` },
    ]);
  });

  it('says why a sweep whose workflow has ended cannot be paused, from its status', async () => {
    const { data } = await create(validSpec({ name: 'ends-at-once' }));
    const id = data!.createSweep.id;
    await stack.env.client.workflow.getHandle(sweepWorkflowId(id)).result();
    await setSweepStatus(stack.handle.db, id, 'succeeded');
    const res = await stack.api.gql(PAUSE, { id });
    expect(res.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    expect(res.errors?.[0]?.message).toBe(
      `sweep ${id} has succeeded; only a running sweep can be paused`,
    );
  });
});

describe('createSweep without a control worker', () => {
  it('says no control worker registered the sweep when none does before the deadline', async () => {
    stack.worker.shutdown();
    await stack.workerRunning;
    // An API of its own with a short wait, so the test does not sit out the default 20 s.
    const impatient = await startApi({
      DATABASE_URL: stack.database.url,
      TEMPORAL_ADDRESS: stack.env.address,
      HEADROOM_REGISTRATION_TIMEOUT_SECONDS: '2',
    });
    const res = await impatient
      .gql(CREATE_SWEEP, { input: { yaml: YAML } })
      .finally(() => impatient.stop());
    expect(res.data).toBeNull();
    const error = res.errors?.[0];
    expect(error?.extensions?.code).toBe('CONFIG');
    const workflowId = /Temporal workflow (sweep-sw[0-9a-z]{10}) at/.exec(
      error?.message ?? '',
    )?.[1];
    expect(workflowId, error?.message).toBeDefined();
    // Started all the same: it runs when a control worker comes.
    expect((await stack.env.client.workflow.getHandle(workflowId!).describe()).status.name).toBe(
      'RUNNING',
    );
    expect(error?.message).toContain(`was started (Temporal workflow ${workflowId}`);
    expect(error?.message).toContain('no control worker registered it');
    expect(error?.message).toContain('headroom worker --control');
    expect(error?.message).toContain(`task queue ${CONTROL_TASK_QUEUE}`);
  }, 60_000);
});
