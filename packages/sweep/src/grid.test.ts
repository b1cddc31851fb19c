import { describe, expect, it } from 'vitest';
import { countGridTrials, expandGrid, gridTrialAt } from './grid';
import { parseSweepSpec, type SweepSpec } from './spec';
import { trialAt, trialSpace } from './trials';
import { violationsOf } from '../test/violations';

function gridSpec(parameters: Record<string, unknown>): SweepSpec {
  return parseSweepSpec({
    name: 'g',
    task: 'pose3d',
    dataset: { kind: 'synthetic' },
    method: 'grid',
    parameters,
  });
}

const PRODUCT_PARAMETERS = {
  d_m: { value: 512 },
  heads: { value: 8 },
  d_h: { values: ['auto', 32, 128] },
  qk_tied: { values: [false, true] },
  layers: { value: 4 },
  lr: { value: 0.0005 },
  epochs: { value: 30 },
  seed: { values: [1, 2, 3] },
};

describe('expandGrid', () => {
  it('has one trial per combination, the last parameter name changing fastest', () => {
    const trials = expandGrid(gridSpec(PRODUCT_PARAMETERS));
    expect(trials).toHaveLength(3 * 2 * 3);
    // Sorted names: …, d_h, …, qk_tied, seed — so seed turns fastest, then qk_tied, then d_h.
    const keys = trials.map((t) => `${t.d_h}/${t.qk_tied}/${t.seed}`);
    expect(keys.slice(0, 7)).toEqual([
      'auto/false/1',
      'auto/false/2',
      'auto/false/3',
      'auto/true/1',
      'auto/true/2',
      'auto/true/3',
      '32/false/1',
    ]);
    expect(keys[17]).toBe('128/true/3');
    expect(new Set(keys).size).toBe(18);
  });

  it('gives the same order whatever the order of the keys in the file', () => {
    const reversed = Object.fromEntries(Object.entries(PRODUCT_PARAMETERS).reverse());
    expect(expandGrid(gridSpec(reversed))).toEqual(expandGrid(gridSpec(PRODUCT_PARAMETERS)));
  });

  it('fills in the defaults of parameters the spec leaves out', () => {
    const [trial, ...rest] = expandGrid(gridSpec({ d_m: { value: 64 }, heads: { value: 4 } }));
    expect(rest).toHaveLength(0);
    expect(trial).toEqual({
      d_m: 64,
      heads: 4,
      d_h: 'auto',
      qk_tied: false,
      layers: 2,
      lr: 1e-3,
      epochs: 10,
      batch_size: 64,
      seed: 1,
      dropout: 0,
      optimizer: 'adam',
      weight_decay: 0,
      lr_schedule: 'constant',
      warmup_steps: 0,
    });
  });

  it('refuses a spec built in code with a combination where d_h: auto does not divide', () => {
    const spec = gridSpec({ d_m: { value: 64 }, heads: { value: 4 } });
    const broken: SweepSpec = {
      ...spec,
      parameters: { ...spec.parameters, heads: { values: [4, 6] } },
    };
    expect(violationsOf(() => expandGrid(broken))).toEqual([
      {
        path: 'parameters.d_h',
        message:
          'd_h defaults to auto, which needs d_m divisible by heads; 64 / 6 is not an integer — choose heads dividing 64 or give d_h a number',
      },
    ]);
  });

  it('refuses a distribution and a method other than grid', () => {
    const spec = gridSpec({ d_m: { value: 64 }, heads: { value: 4 } });
    const sampled: SweepSpec = {
      ...spec,
      method: 'random',
      parameters: { ...spec.parameters, lr: { distribution: 'uniform', min: 0.001, max: 0.01 } },
    };
    const v = violationsOf(() => countGridTrials(sampled));
    expect(v.map((x) => x.path)).toEqual(['method', 'parameters.lr']);
    expect(v[1]!.message).toBe(
      'grid needs value, values, int_uniform or q_uniform; uniform draws from a continuum, or use method: random or bayes',
    );
  });
});

