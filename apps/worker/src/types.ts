import type { AshaState, SweepSpec, SweepWorkflowInput, TrialParams } from '@headroom/sweep';

/** What a trial workflow needs to run one trial; the sweep workflow hands it over. */
export interface TrialWorkflowInput {
  sweepId: string;
  trialId: string;
  index: number;
  task: SweepSpec['task'];
  dataset: SweepSpec['dataset'];
  params: TrialParams;
  pool: string;
  /** The sweep metric, reported to the sweep after every epoch when it prunes (ASHA). */
  reportMetric?: string;
  /** A re-run (retryFailedTrials): resume from the newest checkpoint recorded in the database. */
  rerun?: boolean;
}

/** Where a training attempt starts from: the newest checkpoint known to the caller. */
export interface ResumePoint {
  epoch: number;
  path: string;
}

export interface TrainTrialInput {
  sweepId: string;
  trialId: string;
  task: SweepSpec['task'];
  dataset: SweepSpec['dataset'];
  params: TrialParams;
  /** From the database (e.g. after retryFailedTrials); heartbeat details of a retried attempt win when newer. */
  resumeFrom?: ResumePoint;
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
  /** Workflow run id + Temporal's attempt number: counts each attempt once. */
  attemptKey: string;
  resumedFromEpoch: number;
  backend: string;
  device: string;
  worker: string;
}

/** Heartbeat details of the training activity: a retried attempt resumes from `checkpoint`. */
export interface TrainHeartbeat {
  epoch: number;
  checkpoint?: string;
  batchesSeen?: number;
}

export interface TrainTrialResult {
  metrics: Record<string, number>;
  paramCount: number;
  artifactPath: string;
  epochsCompleted: number;
  backend: string;
  device: string;
}

export type TrialOutcomeStatus = 'succeeded' | 'failed' | 'cancelled' | 'pruned';
export interface TrialOutcome {
  trialId: string;
  index: number;
  status: TrialOutcomeStatus;
  error?: string;
}

/** Trial → sweep: one epoch's value of the sweep metric (for ASHA). */
export interface TrialEpochNotice {
  index: number;
  trialId: string;
  epoch: number;
  value: number;
}

/** State a sweep carries across continue-as-new: everything it knows that is not in the spec. */
export interface SweepState {
  registered: boolean;
  /** Next trial index never started yet. */
  next: number;
  /** Indices of trials whose workflows run now (including paused ones). */
  running: number[];
  /** Trials asked to run again (retryFailedTrials), not started yet. */
  retryQueue: number[];
  paused: boolean;
  cancelled: boolean;
  asha?: AshaState;
}

export interface SweepWorkflowArgs extends SweepWorkflowInput {
  /** Absent on the first run; carried by continue-as-new. */
  state?: SweepState;
}

/** Train worker → control plane (signals to `worker-<identity>`): registration and liveness. */
export interface WorkerInfo {
  id: string;
  pool: string;
  host: string;
  pid: number;
  backend: string;
  device: string;
  slots: number;
  startedAt: string;
}
