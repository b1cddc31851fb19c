import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import { metricValue, type ProgramTrialParams, type TrialParams } from '@headroom/sweep/workflow';
import {
  CONTROL_TASK_QUEUE,
  epochCompletedSignal,
  handOverTrialSignal,
  pauseTrialSignal,
  pruneTrialSignal,
  resumeTrialSignal,
  sweepWorkflowId,
  trainTaskQueue,
  trialEpochSignal,
  trialResumePointQuery,
  trialFinishedSignal,
  trialStartedSignal,
  type EpochReport,
  type ProgramRun,
  type ResumePoint,
  type TrainActivities,
  type TrainTrialResult,
  type TrialOutcome,
  type TrialStarted,
  type TrialWorkflow,
  type TrialWorkflowInput,
} from '@headroom/sweep/temporal';
import type { ControlActivities } from '../activities/control.activities';

// Database writes retry until the database is back; they are idempotent.
const CONTROL_RETRY = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
} as const;
/** Control activities as trials without `localControl` run them: tasks on the control queue. */
const remoteControl = proxyActivities<ControlActivities>({
  taskQueue: CONTROL_TASK_QUEUE,
  startToCloseTimeout: '1 minute',
  retry: CONTROL_RETRY,
});
/**
 * The same activities run as local activities by the control worker that runs this workflow: no
 * task on a queue and no workflow task to take its result, one marker event each. The durability
 * contract holds: the result is recorded when the workflow task completes, and a worker lost
 * before that runs the activity again on replay (every control write is an idempotent upsert;
 * the sweep ignores a repeated tellSweep: a trial's end it counted, an ASHA value
 * its rung holds).
 */
const localControl = proxyLocalActivities<ControlActivities>({
  startToCloseTimeout: '1 minute',
  retry: CONTROL_RETRY,
});

/**
 * Patch id: reports still waiting in the inbox when the trial ends (cancelled, or failed for good)
 * are persisted before the end is recorded. Histories from before it replay without.
 */
const PERSIST_REPORTS_AT_END = 'persist-reports-at-end';
const TELL_SWEEP_UNCANCELLABLE = 'tell-sweep-uncancellable';
/** Epoch reports of an attempt the trial has moved on from are dropped (see attemptIsNewer). */
const DROP_STALE_REPORTS = 'drop-stale-epoch-reports';

/** Heartbeats come every batch (throttled by the SDK); a silent worker is declared dead after this. */
export const TRAIN_HEARTBEAT_TIMEOUT = '30 seconds';
/** Transient failures (a lost worker, a flaky disk) retry this often before the trial fails. */
export const TRAIN_MAX_ATTEMPTS = 10;

/**
 * One trial: train on the pool's task queue; persist what the trainer reports as it
 * reports it (attempt, per-epoch metrics, checkpoints); then the result or the failure.
 * Pause stops training after the epoch in progress and resumes from its checkpoint;
 * prune (ASHA) and cancel stop it for good.
 *
 * A program trial (no task: the sweep runs the user's program) runs `runProgram` instead, the
 * same way: its progress lines are epochs; pause, prune and cancel stop the program (SIGTERM),
 * and its next run resumes from its own checkpoint directory (HEADROOM_RESUME=1).
 */
