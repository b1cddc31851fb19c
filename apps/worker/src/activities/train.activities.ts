import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { isHeadroomError } from '@headroom/errors';
import type { BackendInfo } from '@headroom/models';
import {
  epochCompletedSignal,
  headroomFailure,
  PERMANENT_ERROR_CODES,
  trialResumePointQuery,
  trialStartedSignal,
  type EpochReport,
  type ResumePoint,
  type RunProgramInput,
  type TrainActivities,
  type TrainHeartbeat,
  type TrainTrialInput,
  type TrainTrialResult,
  type TrialStarted,
} from '@headroom/sweep/temporal';
import { ProgramFailed, ProgramStopped, runProgram } from '../program/run-program';
import { WorkerDraining } from '../trainer/hooks';
import { TRAINERS } from '../trainer/trainers';

/** The failure type of an attempt stopped by a draining worker (the trial moves on). */
export const WORKER_DRAINING = 'WORKER_DRAINING';
/** The failure type of a program trial's attempt that exited non-zero (permanent for exit 78). */
export const PROGRAM_FAILED = 'PROGRAM_FAILED';

/** How a train worker runs program trials (docs/programs.md). */
export interface ProgramSettings {
  /** HEADROOM_PROGRAM_ROOTS, parsed: the directories programs may run from; undefined: none. */
  roots: readonly string[] | undefined;
  /** From SIGTERM to SIGKILL when a program is stopped (cancel, prune, pause, drain). */
  graceMs: number;
  /** The environment programs start from (the worker's; its secrets are left out). */
  env?: NodeJS.ProcessEnv;
  /** The default workdir (the worker's working directory). */
  cwd?: string;
}

/**
 * Activities on a pool's train task queue. They hold no database connection: they
 * report through Temporal only — heartbeats `{epoch, checkpoint}`, signals to the workflow that
 * runs their trial, and their result — and write checkpoints to the artifact store.
 */
export function createTrainActivities({
  artifactsDir,
  backend,
  identity,
  draining,
  programs = { roots: undefined, graceMs: 10_000 },
}: {
  artifactsDir: string;
  backend: BackendInfo;
  identity: string;
  /** Aborted on SIGTERM: running trials stop after their epoch in progress (see TrainHooks). */
  draining?: AbortSignal;
  programs?: ProgramSettings;
}): TrainActivities {
  /** A failure as Temporal should see it: cancelled, retried at once, or permanent; else as it is. */
  const asAttemptFailure = (err: unknown, ctx: Context, stopped: string): unknown => {
    // Temporal counts an attempt as cancelled (pause, prune, cancelSweep) only by this failure type.
    if (ctx.cancellationSignal.aborted) return new CancelledFailure(stopped);
    // Retried at once (the workflow's backoff, not a heartbeat timeout) on another worker, from
    // the checkpoint just reported.
    if (err instanceof WorkerDraining)
      return ApplicationFailure.retryable(`${identity}: ${err.message}`, WORKER_DRAINING);
    // Permanent codes fail the trial at once, with the message; others retry from the checkpoint.
    if (isHeadroomError(err) && PERMANENT_ERROR_CODES.includes(err.code))
      return headroomFailure(err);
    return err;
  };

  return {
    async runProgram(input: RunProgramInput): Promise<TrainTrialResult> {
      const attempt = trialAttempt('runProgram', input.trialId);
      const { ctx } = attempt;
      const announce = () =>
        attempt.announce({
          trialId: input.trialId,
          resumedFromEpoch: (ctx.info.heartbeatDetails as TrainHeartbeat | undefined)?.epoch ?? 0,
          backend: 'program',
          device: backend.device,
          worker: identity,
        });
      try {
        return await runProgram(input, {
          artifactsDir,
          roots: programs.roots,
          attempt: ctx.info.attempt,
          previous: ctx.info.heartbeatDetails as TrainHeartbeat | undefined,
          worker: identity,
          device: backend.device,
          env: programs.env ?? process.env,
          cwd: programs.cwd ?? process.cwd(),
          graceMs: programs.graceMs,
          onStart: announce,
          heartbeat: (details) => ctx.heartbeat(details),
          onEpoch: attempt.report,
          cancelled: ctx.cancellationSignal,
          draining,
        });
      } catch (err) {
        if (!attempt.announced) await announce().catch(() => {});
        if (err instanceof ProgramStopped)
          throw new CancelledFailure('the program was stopped on request');
        if (err instanceof ProgramFailed && !ctx.cancellationSignal.aborted)
          throw ApplicationFailure.create({
            message: err.message,
            type: PROGRAM_FAILED,
            nonRetryable: err.permanent,
          });
        throw asAttemptFailure(err, ctx, 'the program was stopped on request');
      }
    },

    async trainTrial(input: TrainTrialInput): Promise<TrainTrialResult> {
      const attempt = trialAttempt('trainTrial', input.trialId);
      const { ctx } = attempt;
      const announce = (info: Pick<TrialStarted, 'resumedFromEpoch' | 'paramCount' | 'flops'>) =>
        attempt.announce({
          trialId: input.trialId,
          ...info,
          backend: backend.backend,
          device: backend.device,
          worker: identity,
        });
      try {
        // Possible during a rolling upgrade: an API newer than this worker.
        const train = TRAINERS[input.task] as (typeof TRAINERS)[keyof typeof TRAINERS] | undefined;
        if (!train) {
          throw ApplicationFailure.nonRetryable(
            `task ${input.task} is unknown to this worker (it trains ${Object.keys(TRAINERS).join(', ')}); upgrade the worker to the API's release`,
            'CONFIG',
          );
        }
        const fromBeat = fromHeartbeat(ctx.info.heartbeatDetails as TrainHeartbeat | undefined);
        return await train(
          {
            ...input,
            resumeFrom: newest(input.resumeFrom, fromBeat, await attempt.recordedResumePoint()),
          },
          {
            artifactsDir,
            backend,
            onStart: announce,
            heartbeat: (details) => ctx.heartbeat(details),
            cancelled: ctx.cancellationSignal,
            draining,
            onEpoch: attempt.report,
            warn: (message) => ctx.log.warn(`${input.trialId}: ${message}`),
          },
        );
      } catch (err) {
        // An attempt that failed before training (missing data, say) still counts, and says where it ran.
        if (!attempt.announced) await announce({ resumedFromEpoch: 0 }).catch(() => {});
        throw asAttemptFailure(err, ctx, 'training stopped on request');
      }
    },
  };
}

