/** Program sweeps, W&B's full parameter format, and what every W&B key means here. */
import { type Violation } from '@headroom/errors';
import { describe, expect, it } from 'vitest';
import { expandGrid } from './grid';
import { parseSweepText } from './load';
import { sampleTrialAt } from './random';
import { parseSweepSpec, type ProgramSweepSpec } from './spec';
import { isProgramSweep, isTaskSweep, requireTaskSweep } from './spec-shape';
import { countTrials } from './trials';
import { violationsOf } from '../test/violations';

function at(violations: Violation[], path: string): string {
  const found = violations.filter((v) => v.path === path);
  expect(found, `violations at ${path} in ${JSON.stringify(violations)}`).toHaveLength(1);
  return found[0]!.message;
}

function program(extra: Record<string, unknown> = {}): ProgramSweepSpec {
  const spec = parseSweepSpec({
    program: 'train.py',
    method: 'random',
    parameters: { lr: { min: 0.001, max: 0.1 }, 'model.width': { values: [64, 128] } },
    ...extra,
  });
  if (!isProgramSweep(spec)) throw new Error('expected a program sweep');
  return spec;
}

describe('program sweeps', () => {
  it('take any W&B parameter name, name themselves after the program, keep W&B metadata', () => {
    const spec = program({ project: 'p', entity: 'e', description: 'd', workdir: '/srv/app' });
    expect(spec).toMatchObject({
      name: 'train.py',
      program: 'train.py',
      workdir: '/srv/app',
      project: 'p',
      entity: 'e',
      description: 'd',
      sampler_seed: 0,
      resources: { pool: 'default' },
    });
    expect(isTaskSweep(spec)).toBe(false);
    expect(Object.keys(sampleTrialAt(spec, 0)).sort()).toEqual(['lr', 'model.width']);
  });

  it('need exactly one of task and program', () => {
    expect(
      at(
        violationsOf(() => parseSweepSpec({ method: 'grid', parameters: {} })),
        'task',
      ),
    ).toMatch(/^give task \(a built-in task: pose3d, pose2d or chest\) or program/);
    const both = violationsOf(() =>
      parseSweepSpec({ ...program(), task: 'chest', dataset: { kind: 'synthetic' } }),
    );
    expect(at(both, 'program')).toBe(
      'give task (a built-in task) or program (your script), not both',
    );
  });

  it('refuse the keys of the other kind at their path', () => {
    const v = violationsOf(() => parseSweepSpec({ ...program(), dataset: { kind: 'synthetic' } }));
    expect(at(v, 'dataset')).toMatch(/program sweep has no dataset/);
    const t = violationsOf(() =>
      parseSweepSpec({
        name: 'x',
        task: 'pose3d',
        dataset: { kind: 'synthetic' },
        method: 'grid',
        workdir: '/x',
        parameters: { d_m: { value: 64 }, heads: { value: 4 } },
      }),
    );
    expect(at(t, 'workdir')).toMatch(/key of program sweeps/);
  });

  it('refuse W&B Launch and custom-scheduler keys, saying what to do instead', () => {
    const v = violationsOf(() =>
      parseSweepSpec({ ...program(), job: 'j', image_uri: 'i', metrics: [{ name: 'a' }] }),
    );
    expect(at(v, 'job')).toMatch(/give program/);
    expect(at(v, 'image_uri')).toMatch(/give program/);
    expect(at(v, 'metrics')).toMatch(/give one metric/);
  });

  it("fill metric.goal with W&B's minimize and keep target, impute", () => {
    const spec = program({ metric: { name: 'val_acc', target: 0.95, impute: 'best' } });
    expect(spec.metric).toEqual({
      name: 'val_acc',
      goal: 'minimize',
      target: 0.95,
      impute: 'best',
    });
    expect(
      at(
        violationsOf(() => program({ metric: { name: 'a', target: 'high' } })),
        'metric.target',
      ),
    ).toBe("must be a number; got 'high'");
  });

  it('need a metric for bayes and for early_terminate, as W&B does', () => {
    const v = violationsOf(() =>
      program({ method: 'bayes', early_terminate: { type: 'hyperband', min_iter: 1 } }),
    );
    expect(v.map((x) => x.path)).toEqual(['metric', 'metric']);
  });

  it('nest parameters: trials nested as the file, walked and sampled leaf by leaf', () => {
    const spec = program({
      method: 'grid',
      parameters: {
        batch_size: { values: [32, 64] },
        optimizer: { parameters: { lr: { value: 0.01 }, kind: { values: ['adam', 'sgd'] } } },
      },
    });
    expect(expandGrid(spec)).toEqual([
      { batch_size: 32, optimizer: { kind: 'adam', lr: 0.01 } },
      { batch_size: 32, optimizer: { kind: 'sgd', lr: 0.01 } },
      { batch_size: 64, optimizer: { kind: 'adam', lr: 0.01 } },
      { batch_size: 64, optimizer: { kind: 'sgd', lr: 0.01 } },
    ]);
    const random = program({
      parameters: {
        optimizer: {
          parameters: { lr: { distribution: 'log_uniform_values', min: 1e-4, max: 1e-2 } },
        },
      },
    });
    const lr = (sampleTrialAt(random, 3).optimizer as { lr: number }).lr;
    expect(lr).toBeGreaterThanOrEqual(1e-4);
    expect(lr).toBeLessThanOrEqual(1e-2);
  });

  it('report a bad nested parameter at its full path; tasks refuse nesting', () => {
    const v = violationsOf(() =>
      program({ parameters: { opt: { parameters: { lr: { min: 1, max: 0.5 } }, extra: 1 } } }),
    );
    expect(at(v, 'parameters.opt.parameters.lr.max')).toBe(
      'max must be greater than min (1); for a fixed value use value: 1',
    );
    expect(at(v, 'parameters.opt.extra')).toMatch(/nested parameters take only parameters/);
    const t = violationsOf(() =>
      parseSweepSpec({
        name: 'x',
        task: 'pose3d',
        dataset: { kind: 'synthetic' },
        method: 'grid',
        parameters: {
          d_m: { value: 64 },
          heads: { value: 4 },
          lr: { parameters: { a: { value: 1 } } },
        },
      }),
    );
    expect(at(t, 'parameters.lr.parameters')).toMatch(/^built-in tasks take flat parameters/);
  });

  it('refuse a grid over a continuous distribution at its path, nested or not (W&B)', () => {
    const v = violationsOf(() =>
      program({
        method: 'grid',
        parameters: {
          a: { distribution: 'normal' },
          b: { parameters: { c: { distribution: 'log_uniform_values', min: 1, max: 10 } } },
          d: { values: [1, 2], probabilities: [0.5, 0.5] },
        },
      }),
    );
    expect(at(v, 'parameters.a')).toMatch(
      /^grid needs value, values, int_uniform or q_uniform; normal draws/,
    );
    expect(at(v, 'parameters.b.parameters.c')).toMatch(/log_uniform_values draws from a continuum/);
    expect(at(v, 'parameters.d')).toMatch(/remove probabilities/);
  });

  it("check W&B's rules for each distribution, each at its path", () => {
    const v = violationsOf(() =>
      program({
        parameters: {
          a: { distribution: 'log_uniform_values', min: 0, max: 1 },
          b: { distribution: 'int_uniform', min: 1.5, max: 3 },
          c: { values: ['x', 'y'], probabilities: [0.5, 0.6] },
          d: { values: ['x', 'y'], probabilities: [1] },
          e: { distribution: 'q_uniform', min: 0, max: 1, q: 0 },
          f: { distribution: 'normal', sigma: -1 },
          g: { distribution: 'beta', a: 0 },
          h: { distribution: 'gamma' },
          i: { distribution: 'uniform', min: 0, max: 1, mu: 3 },
          '9lives': { value: 1 },
          j: { values: [{ k: 1 }, { k: 1.0 }] },
        },
      }),
    );
    expect(at(v, 'parameters.a.min')).toMatch(
      /must be > 0; got 0 \(log_uniform takes natural-log exponents instead\)/,
    );
    expect(at(v, 'parameters.b.min')).toMatch(/must be an integer for int_uniform/);
    expect(at(v, 'parameters.c.probabilities')).toBe(
      'probabilities must sum to 1; they sum to 1.1',
    );
    expect(at(v, 'parameters.d.probabilities')).toBe(
      'give one probability per value: 2 values, 1 probabilities',
    );
    expect(at(v, 'parameters.e.q')).toBe('q must be greater than 0; got 0');
    expect(at(v, 'parameters.f.sigma')).toBe('sigma must be ≥ 0; got -1');
    expect(at(v, 'parameters.g.a')).toBe('a must be greater than 0; got 0');
    expect(at(v, 'parameters.h.distribution')).toMatch(
      /^unknown distribution 'gamma'; use constant, categorical, int_uniform/,
    );
    expect(at(v, 'parameters.i.mu')).toBe('unknown key; uniform takes distribution, min or max');
    expect(at(v, 'parameters.9lives')).toMatch(/starts with a letter or _/);
    expect(at(v, 'parameters.j.values[1]')).toBe('a mapping is repeated; list each value once');
  });

  it("fill W&B's defaults: mu 0, sigma 1, a 1, b 1, q 1; categorical_w_probabilities is categorical", () => {
    const spec = program({
      parameters: {
        n: { distribution: 'q_normal' },
        b: { distribution: 'beta' },
        w: {
          distribution: 'categorical_w_probabilities',
          values: [1, 2],
          probabilities: [0.2, 0.8],
        },
        c: { distribution: 'constant', value: [1, 2] },
      },
    });
    expect(spec.parameters).toEqual({
      n: { distribution: 'q_normal', mu: 0, sigma: 1, q: 1 },
      b: { distribution: 'beta', a: 1, b: 1 },
      w: { distribution: 'categorical', values: [1, 2], probabilities: [0.2, 0.8] },
      c: { distribution: 'constant', value: [1, 2] },
    });
    // A parsed spec parses to itself.
    expect(parseSweepSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
  });
});

describe('trial counts', () => {
  it('are null for random and bayes without run_cap (W&B runs them until stopped)', () => {
    expect(countTrials(program())).toBeNull();
    expect(countTrials(program({ method: 'bayes', metric: { name: 'loss' } }))).toBeNull();
    expect(countTrials(program({ run_cap: 40 }))).toBe(40);
    expect(countTrials(program({ method: 'bayes', metric: { name: 'l' }, run_cap: 9 }))).toBe(9);
  });

  it('walk int_uniform and q_uniform in a grid, as W&B expands them', () => {
    const spec = program({
      method: 'grid',
      parameters: {
        layers: { distribution: 'int_uniform', min: 2, max: 4 },
        wd: { distribution: 'q_uniform', min: 0, max: 0.3, q: 0.1 },
      },
    });
    expect(countTrials(spec)).toBe(9);
    expect(expandGrid(spec).map((t) => [t.layers, t.wd])).toEqual([
      [2, 0],
      [2, 0.1],
      [2, 0.2],
      [3, 0],
      [3, 0.1],
      [3, 0.2],
      [4, 0],
      [4, 0.1],
      [4, 0.2],
    ]);
  });
});

describe('requireTaskSweep', () => {
  it('passes a task sweep and refuses a program sweep at program', () => {
    const task = parseSweepSpec({
      name: 'x',
      task: 'pose3d',
      dataset: { kind: 'synthetic' },
      method: 'grid',
      parameters: { d_m: { value: 64 }, heads: { value: 4 } },
    });
    expect(requireTaskSweep(task)).toBe(task);
    expect(
      at(
        violationsOf(() => requireTaskSweep(program())),
        'program',
      ),
    ).toMatch(/cannot run yet/);
  });
});

describe('numbers in YAML', () => {
  it('reads 1e-3 as the float 0.001 (YAML 1.2; PyYAML would read a string)', () => {
    const spec = parseSweepText(
      'program: a.py\nmethod: random\nparameters:\n  lr: {min: 1e-5, max: 1e-3}\n  n: {min: 1, max: 3}\n  x: {min: 1.0, max: 3.0}\n',
    );
    expect(spec.parameters).toEqual({
      lr: { distribution: 'uniform', min: 1e-5, max: 1e-3 },
      n: { distribution: 'int_uniform', min: 1, max: 3 },
      x: { distribution: 'uniform', min: 1, max: 3 },
    });
  });

  it('infers inside nested parameters too', () => {
    const spec = parseSweepText(
      'program: a.py\nmethod: random\nparameters:\n  opt:\n    parameters:\n      m: {min: 0.0, max: 1.0}\n',
    );
    expect(spec.parameters.opt).toEqual({
      parameters: { m: { distribution: 'uniform', min: 0, max: 1 } },
    });
  });
});
