import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type WorkflowBundle,
} from '@temporalio/worker';
import { HeadroomError } from '@headroom/errors';
import {
  countTrials,
  parseSweepSpec,
  sampleTrialAt,
  suggestBayesTrial,
  trialId,
  trialSpace,
  type SweepSpec,
  type SweepStatus,
  type TrialStatus,
} from '@headroom/sweep';
import {
  cancelSweepUpdate,
  CONTROL_TASK_QUEUE,
  createSweepUpdate,
  epochCompletedSignal,
  headroomErrorOf,
  pauseSweepUpdate,
  resumeSweepUpdate,
  retryTrialsUpdate,
  SWEEP_WORKFLOW_TYPE,
  sweepProgressQuery,
  sweepWorkflowId,
  trainTaskQueue,
  trialResumePointQuery,
  trialStartedSignal,
  updateSweepUpdate,
  type ResumePoint,
  type SweepWorkflowInput,
  type TrainActivities,
  type TrainTrialInput,
} from '@headroom/sweep/temporal';
import { createTestWorkflowEnvironment, waitFor } from '@headroom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  controlBatchOf,
  tellSweep,
  withHeadroomFailures,
  type ControlActivities,
} from '../activities/control.activities';
import type { SweepState, SweepWorkflowArgs } from '../types';

/**
 * The sweep and trial workflows against a real Temporal dev server, with the activities faked:
 * an in-memory database for the control activities and a scripted trainer that reports epochs,
 * heartbeats and stops when cancelled, as the real one does.
 *
 * `HEADROOM_RECORD_HISTORIES=1 pnpm exec vitest run src/workflows/sweep.workflow.test.ts` also
 * writes the histories that replay.test.ts replays to ./histories (commit them after a deliberate
 * change to workflow code).
 */
const RECORD = process.env.HEADROOM_RECORD_HISTORIES === '1';
const HISTORIES_DIR = join(__dirname, 'histories');

// ─── The fake database behind the control activities ───────────────────────────────────

interface FakeTrial {
  status: TrialStatus;
  /** Set for trials registered one at a time (bayes, until stopped, past a raised run_cap). */
  params?: Record<string, unknown>;
  metrics?: Record<string, number | null>;
  epochs: number[];
  attemptKeys: Set<string>;
  resumedFromEpoch: number;
  error: string | null;
  prunedAtRung: number | null;
  checkpoints: ResumePoint[];
}
interface FakeSweep {
  /** Every status written, in order. */
  statuses: SweepStatus[];
  trials: FakeTrial[];
  /** The spec as updateSweep last wrote it. */
  spec?: SweepSpec;
}

const db = new Map<string, FakeSweep>();
/** Sweeps whose recordEpoch takes this long (a slow database: reports queue up in the trial). */
const recordDelays = new Map<string, number>();
/**
 * Sweeps whose trials' control writes are counted: each takes 30 ms, `now` are in flight, `most`
 * were at once.
 */
const turns = new Map<string, { now: number; most: number }>();
async function countTurn(trialId: string): Promise<void> {
  const t = turns.get(trialId.slice(0, trialId.lastIndexOf('-')));
  if (!t) return;
  t.most = Math.max(t.most, ++t.now);
  await new Promise((resolve) => setTimeout(resolve, 30));
  t.now -= 1;
}
/** Sweeps whose registerSweep fails with this error. */
const registerFailures = new Map<string, HeadroomError>();

function sweepOf(sweepId: string): FakeSweep {
  const s = db.get(sweepId);
  // Retryable, as the real setSweepStatus on a sweep not registered yet.
  if (!s) throw new HeadroomError('NOT_FOUND', `sweep ${sweepId} does not exist`);
  return s;
}
function trialOf(id: string): FakeTrial {
  const cut = id.lastIndexOf('-');
  return sweepOf(id.slice(0, cut)).trials[Number(id.slice(cut + 1))]!;
}
const statusOf = (sweepId: string) => db.get(sweepId)?.statuses.at(-1);
const trialStatuses = (sweepId: string) => db.get(sweepId)?.trials.map((t) => t.status) ?? [];

const newFakeTrial = (params?: Record<string, unknown>): FakeTrial => ({
  status: 'pending',
  params,
  epochs: [],
  attemptKeys: new Set(),
  resumedFromEpoch: 0,
  error: null,
  prunedAtRung: null,
  checkpoints: [],
});

const writes: Omit<ControlActivities, 'controlBatch'> = withHeadroomFailures({
  async registerSweep({ sweepId, spec }: { sweepId: string; spec: SweepSpec }) {
    const failure = registerFailures.get(sweepId);
    if (failure) throw failure;
    // As sweepRegistration: bayes and unbounded sweeps register their trials as they start.
    const total = spec.method === 'bayes' ? 0 : (countTrials(spec) ?? 0);
    if (!db.has(sweepId)) {
      const space = trialSpace(spec);
      const trials = Array.from({ length: total }, (_, i) => newFakeTrial({ ...space.at(i) }));
      db.set(sweepId, { statuses: ['pending'], trials });
    }
    return total;
  },
  async registerTrial({ sweepId, index, params }) {
    const s = sweepOf(sweepId);
    s.trials[index] ??= newFakeTrial({ ...params });
  },
  async trialParams({ sweepId, index }) {
    return sweepOf(sweepId).trials[index]!.params as never;
  },
  async trialResults({ sweepId, metric, indices }) {
    return indices.map((index) => {
      const t = sweepOf(sweepId).trials[index]!;
      return {
        index,
        status: t.status,
        value: t.metrics?.[metric] ?? null,
        epochsCompleted: t.epochs.length,
      };
    });
  },
  async dropUnstartedTrials({ sweepId, fromIndex }) {
    const s = sweepOf(sweepId);
    let dropped = 0;
    while (s.trials.length > fromIndex && s.trials.at(-1)!.status === 'pending') {
      s.trials.pop();
      dropped += 1;
    }
    return dropped;
  },
  async setSweepSpec({ sweepId, spec }) {
    sweepOf(sweepId).spec = spec as SweepSpec;
  },
  async setSweepStatus({ sweepId, status }: { sweepId: string; status: SweepStatus }) {
    sweepOf(sweepId).statuses.push(status);
  },
  async settleSweepStatus({ sweepId }: { sweepId: string }) {
    const s = sweepOf(sweepId);
    const status: SweepStatus = s.trials.some(
      (t) => t.status === 'failed' || t.status === 'cancelled',
    )
      ? 'failed'
      : 'succeeded';
    s.statuses.push(status);
    return status;
  },
  async cancelPendingTrials({ sweepId }: { sweepId: string }) {
    const pending = sweepOf(sweepId).trials.filter((t) => t.status === 'pending');
    for (const t of pending) t.status = 'cancelled';
    return pending.length;
  },
  async markTrialRunning(s) {
    await countTurn(s.trialId);
    const t = trialOf(s.trialId);
    if (t.status === 'succeeded') return;
    t.status = 'running';
    t.attemptKeys.add(s.attemptKey);
    t.resumedFromEpoch = s.resumedFromEpoch;
    t.error = null;
  },
  async recordEpoch(r) {
    await countTurn(r.trialId);
    const delay = recordDelays.get(r.trialId.slice(0, r.trialId.lastIndexOf('-')));
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const t = trialOf(r.trialId);
    if (!t.epochs.includes(r.epoch)) t.epochs.push(r.epoch);
    if (r.checkpoint) t.checkpoints.push({ epoch: r.checkpoint.epoch, path: r.checkpoint.path });
  },
  async latestCheckpoint({ trialId: id }: { trialId: string }) {
    return trialOf(id).checkpoints.at(-1) ?? null;
  },
  async completeTrial({ trialId: id, result }) {
    await countTurn(id);
    trialOf(id).status = 'succeeded';
    trialOf(id).metrics = result.metrics;
  },
  async failTrial(input) {
    const t = trialOf(input.trialId);
    if (t.status === 'succeeded') return;
    t.status = input.status;
    t.error = input.error;
    t.prunedAtRung = input.prunedAtRung ?? null;
  },
  async registerWorker() {},
  async markWorkerSeen() {},
  // Not the database: the real one, a signal to the sweep's workflow.
  tellSweep,
});
const control: ControlActivities = { ...writes, controlBatch: controlBatchOf(writes) };

