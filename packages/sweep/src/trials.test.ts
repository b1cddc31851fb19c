import { describe, expect, it } from 'vitest';
import { countGridTrials, expandGrid, gridTrialAt } from './grid';
import { sampleTrialAt } from './random';
import { parseSweepSpec, type SweepSpec } from './spec';
import { countTrials, requireTrialCount, trialAt } from './trials';
import { violationsOf } from '../test/violations';

function spec(method: string, extra: Record<string, unknown> = {}): SweepSpec {
  return parseSweepSpec({
    name: 's',
    task: 'chest',
    dataset: { kind: 'synthetic' },
    method,
    parameters: {
      d_m: { values: [64, 128] },
      heads: { values: [2, 4] },
      qk_tied: { values: [false, true] },
      lr: { values: [1e-3, 1e-4, 1e-5] },
    },
    ...extra,
  });
}

describe('countTrials and trialAt', () => {
  it('walk a grid exactly like gridTrialAt', () => {
    const grid = spec('grid');
    expect(countTrials(grid)).toBe(24);
    expect(countTrials(grid)).toBe(countGridTrials(grid));
    const all = Array.from({ length: 24 }, (_, i) => trialAt(grid, i));
    all.forEach((t, i) => expect(t).toEqual(gridTrialAt(grid, i)));
    expect(all).toEqual(expandGrid(grid));
  });

  it('stop a grid at run_cap, and a run_cap above the grid changes nothing', () => {
    const capped = spec('grid', { run_cap: 5 });
    expect(countTrials(capped)).toBe(5);
    expect(trialAt(capped, 4)).toEqual(gridTrialAt(capped, 4));
    expect(() => trialAt(capped, 5)).toThrow(
      /5 is outside the sweep; use an integer from 0 to 4 \(run_cap 5 of a 24-trial grid\)/,
    );
    expect(countTrials(spec('grid', { run_cap: 1000 }))).toBe(24);
    expect(() => trialAt(spec('grid'), 24)).toThrow(/use an integer from 0 to 23$/);
  });

  it('sample a random sweep, run_cap trials of it', () => {
    const random = spec('random', { run_cap: 40, sampler_seed: 9 });
    expect(countTrials(random)).toBe(40);
    for (const i of [0, 17, 39]) expect(trialAt(random, i)).toEqual(sampleTrialAt(random, i));
    expect(() => trialAt(random, 40)).toThrow(/use an integer from 0 to 39/);
    // 40 samples of 24 combinations: random search repeats some, unlike the grid.
    const keys = Array.from({ length: 40 }, (_, i) => JSON.stringify(trialAt(random, i)));
    expect(new Set(keys).size).toBeLessThan(40);
  });

  it('count bayes by run_cap (null without: until stopped), and leave its trials to the sampler', () => {
    const bayes: SweepSpec = { ...spec('grid'), method: 'bayes' };
    expect(countTrials(bayes)).toBeNull();
    expect(() => requireTrialCount(bayes)).toThrow(/runs until stopped; give run_cap/);
    expect(countTrials({ ...bayes, run_cap: 30 })).toBe(30);
    expect(violationsOf(() => trialAt(bayes, 0))).toEqual([
      {
        path: 'method',
        message:
          'bayes trials depend on the results before them, so they cannot be computed by index; trialAt covers grid and random',
      },
    ]);
  });
});
