import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import { metricValue } from '@headroom/sweep';
import {
  CONTROL_TASK_QUEUE,
  epochCompletedSignal,
  pauseTrialSignal,
  pruneTrialSignal,
  resumeTrialSignal,
  sweepWorkflowId,
  trainTaskQueue,
  trialEpochSignal,
  trialFinishedSignal,
  trialStartedSignal,
  type EpochReport,
  type ResumePoint,
  type TrainActivities,
  type TrainTrialResult,
  type TrialOutcome,
  type TrialStarted,
  type TrialWorkflow,
  type TrialWorkflowInput,
} from '@headroom/sweep/temporal';
import type { ControlActivities } from '../activities/control.activities';

const control = proxyActivities<ControlActivities>({
  taskQueue: CONTROL_TASK_QUEUE,
  startToCloseTimeout: '1 minute',
  // Database writes retry until the database is back; they are idempotent.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * Patch id: reports still waiting in the inbox when the trial ends (cancelled, or failed for good)
 * are persisted before the end is recorded. Histories from before it replay without.
 */
const PERSIST_REPORTS_AT_END = 'persist-reports-at-end';

/** Heartbeats come every batch (throttled by the SDK); a silent worker is declared dead after this. */
export const TRAIN_HEARTBEAT_TIMEOUT = '30 seconds';
/** Transient failures (a lost worker, a flaky disk) retry this often before the trial fails. */
export const TRAIN_MAX_ATTEMPTS = 10;

/**
 * One trial: train on the pool's task queue; persist what the trainer reports as it
 * reports it (attempt, per-epoch metrics, checkpoints); then the result or the failure.
 * Pause stops training after the epoch in progress and resumes from its checkpoint;
 * prune (ASHA) and cancel stop it for good.
 */
export async function trialWorkflow(input: TrialWorkflowInput): Promise<TrialOutcome> {
  const train = proxyActivities<TrainActivities>({
    taskQueue: trainTaskQueue(input.pool),
    startToCloseTimeout: '30 days',
    heartbeatTimeout: TRAIN_HEARTBEAT_TIMEOUT,
    // A pause must not start the next attempt while the stopped one still runs.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: {
      initialInterval: '2 seconds',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: TRAIN_MAX_ATTEMPTS,
    },
  });

  const inbox: Array<{ kind: 'started'; s: TrialStarted } | { kind: 'epoch'; r: EpochReport }> = [];
  let pauseRequested = false;
  // Set by ASHA (via the sweep): stop for good. `pausing`: stop after this epoch, resume later.
  let pruneRung: number | undefined;
  let pausing = false;
  const stopRequested = () => pruneRung !== undefined || pausing;
  setHandler(trialStartedSignal, (s) => void inbox.push({ kind: 'started', s }));
  setHandler(epochCompletedSignal, (r) => void inbox.push({ kind: 'epoch', r }));
  setHandler(pauseTrialSignal, () => void (pauseRequested = true));
  setHandler(resumeTrialSignal, () => void (pauseRequested = false));
  setHandler(pruneTrialSignal, ({ rung }) => void (pruneRung = rung));

  const finish = async (outcome: TrialOutcome): Promise<TrialOutcome> => {
    await notifySweep(input, (h) => h.signal(trialFinishedSignal, outcome));
    return outcome;
  };

  // A report persisted: the attempt, or an epoch's metrics with its checkpoint (the resume point).
  const persist = async (msg: (typeof inbox)[number]): Promise<void> => {
    if (msg.kind === 'started') return control.markTrialRunning(msg.s);
    await control.recordEpoch(msg.r);
    if (msg.r.checkpoint)
      resumeFrom = { epoch: msg.r.checkpoint.epoch, path: msg.r.checkpoint.path };
  };

  // A trial run again (retryFailedTrials) starts from its newest recorded checkpoint.
  let resumeFrom: ResumePoint | undefined = input.rerun
    ? ((await control.latestCheckpoint({ trialId: input.trialId })) ?? undefined)
    : undefined;

  try {
    for (;;) {
      if (pauseRequested) {
        await control.failTrial({ trialId: input.trialId, status: 'paused', error: null });
        await condition(() => !pauseRequested || pruneRung !== undefined);
      }
      if (pruneRung !== undefined) break;

      const scope = new CancellationScope();
      let finished = false;
      const attempt: Promise<TrainTrialResult> = scope
        .run(() =>
          train.trainTrial({
            sweepId: input.sweepId,
            trialId: input.trialId,
            task: input.task,
            dataset: input.dataset,
            params: input.params,
            resumeFrom,
          }),
        )
        .finally(() => void (finished = true));
      // Awaited below, after the reports that arrived with it are persisted; until then a failed
      // attempt must not count as an unhandled rejection (that fails the workflow task).
      attempt.catch(() => undefined);

      // Persist reports in the order they arrived, while training goes on. The activity
      // sends its signals before it returns, so they are all in history before its result.
      for (;;) {
        await condition(
          () => inbox.length > 0 || finished || (stopRequested() && !scope.consideredCancelled),
        );
        // Taken off the inbox once persisted: a cancel arriving mid-write leaves it for the end.
        for (let msg = inbox[0]; msg; msg = inbox[0]) {
          await persist(msg);
          inbox.shift();
          if (msg.kind === 'epoch') {
            // A metric without a value this epoch (null) gives ASHA nothing to rank.
            const value = input.reportMetric
              ? metricValue(msg.r.metrics, input.reportMetric)
              : undefined;
            if (value !== undefined) {
              const notice = {
                index: input.index,
                trialId: input.trialId,
                epoch: msg.r.epoch,
                value,
              };
              await notifySweep(input, (h) => h.signal(trialEpochSignal, notice));
            }
            // Pause takes effect at an epoch boundary: the checkpoint just written is where it resumes.
            if (pauseRequested) pausing = true;
          }
        }
        if (stopRequested() && !scope.consideredCancelled) scope.cancel();
        if (finished) break;
      }

      try {
        const result = await attempt;
        await control.completeTrial({ trialId: input.trialId, result });
        return await finish({ trialId: input.trialId, index: input.index, status: 'succeeded' });
      } catch (err) {
        if (!(isCancellation(err) && stopRequested())) throw err;
        if (pruneRung !== undefined) break;
        pausing = false; // paused: loop, wait for resume, train again from the checkpoint
      }
    }
    const rung = pruneRung ?? 0;
    await control.failTrial({
      trialId: input.trialId,
      status: 'pruned',
      error: `pruned by hyperband at rung ${rung}: below the rung's top 1/eta`,
      prunedAtRung: rung,
    });
    return await finish({ trialId: input.trialId, index: input.index, status: 'pruned' });
  } catch (err) {
    // The workflow itself was cancelled (cancelSweep), or training failed for good.
    const cancelled = isCancellation(err);
    const error = cancelled ? 'cancelled' : describeFailure(err);
    const status = cancelled ? 'cancelled' : 'failed';
    // Record the end even though this workflow is being cancelled; the epochs the trainer
    // finished first (their checkpoints are on disk: a retry resumes from them) are history too.
    return CancellationScope.nonCancellable(async () => {
      if (patched(PERSIST_REPORTS_AT_END))
        for (let msg = inbox.shift(); msg; msg = inbox.shift()) await persist(msg);
      await control.failTrial({ trialId: input.trialId, status, error });
      return finish({ trialId: input.trialId, index: input.index, status, error });
    });
  }
}

/** Tell the sweep (its current run, whichever that is after continue-as-new); a closed sweep is fine. */
async function notifySweep(
  input: TrialWorkflowInput,
  send: (h: ReturnType<typeof getExternalWorkflowHandle>) => Promise<void>,
): Promise<void> {
  try {
    await send(getExternalWorkflowHandle(sweepWorkflowId(input.sweepId)));
  } catch {
    // The sweep has ended (e.g. a trial retried on its own); the database already has the outcome.
  }
}

/** The innermost message is the one a user can act on (e.g. "loss became NaN at epoch 3"). */
function describeFailure(err: unknown): string {
  let e: unknown = err;
  while (e instanceof ActivityFailure && e.cause) e = e.cause;
  if (e instanceof ApplicationFailure) return e.message;
  return e instanceof Error ? e.message : String(e);
}

// The sweep starts this workflow as a child with the contract's input.
trialWorkflow satisfies TrialWorkflow;