// ─── The scripted trainer ───────────────────────────────────────────────────────────────

interface TrialScript {
  /** Wall time of one epoch (heartbeats throughout, so a stop request arrives within it). */
  epochMs?: number;
  /** The metrics reported after `epoch`. */
  metrics?: (epoch: number) => Record<string, number>;
  /** Thrown before training `epoch` in Temporal attempt `attempt` (1-based). */
  failAt?: (attempt: number, epoch: number) => Error | undefined;
}
const scripts = new Map<
  string,
  (index: number, params: TrainTrialInput['params']) => TrialScript
>();
const trainInputs: TrainTrialInput[] = [];
/** The epochs each trial's trainer reported (signalled), by trial id. */
const reported = new Map<string, number[]>();

const train: TrainActivities = {
  async trainTrial(input) {
    trainInputs.push(input);
    const ctx = Context.current();
    const wf = ctx.info.workflowExecution!;
    const trial = ctx.client.workflow.getHandle(wf.workflowId);
    const script =
      scripts.get(input.sweepId)?.(
        Number(input.trialId.slice(input.trialId.lastIndexOf('-') + 1)),
        input.params,
      ) ?? {};
    const from = input.resumeFrom?.epoch ?? 0;
    await trial.signal(trialStartedSignal, {
      trialId: input.trialId,
      attemptKey: `${wf.runId}/${ctx.info.activityId}/${ctx.info.attempt}`,
      resumedFromEpoch: from,
      backend: 'fake',
      device: 'fake',
      worker: 'test',
    });
    const metrics = script.metrics ?? (() => ({ mpjpe: 1 }));
    for (let epoch = from + 1; epoch <= input.params.epochs; epoch++) {
      const failure = script.failAt?.(ctx.info.attempt, epoch);
      if (failure) throw failure;
      const end = Date.now() + (script.epochMs ?? 0);
      do {
        ctx.heartbeat({
          epoch: epoch - 1,
          checkpoint: epoch > 1 ? `mem://${input.trialId}/${epoch - 1}` : undefined,
        });
        await ctx.sleep(10); // "training"; throws CancelledFailure once a stop request arrived
      } while (Date.now() < end);
      await trial.signal(epochCompletedSignal, {
        trialId: input.trialId,
        epoch,
        metrics: metrics(epoch),
        checkpoint: { epoch, path: `mem://${input.trialId}/${epoch}`, sizeBytes: 1, sha256: '0' },
      });
      reported.set(input.trialId, [...(reported.get(input.trialId) ?? []), epoch]);
    }
    return {
      metrics: metrics(input.params.epochs),
      paramCount: 1,
      artifactPath: `mem://${input.trialId}`,
      artifacts: [],
      epochsCompleted: input.params.epochs,
      backend: 'fake',
      device: 'fake',
    };
  },
};

// ─── Harness ────────────────────────────────────────────────────────────────────────────

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundle;
let workers: Worker[] = [];
let running: Promise<void>[] = [];
let serial = 0;

beforeAll(async () => {
  // Errors only: the SDK logs every worker state change, and every scripted activity failure.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  [env, bundle] = await Promise.all([
    createTestWorkflowEnvironment(),
    bundleWorkflowCode({
      workflowsPath: join(__dirname, 'index.ts'),
      logger: new DefaultLogger('ERROR'),
    }),
  ]);
  workers = await Promise.all([
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: CONTROL_TASK_QUEUE,
      workflowBundle: bundle,
      activities: control,
    }),
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: trainTaskQueue('default'),
      activities: train,
      maxConcurrentActivityTaskExecutions: 8,
      // As the real train worker: heartbeats carry stop requests, so send them often.
      maxHeartbeatThrottleInterval: '100 milliseconds',
      defaultHeartbeatThrottleInterval: '100 milliseconds',
    }),
  ]);
  running = workers.map((w) => w.run());
}, 120_000);

afterAll(async () => {
  for (const w of workers) w.shutdown();
  await Promise.allSettled(running);
  await env?.teardown();
}, 60_000);

const SPEC = {
  name: 'workflow-test',
  task: 'pose3d',
  dataset: { kind: 'synthetic' },
  method: 'grid',
  metric: { name: 'mpjpe', goal: 'minimize' },
};

function spec(parameters: Record<string, unknown>, extra: Record<string, unknown> = {}): SweepSpec {
  return parseSweepSpec({
    ...SPEC,
    parameters: { d_m: { value: 32 }, heads: { value: 4 }, ...parameters },
    ...extra,
  });
}

