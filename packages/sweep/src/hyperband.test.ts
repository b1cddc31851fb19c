/** W&B's hyperband keys on Headroom's ASHA: max_iter + s brackets, strict, and their checks. */
import { describe, expect, it } from 'vitest';
import { ashaReport, ashaRungs, createAsha, hyperbandBands, resolveAshaConfig } from './asha';
import { parseSweepSpec } from './spec';
import { violationsOf } from '../test/violations';

function taskSpec(earlyTerminate: Record<string, unknown>, epochs = 27) {
  return parseSweepSpec({
    name: 'hb',
    task: 'pose3d',
    dataset: { kind: 'synthetic' },
    method: 'random',
    run_cap: 10,
    parameters: { d_m: { value: 64 }, heads: { value: 4 }, epochs: { value: epochs } },
    early_terminate: { type: 'hyperband', ...earlyTerminate },
  });
}

describe('hyperbandBands (W&B max_iter and s)', () => {
  it("divides max_iter by eta s times, truncating, stopping below 1 — W&B's brackets", () => {
    expect(hyperbandBands({ max_iter: 27, s: 2, eta: 3 })).toEqual([3, 9]);
    expect(hyperbandBands({ max_iter: 81, s: 3, eta: 2 })).toEqual([10, 20, 40]);
    expect(hyperbandBands({ max_iter: 10, s: 5, eta: 3 })).toEqual([1, 3]);
    expect(hyperbandBands({ max_iter: 2, s: 1, eta: 3 })).toEqual([]);
  });

  it('puts the rungs of a max_iter sweep at those epochs', () => {
    const config = resolveAshaConfig(taskSpec({ max_iter: 27, s: 2 }))!;
    expect(config).toMatchObject({ minIter: 3, maxIter: 27, bands: [3, 9] });
    expect(ashaRungs(config)).toEqual([3, 9]);
    // max_iter wins when both forms are given, as in W&B.
    expect(ashaRungs(resolveAshaConfig(taskSpec({ max_iter: 27, s: 1, min_iter: 1 }))!)).toEqual([
      9,
    ]);
  });

  it('keeps a min_iter sweep exactly as before: no bands, no strict in the state', () => {
    const state = createAsha(resolveAshaConfig(taskSpec({ min_iter: 1 }))!);
    expect(state.config).toEqual({ minIter: 1, eta: 3, maxIter: 27, goal: 'minimize' });
    expect(state).not.toHaveProperty('best');
    expect(state.rungs.map((r) => r.epoch)).toEqual([1, 3, 9, 27]);
  });
});

describe('strict', () => {
  // Two trials at rung epoch 3 (eta 2: keep the best 1 of 2). Trial b was better at epoch 1
  // than a's value at the rung, but worse at the rung itself.
  const reports = (strict: boolean) => {
    const state = createAsha({ minIter: 3, eta: 2, maxIter: 9, goal: 'minimize', strict });
    ashaReport(state, { trialId: 'a', epoch: 3, value: 0.5 });
    ashaReport(state, { trialId: 'b', epoch: 1, value: 0.1 });
    ashaReport(state, { trialId: 'b', epoch: 2, value: 0.7 });
    return ashaReport(state, { trialId: 'b', epoch: 3, value: 0.8 });
  };

  it("ranks the value at the rung when strict (W&B's default)", () => {
    expect(reports(true)).toEqual({ decision: 'prune', rung: 0 });
  });

  it('ranks the best value so far when strict: false, stopping fewer trials', () => {
    expect(reports(false)).toEqual({ decision: 'continue', rung: 0 });
  });

  it('is filled in as true and carried into the ASHA config only when false', () => {
    expect(taskSpec({ min_iter: 1 }).early_terminate?.strict).toBe(true);
    expect(resolveAshaConfig(taskSpec({ min_iter: 1, strict: false }))!.strict).toBe(false);
  });
});

describe('early_terminate checks', () => {
  it('needs min_iter, or max_iter with s', () => {
    expect(violationsOf(() => taskSpec({}))).toEqual([
      {
        path: 'early_terminate',
        message:
          'give min_iter (the first rung, in epochs) or max_iter and s (s rungs below max_iter), as W&B does',
      },
    ]);
    expect(violationsOf(() => taskSpec({ max_iter: 27 }))[0]!.path).toBe('early_terminate.s');
    expect(violationsOf(() => taskSpec({ s: 2 }))[0]!.path).toBe('early_terminate.max_iter');
  });

  it('refuses brackets that give no rung, or rungs past every trial', () => {
    expect(violationsOf(() => taskSpec({ max_iter: 2, s: 2 }))[0]!.message).toMatch(
      /there is no rung/,
    );
    expect(violationsOf(() => taskSpec({ max_iter: 90, s: 1 }, 27))[0]!.message).toMatch(
      /first rung \(epoch 30\) is past the last epoch of every trial/,
    );
    expect(violationsOf(() => taskSpec({ min_iter: 1, strict: 'yes' }))[0]!.path).toBe(
      'early_terminate.strict',
    );
  });
});
