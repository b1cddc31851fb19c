import { describe, expect, it } from 'vitest';
import type { TrialParams } from './parameters';
import { countRandomTrials, sampleTrialAt } from './random';
import { trialSpace } from './trials';
import { parseSweepSpec, type SweepSpec } from './spec';
import { violationsOf } from '../test/violations';

function randomSpec(
  parameters: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): SweepSpec {
  return parseSweepSpec({
    name: 'r',
    task: 'pose3d',
    dataset: { kind: 'synthetic' },
    method: 'random',
    run_cap: 5000,
    parameters,
    ...extra,
  });
}

const MIXED = {
  d_m: { values: [64, 128, 256] },
  heads: { values: [1, 2, 4, 8] },
  lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1e-1 },
  dropout: { distribution: 'uniform', min: 0, max: 0.5 },
  layers: { distribution: 'int_uniform', min: 1, max: 6 },
  qk_tied: { distribution: 'categorical', values: [false, true] },
  batch_size: { value: 32 },
};

function sample(spec: SweepSpec, n: number): TrialParams[] {
  return Array.from({ length: n }, (_, i) => sampleTrialAt(spec, i));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('sampleTrialAt', () => {
  const spec = randomSpec(MIXED);
  const trials = sample(spec, 2000);

  it('keeps its trials: the same spec and seed give these values on every machine', () => {
    expect(trials[0]).toMatchObject({
      d_m: 64,
      heads: 8,
      d_h: 'auto',
      qk_tied: true,
      layers: 3,
      dropout: 0.1871304213352578,
      batch_size: 32,
    });
    expect(trials[0]!.lr).toBeCloseTo(4.297430927528977e-5, 18);
    expect(trials[1]).toMatchObject({ d_m: 256, heads: 8, layers: 3 });
    expect(trials[2]).toMatchObject({ d_m: 64, heads: 4, layers: 6 });
  });

  it('gives identical first 1000 trials for the same spec, parsed again', () => {
    const again = sample(randomSpec(MIXED), 1000);
    expect(again).toEqual(trials.slice(0, 1000));
    expect(JSON.stringify(again)).toBe(JSON.stringify(trials.slice(0, 1000)));
  });

  it('computes any trial on its own, in any order, equal to the sequence', () => {
    for (const i of [1999, 0, 777, 42, 1000, 777]) {
      expect(sampleTrialAt(randomSpec(MIXED), i)).toEqual(trials[i]);
    }
  });

  it('does not depend on run_cap: raising it keeps the trials already sampled', () => {
    const wider = randomSpec(MIXED, { run_cap: 100_000 });
    expect(sample(wider, 50)).toEqual(trials.slice(0, 50));
    expect(sampleTrialAt(wider, 99_999)).toEqual(sampleTrialAt(wider, 99_999));
  });

  it('does not move other parameters when a parameter is added', () => {
    const more = randomSpec({ ...MIXED, seed: { distribution: 'int_uniform', min: 0, max: 99 } });
    const withSeed = sample(more, 200);
    withSeed.forEach((t, i) => expect({ ...t, seed: 1 }).toEqual(trials[i]));
    expect(new Set(withSeed.map((t) => t.seed)).size).toBeGreaterThan(50);
  });

  it('gives other trials for another sampler_seed', () => {
    const other = sample(randomSpec(MIXED, { sampler_seed: 1 }), 100);
    const same = other.filter((t, i) => t.lr === trials[i]!.lr || t.dropout === trials[i]!.dropout);
    expect(same).toHaveLength(0);
    // Seed 0 written out is the default.
    expect(sample(randomSpec(MIXED, { sampler_seed: 0 }), 100)).toEqual(trials.slice(0, 100));
  });

  it('keeps types: integers stay integers, qk_tied a boolean, every key in the declared order', () => {
    for (const t of trials) {
      expect(Object.keys(t)).toEqual(Object.keys(trials[0]!));
      expect(Number.isInteger(t.layers) && Number.isInteger(t.d_m)).toBe(true);
      expect(typeof t.qk_tied).toBe('boolean');
    }
    expect(Object.keys(trials[0]!)).toEqual([
      'd_m',
      'heads',
      'd_h',
      'qk_tied',
      'layers',
      'lr',
      'epochs',
      'batch_size',
      'seed',
      'dropout',
      'optimizer',
      'weight_decay',
      'lr_schedule',
      'warmup_steps',
    ]);
  });

  it('draws uniform from [min, max) with the expected mean', () => {
    const dropouts = trials.map((t) => t.dropout);
    expect(Math.min(...dropouts)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...dropouts)).toBeLessThan(0.5);
    // Mean 0.25, standard error 0.5/√12/√2000 ≈ 0.003.
    expect(Math.abs(mean(dropouts) - 0.25)).toBeLessThan(0.015);
    expect(Math.min(...dropouts)).toBeLessThan(0.01);
    expect(Math.max(...dropouts)).toBeGreaterThan(0.49);
  });

  it('draws log_uniform_values evenly over the decades', () => {
    const lrs = trials.map((t) => t.lr);
    expect(Math.min(...lrs)).toBeGreaterThanOrEqual(1e-5);
    expect(Math.max(...lrs)).toBeLessThanOrEqual(1e-1);
    // log10(lr) is uniform on [-5, -1]: mean -3, and each of the four decades holds ~¼.
    const logs = lrs.map((x) => Math.log10(x));
    expect(Math.abs(mean(logs) + 3)).toBeLessThan(0.1);
    for (let decade = -5; decade < -1; decade++) {
      const share = logs.filter((l) => l >= decade && l < decade + 1).length / logs.length;
      expect(share, `decade 1e${decade}`).toBeGreaterThan(0.2);
      expect(share, `decade 1e${decade}`).toBeLessThan(0.3);
    }
  });

  it('draws int_uniform over every integer, both ends included', () => {
    const counts = new Map<number, number>();
    for (const t of trials) counts.set(t.layers, (counts.get(t.layers) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    // 2000 / 6 ≈ 333 each.
    for (const n of counts.values()) expect(n).toBeGreaterThan(250);
    expect(Math.abs(mean(trials.map((t) => t.layers)) - 3.5)).toBeLessThan(0.15);
  });

  it('hits every value of categorical and values lists about equally often', () => {
    const tied = trials.filter((t) => t.qk_tied).length;
    expect(tied / trials.length).toBeGreaterThan(0.45);
    expect(tied / trials.length).toBeLessThan(0.55);
    for (const [key, values] of [
      ['d_m', [64, 128, 256]],
      ['heads', [1, 2, 4, 8]],
    ] as const) {
      for (const v of values) {
        const share = trials.filter((t) => t[key] === v).length / trials.length;
        expect(share, `${key} ${v}`).toBeGreaterThan(1 / values.length - 0.05);
        expect(share, `${key} ${v}`).toBeLessThan(1 / values.length + 0.05);
      }
    }
    expect(new Set(trials.map((t) => t.batch_size))).toEqual(new Set([32]));
  });

  it('samples d_h: auto only with d_m and heads that divide (checked before anything runs)', () => {
    for (const t of trials) expect(t.d_m % t.heads).toBe(0);
  });

  it('refuses a spec built in code where a sampled combination would not divide', () => {
    const broken: SweepSpec = {
      ...spec,
      parameters: { ...spec.parameters, heads: { values: [4, 6] } },
    };
    const v = violationsOf(() => sampleTrialAt(broken, 0));
    // 64, 128 and 256 with heads 6.
    expect(v.map((x) => x.path)).toEqual(Array(3).fill('parameters.d_h'));
    expect(v[0]!.message).toMatch(/64 \/ 6 is not an integer/);
    const sampledHeads: SweepSpec = {
      ...spec,
      parameters: { ...spec.parameters, heads: { distribution: 'int_uniform', min: 1, max: 8 } },
    };
    expect(violationsOf(() => sampleTrialAt(sampledHeads, 0))[0]!.message).toContain(
      'cannot promise',
    );
  });

  it('refuses an index outside [0, run_cap) and a grid spec; without run_cap it is unbounded', () => {
    const small = randomSpec(MIXED, { run_cap: 10 });
    expect(countRandomTrials(small)).toBe(10);
    expect(sampleTrialAt(small, 9)).toEqual(trials[9]);
    for (const index of [-1, 10, 2.5, Number.NaN]) {
      expect(() => sampleTrialAt(small, index)).toThrow(
        /outside the sweep; use an integer from 0 to 9 \(run_cap 10\)/,
      );
    }
    const grid: SweepSpec = { ...small, method: 'grid' };
    expect(violationsOf(() => sampleTrialAt(grid, 0)).map((x) => x.path)).toContain('method');
    const { run_cap: _, ...uncapped } = small;
    expect(countRandomTrials(uncapped as SweepSpec)).toBeNull();
    // Any index: W&B samples until the sweep is stopped; the trials are the capped sweep's.
    expect(sampleTrialAt(uncapped as SweepSpec, 9)).toEqual(trials[9]);
    expect(sampleTrialAt(uncapped as SweepSpec, 1_000_000)).toBeDefined();
    expect(() => sampleTrialAt(uncapped as SweepSpec, -1)).toThrow(/use an integer ≥ 0/);
  });
});

describe('trialSpace of a random sweep', () => {
  it('samples the same trials as sampleTrialAt, and counts run_cap', () => {
    const spec = randomSpec(MIXED, { run_cap: 50 });
    const space = trialSpace(spec);
    expect(space.count).toBe(50);
    for (const i of [0, 1, 49]) expect(space.at(i)).toEqual(sampleTrialAt(randomSpec(MIXED), i));
    expect(() => space.at(50)).toThrow(/0 to 49 \(run_cap 50\)/);
  });

  it('cannot give a bayes trial by index, but counts its run_cap', () => {
    const space = trialSpace(randomSpec(MIXED, { method: 'bayes', run_cap: 7 }));
    expect(space.count).toBe(7);
    expect(() => space.at(0)).toThrow(/cannot be computed by index/);
  });
});
