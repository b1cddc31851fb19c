/**
 * The life cycles of sweeps, trials and train workers. One list each: the database's CHECK
 * constraints, the GraphQL enums, the workflows and the CLI are built from these.
 */

export const SWEEP_STATUSES = [
  'pending',
  'running',
  'paused',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type SweepStatus = (typeof SWEEP_STATUSES)[number];
/** A sweep in one of these has ended: nothing runs until retryFailedTrials. */
export const FINAL_SWEEP_STATUSES = [
  'succeeded',
  'failed',
  'cancelled',
] as const satisfies readonly SweepStatus[];
export type FinalSweepStatus = (typeof FINAL_SWEEP_STATUSES)[number];

export const TRIAL_STATUSES = [
  'pending',
  'running',
  'paused',
  'succeeded',
  'failed',
  'cancelled',
  'pruned',
] as const;
export type TrialStatus = (typeof TRIAL_STATUSES)[number];
/** How a trial ends; failed and cancelled ones can be retried from their checkpoints. */
export const FINAL_TRIAL_STATUSES = [
  'succeeded',
  'failed',
  'cancelled',
  'pruned',
] as const satisfies readonly TrialStatus[];
export type FinalTrialStatus = (typeof FINAL_TRIAL_STATUSES)[number];
export const RETRYABLE_TRIAL_STATUSES = [
  'failed',
  'cancelled',
] as const satisfies readonly FinalTrialStatus[];

/**
 * `running` and `stopped` are what a train worker says of itself; `lost` is what the control plane
 * concludes when it stops hearing from one (WORKER_LOST_AFTER_REPORTS missed reports): killed,
 * cut off, or its host gone. A lost worker that reports again is running again.
 */
export const WORKER_STATUSES = ['running', 'stopped', 'lost'] as const;
export type WorkerStatus = (typeof WORKER_STATUSES)[number];

export function isFinalSweepStatus(status: string): status is FinalSweepStatus {
  return (FINAL_SWEEP_STATUSES as readonly string[]).includes(status);
}

export function isFinalTrialStatus(status: string): status is FinalTrialStatus {
  return (FINAL_TRIAL_STATUSES as readonly string[]).includes(status);
}

export function isRetryableTrialStatus(
  status: string,
): status is (typeof RETRYABLE_TRIAL_STATUSES)[number] {
  return (RETRYABLE_TRIAL_STATUSES as readonly string[]).includes(status);
}
