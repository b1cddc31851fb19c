import {
  cancelPendingTrials,
  completeTrial,
  failTrial,
  insertSweep,
  latestCheckpoint,
  markTrialRunning,
  markWorkerSeen,
  recordCheckpoint,
  recordEpochMetrics,
  registerWorker,
  setSweepStatus,
  settleSweepStatus,
  sweepRegistration,
  type Database,
  type FailTrialInput,
} from '@headroom/db';
import { isHeadroomError } from '@headroom/errors';
import { type SweepStatus, type TaskSweepSpec, type WorkerStatus } from '@headroom/sweep';
import {
  headroomFailure,
  type EpochReport,
  type ResumePoint,
  type TrainTrialResult,
  type TrialStarted,
  type WorkerInfo,
} from '@headroom/sweep/temporal';

/**
 * Activities on the control task queue: the only code that writes to the database.
 * Every one is idempotent (upserts keyed by sweep, trial, epoch and attempt), because
 * Temporal runs an activity at least once.
 */
export function createControlActivities({ db }: { db: Database }) {
  return withHeadroomFailures({
    async registerSweep({
      sweepId,
      spec,
    }: {
      sweepId: string;
      spec: TaskSweepSpec;
    }): Promise<number> {
      const registration = sweepRegistration(sweepId, spec);
      await insertSweep(db, registration);
      return registration.trials.length;
    },

    async setSweepStatus({
      sweepId,
      status,
    }: {
      sweepId: string;
      status: SweepStatus;
    }): Promise<void> {
      await setSweepStatus(db, sweepId, status);
    },

    async settleSweepStatus({ sweepId }: { sweepId: string }): Promise<SweepStatus> {
      return settleSweepStatus(db, sweepId);
    },

    async cancelPendingTrials({ sweepId }: { sweepId: string }): Promise<number> {
      return cancelPendingTrials(db, sweepId);
    },

    async markTrialRunning(s: TrialStarted): Promise<void> {
      await markTrialRunning(db, s.trialId, {
        attemptKey: s.attemptKey,
        resumedFromEpoch: s.resumedFromEpoch,
        backend: s.backend,
        device: s.device,
        worker: s.worker,
        paramCount: s.paramCount,
        flops: s.flops,
      });
    },

    async recordEpoch(report: EpochReport): Promise<void> {
      await recordEpochMetrics(db, {
        trialId: report.trialId,
        epoch: report.epoch,
        metrics: report.metrics,
        breakdown: report.breakdown,
      });
      const c = report.checkpoint;
      if (c)
        await recordCheckpoint(db, {
          trialId: report.trialId,
          epoch: c.epoch,
          path: c.path,
          sizeBytes: c.sizeBytes,
          sha256: c.sha256,
        });
    },

    async latestCheckpoint({ trialId }: { trialId: string }): Promise<ResumePoint | null> {
      const c = await latestCheckpoint(db, trialId);
      return c ? { epoch: c.epoch, path: c.path } : null;
    },

    async completeTrial({
      trialId,
      result,
    }: {
      trialId: string;
      result: TrainTrialResult;
    }): Promise<void> {
      await completeTrial(db, { trialId, ...result });
    },

    async failTrial(input: FailTrialInput): Promise<void> {
      await failTrial(db, input);
    },

    async registerWorker({ reportEveryMs: _every, ...info }: WorkerInfo): Promise<void> {
      await registerWorker(db, { ...info, startedAt: new Date(info.startedAt) });
    },

    async markWorkerSeen({
      id,
      at,
      status,
    }: {
      id: string;
      at: string;
      status: WorkerStatus;
    }): Promise<void> {
      await markWorkerSeen(db, id, new Date(at), status);
    },
  });
}

/**
 * A HeadroomError leaves an activity as an ApplicationFailure with its code, message and
 * violations (non-retryable when no retry can fix it): an invalid spec in registerSweep reaches
 * createSweep's caller as INVALID_SPEC instead of being retried forever.
 */
export function withHeadroomFailures<
  T extends Record<string, (...args: never[]) => Promise<unknown>>,
>(activities: T): T {
  const wrapped: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw isHeadroomError(err) ? headroomFailure(err) : err;
      }
    };
  }
  return wrapped as T;
}

export type ControlActivities = ReturnType<typeof createControlActivities>;
