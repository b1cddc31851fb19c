import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { isHeadroomError } from '@headroom/errors';
import type { BackendInfo } from '@headroom/models';
import {
  epochCompletedSignal,
  headroomFailure,
  PERMANENT_ERROR_CODES,
  trialStartedSignal,
  type EpochReport,
  type ResumePoint,
  type TrainActivities,
  type TrainHeartbeat,
  type TrainTrialInput,
  type TrainTrialResult,
  type TrialStarted,
} from '@headroom/sweep/temporal';
import { WorkerDraining } from '../trainer/hooks';
import { TRAINERS } from '../trainer/trainers';

/** The failure type of an attempt stopped by a draining worker (the trial moves on). */
export const WORKER_DRAINING = 'WORKER_DRAINING';

/**
 * Activities on a pool's train task queue. They hold no database connection: they
 * report through Temporal only — heartbeats `{epoch, checkpoint}`, signals to their trial
 * workflow, and their result — and write checkpoints to the artifact store.
 */
export function createTrainActivities({
  artifactsDir,
  backend,
  identity,
  draining,
}: {
  artifactsDir: string;
  backend: BackendInfo;
  identity: string;
  /** Aborted on SIGTERM: running trials stop after their epoch in progress (see TrainHooks). */
  draining?: AbortSignal;
}): TrainActivities {
  return {
    async trainTrial(input: TrainTrialInput): Promise<TrainTrialResult> {
      const ctx = Context.current();
      const wf = ctx.info.workflowExecution;
      if (!wf) {
        throw ApplicationFailure.nonRetryable(
          'trainTrial runs inside a trial workflow; it was started without one',
          'CONFIG',
        );
      }
      const trial = ctx.client.workflow.getHandle(wf.workflowId);
      let announced = false;
      const announce = async (
        info: Pick<TrialStarted, 'resumedFromEpoch' | 'paramCount' | 'flops'>,
      ) => {
        announced = true;
        const started: TrialStarted = {
          trialId: input.trialId,
          // One key per scheduled activity and attempt: a retry, a resume after pause and a
          // retryFailedTrials run each count as an attempt; a duplicated signal does not.
          attemptKey: `${wf.runId}/${ctx.info.activityId}/${ctx.info.attempt}`,
          ...info,
          backend: backend.backend,
          device: backend.device,
          worker: identity,
        };
        await trial.signal(trialStartedSignal, started);
      };
      try {
        // Possible during a rolling upgrade: an API newer than this worker.
        const train = TRAINERS[input.task] as (typeof TRAINERS)[keyof typeof TRAINERS] | undefined;
        if (!train) {
          throw ApplicationFailure.nonRetryable(
            `task ${input.task} is unknown to this worker (it trains ${Object.keys(TRAINERS).join(', ')}); upgrade the worker to the API's release`,
            'CONFIG',
          );
        }
        return await train(
          {
            ...input,
            resumeFrom: newer(
              input.resumeFrom,
              ctx.info.heartbeatDetails as TrainHeartbeat | undefined,
            ),
          },
          {
            artifactsDir,
            backend,
            onStart: announce,
            heartbeat: (details) => ctx.heartbeat(details),
            cancelled: ctx.cancellationSignal,
            draining,
            onEpoch: (report: EpochReport) => trial.signal(epochCompletedSignal, report),
            warn: (message) => ctx.log.warn(`${input.trialId}: ${message}`),
          },
        );
      } catch (err) {
        // An attempt that failed before training (missing data, say) still counts, and says where it ran.
        if (!announced) await announce({ resumedFromEpoch: 0 }).catch(() => {});
        // Temporal counts an attempt as cancelled (pause, prune, cancelSweep) only by this failure type.
        if (ctx.cancellationSignal.aborted)
          throw new CancelledFailure('training stopped on request');
        // Retried at once (the workflow's backoff, not a heartbeat timeout) on another worker, from
        // the checkpoint just reported.
        if (err instanceof WorkerDraining)
          throw ApplicationFailure.retryable(`${identity}: ${err.message}`, WORKER_DRAINING);
        // Permanent codes fail the trial at once, with the message; others retry from the checkpoint.
        if (isHeadroomError(err) && PERMANENT_ERROR_CODES.includes(err.code))
          throw headroomFailure(err);
        throw err;
      }
    },
  };
}

/** A retried attempt knows its predecessor's last checkpoint from the heartbeat details. */
function newer(
  known: ResumePoint | undefined,
  beat: TrainHeartbeat | undefined,
): ResumePoint | undefined {
  const fromBeat = beat?.checkpoint ? { epoch: beat.epoch, path: beat.checkpoint } : undefined;
  if (!fromBeat) return known;
  if (!known) return fromBeat;
  return fromBeat.epoch >= known.epoch ? fromBeat : known;
}
