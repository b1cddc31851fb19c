import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { HeadroomError } from '@headroom/errors';
import { describe, expect, it } from 'vitest';
import { SWEEP_ID_PATTERN, newSweepId } from './ids';
import {
  CONTROL_TASK_QUEUE,
  SWEEP_WORKFLOW_TYPE,
  TRIAL_WORKFLOW_TYPE,
  WORKER_WORKFLOW_TYPE,
  cancelSweepUpdate,
  createSweepUpdate,
  epochCompletedSignal,
  headroomErrorOf,
  headroomFailure,
  retryTrialsUpdate,
  sweepActionRefused,
  sweepWorkflowId,
  trainTaskQueue,
  trialStartedSignal,
  trialWorkflowId,
  workerSeenSignal,
  workerWorkflowId,
} from './temporal';

/** A small deterministic source (LCG), like a workflow's seeded Math.random. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 2 ** 32;
    return s / 2 ** 32;
  };
}

describe('Temporal names', () => {
  it('has the names the api and the worker agree on', () => {
    expect(CONTROL_TASK_QUEUE).toBe('headroom-control');
    expect(SWEEP_WORKFLOW_TYPE).toBe('sweepWorkflow');
    expect(TRIAL_WORKFLOW_TYPE).toBe('trialWorkflow');
    expect(WORKER_WORKFLOW_TYPE).toBe('workerWorkflow');
    expect(trainTaskQueue('gpu')).toBe('headroom-train-gpu');
    expect(sweepWorkflowId('sw0123456789')).toBe('sweep-sw0123456789');
    expect(trialWorkflowId('sw0123456789', 17)).toBe('trial-sw0123456789-17');
    expect(workerWorkflowId('train@host/12')).toBe('worker-train@host/12');
  });

  it('names signals and updates as the running code and recorded histories know them', () => {
    expect([trialStartedSignal.name, epochCompletedSignal.name, workerSeenSignal.name]).toEqual([
      'trialStarted',
      'epochCompleted',
      'workerSeen',
    ]);
    expect([createSweepUpdate.name, cancelSweepUpdate.name, retryTrialsUpdate.name]).toEqual([
      'createSweep',
      'cancelSweep',
      'retryTrials',
    ]);
  });

  it('refuses an empty pool and a bad trial index', () => {
    expect(() => trainTaskQueue('')).toThrow(/pool/);
    expect(() => trialWorkflowId('sw1', -1)).toThrow(/integer ≥ 0/);
    expect(() => trialWorkflowId('sw1', 1.5)).toThrow(/integer ≥ 0/);
  });
});

describe('newSweepId', () => {
  it('is sw + 10 base-36 characters, the same for the same random source', () => {
    const a = newSweepId(seeded(42));
    expect(a).toMatch(SWEEP_ID_PATTERN);
    expect(newSweepId(seeded(42))).toBe(a);
    expect(newSweepId(seeded(43))).not.toBe(a);
  });

  it('covers the alphabet ends, including a source that returns exactly 1', () => {
    expect(newSweepId(() => 0)).toBe('sw0000000000');
    expect(newSweepId(() => 0.999999)).toBe('swzzzzzzzzzz');
    expect(newSweepId(() => 1)).toBe('swzzzzzzzzzz');
  });

  it('refuses a source outside [0, 1]', () => {
    expect(() => newSweepId(() => Number.NaN)).toThrow(/\[0, 1\)/);
    expect(() => newSweepId(() => 2)).toThrow(/\[0, 1\)/);
  });
});

describe('HeadroomError across Temporal', () => {
  const spec = new HeadroomError('INVALID_SPEC', 'the sweep spec is invalid', [
    { path: 'parameters.d_h', message: 'must divide d_m' },
  ]);

  it('keeps code, message and violations through a failure chain', () => {
    const failure = headroomFailure(spec);
    expect(failure.type).toBe('INVALID_SPEC');
    expect(failure.nonRetryable).toBe(true);
    const wrapped = new ActivityFailure(
      'activity failed',
      'registerSweep',
      '1',
      undefined,
      undefined,
      failure,
    );
    const back = headroomErrorOf(wrapped);
    expect(back?.code).toBe('INVALID_SPEC');
    expect(back?.message).toBe('the sweep spec is invalid');
    expect(back?.violations).toEqual([{ path: 'parameters.d_h', message: 'must divide d_m' }]);
  });

  it('retries what a retry can fix, and ignores failures that are not HeadroomErrors', () => {
    expect(headroomFailure(new HeadroomError('INTERNAL', 'disk hiccup')).nonRetryable).toBe(false);
    expect(
      headroomErrorOf(ApplicationFailure.create({ type: 'TypeError', message: 'x' })),
    ).toBeUndefined();
    expect(headroomErrorOf(new Error('plain'))).toBeUndefined();
  });

  it('says why a control action cannot apply, naming the sweep and its status', () => {
    const paused = sweepActionRefused('sw1', 'pause', 'succeeded');
    expect(paused.code).toBe('INVALID_INPUT');
    expect(paused.message).toBe('sweep sw1 has succeeded; only a running sweep can be paused');
    expect(paused.violations).toEqual([{ path: 'id', message: 'sweep sw1 is succeeded' }]);
    expect(sweepActionRefused('sw1', 'resume', 'cancelling').message).toBe(
      'sweep sw1 is being cancelled; only a running sweep can be resumed',
    );
    expect(sweepActionRefused('sw1', 'cancel', 'failed').message).toContain(
      'retryFailedTrials runs its failed trials again',
    );
    expect(sweepActionRefused('sw1', 'retry', 'cancelling').violations[0]?.path).toBe('sweepId');
  });
});

describe('the contract module', () => {
  it('imports only @temporalio/{workflow,common} besides this package and its errors (the API imports it too)', () => {
    const text = readFileSync(join(__dirname, 'temporal.ts'), 'utf8');
    const packages = [...text.matchAll(/from\s*['"]([^'".][^'"]*)['"]/g)].map((m) => m[1]);
    expect(new Set(packages)).toEqual(
      new Set(['@temporalio/common', '@temporalio/workflow', '@headroom/errors']),
    );
  });
});
