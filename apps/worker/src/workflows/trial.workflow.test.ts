import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { TrialStatus } from '@headroom/sweep';
import {
  CONTROL_TASK_QUEUE,
  epochCompletedSignal,
  pauseTrialSignal,
  pruneTrialSignal,
  resumeTrialSignal,
  trainTaskQueue,
  TRIAL_WORKFLOW_TYPE,
  trialStartedSignal,
  trialWorkflowId,
  type ProgramRun,
  type RunProgramInput,
  type TrainActivities,
  type TrialStarted,
  type TrialWorkflow,
} from '@headroom/sweep/temporal';
import { createTestWorkflowEnvironment, waitFor } from '@headroom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tellSweep, type ControlActivities } from '../activities/control.activities';

/**
 * A program trial's workflow against a real Temporal dev server, the activities faked: the trial
 * reads its sweep's program, runs it on the train queue, persists each reported epoch, and pause
 * stops the program at once (it has no epoch boundary to wait for), then resumes it, told so.
 * `HEADROOM_RECORD_HISTORIES=1` writes the history replay.test.ts replays (program-trial-*.json).
 */
const RECORD = process.env.HEADROOM_RECORD_HISTORIES === '1';
const HISTORIES_DIR = join(__dirname, 'histories');

const PROGRAM: ProgramRun = { program: 'train.py', command: ['python3', '${program}', '${args}'] };

interface FakeTrial {
  status: TrialStatus;
  epochs: number[];
  /** Every recordEpoch call's metrics, in order. */
  recorded: Array<Record<string, number | null>>;
  started: TrialStarted[];
  metrics?: Record<string, number | null>;
}
const trials = new Map<string, FakeTrial>();
const trialOf = (id: string) => trials.get(id)!;
const programsRead: string[] = [];

// Only what a program trial calls; the rest of the control activities are never reached.
const control = {
  async sweepProgram({ sweepId }: { sweepId: string }) {
    programsRead.push(sweepId);
    return PROGRAM;
  },
  async markTrialRunning(s: TrialStarted) {
    const t = trialOf(s.trialId);
    t.status = 'running';
    t.started.push(s);
  },
  async recordEpoch(r: { trialId: string; epoch: number; metrics: Record<string, number | null> }) {
    const t = trialOf(r.trialId);
    t.recorded.push(r.metrics);
    if (!t.epochs.includes(r.epoch)) t.epochs.push(r.epoch);
  },
  async completeTrial({
    trialId,
    result,
  }: {
    trialId: string;
    result: { metrics: Record<string, number | null> };
  }) {
    trialOf(trialId).status = 'succeeded';
    trialOf(trialId).metrics = result.metrics;
  },
  async failTrial(input: { trialId: string; status: TrialStatus }) {
    trialOf(input.trialId).status = input.status;
  },
  // The real one: a signal to the sweep's workflow (none here: the trial runs alone).
  tellSweep,
} satisfies Partial<ControlActivities>;

/** The runs of the fake program: what it was given, and what it reported, in order. */
const runs: RunProgramInput[] = [];

/** A program reporting an epoch every 30 ms up to `epochs`, going on from the last one recorded. */
const train: Pick<TrainActivities, 'runProgram'> = {
  async runProgram(input) {
    runs.push(input);
    const ctx = Context.current();
    const wf = ctx.info.workflowExecution!;
    const handle = ctx.client.workflow.getHandle(wf.workflowId);
    await handle.signal(trialStartedSignal, {
      trialId: input.trialId,
      attemptKey: `${wf.runId}/${ctx.info.activityId}/${ctx.info.attempt}`,
      resumedFromEpoch: 0,
      backend: 'program',
      device: 'fake',
      worker: 'test',
    });
    if (input.params['zombie'] !== undefined) return zombieAttempt(input, ctx, handle);
    const from = input.resume ? Math.max(0, ...trialOf(input.trialId).epochs) : 0;
    const epochs = Number(input.params.epochs);
    for (let epoch = from + 1; epoch <= epochs; epoch++) {
      ctx.heartbeat({ epoch: epoch - 1 });
      await ctx.sleep(30); // throws CancelledFailure once a stop request arrived
      await handle.signal(epochCompletedSignal, {
        trialId: input.trialId,
        epoch,
        metrics: { val_loss: 1 / epoch },
      });
    }
    return {
      metrics: { val_loss: 1 / epochs },
      artifactPath: `mem://${input.trialId}/checkpoint`,
      artifacts: [],
      epochsCompleted: epochs,
      backend: 'program',
      device: 'fake',
    };
  },
};

/**
 * Attempt 1 reports epoch 1 and loses touch (a retryable failure, as a heartbeat timeout);
 * attempt 2 starts, then the first attempt's late report of epoch 2 arrives (sent here for it,
 * with its key), then attempt 2's own epoch 2.
 */