function newId(): string {
  serial += 1;
  return `swtest${String(serial).padStart(2, '0')}${Date.now().toString(36).slice(-4)}`;
}

/** createSweep as the API sends it: update-with-start that returns once the sweep is registered. */
async function createSweep(
  input: SweepWorkflowArgs,
): Promise<{ handle: WorkflowHandle; registered: { sweepId: string; trials: number } }> {
  const start = new WithStartWorkflowOperation(SWEEP_WORKFLOW_TYPE, {
    workflowId: sweepWorkflowId(input.sweepId),
    taskQueue: CONTROL_TASK_QUEUE,
    args: [input],
    // As the API: a running sweep is joined, an ended one is never started again.
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  });
  const registered = await env.client.workflow.executeUpdateWithStart(createSweepUpdate, {
    startWorkflowOperation: start,
  });
  return { handle: await start.workflowHandle(), registered };
}

function retryTrials(sweepId: string, s: SweepSpec, indices: number[]) {
  const input: SweepWorkflowInput = { sweepId, spec: s, retryOnly: true };
  const start = new WithStartWorkflowOperation(SWEEP_WORKFLOW_TYPE, {
    workflowId: sweepWorkflowId(sweepId),
    taskQueue: CONTROL_TASK_QUEUE,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  return env.client.workflow.executeUpdateWithStart(retryTrialsUpdate, {
    args: [{ indices }],
    startWorkflowOperation: start,
  });
}

/** The HeadroomError an update was refused or failed with. */
async function refusal(p: Promise<unknown>): Promise<HeadroomError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const h = headroomErrorOf(err);
  expect(h, String(err)).toBeDefined();
  return h!;
}

async function record(name: string, workflowId: string, runId?: string): Promise<void> {
  if (!RECORD) return;
  const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), `${historyToJSON(history)}\n`);
}

// ─── Tests ──────────────────────────────────────────────────────────────────────────────

