import { defineSignal } from '@temporalio/workflow';
import { SWEEP_SIGNALS, type RetryTrialsRequest } from '@headroom/sweep';
import type {
  EpochReport,
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

/** API → sweep workflow (names shared with the API through @headroom/sweep). */
export const pauseSweepSignal = defineSignal(SWEEP_SIGNALS.pause);
export const resumeSweepSignal = defineSignal(SWEEP_SIGNALS.resume);
export const cancelSweepSignal = defineSignal(SWEEP_SIGNALS.cancel);
export const retryTrialsSignal = defineSignal<[RetryTrialsRequest]>(SWEEP_SIGNALS.retryTrials);

/** Train worker → its worker workflow. */
export const WORKER_SEEN_SIGNAL = 'workerSeen';
export const WORKER_STOPPED_SIGNAL = 'workerStopped';
export const workerSeenSignal = defineSignal<[{ at: string }]>(WORKER_SEEN_SIGNAL);
export const workerStoppedSignal = defineSignal<[{ at: string }]>(WORKER_STOPPED_SIGNAL);
export type { WorkerInfo };