async function zombieAttempt(
  input: RunProgramInput,
  ctx: Context,
  handle: ReturnType<Context['client']['workflow']['getHandle']>,
) {
  const wf = ctx.info.workflowExecution!;
  const key = (attempt: number) => `${wf.runId}/${ctx.info.activityId}/${attempt}`;
  const report = (epoch: number, attempt: number, val_loss: number) =>
    handle.signal(epochCompletedSignal, {
      trialId: input.trialId,
      attemptKey: key(attempt),
      epoch,
      metrics: { val_loss },
    });
  if (ctx.info.attempt === 1) {
    await report(1, 1, 0.5);
    throw ApplicationFailure.retryable('lost touch with Temporal');
  }
  await report(2, 1, 999);
  await report(2, ctx.info.attempt, 0.25);
  return {
    metrics: { val_loss: 0.25 },
    artifactPath: `mem://${input.trialId}/checkpoint`,
    artifacts: [],
    epochsCompleted: 2,
    backend: 'program',
    device: 'fake',
  };
}

let env: TestWorkflowEnvironment;
let workers: Worker[] = [];
let running: Promise<void>[] = [];

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const [testEnv, bundle] = await Promise.all([
    createTestWorkflowEnvironment(),
    bundleWorkflowCode({
      workflowsPath: join(__dirname, 'index.ts'),
      logger: new DefaultLogger('ERROR'),
    }),
  ]);
  env = testEnv;
  workers = await Promise.all([
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: CONTROL_TASK_QUEUE,
      workflowBundle: bundle,
      activities: control,
    }),
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: trainTaskQueue('programs'),
      activities: train,
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

let serial = 0;
/** A program trial of a sweep with no workflow (the trial tells its sweep, if any, at the end). */
async function startTrial(epochs: number, extra: Record<string, number> = {}) {
  const sweepId = `swprog${++serial}${Date.now().toString(36).slice(-4)}`;
  const id = `${sweepId}-0`;
  trials.set(id, { status: 'pending', epochs: [], recorded: [], started: [] });
  const handle = await env.client.workflow.start<TrialWorkflow>(TRIAL_WORKFLOW_TYPE, {
    workflowId: trialWorkflowId(sweepId, 0),
    taskQueue: CONTROL_TASK_QUEUE,
    args: [
      {
        sweepId,
        trialId: id,
        index: 0,
        params: { epochs, lr: 0.1, ...extra },
        pool: 'programs',
        localControl: true,
      },
    ],
  });
  return { sweepId, id, handle };
}

async function record(name: string, workflowId: string): Promise<void> {
  if (!RECORD) return;
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), `${historyToJSON(history)}\n`);
}

describe('a program trial', () => {
  it("runs its sweep's program with the trial's parameters and persists each epoch it reports", async () => {
    const { sweepId, id, handle } = await startTrial(3);
    expect(await handle.result()).toMatchObject({ trialId: id, status: 'succeeded' });
    expect(programsRead).toContain(sweepId);
    const run = runs.find((r) => r.trialId === id)!;
    expect(run).toEqual({
      sweepId,
      trialId: id,
      program: PROGRAM,
      params: { epochs: 3, lr: 0.1 },
      resume: false,
    });
    expect(trialOf(id)).toMatchObject({ status: 'succeeded', epochs: [1, 2, 3] });
    expect(trialOf(id).metrics).toEqual({ val_loss: 1 / 3 });
    await record('program-trial', handle.workflowId);
  });

  it('pause stops the program at once; resume runs it again, told to resume, after the last epoch', async () => {
    const { id, handle } = await startTrial(400);
    await waitFor('two epochs', async () => trialOf(id).epochs.length >= 2, 30_000, 20);
    await handle.signal(pauseTrialSignal);
    await waitFor('the pause', async () => trialOf(id).status === 'paused', 30_000, 20);
    const pausedAt = Math.max(...trialOf(id).epochs);
    expect(pausedAt).toBeLessThan(400);
    await handle.signal(resumeTrialSignal);
    await waitFor('a second run', async () => trialOf(id).started.length === 2, 30_000, 20);
    await handle.terminate('done with it');
    const [first, second] = runs.filter((r) => r.trialId === id);
    expect(first!.resume).toBe(false);
    expect(second!.resume).toBe(true);
    // Its program's heartbeats may lag: the workflow says where the attempt goes on from.
    expect(trialOf(id).started[1]!.resumedFromEpoch).toBe(pausedAt);
  });

  it('drops a late epoch report from an attempt it has moved on from', async () => {
    const { id, handle } = await startTrial(2, { zombie: 1 });
    expect(await handle.result()).toMatchObject({ trialId: id, status: 'succeeded' });
    expect(trialOf(id).started.map((s) => s.attemptKey.split('/').at(-1))).toEqual(['1', '2']);
    expect(trialOf(id).recorded).toEqual([{ val_loss: 0.5 }, { val_loss: 0.25 }]);
    await record('trial-stale-report', handle.workflowId);
  });

  it('prune (hyperband) stops the program for good', async () => {
    const { id, handle } = await startTrial(400);
    await waitFor('an epoch', async () => trialOf(id).epochs.length >= 1, 30_000, 20);
    await handle.signal(pruneTrialSignal, { rung: 0 });
    expect(await handle.result()).toMatchObject({ trialId: id, status: 'pruned' });
    expect(trialOf(id).status).toBe('pruned');
    expect(Math.max(...trialOf(id).epochs)).toBeLessThan(400);
    expect(runs.filter((r) => r.trialId === id)).toHaveLength(1);
  });
});