describe('countGridTrials and gridTrialAt', () => {
  const mixed = gridSpec({
    d_m: { values: [64, 96] },
    heads: { values: [2, 4] },
    d_h: { values: ['auto', 8] },
    qk_tied: { distribution: 'categorical', values: [true, false] },
    lr: { values: [0.01, 0.001, 0.0001] },
    batch_size: { value: 32 },
    dropout: { values: [0, 0.1] },
  });

  it('counts the product of the value lists', () => {
    expect(countGridTrials(mixed)).toBe(2 * 2 * 2 * 2 * 3 * 2);
  });

  it('gives the same trial as expandGrid at every index', () => {
    const all = expandGrid(mixed);
    expect(all).toHaveLength(countGridTrials(mixed));
    all.forEach((trial, i) => expect(gridTrialAt(mixed, i)).toEqual(trial));
  });

  it('reaches the last trial of a 10,000-trial grid without expanding it', () => {
    const big = gridSpec({
      d_m: { values: Array.from({ length: 10 }, (_, i) => 64 * (i + 1)) },
      heads: { values: [1, 2, 3, 4, 6, 8, 12, 16, 32, 64] },
      d_h: { value: 16 },
      seed: { values: Array.from({ length: 100 }, (_, i) => i) },
    });
    expect(countGridTrials(big)).toBe(10_000);
    expect(gridTrialAt(big, 9_999)).toMatchObject({ d_m: 640, heads: 64, d_h: 16, seed: 99 });
    // Mixed radix over (d_m, heads, seed): 4321 = 4·1000 + 3·100 + 21.
    expect(gridTrialAt(big, 4_321)).toMatchObject({ d_m: 320, heads: 4, seed: 21 });
    expect(expandGrid(big)[9_999]).toEqual(gridTrialAt(big, 9_999));
  });

  it('refuses an index outside the grid', () => {
    for (const index of [-1, 96, 1.5, Number.NaN]) {
      expect(() => gridTrialAt(mixed, index)).toThrow(
        /outside the grid; use an integer from 0 to 95/,
      );
    }
  });
});

describe('trialSpace', () => {
  const seeds = Array.from({ length: 10_000 }, (_, i) => 10_000 - i);
  const longAxis = gridSpec({ d_m: { value: 64 }, heads: { value: 4 }, seed: { values: seeds } });

  it("walks a 10,000-value axis in the list's order, as trialAt and expandGrid do", () => {
    const space = trialSpace(longAxis);
    expect(space.count).toBe(10_000);
    const walked = Array.from({ length: 10_000 }, (_, i) => space.at(i).seed);
    expect(walked).toEqual(seeds);
    expect(space.at(1234)).toEqual(expandGrid(longAxis)[1234]);
    expect(space.at(1234)).toEqual(trialAt(parseSweepSpec(longAxis), 1234));
  });

  it('reads a changed spec (a new object) afresh', () => {
    const fewer: SweepSpec = {
      ...longAxis,
      parameters: { ...longAxis.parameters, seed: { values: [7, 8] } },
    };
    expect(trialSpace(longAxis).count).toBe(10_000);
    expect(trialSpace(fewer).count).toBe(2);
    expect(trialAt(fewer, 1).seed).toBe(8);
    expect(trialAt(longAxis, 1).seed).toBe(9_999);
  });

  it('refuses an invalid spec every time it is asked, not only the first', () => {
    const repeated: SweepSpec = {
      ...longAxis,
      parameters: { ...longAxis.parameters, seed: { values: [...seeds, 1] } },
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      expect(violationsOf(() => trialSpace(repeated))).toEqual([
        { path: 'parameters.seed.values[10000]', message: '1 is repeated; list each value once' },
      ]);
      expect(() => gridTrialAt(repeated, 0)).toThrow(/is repeated/);
    }
  });

  it('counts run_cap, and refuses indices past it, as trialAt does', () => {
    const capped: SweepSpec = { ...longAxis, run_cap: 3 };
    const space = trialSpace(capped);
    expect(space.count).toBe(3);
    expect(space.at(2).seed).toBe(9_998);
    expect(() => space.at(3)).toThrow(/0 to 2 \(run_cap 3 of a 10000-trial grid\)/);
  });
});
