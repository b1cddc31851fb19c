import { describe, expect, it } from 'vitest';
import {
  ashaReport,
  ashaRungs,
  createAsha,
  resolveAshaConfig,
  type AshaConfig,
  type AshaDecision,
  type AshaReport,
  type AshaState,
} from './asha';
import { uniformAt } from './prng';
import { parseSweepSpec } from './spec';
import { violationsOf } from '../test/violations';

const MIN: AshaConfig = { minIter: 1, eta: 3, maxIter: 27, goal: 'minimize' };

/** [trialId, epoch, value] → the decision, in order. */
type Step = [string, number, number];
function run(state: AshaState, steps: readonly Step[]): AshaDecision[] {
  return steps.map(([trialId, epoch, value]) => ashaReport(state, { trialId, epoch, value }));
}

const CONTINUE = (rung?: number): AshaDecision =>
  rung === undefined ? { decision: 'continue' } : { decision: 'continue', rung };
const PRUNE = (rung: number): AshaDecision => ({ decision: 'prune', rung });

// Validation losses at epoch 1 (rung 0), then at epoch 3 (rung 1) for the survivors.
const STEPS: Step[] = [
  ['t0', 1, 0.5], // n 1, keep 1: the first at a rung continues
  ['t1', 1, 0.7], // n 2, keep 1: not the best → pruned
  ['t2', 1, 0.4], // n 3, keep 1: best so far
  ['t3', 1, 0.45], // n 4, keep 1: 0.4 is better
  ['t4', 1, 0.6], // n 5, keep 1
  ['t5', 1, 0.42], // n 6, keep 2: only 0.4 is better
  ['t6', 1, 0.5], // n 7, keep 2: 0.4, 0.42 and 0.45 are better
  ['t1', 1, 0.1], // again: pruned stays pruned, whatever it says now
  ['t0', 2, 0.45], // between rungs: nothing to decide
  ['t0', 3, 0.3], // rung 1: n 1
  ['t2', 3, 0.35], // rung 1: n 2, keep 1, 0.3 is better
  ['t5', 3, 0.2], // rung 1: n 3, keep 1, best
  ['t0', 3, 0.9], // t0 resumed from a checkpoint reports epoch 3 again: same decision as before
];
const EXPECTED: AshaDecision[] = [
  CONTINUE(0),
  PRUNE(0),
  CONTINUE(0),
  PRUNE(0),
  PRUNE(0),
  CONTINUE(0),
  PRUNE(0),
  PRUNE(0),
  CONTINUE(0),
  CONTINUE(1),
  PRUNE(1),
  CONTINUE(1),
  CONTINUE(1),
];

describe('ashaRungs', () => {
  it('puts rungs at min_iter · eta^k up to max_iter', () => {
    expect(ashaRungs(MIN)).toEqual([1, 3, 9, 27]);
    expect(ashaRungs({ ...MIN, minIter: 3, maxIter: 30 })).toEqual([3, 9, 27]);
    expect(ashaRungs({ ...MIN, eta: 2, maxIter: 10 })).toEqual([1, 2, 4, 8]);
    expect(ashaRungs({ ...MIN, minIter: 5, maxIter: 5 })).toEqual([5]);
  });

  it('rounds a fractional eta up to whole epochs, without float error, one rung per epoch', () => {
    // 2, 3, 4.5, 6.75, 10.125
    expect(ashaRungs({ ...MIN, minIter: 2, eta: 1.5, maxIter: 10 })).toEqual([2, 3, 5, 7]);
    // 10, 11, 12.1, 13.31
    expect(ashaRungs({ ...MIN, minIter: 10, eta: 1.1, maxIter: 14 })).toEqual([10, 11, 13, 14]);
    // In floats 50 · 1.1 is 55.00000000000001 and 25 · 2.2 · 2.2 is 121.00000000000003; the
    // float error must neither move a rung to the next epoch nor push it past max_iter.
    expect(ashaRungs({ ...MIN, minIter: 50, eta: 1.1, maxIter: 60 })).toEqual([50, 55]);
    expect(ashaRungs({ ...MIN, minIter: 25, eta: 2.2, maxIter: 121 })).toEqual([25, 55, 121]);
    // 1, 1.1, 1.21, 1.33, 1.46, 1.61, 1.77, 1.95, 2.14: epochs 1 and 2, each once.
    expect(ashaRungs({ ...MIN, eta: 1.1, maxIter: 2 })).toEqual([1, 2]);
  });

  it('refuses a bad config, naming the spec keys', () => {
    const v = violationsOf(
      () => createAsha({ minIter: 0, eta: 1, maxIter: 10, goal: 'max' as 'maximize' }),
      'INVALID_INPUT',
    );
    expect(v.map((x) => x.path)).toEqual(['minIter', 'eta', 'goal']);
    expect(v[1]!.message).toBe('eta (early_terminate.eta) must be a number > 1, e.g. 3; got 1');
    expect(violationsOf(() => ashaRungs({ ...MIN, minIter: 30 }), 'INVALID_INPUT')).toEqual([
      {
        path: 'minIter',
        message:
          'minIter 30 is past maxIter 27, so no trial would reach a rung; lower minIter or turn early termination off',
      },
    ]);
    expect(
      violationsOf(() => ashaRungs({ ...MIN, eta: 1 + 1e-9 }), 'INVALID_INPUT')[0]!.message,
    ).toMatch(/so close to 1 .* use eta ≥ 1\.1/);
  });
});