/**
 * The running attempt's line to the workflow that runs its trial (the sweep's, or the trial's own
 * for sweeps from before): its key — one per scheduled activity and
 * attempt (`run/activity/attempt`): a retry, a resume after pause and a retryFailedTrials run each
 * count as an attempt; a duplicated signal does not —, its `trialStarted` and its epochs, each
 * carrying the key (the workflow drops the reports of an attempt it has moved on from).
 */
function trialAttempt(activity: string, trialId: string) {
  const ctx = Context.current();
  const wf = ctx.info.workflowExecution;
  if (!wf) {
    throw ApplicationFailure.nonRetryable(
      `${activity} runs inside a sweep or trial workflow; it was started without one`,
      'CONFIG',
    );
  }
  const workflow = ctx.client.workflow.getHandle(wf.workflowId);
  const attemptKey = `${wf.runId}/${ctx.info.activityId}/${ctx.info.attempt}`;
  let announced = false;
  return {
    ctx,
    get announced() {
      return announced;
    },
    async announce(started: Omit<TrialStarted, 'attemptKey'>): Promise<void> {
      announced = true;
      await workflow.signal(trialStartedSignal, { ...started, attemptKey });
    },
    report: (report: EpochReport) =>
      workflow.signal(epochCompletedSignal, { ...report, attemptKey }),
    /** The trial's newest recorded checkpoint; undefined when the workflow cannot say (it warns). */
    async recordedResumePoint(): Promise<ResumePoint | undefined> {
      try {
        return (await workflow.query(trialResumePointQuery, trialId)) ?? undefined;
      } catch (err) {
        ctx.log.warn(
          `could not ask the trial for its newest recorded checkpoint (${err instanceof Error ? err.message : String(err)}); resuming from the heartbeat's`,
        );
        return undefined;
      }
    },
  };
}

/** The checkpoint a predecessor's last heartbeat named (heartbeats name only reported ones). */
function fromHeartbeat(beat: TrainHeartbeat | undefined): ResumePoint | undefined {
  return beat?.checkpoint ? { epoch: beat.epoch, path: beat.checkpoint } : undefined;
}

/** The newest of the resume points the attempt knows of, all of reported epochs. */
function newest(...points: Array<ResumePoint | undefined>): ResumePoint | undefined {
  return points.reduce<ResumePoint | undefined>(
    (best, p) => (p && (!best || p.epoch > best.epoch) ? p : best),
    undefined,
  );
}
