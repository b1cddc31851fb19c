import type { SweepSpec, TrialParams } from '@headroom/sweep';

/** What a trial workflow needs to run one trial; the sweep workflow hands it over. */
export interface TrialWorkflowInput {
  sweepId: string;
  trialId: string;
  index: number;
  task: SweepSpec['task'];
  dataset: SweepSpec['dataset'];
  params: TrialParams;
  pool: string;
}

export interface TrainTrialInput {
  sweepId: string;
  trialId: string;
  task: SweepSpec['task'];
  dataset: SweepSpec['dataset'];
  params: TrialParams;
}

/** Sent by the training activity to its trial workflow (signal `epochCompleted`). */
export interface EpochReport {
  trialId: string;
  epoch: number;
  metrics: Record<string, number>;
  checkpoint?: CheckpointInfo;
}

export interface CheckpointInfo {
  epoch: number;
  path: string;
  sizeBytes: number;
  sha256: string;
}

/** Sent once per attempt when training starts (signal `trialStarted`). */
export interface TrialStarted {
  trialId: string;
  attempt: number;
  backend: string;
  device: string;
}

export interface TrainTrialResult {
  metrics: Record<string, number>;
  paramCount: number;
  artifactPath: string;
  epochsCompleted: number;
  backend: string;
  device: string;
}

export type TrialOutcomeStatus = 'succeeded' | 'failed' | 'cancelled';
export interface TrialOutcome {
  trialId: string;
  status: TrialOutcomeStatus;
  metrics?: Record<string, number>;
  error?: string;
}