describe('sweepWorkflow', () => {
  it('createSweep returns once the sweep is registered, and the sweep runs every trial to success', async () => {
    const sweepId = newId();
    const s = spec({
      qk_tied: { values: [false, true] },
      layers: { values: [1, 2] },
      epochs: { value: 2 },
    });
    const { handle, registered } = await createSweep({ sweepId, spec: s });
    expect(registered).toEqual({ sweepId, trials: 4 });
    // Registered means written: the rows exist when the update returns.
    expect(db.get(sweepId)?.trials).toHaveLength(4);

    const final = (await handle.result()) as SweepState;
    expect(final.next).toBe(4);
    expect(trialStatuses(sweepId)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(db.get(sweepId)!.statuses).toEqual(['pending', 'running', 'succeeded']);
    expect(db.get(sweepId)!.trials.map((t) => t.epochs)).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
  });

  it('registers and starts a sweep whose one axis has 10,000 values, the trials in the list order', async () => {
    const sweepId = newId();
    // Trials train until cancelled, so none is finishing when the cancel comes.
    scripts.set(sweepId, () => ({ epochMs: 600_000 }));
    const seeds = Array.from({ length: 10_000 }, (_, i) => 10_000 - i);
    const s = spec(
      { seed: { values: seeds }, epochs: { value: 1 } },
      { resources: { max_concurrent: 4 } },
    );
    const creating = createSweep({ sweepId, spec: s });
    // A spec read again per trial once made the workflow's tasks time out and retry for ever:
    // the update never returned. Registered within a minute means it is not wedged.
    await waitFor('the sweep to be registered', async () => db.has(sweepId), 60_000, 50);
    const { handle, registered } = await creating;
    expect(registered).toEqual({ sweepId, trials: 10_000 });
    const started = () => trainInputs.filter((i) => i.sweepId === sweepId);
    await waitFor('four trials to start', async () => started().length === 4, 60_000, 50);
    expect(started().map((i) => [i.trialId, i.params.seed])).toEqual(
      expect.arrayContaining([0, 1, 2, 3].map((k) => [trialId(sweepId, k), 10_000 - k])),
    );
    expect(await handle.executeUpdate(cancelSweepUpdate)).toEqual({ status: 'cancelled' });
    await handle.result();
    expect(new Set(trialStatuses(sweepId))).toEqual(new Set(['cancelled']));
  });

  it('a second createSweep for the same sweep joins the first; after it ended, it cannot start it again', async () => {
    const sweepId = newId();
    scripts.set(sweepId, () => ({ epochMs: 300 }));
    const s = spec({ epochs: { value: 1 } });
    const first = await createSweep({ sweepId, spec: s });
    const run = (await first.handle.describe()).runId;
    const second = await createSweep({ sweepId, spec: s });
    expect(second.registered).toEqual(first.registered);
    expect((await second.handle.describe()).runId).toBe(run);
    await first.handle.result();
    expect(trialStatuses(sweepId)).toEqual(['succeeded']);
    await expect(createSweep({ sweepId, spec: s })).rejects.toThrow(
      WorkflowExecutionAlreadyStartedError,
    );
    expect(trainInputs.filter((i) => i.sweepId === sweepId)).toHaveLength(1);
  });

  it('createSweep fails with the registration error: code, message and violations', async () => {
    const sweepId = newId();
    const violations = [{ path: 'parameters.d_h', message: 'd_h 48 does not divide d_m 32' }];
    registerFailures.set(
      sweepId,
      HeadroomError.invalid('INVALID_SPEC', 'the sweep spec', violations),
    );
    const err = await refusal(createSweep({ sweepId, spec: spec({ epochs: { value: 1 } }) }));
    expect(err.code).toBe('INVALID_SPEC');
    expect(err.message).toContain('the sweep spec is invalid');
    expect(err.violations).toEqual(violations);
    // The workflow ends with the same failure: no sweep, nothing left queued.
    const failed = await env.client.workflow
      .getHandle(sweepWorkflowId(sweepId))
      .result()
      .catch((e: unknown) => e);
    expect(headroomErrorOf(failed)?.code).toBe('INVALID_SPEC');
    expect(db.has(sweepId)).toBe(false);
  });

  it('pause stops trials at an epoch boundary and starts none; resume continues from the checkpoints', async () => {
    const sweepId = newId();
    scripts.set(sweepId, () => ({ epochMs: 150 }));
    const s = spec(
      { seed: { values: [1, 2, 3] }, epochs: { value: 6 } },
      { resources: { max_concurrent: 2 } },
    );
    const { handle } = await createSweep({ sweepId, spec: s });
    await waitFor(
      'two trials to finish an epoch',
      async () =>
        db
          .get(sweepId)!
          .trials.slice(0, 2)
          .every((t) => t.epochs.length >= 1),
      30_000,
      50,
    );

    const paused = await handle.executeUpdate(pauseSweepUpdate);
    expect(paused).toEqual({ status: 'paused' });
    expect(statusOf(sweepId)).toBe('paused'); // written before the update returned
    await waitFor(
      'both running trials to stop',
      async () =>
        trialStatuses(sweepId)
          .slice(0, 2)
          .every((t) => t === 'paused'),
      30_000,
      50,
    );
    const stoppedAt = db.get(sweepId)!.trials.map((t) => t.epochs.length);
    expect(stoppedAt[0]).toBeLessThan(6);
    expect(trialStatuses(sweepId)[2]).toBe('pending'); // no new trial while paused
    expect((await handle.query(sweepProgressQuery)).paused).toBe(true);
    // Pausing again changes nothing.
    expect(await handle.executeUpdate(pauseSweepUpdate)).toEqual({ status: 'paused' });

    const resumed = await handle.executeUpdate(resumeSweepUpdate);
    expect(resumed).toEqual({ status: 'running' });
    expect(statusOf(sweepId)).toBe('running');
    await handle.result();
    expect(trialStatuses(sweepId)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    for (const i of [0, 1]) {
      const t = db.get(sweepId)!.trials[i]!;
      expect(t.resumedFromEpoch).toBe(stoppedAt[i]);
      expect(t.attemptKeys.size).toBe(2);
      expect(t.epochs).toEqual([1, 2, 3, 4, 5, 6]);
    }
    await record('sweep-pause-resume-runs-trials', sweepWorkflowId(sweepId));
  });

  it('cancel stops the running trials, cancels the unstarted ones and refuses pause while it does', async () => {
    const sweepId = newId();
    scripts.set(sweepId, () => ({ epochMs: 200 }));
    const s = spec(
      { seed: { values: [1, 2, 3] }, epochs: { value: 50 } },
      { resources: { max_concurrent: 2 } },
    );
    const { handle } = await createSweep({ sweepId, spec: s });
    await waitFor(
      'two trials to run',
      async () => trialStatuses(sweepId).filter((t) => t === 'running').length === 2,
      30_000,
      50,
    );

    const cancelling = await handle.startUpdate(cancelSweepUpdate, { waitForStage: 'ACCEPTED' });
    const refused = await refusal(handle.executeUpdate(pauseSweepUpdate));
    expect(refused.code).toBe('INVALID_INPUT');
    expect(refused.message).toBe(
      `sweep ${sweepId} is being cancelled; only a running sweep can be paused`,
    );
    expect((await refusal(handle.executeUpdate(resumeSweepUpdate))).message).toContain(
      'is being cancelled',
    );

    expect(await cancelling.result()).toEqual({ status: 'cancelled' });
    // Returned once everything was written.
    expect(statusOf(sweepId)).toBe('cancelled');
    expect(trialStatuses(sweepId)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(db.get(sweepId)!.trials[2]!.attemptKeys.size).toBe(0);
    await handle.result();
  });

  it('cancel keeps every epoch the trainer reported: reports still queued behind a slow write are persisted', async () => {
    const sweepId = newId();
    // Epochs every 50 ms, each taking 400 ms to write: reports queue up in the trial.
    scripts.set(sweepId, () => ({ epochMs: 50 }));
    recordDelays.set(sweepId, 400);
    const { handle } = await createSweep({
      sweepId,
      spec: spec({ seed: { values: [1, 2] }, epochs: { value: 100 } }),
    });
    const ids = [trialId(sweepId, 0), trialId(sweepId, 1)];
    await waitFor(
      'both trials to report a few epochs more than were written',
      async () =>
        ids.every((id) => (reported.get(id)?.length ?? 0) >= trialOf(id).epochs.length + 3),
      30_000,
      20,
    );
    expect(await handle.executeUpdate(cancelSweepUpdate)).toEqual({ status: 'cancelled' });
    await handle.result();
    for (const id of ids) {
      const t = trialOf(id);
      expect(t.status).toBe('cancelled');
      // Every reported epoch is recorded with its checkpoint, so a retry resumes where it stopped.
      expect([...t.epochs].sort((a, b) => a - b)).toEqual(reported.get(id));
      expect(t.checkpoints.at(-1)?.epoch).toBe(reported.get(id)!.at(-1));
    }
    await record('sweep-cancelled-reports-queued-runs-trials', sweepWorkflowId(sweepId));
  });

  it('retryTrials of an ended sweep starts a retryOnly run that re-runs the failed trial from its checkpoint', async () => {
    const sweepId = newId();
    let broken = true;
    // Trial 1 trains epoch 1, loses its worker (retried from the checkpoint), then finds its data
    // missing for good, until the data is "fixed".
    scripts.set(sweepId, (index) => ({
      failAt: (attempt, epoch) => {
        if (index !== 1 || !broken || epoch < 2) return undefined;
        return attempt === 1
          ? new Error('worker lost')
          : ApplicationFailure.nonRetryable('annotations missing', 'DATA');
      },
    }));
    const s = spec(
      { seed: { values: [1, 2] }, epochs: { value: 2 } },
      { resources: { max_concurrent: 1 } },
    );
    const { handle } = await createSweep({ sweepId, spec: s });
    await handle.result();
    expect(statusOf(sweepId)).toBe('failed');
    expect(trialStatuses(sweepId)).toEqual(['succeeded', 'failed']);
    expect(db.get(sweepId)!.trials[1]!.error).toBe('annotations missing');
    expect(db.get(sweepId)!.trials[1]!.attemptKeys.size).toBe(2);

    const firstRun = (await handle.describe()).runId;
    const statuses = [...db.get(sweepId)!.statuses];
    const bad = await refusal(retryTrials(sweepId, s, [7]));
    expect(bad.code).toBe('INVALID_INPUT');
    expect(bad.violations[0]?.path).toBe('trialIds');
    // The run that refused update started ends with nothing to do and leaves the status alone.
    await env.client.workflow.getHandle(sweepWorkflowId(sweepId)).result();
    expect(db.get(sweepId)!.statuses).toEqual(statuses);

    broken = false;
    expect(await retryTrials(sweepId, s, [1])).toEqual({ status: 'running' });
    expect(statusOf(sweepId)).toBe('running');
    const rerun = env.client.workflow.getHandle(sweepWorkflowId(sweepId));
    await rerun.result();
    expect((await rerun.describe()).runId).not.toBe(firstRun);
    expect(statusOf(sweepId)).toBe('succeeded');
    expect(trialStatuses(sweepId)).toEqual(['succeeded', 'succeeded']);
    const retried = trainInputs.filter((i) => i.trialId === trialId(sweepId, 1)).at(-1)!;
    expect(retried.resumeFrom).toEqual({ epoch: 1, path: `mem://${trialId(sweepId, 1)}/1` });
    expect(db.get(sweepId)!.trials[1]!.epochs).toEqual([1, 2]);
    expect(db.get(sweepId)!.trials[1]!.attemptKeys.size).toBe(3);
    await record('sweep-retry-only-runs-trials', sweepWorkflowId(sweepId));
  });

  it('has no workflow to update once ended (the API then answers from the sweep row)', async () => {
    const sweepId = newId();
    const { handle } = await createSweep({ sweepId, spec: spec({ epochs: { value: 1 } }) });
    await handle.result();
    // The workflow has ended: the API answers from the sweep's status (sweepActionRefused).
    await expect(handle.executeUpdate(pauseSweepUpdate)).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
    expect(statusOf(sweepId)).toBe('succeeded');
  });

  it('hyperband prunes trials below the top 1/eta of a rung', async () => {
    const sweepId = newId();
    // Trial i reports MPJPE 100 + 10·seed every epoch: the first is best at every rung.
    scripts.set(sweepId, (index) => ({
      epochMs: 300,
      metrics: () => ({ mpjpe: 100 + 10 * index }),
    }));
    const s = spec(
      { seed: { values: [0, 1, 2, 3] }, epochs: { value: 9 } },
      {
        early_terminate: { type: 'hyperband', min_iter: 1, eta: 3 },
        resources: { max_concurrent: 1 },
      },
    );
    const { handle } = await createSweep({ sweepId, spec: s });
    await handle.result();
    expect(trialStatuses(sweepId)).toEqual(['succeeded', 'pruned', 'pruned', 'pruned']);
    expect(
      db
        .get(sweepId)!
        .trials.slice(1)
        .map((t) => t.prunedAtRung),
    ).toEqual([0, 0, 0]);
    expect(db.get(sweepId)!.trials[0]!.epochs).toHaveLength(9);
    for (const t of db.get(sweepId)!.trials.slice(1))
      expect(t.epochs.length).toBeLessThanOrEqual(3);
    expect(statusOf(sweepId)).toBe('succeeded');
    await record('sweep-asha-runs-trials', sweepWorkflowId(sweepId));
  });

  it('continues as new past the history threshold, carrying its state, and still runs every trial once', async () => {
    const sweepId = newId();
    const s = spec(
      { seed: { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }, epochs: { value: 1 } },
      { resources: { max_concurrent: 2 } },
    );
    const { handle } = await createSweep({ sweepId, spec: s, historyEventsBeforeContinue: 40 });
    const final = (await handle.result()) as SweepState;
    expect(final.next).toBe(10);
    const last = await env.client.workflow.getHandle(sweepWorkflowId(sweepId)).fetchHistory();
    const started = last.events?.[0]?.workflowExecutionStartedEventAttributes;
    // The last run was continued from another one, and carries the test's threshold on.
    expect(started?.continuedExecutionRunId).toBeTruthy();
    expect(started?.firstExecutionRunId).not.toBe((await handle.describe()).runId);
    await record(
      'sweep-continued-as-new-runs-trials',
      sweepWorkflowId(sweepId),
      started?.firstExecutionRunId ?? undefined,
    );
    expect(trialStatuses(sweepId)).toEqual(Array(10).fill('succeeded'));
    // Each trial trained once: continue-as-new neither lost nor repeated one.
    const trained = trainInputs.filter((i) => i.sweepId === sweepId).map((i) => i.trialId);
    expect(new Set(trained).size).toBe(10);
    expect(trained).toHaveLength(10);
    expect(db.get(sweepId)!.statuses.at(-1)).toBe('succeeded');
  });

  it('runs its trials itself; past the history threshold it hands the running ones over at their next epoch boundary and continues as new, where they resume from their checkpoints', async () => {
    const sweepId = newId();
    // Trial 0 trains long enough for the history to pass the threshold while it runs; the others end at once.
    scripts.set(sweepId, (index) => ({ epochMs: index === 0 ? 400 : 0 }));
    const s = spec(
      { seed: { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }, epochs: { value: 4 } },
      { resources: { max_concurrent: 2 } },
    );
    const { handle } = await createSweep({ sweepId, spec: s, historyEventsBeforeContinue: 40 });
    await handle.result();
    expect(trialStatuses(sweepId)).toEqual(Array(10).fill('succeeded'));
    expect(statusOf(sweepId)).toBe('succeeded');
    // Each trial trained to the end once: trial 0 in more than one attempt, each resuming from the
    // checkpoint its predecessor recorded, every epoch recorded once.
    const long = trialId(sweepId, 0);
    const attempts = trainInputs.filter((i) => i.trialId === long);
    expect(attempts.length).toBeGreaterThan(1);
    expect(attempts[0]!.resumeFrom).toBeUndefined();
    for (const later of attempts.slice(1)) expect(later.resumeFrom?.epoch).toBeGreaterThan(0);
    expect(trialOf(long).epochs).toEqual([1, 2, 3, 4]);
    expect(reported.get(long)).toEqual([1, 2, 3, 4]);
    expect(trialOf(long).attemptKeys.size).toBe(attempts.length);

    // The chain of runs, from the last one back (visibility may lag behind).
    const runs: string[] = [(await handle.describe()).runId];
    const histories = [
      await env.client.workflow.getHandle(sweepWorkflowId(sweepId), runs[0]).fetchHistory(),
    ];
    for (;;) {
      const before =
        histories[0]!.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
      if (!before) break;
      runs.unshift(before);
      histories.unshift(
        await env.client.workflow.getHandle(sweepWorkflowId(sweepId), before).fetchHistory(),
      );
    }
    expect(runs.length).toBeGreaterThan(1);
    // No trial is a workflow of its own: each run schedules its trials' training, and every
    // training it scheduled ended in it (completed, or stopped to be handed over).
    let completed = 0;
    for (const history of histories) {
      const events = history.events ?? [];
      expect(events.some((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)).toBe(false);
      const trainings = new Set(
        events
          .filter(
            (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'trainTrial',
          )
          .map((e) => Number(e.eventId)),
      );
      const endOf = (e: (typeof events)[number]) =>
        Number(
          e.activityTaskCompletedEventAttributes?.scheduledEventId ??
            e.activityTaskCanceledEventAttributes?.scheduledEventId ??
            -1,
        );
      expect(events.filter((e) => trainings.has(endOf(e)))).toHaveLength(trainings.size);
      completed += events.filter((e) =>
        trainings.has(Number(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? -1)),
      ).length;
    }
    expect(completed).toBe(10);
    await record('sweep-handed-over-runs-trials', sweepWorkflowId(sweepId), runs[0]);
  });

  it('a trial handed over run after run keeps every epoch once through pause and resume; cancel leaves no trial running', async () => {
    // A threshold so low that every run hands its trials over after an epoch or two.
    const runsOf = async (handle: WorkflowHandle) => {
      const ids = new Set<string>();
      for await (const w of env.client.workflow.list({
        query: `WorkflowId = '${handle.workflowId}'`,
      }))
        ids.add(w.runId);
      return ids.size;
    };
    const paused = newId();
    scripts.set(paused, () => ({ epochMs: 300 }));
    const { handle } = await createSweep({
      sweepId: paused,
      spec: spec({ seed: { values: [1, 2] }, epochs: { value: 10 } }),
      historyEventsBeforeContinue: 40,
    });
    const ids = [trialId(paused, 0), trialId(paused, 1)];
    await waitFor(
      'an epoch of each',
      async () => ids.every((id) => trialOf(id).epochs.length >= 1),
      30_000,
      20,
    );
    await handle.executeUpdate(pauseSweepUpdate);
    await waitFor(
      'both trials paused',
      async () => ids.every((id) => trialOf(id).status === 'paused'),
      30_000,
      20,
    );
    await handle.executeUpdate(resumeSweepUpdate);
    await handle.result();
    expect(await runsOf(handle)).toBeGreaterThan(2);
    for (const id of ids) {
      expect(trialOf(id).status).toBe('succeeded');
      expect(trialOf(id).epochs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(reported.get(id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }

    const cancelled = newId();
    scripts.set(cancelled, () => ({ epochMs: 200 }));
    const second = await createSweep({
      sweepId: cancelled,
      spec: spec({ seed: { values: [1, 2, 3] }, epochs: { value: 50 } }),
      historyEventsBeforeContinue: 40,
    });
    await waitFor('three runs', async () => (await runsOf(second.handle)) >= 3, 60_000, 100);
    expect(await second.handle.executeUpdate(cancelSweepUpdate)).toEqual({ status: 'cancelled' });
    await second.handle.result();
    expect(trialStatuses(cancelled)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(statusOf(cancelled)).toBe('cancelled');
  });

  it("runs its trials' control writes one at a time, so that a replay meets their results in the order they came", async () => {
    const sweepId = newId();
    turns.set(sweepId, { now: 0, most: 0 });
    const { handle } = await createSweep({
      sweepId,
      spec: spec(
        { seed: { values: [1, 2, 3, 4, 5, 6] }, epochs: { value: 2 } },
        { resources: { max_concurrent: 4 } },
      ),
    });
    await handle.result();
    expect(trialStatuses(sweepId)).toEqual(Array(6).fill('succeeded'));
    // Four trials ran at once, their local activities one after another.
    expect(turns.get(sweepId)!.most).toBe(1);
    await record('sweep-local-activities-in-turn', sweepWorkflowId(sweepId));
    const history = await handle.fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: bundle }, history, sweepWorkflowId(sweepId));
  });

  it("answers a trial's newest recorded checkpoint by its id, and drops reports for trials it does not run", async () => {
    const sweepId = newId();
    scripts.set(sweepId, () => ({ epochMs: 300 }));
    const { handle } = await createSweep({
      sweepId,
      spec: spec(
        { seed: { values: [1, 2] }, epochs: { value: 100 } },
        { resources: { max_concurrent: 1 } },
      ),
    });
    const id = trialId(sweepId, 0);
    await waitFor('two epochs recorded', async () => trialOf(id).epochs.length >= 2, 30_000, 20);
    const point = await handle.query(trialResumePointQuery, id);
    expect(point?.epoch).toBeGreaterThanOrEqual(2);
    expect(point?.path).toBe(`mem://${id}/${point?.epoch}`);
    // Trial 0 runs in the sweep, not as a workflow of its own (what Sweep.problem checks for).
    const progress = await handle.query(sweepProgressQuery);
    expect(progress.running).toEqual([0]);
    expect(progress.trialWorkflows).toEqual([]);
    // Trial 1 waits for the one lane: the sweep does not run it, so it has no resume point, and a
    // report for it (say, from an attempt heard from after its trial ended) is dropped.
    const waiting = trialId(sweepId, 1);
    expect(await handle.query(trialResumePointQuery, waiting)).toBeNull();
    await handle.signal(epochCompletedSignal, {
      trialId: waiting,
      epoch: 1,
      metrics: { mpjpe: 1 },
    });
    expect(await handle.executeUpdate(cancelSweepUpdate)).toEqual({ status: 'cancelled' });
    await handle.result();
    expect(trialStatuses(sweepId)).toEqual(['cancelled', 'cancelled']);
    expect(trialOf(waiting).epochs).toEqual([]);
  });

  it('bayes: registers each trial as it starts, suggests from the finished trials (TPE), and replays', async () => {
    const sweepId = newId();
    // The best learning rate is 0.01: MPJPE grows with its distance from it in log10.
    const distance = (lr: number) => Math.abs(Math.log10(lr) + 2);
    scripts.set(sweepId, (_index, params) => ({
      metrics: () => ({ mpjpe: 40 + 100 * distance(params.lr) }),
    }));
    const s = spec(
      { lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1 }, epochs: { value: 1 } },
      { method: 'bayes', run_cap: 20, sampler_seed: 7, resources: { max_concurrent: 2 } },
    );
    const { handle, registered } = await createSweep({ sweepId, spec: s });
    expect(registered).toEqual({ sweepId, trials: 20 });
    const final = (await handle.result()) as SweepState & { observations?: unknown[] };
    expect(final.next).toBe(20);
    const trials = db.get(sweepId)!.trials;
    expect(trials.map((t) => t.status)).toEqual(Array(20).fill('succeeded'));
    expect(statusOf(sweepId)).toBe('succeeded');
    // Each trial ran with the parameters it was registered with.
    const ran = trainInputs.filter((i) => i.sweepId === sweepId);
    for (const input of ran)
      expect(trials[Number(input.trialId.split('-').at(-1))]!.params).toEqual(input.params);
    const lrs = trials.map((t) => (t.params as { lr: number }).lr);
    // The first 10 are TPE's startup draws from the prior: the same as with no history at all.
    for (let i = 0; i < 10; i++) expect(lrs[i]).toBe(suggestBayesTrial(s, [], i).lr);
    // The rest come from the results: TPE moves towards 0.01, where the prior would not.
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const prior = Array.from({ length: 10 }, (_, k) =>
      distance(suggestBayesTrial(s, [], 10 + k).lr),
    );
    const searched = lrs.slice(10).map(distance);
    expect(median(searched)).toBeLessThan(median(prior));
    expect(median(searched)).toBeLessThan(median(lrs.slice(0, 10).map(distance)));
    // The same history replays to the same commands: suggestions are a function of it.
    const history = await handle.fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: bundle }, history, sweepWorkflowId(sweepId));
    await record('sweep-bayes-runs-trials', sweepWorkflowId(sweepId));
  });

  it('bayes across continue-as-new: TPE keeps the whole history, each trial the suggestion from the ones before', async () => {
    const sweepId = newId();
    scripts.set(sweepId, (_index, params) => ({
      metrics: () => ({ mpjpe: 40 + 100 * Math.abs(Math.log10(params.lr) + 2) }),
    }));
    const s = spec(
      { lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1 }, epochs: { value: 1 } },
      { method: 'bayes', run_cap: 13, sampler_seed: 11, resources: { max_concurrent: 1 } },
    );
    const { handle } = await createSweep({ sweepId, spec: s, historyEventsBeforeContinue: 40 });
    const final = (await handle.result()) as SweepState & {
      observations: Array<{ index: number; state: string; value: number | null }>;
    };
    const last = await env.client.workflow.getHandle(sweepWorkflowId(sweepId)).fetchHistory();
    expect(
      last.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId,
    ).toBeTruthy();
    // One at a time, so trial i saw exactly trials 0…i−1 finished: its parameters are TPE's
    // suggestion from them, also for the trials started after continuing as new.
    const trials = db.get(sweepId)!.trials;
    const history = trials.map((t, index) => ({
      index,
      params: { lr: (t.params as { lr: number }).lr },
      value: t.metrics!.mpjpe!,
      state: 'complete' as const,
    }));
    trials.forEach((t, i) =>
      expect(t.params).toEqual({ ...suggestBayesTrial(s, history.slice(0, i), i) }),
    );
    expect(final.observations.map((o) => [o.index, o.state])).toEqual(
      history.map((h) => [h.index, 'complete']),
    );
    await Worker.runReplayHistory({ workflowBundle: bundle }, last, sweepWorkflowId(sweepId));
  });

  it('random without run_cap starts trials until it is cancelled', async () => {
    const sweepId = newId();
    scripts.set(sweepId, () => ({ epochMs: 100 }));
    const s = spec(
      { lr: { distribution: 'log_uniform_values', min: 1e-4, max: 1e-2 }, epochs: { value: 1 } },
      { method: 'random', sampler_seed: 3, resources: { max_concurrent: 2 } },
    );
    const { handle, registered } = await createSweep({ sweepId, spec: s });
    expect(registered).toEqual({ sweepId, trials: null });
    expect(db.get(sweepId)!.trials).toHaveLength(0);
    await waitFor(
      'six trials to be registered',
      async () => db.get(sweepId)!.trials.length >= 6,
      30_000,
      20,
    );
    expect((await handle.query(sweepProgressQuery)).total).toBeNull();
    expect(await handle.executeUpdate(cancelSweepUpdate)).toEqual({ status: 'cancelled' });
    await handle.result();
    const trials = db.get(sweepId)!.trials;
    // Every row is a trial that started, with its seeded draw; none left pending.
    trials.forEach((t, i) => expect(t.params).toEqual({ ...sampleTrialAt(s, i) }));
    expect(trials.every((t) => t.status === 'succeeded' || t.status === 'cancelled')).toBe(true);
    // Every trial trained has its row; the cancel may stop a registered one before it trains.
    const trained = trainInputs.filter((i) => i.sweepId === sweepId).map((i) => i.trialId);
    expect(new Set(trained).size).toBe(trained.length);
    const indexOf = (id: string) => Number(id.slice(id.lastIndexOf('-') + 1));
    expect(trained.every((id) => indexOf(id) < trials.length)).toBe(true);
    expect(trained.length).toBeGreaterThanOrEqual(trials.length - 2);
    expect(statusOf(sweepId)).toBe('cancelled');
  });

  it('metric.target: once a finished trial reaches it, no trial starts and the sweep succeeds', async () => {
    const sweepId = newId();
    // Trial i reports MPJPE 110 − 2i: trial 3 (104) is the first at or below the target 105.
    scripts.set(sweepId, (index) => ({ metrics: () => ({ mpjpe: 110 - 2 * index }) }));
    const s = spec(
      { seed: { values: [0, 1, 2, 3, 4, 5, 6, 7] }, epochs: { value: 1 } },
      {
        metric: { name: 'mpjpe', goal: 'minimize', target: 105 },
        resources: { max_concurrent: 1 },
      },
    );
    const { handle, registered } = await createSweep({ sweepId, spec: s });
    expect(registered).toEqual({ sweepId, trials: 8 });
    await handle.result();
    // The unstarted trials left the sweep: nothing is stuck pending.
    expect(trialStatuses(sweepId)).toEqual(Array(4).fill('succeeded'));
    expect(statusOf(sweepId)).toBe('succeeded');
    expect(trainInputs.filter((i) => i.sweepId === sweepId)).toHaveLength(4);
    expect((await handle.query(sweepProgressQuery)).stopped).toBe(true);
    await record('sweep-metric-target-runs-trials', sweepWorkflowId(sweepId));
  });

  it('updateSweep while trials run: adds grid points after the trials it has, changes max_concurrent, refuses what cannot apply', async () => {
    const sweepId = newId();
    // Trials long enough (2 s) that three of them run together for a while on a busy machine.
    scripts.set(sweepId, () => ({ epochMs: 1000 }));
    const s = spec(
      { seed: { values: [1, 2] }, qk_tied: { values: [false, true] }, epochs: { value: 2 } },
      { resources: { max_concurrent: 1 } },
    );
    const { handle } = await createSweep({ sweepId, spec: s });
    await waitFor(
      'the first trial to run',
      async () => trialStatuses(sweepId)[0] === 'running',
      30_000,
      20,
    );
    const before = trainInputs.filter((i) => i.sweepId === sweepId).map((i) => i.params);

    const repeated = await refusal(
      handle.executeUpdate(updateSweepUpdate, {
        args: [{ add: [{ parameter: 'seed', values: [2, 3] }] }],
      }),
    );
    expect(repeated.code).toBe('INVALID_INPUT');
    expect(repeated.violations[0]?.path).toBe('change.add.seed');
    expect(repeated.message).toContain('seed already has 2');
    const unknown = await refusal(
      handle.executeUpdate(updateSweepUpdate, {
        args: [{ add: [{ parameter: 'nope', values: [1] }] }],
      }),
    );
    expect(unknown.message).toContain('no parameter nope');
    const zero = await refusal(
      handle.executeUpdate(updateSweepUpdate, { args: [{ maxConcurrent: 0 }] }),
    );
    expect(zero.violations[0]?.path).toBe('change.maxConcurrent');

    expect(
      await handle.executeUpdate(updateSweepUpdate, {
        args: [{ add: [{ parameter: 'seed', values: [3] }], maxConcurrent: 3 }],
      }),
    ).toEqual({ status: 'running' });
    const progress = await handle.query(sweepProgressQuery);
    expect(progress.total).toBe(6);
    expect(progress.maxConcurrent).toBe(3);
    expect(db.get(sweepId)!.spec?.parameters.seed).toEqual({ values: [1, 2, 3] });
    await waitFor(
      'three trials at once',
      async () => trialStatuses(sweepId).filter((t) => t === 'running').length === 3,
      30_000,
      20,
    );
    await handle.result();
    const trials = db.get(sweepId)!.trials;
    expect(trials.map((t) => t.status)).toEqual(Array(6).fill('succeeded'));
    const ran = new Map(
      trainInputs
        .filter((i) => i.sweepId === sweepId)
        .map((i) => [i.trialId, [i.params.seed, i.params.qk_tied]]),
    );
    // The first four keep their indexes and parameters; the new points follow them.
    expect([...Array(6).keys()].map((k) => ran.get(trialId(sweepId, k)))).toEqual([
      // W&B's order: names sorted (qk_tied, seed), the last changing fastest.
      [1, false],
      [2, false],
      [1, true],
      [2, true],
      [3, false],
      [3, true],
    ]);
    expect(before[0]).toMatchObject({ seed: 1, qk_tied: false });
    await record('sweep-update-runs-trials', sweepWorkflowId(sweepId));
  });

  it('retryFailedTrials after the sweep ended re-runs an added grid point with its own parameters', async () => {
    const sweepId = newId();
    let broken = true;
    scripts.set(sweepId, (_index, params) => ({
      epochMs: 100,
      failAt: () =>
        broken && params.seed === 3 && !params.qk_tied
          ? ApplicationFailure.nonRetryable('no data for seed 3', 'DATA')
          : undefined,
    }));
    const s = spec(
      { seed: { values: [1, 2] }, qk_tied: { values: [false, true] }, epochs: { value: 1 } },
      { resources: { max_concurrent: 1 } },
    );
    const { handle } = await createSweep({ sweepId, spec: s });
    await handle.executeUpdate(updateSweepUpdate, {
      args: [{ add: [{ parameter: 'seed', values: [3] }] }],
    });
    await handle.result();
    expect(trialStatuses(sweepId)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
      'failed',
      'succeeded',
    ]);
    broken = false;
    // As the API: the stored spec (seed [1, 2, 3]), whose whole grid puts (qk_tied true, seed 2) at 4.
    const stored = db.get(sweepId)!.spec!;
    expect(await retryTrials(sweepId, stored, [4])).toEqual({ status: 'running' });
    await env.client.workflow.getHandle(sweepWorkflowId(sweepId)).result();
    expect(statusOf(sweepId)).toBe('succeeded');
    const rerun = trainInputs.filter((i) => i.trialId === trialId(sweepId, 4)).at(-1)!;
    expect([rerun.params.seed, rerun.params.qk_tied]).toEqual([3, false]);
    await record('sweep-rerun-added-point-runs-trials', sweepWorkflowId(sweepId));
  });

  it('updateSweep raises and lowers run_cap and stops a sweep: running trials finish, none starts', async () => {
    const sweepId = newId();
    // Trial 1 trains long enough to be seen running however loaded the machine is.
    scripts.set(sweepId, (index) => ({ epochMs: index === 1 ? 1500 : 200 }));
    const s = spec(
      { lr: { distribution: 'log_uniform_values', min: 1e-4, max: 1e-2 }, epochs: { value: 2 } },
      { method: 'random', run_cap: 3, resources: { max_concurrent: 1 } },
    );
    const { handle } = await createSweep({ sweepId, spec: s });
    expect(db.get(sweepId)!.trials).toHaveLength(3);
    const raised = await handle.executeUpdate(updateSweepUpdate, { args: [{ runCap: 6 }] });
    expect(raised).toEqual({ status: 'running' });
    expect((await handle.query(sweepProgressQuery)).total).toBe(6);
    const lowered = await handle.executeUpdate(updateSweepUpdate, { args: [{ runCap: 2 }] });
    expect(lowered).toEqual({ status: 'running' });
    // The unstarted third row left the sweep.
    expect(db.get(sweepId)!.trials).toHaveLength(2);
    const low = await refusal(handle.executeUpdate(updateSweepUpdate, { args: [{ runCap: 0 }] }));
    expect(low.violations[0]?.path).toBe('change.runCap');
    await handle.executeUpdate(updateSweepUpdate, { args: [{ runCap: 5 }] });
    await waitFor(
      'the second trial to run',
      async () => trialStatuses(sweepId)[1] === 'running',
      30_000,
      20,
    );
    expect(await handle.executeUpdate(updateSweepUpdate, { args: [{ stop: true }] })).toEqual({
      status: 'running',
    });
    const again = await refusal(handle.executeUpdate(updateSweepUpdate, { args: [{ runCap: 9 }] }));
    expect(again.message).toContain('was stopped');
    await handle.result();
    expect(trialStatuses(sweepId)).toEqual(['succeeded', 'succeeded']);
    expect(statusOf(sweepId)).toBe('succeeded');
  });
});
