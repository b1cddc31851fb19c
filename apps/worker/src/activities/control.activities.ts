import {
  completeTrial,
  failTrial,
  insertSweep,
  markTrialRunning,
  recordCheckpoint,
  recordEpochMetrics,
  setSweepStatus,
  type Database,
  type SweepStatus,
} from '@headroom/db';
import { expandGrid, resolveGeometry, TASKS, type SweepSpec } from '@headroom/sweep';
import type { CheckpointInfo, EpochReport, TrainTrialResult, TrialStarted } from '../types';

/**
 * Activities on the control task queue: the only code that writes to the database.
 * Every one is idempotent (upserts keyed by sweep, trial and epoch), because Temporal
 * runs an activity at least once.
 */
export function createControlActivities({ db }: { db: Database }) {
  return {
    async registerSweep({ sweepId, spec }: { sweepId: string; spec: SweepSpec }): Promise<number> {
      const metricName = spec.metric?.name ?? TASKS[spec.task].defaultMetric;
      const trials = expandGrid(spec).map((params, index) => {
        const g = resolveGeometry(params);
        return { index, params: { ...params }, dModel: g.dModel, heads: g.heads, dH: g.dH, qkTied: g.qkTied, epochs: params.epochs };
      });
      await insertSweep(db, {
        id: sweepId,
        name: spec.name,
        task: spec.task,
        method: spec.method,
        metricName,
        metricGoal: spec.metric?.goal ?? TASKS[spec.task].metrics[metricName] ?? 'minimize',
        spec,
        trials,
      });
      return trials.length;
    },

    async setSweepStatus({ sweepId, status }: { sweepId: string; status: SweepStatus }): Promise<void> {
      await setSweepStatus(db, sweepId, status);
    },

    async markTrialRunning(started: TrialStarted): Promise<void> {
      await markTrialRunning(db, started.trialId, {
        attempt: started.attempt,
        backend: started.backend,
        device: started.device,
      });
    },

    async recordEpoch(report: EpochReport): Promise<void> {
      await recordEpochMetrics(db, { trialId: report.trialId, epoch: report.epoch, metrics: report.metrics });
      if (report.checkpoint) await recordCheckpointRow(db, report.trialId, report.checkpoint);
    },

    async completeTrial({ trialId, result }: { trialId: string; result: TrainTrialResult }): Promise<void> {
      await completeTrial(db, { trialId, ...result });
    },

    async failTrial(input: { trialId: string; status: 'failed' | 'cancelled'; error: string }): Promise<void> {
      await failTrial(db, input);
    },
  };
}

function recordCheckpointRow(db: Database, trialId: string, c: CheckpointInfo) {
  return recordCheckpoint(db, { trialId, epoch: c.epoch, path: c.path, sizeBytes: c.sizeBytes, sha256: c.sha256 });
}

export type ControlActivities = ReturnType<typeof createControlActivities>;
