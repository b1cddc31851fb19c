import { defineSignal } from '@temporalio/workflow';
import type { EpochReport, TrialStarted } from '../types';

// Names only: the training activity signals its trial workflow by these names.
export const TRIAL_STARTED_SIGNAL = 'trialStarted';
export const EPOCH_COMPLETED_SIGNAL = 'epochCompleted';

export const trialStartedSignal = defineSignal<[TrialStarted]>(TRIAL_STARTED_SIGNAL);
export const epochCompletedSignal = defineSignal<[EpochReport]>(EPOCH_COMPLETED_SIGNAL);
