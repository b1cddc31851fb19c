import { HeadroomError } from '@headroom/errors';
import type { SweepSpec } from './spec';

// Names the api (starts workflows) and the worker (registers and polls) must agree on.

/** Sweep and trial workflows, and the activities that write the database. */
export const CONTROL_TASK_QUEUE = 'headroom-control';
export const SWEEP_WORKFLOW_TYPE = 'sweepWorkflow';

export interface SweepWorkflowInput {
  sweepId: string;
  spec: SweepSpec;
  /** Started only to run failed trials again (retryFailedTrials after the sweep ended): no new trials. */
  retryOnly?: boolean;
}

/** The train queue of a pool: a GPU node's workers poll the queue of their pool. */
export function trainTaskQueue(pool: string): string {
  if (pool === '') throw new HeadroomError('INVALID_INPUT', 'a pool name must not be empty');
  return `headroom-train-${pool}`;
}

/** One workflow per sweep: starting it twice cannot run it twice. */
export function sweepWorkflowId(sweepId: string): string {
  return `sweep-${sweepId}`;
}

/** A trial's id everywhere (database row, artifacts, logs): its sweep and its index in the sweep. */
export function trialId(sweepId: string, index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new HeadroomError('INVALID_INPUT', `a trial index is an integer ≥ 0; got ${index}`);
  }
  return `${sweepId}-${index}`;
}

/** One workflow per trial, keyed by its index in the sweep, for the same reason. */
export function trialWorkflowId(sweepId: string, index: number): string {
  return `trial-${trialId(sweepId, index)}`;
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const ID_LENGTH = 10;

/** What `newSweepId` makes: `sw` and 10 base-36 characters. */
export const SWEEP_ID_PATTERN = /^sw[0-9a-z]{10}$/;

/**
 * A short, url-safe sweep id (`sw` + 10 base-36 characters, ~52 bits). The random source
 * is passed in so this stays pure: `Math.random` in apps, the workflow's seeded one in workflows.
 */
export function newSweepId(random: () => number): string {
  let id = 'sw';
  for (let i = 0; i < ID_LENGTH; i++) {
    const r = random();
    if (!(r >= 0 && r <= 1)) {
      throw new HeadroomError('INTERNAL', `newSweepId needs random numbers in [0, 1); got ${r}`);
    }
    // min(): a source that returns exactly 1 still gives a valid character.
    id += ID_ALPHABET[Math.min(ID_ALPHABET.length - 1, Math.floor(r * ID_ALPHABET.length))];
  }
  return id;
}

/**
 * Signals the API sends to a running sweep workflow (by name: the API does not import
 * workflow code). `retryTrials` is sent with signal-with-start, so it also revives a sweep
 * whose workflow has ended.
 */
export const SWEEP_SIGNALS = {
  pause: 'pauseSweep',
  resume: 'resumeSweep',
  cancel: 'cancelSweep',
  retryTrials: 'retryTrials',
} as const;

/** Payload of `retryTrials`: trial indices to run again from their newest checkpoint. */
export interface RetryTrialsRequest {
  indices: number[];
}
