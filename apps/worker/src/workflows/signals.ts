import { defineSignal } from '@temporalio/workflow';
import type {
  EpochReport,
  RetryTrialsRequest,
  TrialEpochNotice,
  TrialOutcome,
  TrialStarted,
  WorkerInfo,
} from '../types';

// Signal names are constants because activities and the API signal by name.

/** Training activity → its trial workflow. */
export const TRIAL_STARTED_SIGNAL = 'trialStarted';
export const EPOCH_COMPLETED_SIGNAL = 'epochCompleted';
export const trialStartedSignal = defineSignal<[TrialStarted]>(TRIAL_STARTED_SIGNAL);
export const epochCompletedSignal = defineSignal<[EpochReport]>(EPOCH_COMPLETED_SIGNAL);

/** Sweep workflow → trial workflow. */
export const pauseTrialSignal = defineSignal('pauseTrial');
export const resumeTrialSignal = defineSignal('resumeTrial');
export const pruneTrialSignal = defineSignal<[{ rung: number }]>('pruneTrial');

/** Trial workflow → sweep workflow (by workflow id, so it reaches the sweep's current run). */
export const trialEpochSignal = defineSignal<[TrialEpochNotice]>('trialEpoch');
export const trialFinishedSignal = defineSignal<[TrialOutcome]>('trialFinished');

/** API → sweep workflow. */
export const PAUSE_SWEEP_SIGNAL = 'pauseSweep';
export const RESUME_SWEEP_SIGNAL = 'resumeSweep';
export const CANCEL_SWEEP_SIGNAL = 'cancelSweep';
export const RETRY_TRIALS_SIGNAL = 'retryTrials';
export const pauseSweepSignal = defineSignal(PAUSE_SWEEP_SIGNAL);
export const resumeSweepSignal = defineSignal(RESUME_SWEEP_SIGNAL);
export const cancelSweepSignal = defineSignal(CANCEL_SWEEP_SIGNAL);
export const retryTrialsSignal = defineSignal<[RetryTrialsRequest]>(RETRY_TRIALS_SIGNAL);

/** Train worker → its worker workflow. */
export const WORKER_SEEN_SIGNAL = 'workerSeen';
export const WORKER_STOPPED_SIGNAL = 'workerStopped';
export const workerSeenSignal = defineSignal<[{ at: string }]>(WORKER_SEEN_SIGNAL);
export const workerStoppedSignal = defineSignal<[{ at: string }]>(WORKER_STOPPED_SIGNAL);
export type { WorkerInfo };
