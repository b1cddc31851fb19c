import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';
import { metricValue, type ProgramTrialParams, type TrialParams } from '@headroom/sweep/workflow';
import {
  CONTROL_TASK_QUEUE,
  trainTaskQueue,
  type EpochReport,
  type ProgramRun,
  type ResumePoint,
  type TrainActivities,
  type TrainTrialResult,
  type TrialEpochNotice,
  type TrialOutcome,
  type TrialStarted,
  type TrialWorkflowInput,
} from '@headroom/sweep/temporal';
import type { ControlActivities, ControlCall } from '../activities/control.activities';

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
 * The same activities run as local activities by the control worker that runs the trial's
 * workflow: no task on a queue and no workflow task to take its result, one marker event each.
 * The durability contract holds: the result is recorded when the workflow task completes, and a
 * worker lost before that runs the activity again on replay (every control write is an idempotent
 * upsert; the sweep ignores a repeated tellSweep: a trial's end it counted, an ASHA value its
 * rung holds).
 */
export const localControl = proxyLocalActivities<ControlActivities>({
  startToCloseTimeout: '1 minute',
  retry: CONTROL_RETRY,
});

/**
 * The local control activities as the trials of one workflow share them: a call waits its turn and
 * goes in one local activity (`controlBatch`) with every call made while the one before ran, so one
 * is in flight at a time. Concurrent local activities do not replay: a first execution gets their
 * results one activation each, in the order they finished, a replay all of them in one, so the
 * trials waiting on them go on in another order and schedule their next commands under other
 * sequence numbers (a nondeterminism error; sdk-typescript#1744, open in SDK 1.24).
 *
 * A call is cancelled with its caller's scope, as a local activity of its own would be: one still
 * waiting leaves the queue, one in flight is given up on (its write may still land, idempotent as
 * every write), and the batch itself is cancelled once all its callers are, so a cancelled sweep
 * does not hold its workflow task open for writes nobody waits for. Created in the workflow's root
 * scope: a batch belongs to no one trial.
 */
export function localControlInTurn(): typeof localControl {
  type Call = {
    call: ControlCall;
    resolve(value: unknown): void;
    reject(err: unknown): void;
    cancelled?: boolean;
  };
  const root = CancellationScope.current();
  let waiting: Call[] = [];
  let inFlight: { calls: Call[]; scope: CancellationScope } | undefined;
  const send = async () => {
    while (waiting.length > 0) {
      const calls = waiting;
      waiting = [];
      const scope = new CancellationScope({ cancellable: true, parent: root });
      inFlight = { calls, scope };
      try {
        const outcomes = await scope.run(() => localControl.controlBatch(calls.map((c) => c.call)));
        outcomes.forEach((outcome, i) => {
          const c = calls[i]!;
          // (A value of undefined, a write's, leaves no `value` key in the payload.)
          if (!('failure' in outcome)) return c.resolve(outcome.value);
          const { message, type, details } = outcome.failure;
          c.reject(
            ApplicationFailure.create({
              message,
              type: type ?? undefined,
              details: details ?? undefined,
              nonRetryable: true,
            }),
          );
        });
      } catch (err) {
        for (const c of calls) c.reject(err);
      }
    }
    inFlight = undefined;
  };
  const cancel = (c: Call, err: unknown) => {
    c.cancelled = true;
    c.reject(err);
    waiting = waiting.filter((w) => w !== c);
    if (inFlight?.calls.every((f) => f.cancelled)) inFlight.scope.cancel();
  };
  return new Proxy({} as typeof localControl, {
    get:
      (_, name) =>
      (...args: unknown[]) =>
        new Promise((resolve, reject) => {
          const c: Call = { call: { name: String(name), args }, resolve, reject };
          // As the SDK's own activities: only a cancellable scope's request cancels.
          const caller = CancellationScope.current();
          if (caller.cancellable || caller.consideredCancelled)
            caller.cancelRequested.catch((err: unknown) => cancel(c, err));
          waiting.push(c);
          if (!inFlight) void send();
        }),
  });
}

/**
 * Patch id: reports still waiting in the inbox when the trial ends (cancelled, or failed for good)
 * are persisted before the end is recorded. Histories from before it replay without.
 */
const PERSIST_REPORTS_AT_END = 'persist-reports-at-end';
/** Epoch reports of an attempt the trial has moved on from are dropped (see attemptIsNewer). */
const DROP_STALE_REPORTS = 'drop-stale-epoch-reports';

/** Heartbeats come every batch (throttled by the SDK); a silent worker is declared dead after this. */
export const TRAIN_HEARTBEAT_TIMEOUT = '30 seconds';
/** Transient failures (a lost worker, a flaky disk) retry this often before the trial fails. */
export const TRAIN_MAX_ATTEMPTS = 10;

