import { getTableColumns } from 'drizzle-orm';
import { checkpoints, trialMetrics, trials, sweeps, workers } from './schema';
import type { MetricGoal, SweepStatus, TrialStatus } from './schema';

export interface SweepRow {
  id: string;
  name: string;
  task: string;
  method: string;
  metricName: string;
  metricGoal: MetricGoal;
  spec: unknown;
  status: SweepStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface TrialRow {
  id: string;
  sweepId: string;
  index: number;
  status: TrialStatus;
  params: Record<string, unknown>;
  dModel: number;
  heads: number;
  dH: number;
  qkTied: boolean;
  epochs: number;
  epochsCompleted: number;
  paramCount: number | null;
  metrics: Record<string, number> | null;
  artifactPath: string | null;
  backend: string | null;
  device: string | null;
  error: string | null;
  attempts: number;
  lastAttemptKey: string | null;
  resumedFromEpoch: number;
  worker: string | null;
  prunedAtRung: number | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WorkerRow {
  id: string;
  pool: string;
  host: string;
  pid: number;
  backend: string;
  device: string;
  slots: number;
  status: 'running' | 'stopped';
  startedAt: Date;
  lastSeenAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface TrialMetricRow {
  trialId: string;
  epoch: number;
  metrics: Record<string, number>;
  createdAt: Date;
}

export interface CheckpointRow {
  trialId: string;
  epoch: number;
  path: string;
  sizeBytes: number;
  sha256: string;
  createdAt: Date;
}

// Selections whose result types are the row interfaces above (checked where they are used).
export const sweepColumns = getTableColumns(sweeps);
export const trialColumns = getTableColumns(trials);
export const workerColumns = getTableColumns(workers);
export const trialMetricColumns = {
  trialId: trialMetrics.trialId,
  epoch: trialMetrics.epoch,
  metrics: trialMetrics.metrics,
  createdAt: trialMetrics.createdAt,
};
export const checkpointColumns = {
  trialId: checkpoints.trialId,
  epoch: checkpoints.epoch,
  path: checkpoints.path,
  sizeBytes: checkpoints.sizeBytes,
  sha256: checkpoints.sha256,
  createdAt: checkpoints.createdAt,
};
