import { describe, expect, it } from 'vitest';
import { expandGrid } from './grid';
import { sampleTrialAt } from './random';
import { parseSweepSpec, type SweepSpec } from './spec';
import { describeTrial } from './trials';
import { violationsOf } from '../test/violations';

/** The trainer's knobs: optimizer, weight_decay, lr_schedule, warmup_steps. */
function spec(parameters: Record<string, unknown>, method = 'grid'): SweepSpec {
  return parseSweepSpec({
    name: 'opt',
    task: 'pose3d',
    dataset: { kind: 'synthetic' },
    method,
    ...(method === 'random' ? { run_cap: 400 } : {}),
    parameters: { d_m: { value: 64 }, heads: { value: 4 }, ...parameters },
  });
}

describe('optimizer and learning-rate schedule parameters', () => {
  it('defaults to Adam without decay at a constant lr, as trials ran before they existed', () => {
    const [trial] = expandGrid(spec({}));
    expect(trial).toMatchObject({
      optimizer: 'adam',
      weight_decay: 0,
      lr_schedule: 'constant',
      warmup_steps: 0,
    });
  });

  it("takes weight_decay's default from the trial's optimizer, as PyTorch's constructors do", () => {
    const trials = expandGrid(spec({ optimizer: { values: ['adam', 'adamw'] } }));
    expect(trials.map((t) => [t.optimizer, t.weight_decay])).toEqual([
      ['adam', 0],
      ['adamw', 0.01],
    ]);
    // Given, it is the same for both.
    const given = expandGrid(
      spec({ optimizer: { values: ['adam', 'adamw'] }, weight_decay: { value: 0.05 } }),
    );
    expect(given.map((t) => t.weight_decay)).toEqual([0.05, 0.05]);
  });

  it('walks optimizer and schedule values in a grid', () => {
    const trials = expandGrid(
      spec({
        optimizer: { values: ['adam', 'adamw'] },
        lr_schedule: { values: ['constant', 'cosine'] },
        warmup_steps: { values: [0, 500] },
      }),
    );
    expect(trials).toHaveLength(8);
    const combos = new Set(trials.map((t) => `${t.optimizer} ${t.lr_schedule} ${t.warmup_steps}`));
    expect(combos.size).toBe(8);
  });

  it('samples them in a random sweep: categorical words, a weight_decay range, int warm-up', () => {
    const s = spec(
      {
        optimizer: { distribution: 'categorical', values: ['adam', 'adamw'] },
        lr_schedule: { values: ['constant', 'cosine'] },
        weight_decay: { distribution: 'log_uniform_values', min: 1e-4, max: 0.1 },
        warmup_steps: { distribution: 'int_uniform', min: 0, max: 1000 },
      },
      'random',
    );
    const trials = Array.from({ length: 400 }, (_, i) => sampleTrialAt(s, i));
    expect(new Set(trials.map((t) => t.optimizer))).toEqual(new Set(['adam', 'adamw']));
    expect(new Set(trials.map((t) => t.lr_schedule))).toEqual(new Set(['constant', 'cosine']));
    for (const t of trials) {
      expect(t.weight_decay).toBeGreaterThanOrEqual(1e-4);
      expect(t.weight_decay).toBeLessThanOrEqual(0.1);
      expect(Number.isInteger(t.warmup_steps)).toBe(true);
    }
    // Adding the new parameters leaves the others' draws alone (each draws by its own name).
    const plain = spec(
      { lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1e-2 } },
      'random',
    );
    const more = spec(
      {
        lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1e-2 },
        optimizer: { values: ['adam', 'adamw'] },
      },
      'random',
    );
    expect(sampleTrialAt(more, 7).lr).toBe(sampleTrialAt(plain, 7).lr);
  });

  it('refuses a word outside the list, naming the path and the valid words', () => {
    const v = violationsOf(() =>
      spec({ optimizer: { values: ['adam', 'sgd'] }, lr_schedule: { value: 'linear' } }),
    );
    expect(v).toEqual([
      {
        path: 'parameters.optimizer.values[1]',
        message: "optimizer must be one of adam or adamw; got 'sgd'",
      },
      {
        path: 'parameters.lr_schedule.value',
        message: "lr_schedule must be one of constant or cosine; got 'linear'",
      },
    ]);
  });

  it('refuses drawing a word from a numeric distribution', () => {
    const v = violationsOf(() =>
      spec({ lr_schedule: { distribution: 'uniform', min: 0, max: 1 } }, 'random'),
    );
    expect(v).toEqual([
      {
        path: 'parameters.lr_schedule.distribution',
        message:
          'lr_schedule is one of constant or cosine, it cannot be drawn from uniform; use values: [constant, cosine]',
      },
    ]);
    // min/max alone imply a numeric distribution (W&B's inference): refused the same way.
    expect(violationsOf(() => spec({ optimizer: { min: 0, max: 1 } }, 'random'))[0]).toMatchObject({
      path: 'parameters.optimizer.distribution',
      message: expect.stringContaining('use values: [adam, adamw]'),
    });
  });

  it('refuses a negative weight_decay and a fractional or negative warmup_steps', () => {
    const v = violationsOf(() =>
      spec({
        weight_decay: { value: -0.01 },
        warmup_steps: { values: [10.5, -1] },
      }),
    );
    expect(v).toEqual([
      {
        path: 'parameters.weight_decay.value',
        message: 'weight_decay must be a number ≥ 0; got -0.01',
      },
      {
        path: 'parameters.warmup_steps.values[0]',
        message: 'warmup_steps must be an integer ≥ 0; got 10.5',
      },
      {
        path: 'parameters.warmup_steps.values[1]',
        message: 'warmup_steps must be an integer ≥ 0; got -1',
      },
    ]);
    expect(
      violationsOf(() =>
        spec({ warmup_steps: { distribution: 'uniform', min: 0, max: 9 } }, 'random'),
      ),
    ).toEqual([
      {
        path: 'parameters.warmup_steps.distribution',
        message:
          'warmup_steps takes integers, uniform draws fractions; use int_uniform, values, or a q_ distribution with an integer q',
      },
    ]);
  });

  it("names them in a trial's description only where they differ from the defaults", () => {
    const [adam, adamw] = expandGrid(
      spec({ optimizer: { values: ['adam', 'adamw'] }, lr_schedule: { value: 'cosine' } }),
    );
    expect(describeTrial(adam!)).toBe(
      'd_m 64 · heads 4 · d_h auto(16) · qk_tied false · lr_schedule cosine',
    );
    // adamw's own default decay (0.01) is not a difference worth naming.
    expect(describeTrial(adamw!)).toBe(
      'd_m 64 · heads 4 · d_h auto(16) · qk_tied false · optimizer adamw · lr_schedule cosine',
    );
  });
});