/** How the workflow running a trial (its own trial workflow, or its sweep's) connects to it. */
export interface TrialRunOptions {
  /** Control writes as local activities (`TrialWorkflowInput.localControl`; always in a sweep). */
  local: boolean;
  /** The local control activities the trials of the workflow share (localControlInTurn). */
  inTurn?: typeof localControl;
  /** Each epoch's value of the sweep metric, when the trial reports one (ASHA). */
  epochValue(notice: TrialEpochNotice): Promise<void> | void;
  /** The trial's end, recorded in the database: tell whoever waits for it; returns the outcome. */
  end(outcome: TrialOutcome): Promise<TrialOutcome>;
}

type Message = { kind: 'started'; s: TrialStarted } | { kind: 'epoch'; r: EpochReport };

/**
 * One trial: train on the pool's task queue; persist what the trainer reports as it reports it
 * (attempt, per-epoch metrics, checkpoints); then the result or the failure. Pause stops training
 * after the epoch in progress and resumes from its checkpoint; prune (ASHA) and cancel (the
 * cancellation of the scope `run` runs in) stop it for good.
 *
 * A program trial (no task: the sweep runs the user's program) runs `runProgram` instead, the
 * same way: its progress lines are epochs; pause, prune and cancel stop the program (SIGTERM),
 * and its next run resumes from its own checkpoint directory (HEADROOM_RESUME=1).
 *
 * The workflow that runs it passes on what reaches it for the trial: the train activity's
 * signals (`started`, `epoch`), and the sweep's pause, resume and prune.
 */
export class TrialRun {
  private readonly inbox: Message[] = [];
  private pauseRequested = false;
  // Set by ASHA (via the sweep): stop for good. `pausing`: stop after this epoch, resume later.
  private pruneRung: number | undefined;
  private pausing = false;
  /** Stop after this epoch without recording an end: the sweep's next run resumes the trial. */
  private handingOver = false;
  private program: ProgramRun | undefined;
  /** The newest recorded checkpoint: where a retried attempt resumes (trialResumePointQuery). */
  resumeFrom: ResumePoint | undefined;
  /** The newest epoch recorded by this run. */
  private lastEpoch = 0;
  /** The newest attempt heard from: only its epochs are recorded. */
  private currentAttempt: string | undefined;
  /** The control activities when local: the workflow's shared ones, or the trial's own. */
  private readonly localActivities: typeof localControl;

  constructor(
    readonly input: TrialWorkflowInput,
    private readonly opts: TrialRunOptions,
  ) {
    this.localActivities = opts.inTurn ?? localControl;
  }

  started(s: TrialStarted): void {
    this.inbox.push({ kind: 'started', s });
  }
  epoch(r: EpochReport): void {
    this.inbox.push({ kind: 'epoch', r });
  }
  pause(): void {
    this.pauseRequested = true;
  }
  resume(): void {
    this.pauseRequested = false;
  }
  prune(rung: number): void {
    this.pruneRung = rung;
  }
  /**
   * The sweep's run is about to continue as new, and a trial's activities cannot move to the next
   * run: stop at the next epoch boundary (its checkpoint recorded) as a pause would, and let `run`
   * return without recording an end; the next run resumes the trial from that checkpoint.
   */
  handOver(): void {
    this.handingOver = true;
  }

  /** Asked to stop for a while: paused, or handed over to the sweep's next run. */
  private get halting(): boolean {
    return this.pauseRequested || this.handingOver;
  }

  // A program has no epoch boundary Headroom could wait for: a pause stops it at once (SIGTERM).
  private stopRequested(): boolean {
    return (
      this.pruneRung !== undefined || this.pausing || (this.program !== undefined && this.halting)
    );
  }

  private get control() {
    return this.opts.local ? this.localActivities : remoteControl;
  }

  // A report persisted: the attempt, or an epoch's metrics with its checkpoint (the resume
  // point). False for an epoch of an attempt the trial has moved on from: dropped.
  private async persist(msg: Message): Promise<boolean> {
    const { input, control } = this;
    if (msg.kind === 'started') {
      if (attemptIsNewer(msg.s.attemptKey, this.currentAttempt))
        this.currentAttempt = msg.s.attemptKey;
      // A program's attempt resumes after the last epoch recorded (its heartbeats may lag behind).
      await control.markTrialRunning(
        this.program
          ? { ...msg.s, resumedFromEpoch: Math.max(msg.s.resumedFromEpoch, this.lastEpoch) }
          : msg.s,
      );
      return true;
    }
    const stale =
      msg.r.attemptKey !== undefined &&
      this.currentAttempt !== undefined &&
      msg.r.attemptKey !== this.currentAttempt;
    if (stale && (this.opts.local || patched(DROP_STALE_REPORTS))) {
      log.warn(
        `dropped epoch ${msg.r.epoch} of ${input.trialId} from attempt ${msg.r.attemptKey}: the trial has moved on to ${this.currentAttempt}`,
      );
      return false;
    }
    this.lastEpoch = Math.max(this.lastEpoch, msg.r.epoch);
    await control.recordEpoch(msg.r);
    if (msg.r.checkpoint)
      this.resumeFrom = { epoch: msg.r.checkpoint.epoch, path: msg.r.checkpoint.path };
    return true;
  }