export async function trialWorkflow(input: TrialWorkflowInput): Promise<TrialOutcome> {
  // Control writes as local activities and the sweep told by one (tellSweep) halve a trial's
  // workflow tasks (bench:sweep). Such trials also have every older patch's behaviour, without
  // recording their markers.
  const local = input.localControl === true;
  const control = local ? localControl : remoteControl;
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
  // A program has no epoch boundary Headroom could wait for: a pause stops it at once (SIGTERM).
  const stopRequested = () =>
    pruneRung !== undefined || pausing || (program !== undefined && pauseRequested);
  setHandler(trialStartedSignal, (s) => void inbox.push({ kind: 'started', s }));
  setHandler(epochCompletedSignal, (r) => void inbox.push({ kind: 'epoch', r }));
  setHandler(pauseTrialSignal, () => void (pauseRequested = true));
  setHandler(resumeTrialSignal, () => void (pauseRequested = false));
  setHandler(pruneTrialSignal, ({ rung }) => void (pruneRung = rung));
  // The sweep's run that started this trial sees its end as the child's completion, unless it
  // handed the trial over to its next run (continue-as-new): then the end is a signal.
  let signalEnd = input.endsByCompletion !== true;
  setHandler(handOverTrialSignal, () => void (signalEnd = true));

  const finish = async (outcome: TrialOutcome): Promise<TrialOutcome> => {
    // Read in the activation that completes the workflow: a hand-over arriving after it makes
    // Temporal refuse that completion (a signal it has not seen), and the task runs again with it.
    if (!signalEnd) return outcome;
    const tell = () =>
      local
        ? control.tellSweep({ sweepId: input.sweepId, finished: outcome })
        : notifySweep(input, (h) => h.signal(trialFinishedSignal, outcome));
    // A cancel landing with the trial's last write must not swallow this signal: the sweep
    // would wait for the trial for ever.
    if (local || patched(TELL_SWEEP_UNCANCELLABLE)) await CancellationScope.nonCancellable(tell);
    else await tell();
    return outcome;
  };

  // A report persisted: the attempt, or an epoch's metrics with its checkpoint (the resume
  // point). False for an epoch of an attempt the trial has moved on from: dropped.
  const persist = async (msg: (typeof inbox)[number]): Promise<boolean> => {
    if (msg.kind === 'started') {
      if (attemptIsNewer(msg.s.attemptKey, currentAttempt)) currentAttempt = msg.s.attemptKey;
      // A program's attempt resumes after the last epoch recorded (its heartbeats may lag behind).
      await control.markTrialRunning(
        program
          ? { ...msg.s, resumedFromEpoch: Math.max(msg.s.resumedFromEpoch, lastEpoch) }
          : msg.s,
      );
      return true;
    }
    const stale =
      msg.r.attemptKey !== undefined &&
      currentAttempt !== undefined &&
      msg.r.attemptKey !== currentAttempt;
    if (stale && (local || patched(DROP_STALE_REPORTS))) {
      log.warn(
        `dropped epoch ${msg.r.epoch} of ${input.trialId} from attempt ${msg.r.attemptKey}: the trial has moved on to ${currentAttempt}`,
      );
      return false;
    }
    lastEpoch = Math.max(lastEpoch, msg.r.epoch);
    await control.recordEpoch(msg.r);
    if (msg.r.checkpoint)
      resumeFrom = { epoch: msg.r.checkpoint.epoch, path: msg.r.checkpoint.path };
    return true;
  };

  // What a program trial runs is the sweep's, read once from its row (task trials carry their task).
  const program: ProgramRun | undefined =
    input.task === undefined ? await control.sweepProgram({ sweepId: input.sweepId }) : undefined;
  // A trial run again (retryFailedTrials) starts from its newest recorded checkpoint; a program
  // keeps its own, in its checkpoint directory.
  let resumeFrom: ResumePoint | undefined =
    input.rerun && !program
      ? ((await control.latestCheckpoint({ trialId: input.trialId })) ?? undefined)
      : undefined;
  setHandler(trialResumePointQuery, () => resumeFrom ?? null);
  // A program is told to resume (HEADROOM_RESUME=1) once the trial has run before.
  let ranBefore = input.rerun === true;
  /** The newest epoch recorded by this workflow run. */
  let lastEpoch = 0;
  /** The newest attempt heard from: only its epochs are recorded. */
  let currentAttempt: string | undefined;
  /** Settles when the latest training attempt has ended (stopped, if cancelled). */
  let attemptEnded: Promise<unknown> = Promise.resolve();

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
          program
            ? train.runProgram({
                sweepId: input.sweepId,
                trialId: input.trialId,
                program,
                params: input.params as ProgramTrialParams,
                resume: ranBefore,
              })
            : train.trainTrial({
                sweepId: input.sweepId,
                trialId: input.trialId,
                task: input.task!,
                dataset: input.dataset!,
                params: input.params as TrialParams,
                resumeFrom,
              }),
        )
        .finally(() => void (finished = true));
      ranBefore = true;
      // Awaited below, after the reports that arrived with it are persisted; until then a failed
      // attempt must not count as an unhandled rejection (that fails the workflow task).
      attemptEnded = attempt.catch(() => undefined);

      // Persist reports in the order they arrived, while training goes on. The activity
      // sends its signals before it returns, so they are all in history before its result.
      for (;;) {
        await condition(
          () => inbox.length > 0 || finished || (stopRequested() && !scope.consideredCancelled),
        );
        // Taken off the inbox once persisted: a cancel arriving mid-write leaves it for the end.
        for (let msg = inbox[0]; msg; msg = inbox[0]) {
          const recorded = await persist(msg);
          inbox.shift();
          if (msg.kind === 'epoch' && recorded) {
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
              if (local) await control.tellSweep({ sweepId: input.sweepId, epoch: notice });
              else await notifySweep(input, (h) => h.signal(trialEpochSignal, notice));
            }
            // Pause takes effect at an epoch boundary: the checkpoint just written is where it resumes.
            if (pauseRequested) pausing = true;
          }
        }
        // Latched, so a resume arriving before the program has stopped still counts as a pause.
        if (program && pauseRequested) pausing = true;
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
      // Its reports are all in once it has stopped (they precede its end in history). Local
      // activities take no new events while they run, so without this wait reports sent after the
      // cancel would be dropped.
      if (local) await attemptEnded;
      if (local || patched(PERSIST_REPORTS_AT_END))
        for (let msg = inbox.shift(); msg; msg = inbox.shift()) await persist(msg);
      await control.failTrial({ trialId: input.trialId, status, error });
      return finish({ trialId: input.trialId, index: input.index, status, error });
    });
  }
}

/**
 * Whether attempt `key` (`run/activity/attempt`, train.activities) came after `current`: a later
 * scheduled activity, or a later attempt of the same one. A zombie's late "started" (a worker cut
 * off mid-start) must not take the trial back to its attempt.
 */
function attemptIsNewer(key: string, current: string | undefined): boolean {
  if (current === undefined) return true;
  const order = (k: string) => k.split('/').slice(-2).map(Number);
  const [activity, attempt] = order(key);
  const [currentActivity, currentAttemptNo] = order(current);
  if (![activity, attempt, currentActivity, currentAttemptNo].every(Number.isFinite))
    return key !== current;
  return (
    activity! > currentActivity! || (activity === currentActivity && attempt! > currentAttemptNo!)
  );
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
