import { describe, expect, it } from 'vitest';
import {
  CONTROL_TASK_QUEUE,
  SWEEP_ID_PATTERN,
  SWEEP_WORKFLOW_TYPE,
  newSweepId,
  sweepWorkflowId,
  trainTaskQueue,
  trialWorkflowId,
} from './temporal-names';

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
    expect(trainTaskQueue('gpu')).toBe('headroom-train-gpu');
    expect(sweepWorkflowId('sw0123456789')).toBe('sweep-sw0123456789');
    expect(trialWorkflowId('sw0123456789', 17)).toBe('trial-sw0123456789-17');
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
