import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { isHeadroomError } from '@headroom/errors';
import type { BackendInfo } from '@headroom/models';
import { EPOCH_COMPLETED_SIGNAL, TRIAL_STARTED_SIGNAL } from '../workflows/signals';
import { trainPose3d } from '../trainer/pose3d.trainer';
import type { EpochReport, TrainTrialInput, TrainTrialResult, TrialStarted } from '../types';

/** Error codes that no retry can fix: the trial fails at once with the message. */
const PERMANENT = new Set(['INVALID_SPEC', 'INVALID_INPUT', 'DATA', 'TRAINING_DIVERGED', 'CONFIG']);

/**
 * Activities on a pool's train task queue. They hold no database connection: they
 * report through Temporal only — heartbeats, signals to their trial workflow, and
 * their result — and write weights to the artifact store.
 */
export function createTrainActivities({ artifactsDir, backend }: { artifactsDir: string; backend: BackendInfo }) {
  return {
    async trainTrial(input: TrainTrialInput): Promise<TrainTrialResult> {
      const ctx = Context.current();
      const workflowId = ctx.info.workflowExecution?.workflowId;
      if (!workflowId) {
        throw ApplicationFailure.nonRetryable('trainTrial runs inside a trial workflow; it was started without one', 'CONFIG');
      }
      const trial = ctx.client.workflow.getHandle(workflowId);
      const started: TrialStarted = {
        trialId: input.trialId,
        attempt: ctx.info.attempt,
        backend: backend.backend,
        device: backend.device,
      };
      await trial.signal(TRIAL_STARTED_SIGNAL, started);
      try {
        if (input.task !== 'pose3d') {
          throw ApplicationFailure.nonRetryable(
            `task ${input.task} has no trainer on this worker yet; this release trains pose3d`,
            'CONFIG',
          );
        }
        return await trainPose3d(input, {
          artifactsDir,
          backend,
          heartbeat: (details) => ctx.heartbeat(details),
          cancelled: ctx.cancellationSignal,
          onEpoch: (report: EpochReport) => trial.signal(EPOCH_COMPLETED_SIGNAL, report),
        });
      } catch (err) {
        if (isHeadroomError(err) && PERMANENT.has(err.code)) {
          throw ApplicationFailure.nonRetryable(err.message, err.code);
        }
        throw err;
      }
    },
  };
}

export type TrainActivities = ReturnType<typeof createTrainActivities>;