  /** The trial to its end, recorded; undefined when it was handed over (handOver) instead. */
  async run(): Promise<TrialOutcome | undefined> {
    const { input, control, opts } = this;
    const local = opts.local;
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
    const { inbox } = this;

    // What a program trial runs is the sweep's, read once from its row (task trials carry their task).
    const program: ProgramRun | undefined =
      input.task === undefined ? await control.sweepProgram({ sweepId: input.sweepId }) : undefined;
    this.program = program;
    // A trial run again (retryFailedTrials) starts from its newest recorded checkpoint; a program
    // keeps its own, in its checkpoint directory.
    this.resumeFrom =
      input.rerun && !program
        ? ((await control.latestCheckpoint({ trialId: input.trialId })) ?? undefined)
        : undefined;
    // A program is told to resume (HEADROOM_RESUME=1) once the trial has run before.
    let ranBefore = input.rerun === true;
    /** Settles when the latest training attempt has ended (stopped, if cancelled). */
    let attemptEnded: Promise<unknown> = Promise.resolve();

    try {
      for (;;) {
        if (this.pauseRequested && !this.handingOver) {
          await control.failTrial({ trialId: input.trialId, status: 'paused', error: null });
          await condition(
            () => !this.pauseRequested || this.pruneRung !== undefined || this.handingOver,
          );
        }
        if (this.pruneRung !== undefined) break;
        if (this.handingOver) return undefined;

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
                  resumeFrom: this.resumeFrom,
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
            () =>
              inbox.length > 0 || finished || (this.stopRequested() && !scope.consideredCancelled),
          );
          // Taken off the inbox once persisted: a cancel arriving mid-write leaves it for the end.
          for (let msg = inbox[0]; msg; msg = inbox[0]) {
            const recorded = await this.persist(msg);
            inbox.shift();
            if (msg.kind === 'epoch' && recorded) {
              // A metric without a value this epoch (null) gives ASHA nothing to rank.
              const value = input.reportMetric
                ? metricValue(msg.r.metrics, input.reportMetric)
                : undefined;
              if (value !== undefined)
                await opts.epochValue({
                  index: input.index,
                  trialId: input.trialId,
                  epoch: msg.r.epoch,
                  value,
                });
              // Pause takes effect at an epoch boundary: the checkpoint just written is where it resumes.
              if (this.halting) this.pausing = true;
            }
          }
          // Latched, so a resume arriving before the program has stopped still counts as a pause.
          if (program && this.halting) this.pausing = true;
          if (this.stopRequested() && !scope.consideredCancelled) scope.cancel();
          if (finished) break;
        }

        try {
          const result = await attempt;
          await control.completeTrial({ trialId: input.trialId, result });
          return await opts.end({
            trialId: input.trialId,
            index: input.index,
            status: 'succeeded',
          });
        } catch (err) {
          if (!(isCancellation(err) && this.stopRequested())) throw err;
          if (this.pruneRung !== undefined) break;
          // Paused: loop, wait for resume, train again from the checkpoint (handed over: the next run does).
          this.pausing = false;
        }
      }
      const rung = this.pruneRung ?? 0;
      await control.failTrial({
        trialId: input.trialId,
        status: 'pruned',
        error: `pruned by hyperband at rung ${rung}: below the rung's top 1/eta`,
        prunedAtRung: rung,
      });
      return await opts.end({ trialId: input.trialId, index: input.index, status: 'pruned' });
    } catch (err) {
      // Cancelled (cancelSweep), or training failed for good.
      const cancelled = isCancellation(err);
      const error = cancelled ? 'cancelled' : describeFailure(err);
      const status = cancelled ? 'cancelled' : 'failed';
      // Record the end even though this trial is being cancelled; the epochs the trainer
      // finished first (their checkpoints are on disk: a retry resumes from them) are history too.
      return CancellationScope.nonCancellable(async () => {
        // Its reports are all in once it has stopped (they precede its end in history). Local
        // activities take no new events while they run, so without this wait reports sent after the
        // cancel would be dropped.
        if (local) await attemptEnded;
        if (local || patched(PERSIST_REPORTS_AT_END))
          for (let msg = inbox.shift(); msg; msg = inbox.shift()) await this.persist(msg);
        await control.failTrial({ trialId: input.trialId, status, error });
        return opts.end({ trialId: input.trialId, index: input.index, status, error });
      });
    }
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

/** The innermost message is the one a user can act on (e.g. "loss became NaN at epoch 3"). */
function describeFailure(err: unknown): string {
  let e: unknown = err;
  while (e instanceof ActivityFailure && e.cause) e = e.cause;
  if (e instanceof ApplicationFailure) return e.message;
  return e instanceof Error ? e.message : String(e);
}