describe('ashaReport', () => {
  it('keeps the top ⌊n/eta⌋ (at least the best) of each rung, lower is better for minimize', () => {
    expect(run(createAsha(MIN), STEPS)).toEqual(EXPECTED);
  });

  it('decides the same for maximize with the values mirrored', () => {
    const mirrored = STEPS.map(([id, epoch, value]): Step => [id, epoch, -value]);
    expect(run(createAsha({ ...MIN, goal: 'maximize' }), mirrored)).toEqual(EXPECTED);
    // Not the same as minimize: with the same numbers, the worst losses would survive.
    expect(run(createAsha({ ...MIN, goal: 'maximize' }), STEPS)).not.toEqual(EXPECTED);
  });

  it('records each trial at its rung and each pruned trial with its rung, in plain JSON', () => {
    const state = createAsha(MIN);
    run(state, STEPS);
    expect(state.rungs.map((r) => r.epoch)).toEqual([1, 3, 9, 27]);
    expect(state.rungs[0]!.values).toEqual({
      t0: 0.5,
      t1: 0.7,
      t2: 0.4,
      t3: 0.45,
      t4: 0.6,
      t5: 0.42,
      t6: 0.5,
    });
    expect(state.rungs[1]!.values).toEqual({ t0: 0.3, t2: 0.35, t5: 0.2 });
    expect(state.pruned).toEqual({ t1: 0, t3: 0, t4: 0, t6: 0, t2: 1 });
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('gives identical decisions after a JSON round trip of the state (continue-as-new)', () => {
    const steps = Array.from({ length: 400 }, (_, i): Step => {
      const trial = i % 40;
      const epoch = 1 + Math.floor(i / 40);
      // Each trial has a quality; the metric improves with epochs, with some noise.
      const value = uniformAt(1, trial, 'quality') / epoch + 0.05 * uniformAt(2, i, 'noise');
      return [`sw-${trial}`, epoch, value];
    });
    const straight = createAsha({ ...MIN, maxIter: 10 });
    const carried = createAsha({ ...MIN, maxIter: 10 });
    const before = run(straight, steps.slice(0, 150));
    expect(run(carried, steps.slice(0, 150))).toEqual(before);
    const revived: AshaState = JSON.parse(JSON.stringify(carried));
    const after = run(straight, steps.slice(150));
    expect(run(revived, steps.slice(150))).toEqual(after);
    expect(revived).toEqual(straight);
    // The run exercises both decisions on both rungs below max_iter.
    const all = [...before, ...after];
    for (const rung of [0, 1]) {
      expect(all).toContainEqual(PRUNE(rung));
      expect(all).toContainEqual(CONTINUE(rung));
    }
  });

  it('agrees with the sorted-list statement of the rule (Optuna) on 300 trials', () => {
    for (const goal of ['minimize', 'maximize'] as const) {
      const state = createAsha({ minIter: 2, eta: 4, maxIter: 32, goal });
      const seen: number[] = [];
      for (let t = 0; t < 300; t++) {
        // Rounded so that ties happen.
        const value = Math.round(uniformAt(5, t, 'v') * 50) / 50;
        seen.push(value);
        const sorted = [...seen].sort((a, b) => (goal === 'minimize' ? a - b : b - a));
        const keep = Math.max(1, Math.floor(seen.length / 4));
        const promotable =
          goal === 'minimize' ? value <= sorted[keep - 1]! : value >= sorted[keep - 1]!;
        const got = ashaReport(state, { trialId: `t${t}`, epoch: 2, value });
        expect(got, `trial ${t}`).toEqual(promotable ? CONTINUE(0) : PRUNE(0));
      }
    }
  });

  it('lets ties through, as Optuna does', () => {
    const state = createAsha({ ...MIN, eta: 2 });
    expect(
      run(state, [
        ['a', 1, 1],
        ['b', 1, 1],
        ['c', 1, 1],
        ['d', 1, 2],
      ]),
    ).toEqual([CONTINUE(0), CONTINUE(0), CONTINUE(0), PRUNE(0)]);
  });

  it('meets every rung a trial passed between two reports, pruning at the first it fails', () => {
    const state = createAsha(MIN);
    run(state, [
      ['a', 1, 0.1],
      ['a', 3, 0.1],
      ['b', 1, 0.5],
    ]);
    // c reports first at epoch 9, so it meets rung 0 first: n 3, keep 1, and a is better.
    expect(ashaReport(state, { trialId: 'c', epoch: 9, value: 0.3 })).toEqual(PRUNE(0));
    // d beats everyone: recorded at rungs 0, 1 and 2 with the same value.
    expect(ashaReport(state, { trialId: 'd', epoch: 9, value: 0.05 })).toEqual(CONTINUE(2));
    expect(state.rungs.map((r) => r.values.d)).toEqual([0.05, 0.05, 0.05, undefined]);
  });

  it('only records at a last rung that is max_iter: the trial has finished', () => {
    const state = createAsha({ ...MIN, maxIter: 9 });
    run(state, [['a', 9, 0.1]]);
    expect(ashaReport(state, { trialId: 'b', epoch: 9, value: 0.9 })).toEqual(PRUNE(0));
    // b lost at rung 0; e wins rungs 0 and 1, then ends worse than a at 9 — and is not pruned.
    run(state, [
      ['e', 1, 0.01],
      ['e', 3, 0.01],
    ]);
    expect(ashaReport(state, { trialId: 'e', epoch: 9, value: 0.5 })).toEqual(CONTINUE(2));
    expect(state.rungs[2]!.values).toEqual({ a: 0.1, e: 0.5 });
    expect(state.pruned).not.toHaveProperty('e');
  });

  it('prunes a diverged trial (NaN or Infinity) and keeps the state JSON', () => {
    const state = createAsha(MIN);
    expect(ashaReport(state, { trialId: 'nan', epoch: 1, value: Number.NaN })).toEqual(PRUNE(0));
    expect(
      ashaReport(state, { trialId: 'inf', epoch: 1, value: Number.NEGATIVE_INFINITY }),
    ).toEqual(PRUNE(0));
    expect(state.rungs[0]!.values).toEqual({ nan: null, inf: null });
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    // Both count as trials that reached the rung: n 3, keep 1, the finite one is best.
    expect(ashaReport(state, { trialId: 'ok', epoch: 1, value: 5 })).toEqual(CONTINUE(0));
  });

  it('says nothing about epochs before the first rung', () => {
    const state = createAsha({ ...MIN, minIter: 3 });
    expect(ashaReport(state, { trialId: 'a', epoch: 2, value: 1 })).toEqual(CONTINUE());
    expect(state.rungs[0]!.values).toEqual({});
  });

  it('treats any trial id as data, even __proto__', () => {
    const state = createAsha(MIN);
    run(state, [['a', 1, 0.1]]);
    expect(ashaReport(state, { trialId: '__proto__', epoch: 1, value: 0.5 })).toEqual(PRUNE(0));
    const revived: AshaState = JSON.parse(JSON.stringify(state));
    expect(Object.keys(revived.pruned)).toEqual(['__proto__']);
    expect(ashaReport(revived, { trialId: '__proto__', epoch: 3, value: 0 })).toEqual(PRUNE(0));
  });

  it('refuses a malformed report', () => {
    const state = createAsha(MIN);
    const bad = { trialId: '', epoch: 0, value: '0.5' } as unknown as AshaReport;
    expect(violationsOf(() => ashaReport(state, bad), 'INVALID_INPUT').map((v) => v.path)).toEqual([
      'trialId',
      'epoch',
      'value',
    ]);
  });
});

describe('resolveAshaConfig', () => {
  const base = {
    name: 'a',
    task: 'pose3d',
    dataset: { kind: 'synthetic' },
    method: 'random',
    run_cap: 10,
    parameters: {
      d_m: { value: 64 },
      heads: { value: 4 },
      epochs: { values: [20, 30] },
    },
  };

  it('reads min_iter, eta, the most epochs and the goal of the metric from the spec', () => {
    const spec = parseSweepSpec({ ...base, early_terminate: { type: 'hyperband', min_iter: 3 } });
    expect(resolveAshaConfig(spec)).toEqual({ minIter: 3, eta: 3, maxIter: 30, goal: 'minimize' });
    expect(ashaRungs(resolveAshaConfig(spec)!)).toEqual([3, 9, 27]);
    const chest = parseSweepSpec({
      ...base,
      task: 'chest',
      early_terminate: { type: 'hyperband', min_iter: 2, eta: 2 },
    });
    expect(resolveAshaConfig(chest)).toMatchObject({ eta: 2, goal: 'maximize' });
  });

  it('is undefined without early_terminate', () => {
    expect(resolveAshaConfig(parseSweepSpec(base))).toBeUndefined();
  });
});
