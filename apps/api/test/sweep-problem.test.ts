import { insertSweep, sweepRegistration } from '@headroom/db';
import { HeadroomError } from '@headroom/errors';
import {
  headroomFailure,
  trialWorkflowId,
  type SweepWorkflowInput,
} from '@headroom/sweep/temporal';
import { waitFor } from '@headroom/test-support';
import { describe, expect, it } from 'vitest';
import { TASK_FAILURE, type StallingActivities } from './fake-control/stalling-workflows';
import { startApi } from './helpers/api-process';
import { apiWithFakeControl } from './helpers/fake-control-stack';
import { CREATE_SWEEP, validSpec } from './helpers/specs';

// A real Temporal dev server and a stand-in control worker whose sweep workflow cannot make
// progress in the ways a real one can wedge (test/fake-control/stalling-workflows.ts): the sweep
// shows why (Sweep.problem, read from Temporal's description of its workflow), and createSweep
// says what happened instead of blaming a missing control worker.
const PROBLEM = /* GraphQL */ `
  query ($id: ID!) {
    sweep(id: $id) {
      id
      status
      trialCount
      problem {
        kind
        message
        attempts
        since
      }
    }
  }
`;

interface ProblemResult {
  sweep: {
    id: string;
    status: string;
    trialCount: number;
    problem: {
      kind: string;
      message: string;
      attempts: number | null;
      since: string | null;
    } | null;
  } | null;
}

const refusal = 'duplicate key value violates unique constraint "trials_pkey"';

const stack = apiWithFakeControl({
  workflows: 'stalling-workflows.ts',
  // Core logs every failed workflow task as a warning; here they are the point of the test.
  quietCore: true,
  apiEnv: { HEADROOM_REGISTRATION_TIMEOUT_SECONDS: '8' },
  activities: (db): StallingActivities => ({
    async registerSweep(input: SweepWorkflowInput) {
      const registration = sweepRegistration(input.sweepId, input.spec);
      await insertSweep(db, registration);
      return registration.trials.length;
    },
    async refusedWrite() {
      throw headroomFailure(new HeadroomError('INTERNAL', refusal));
    },
  }),
});

async function create(name: string, parameters: Record<string, unknown> = {}) {
  return stack.api.gql<{ createSweep: { id: string; trialCount: number } }>(CREATE_SWEEP, {
    input: { spec: validSpec({ name }, parameters) },
  });
}

/** The sweep's problem once it has one (a minute at most: "within a minute"). */
async function problemOf(id: string): Promise<NonNullable<ProblemResult['sweep']>> {
  let last: ProblemResult['sweep'] = null;
  await waitFor(
    `sweep ${id} to show a problem`,
    async () => {
      const res = await stack.api.gql<ProblemResult>(PROBLEM, { id });
      expect(res.errors).toBeUndefined();
      last = res.data?.sweep ?? null;
      return last?.problem != null;
    },
    60_000,
    250,
  );
  return last!;
}

describe('a sweep whose workflow cannot make progress', () => {
  it('registers and starts a sweep with a 10,000-value axis, and shows no problem', async () => {
    const seeds = Array.from({ length: 10_000 }, (_, i) => i + 1);
    // 2 × 10⁴ rows take seconds to write on a busy machine: an API that waits for them.
    const patient = await startApi({
      DATABASE_URL: stack.database.url,
      TEMPORAL_ADDRESS: stack.env.address,
      HEADROOM_REGISTRATION_TIMEOUT_SECONDS: '60',
    });
    try {
      const res = await patient.gql<{ createSweep: { id: string; trialCount: number } }>(
        CREATE_SWEEP,
        { input: { spec: validSpec({ name: 'long-axis' }, { seed: { values: seeds } }) } },
      );
      expect(res.errors).toBeUndefined();
      const id = res.data!.createSweep.id;
      expect(res.data!.createSweep.trialCount).toBe(2 * 10_000);
      const shown = await patient.gql<ProblemResult>(PROBLEM, { id });
      expect(shown.data?.sweep).toMatchObject({ status: 'pending', problem: null });
    } finally {
      await patient.stop();
    }
  }, 90_000);

  it('shows a workflow task that keeps failing, with its failure', async () => {
    const res = await create('task-fails-after-registering');
    expect(res.errors).toBeUndefined();
    const sweep = await problemOf(res.data!.createSweep.id);
    expect(sweep.problem).toMatchObject({ kind: 'workflow_task_failing' });
    expect(sweep.problem!.message).toContain(TASK_FAILURE);
    expect(sweep.problem!.message).toContain(`workflow sweep-${sweep.id}`);
    expect(sweep.problem!.attempts).toBeGreaterThan(1);
    expect(sweep.problem!.since).not.toBeNull();
  }, 90_000);

  it('shows an activity that fails on every attempt, with its failure', async () => {
    const res = await create('write-refused');
    expect(res.errors).toBeUndefined();
    const sweep = await problemOf(res.data!.createSweep.id);
    expect(sweep.problem).toMatchObject({ kind: 'activity_failing' });
    expect(sweep.problem!.message).toContain('activity refusedWrite');
    expect(sweep.problem!.message).toContain(refusal);
  }, 90_000);

  it('shows a trial whose workflow ended without telling the sweep, which waits for it', async () => {
    const res = await create('trial-lost');
    expect(res.errors).toBeUndefined();
    const id = res.data!.createSweep.id;
    const trial = await stack.env.client.workflow.start('trialWorkflow', {
      workflowId: trialWorkflowId(id, 0),
      taskQueue: 'nobody-polls-this',
      args: [],
    });
    await trial.terminate('ended by hand');
    const sweep = await problemOf(id);
    expect(sweep.problem).toMatchObject({ kind: 'trial_unreported' });
    expect(sweep.problem!.message).toContain(
      `trial workflow ${trialWorkflowId(id, 0)} ended (terminated) without telling its sweep`,
    );
  }, 90_000);

  it('createSweep says the workflow task fails, and why, rather than blaming a missing control worker', async () => {
    const res = await create('task-fails-before-registering');
    expect(res.data).toBeNull();
    const error = res.errors?.[0];
    expect(error?.extensions?.code).toBe('INTERNAL');
    expect(error?.message).toContain('could not be registered within 8 s');
    expect(error?.message).toContain('its workflow task fails on the control worker');
    expect(error?.message).toContain(TASK_FAILURE);
    expect(error?.message).not.toContain('headroom worker --control');
  }, 90_000);

  it('still names a missing control worker when no worker takes the workflow task', async () => {
    stack.worker.shutdown();
    await stack.workerRunning;
    const res = await create('nobody-polls');
    const error = res.errors?.[0];
    expect(error?.extensions?.code).toBe('CONFIG');
    expect(error?.message).toContain('headroom worker --control');
  }, 90_000);
});
