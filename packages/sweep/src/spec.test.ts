import { HeadroomError, type Violation } from '@headroom/errors';
import { describe, expect, it } from 'vitest';
import { ZSweepSpec, parseSweepSpec, type SweepSpec } from './spec';
import { violationsOf } from '../test/violations';

/** A spec being broken piece by piece: any shape at all, which is the point. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type SpecDraft = Record<string, any>;

/** A valid spec to break one piece at a time. */
function validSpec(): SpecDraft {
  return {
    name: 'flex',
    task: 'pose3d',
    dataset: { kind: 'synthetic', samples: 256, seed: 1 },
    method: 'grid',
    parameters: {
      d_m: { value: 64 },
      heads: { value: 4 },
      d_h: { values: ['auto', 32] },
    },
  };
}

function only(violations: Violation[], path: string): Violation {
  const found = violations.filter((v) => v.path === path);
  expect(found, `violations at ${path} in ${JSON.stringify(violations)}`).toHaveLength(1);
  return found[0]!;
}

describe('parseSweepSpec', () => {
  it('accepts a valid spec and fills in the defaults', () => {
    const spec = parseSweepSpec(validSpec());
    expect(spec.metric).toEqual({ name: 'mpjpe', goal: 'minimize' });
    expect(spec.resources).toEqual({ pool: 'default' });
    expect(spec.parameters.d_h).toEqual({ values: ['auto', 32] });
    expect(spec).not.toHaveProperty('run_cap');
  });

  it('fills in the goal from the task when only the metric name is given', () => {
    const spec = parseSweepSpec({
      ...validSpec(),
      task: 'pose2d',
      dataset: { kind: 'coco', path: '/d' },
      metric: { name: 'ap75' },
    });
    expect(spec.metric).toEqual({ name: 'ap75', goal: 'maximize' });
  });

  it("defaults hyperband's eta to 3 like W&B", () => {
    const spec = parseSweepSpec({
      ...validSpec(),
      early_terminate: { type: 'hyperband', min_iter: 2 },
    });
    expect(spec.early_terminate).toEqual({ type: 'hyperband', min_iter: 2, eta: 3, strict: true });
  });

  it("parses a W&B-style config, keeping W&B's metadata and dropping its controller", () => {
    const wandb = {
      controller: { type: 'local' },
      project: 'heads',
      entity: 'lab',
      description: 'lr and dropout search',
      name: 'chest-random',
      task: 'chest',
      dataset: { kind: 'chestxray14', path: '/data/cxr14' },
      method: 'random',
      metric: { name: 'mean_auc', goal: 'maximize' },
      run_cap: 20,
      early_terminate: { type: 'hyperband', min_iter: 3, eta: 2 },
      parameters: {
        d_m: { values: [256, 384] },
        heads: { value: 8 },
        lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1e-2 },
        dropout: { min: 0.0, max: 0.5 },
        layers: { min: 2, max: 6 },
        batch_size: { distribution: 'categorical', values: [32, 64] },
      },
    };
    const spec = parseSweepSpec(wandb);
    expect(Object.keys(spec)).not.toContain('controller');
    expect(spec).toMatchObject({
      project: 'heads',
      entity: 'lab',
      description: 'lr and dropout search',
    });
    expect(spec.method).toBe('random');
    expect(spec.run_cap).toBe(20);
    // W&B infers the distribution from min/max: floats → uniform, integers → int_uniform.
    // (0.0 is the integer 0 once parsed, so dropout 0.0–0.5 is only uniform because of 0.5.)
    expect(spec.parameters.dropout).toEqual({ distribution: 'uniform', min: 0, max: 0.5 });
    expect(spec.parameters.layers).toEqual({ distribution: 'int_uniform', min: 2, max: 6 });
  });

  it('reports a negative d_m at its value', () => {
    const s = validSpec();
    s.parameters.d_m = { value: -64 };
    const v = violationsOf(() => parseSweepSpec(s));
    expect(only(v, 'parameters.d_m.value').message).toBe('d_m must be a positive integer; got -64');
  });

  it('reports d_h: auto that does not divide, naming the combination', () => {
    const s = validSpec();
    s.parameters.d_m = { values: [512, 500] };
    s.parameters.heads = { value: 8 };
    const v = violationsOf(() => parseSweepSpec(s));
    expect(v).toEqual([
      {
        path: 'parameters.d_h.values[0]',
        message:
          'd_h: auto needs d_m divisible by heads; 500 / 8 is not an integer — choose heads dividing 500 or give d_h a number',
      },
    ]);
  });

  it('checks the default d_h (auto) too', () => {
    const s = validSpec();
    s.parameters = { d_m: { value: 100 }, heads: { value: 3 } };
    const v = violationsOf(() => parseSweepSpec(s));
    expect(only(v, 'parameters.d_h').message).toMatch(
      /^d_h defaults to auto, which needs d_m divisible by heads; 100 \/ 3/,
    );
  });

  it('refuses d_h: auto next to a sampled d_m', () => {
    const s = validSpec();
    s.method = 'random';
    s.run_cap = 10;
    s.parameters = { d_m: { distribution: 'int_uniform', min: 64, max: 512 }, heads: { value: 8 } };
    const v = violationsOf(() => parseSweepSpec(s));
    expect(v).toHaveLength(1);
    expect(only(v, 'parameters.d_h').message).toContain('cannot promise');
  });

  it('caps the list of non-dividing combinations', () => {
    const s = validSpec();
    s.parameters.d_m = { values: Array.from({ length: 20 }, (_, i) => 2 * i + 1) };
    s.parameters.heads = { value: 2 };
    const v = violationsOf(() => parseSweepSpec(s));
    expect(v).toHaveLength(11);
    expect(v[10]!.message).toBe(
      'and 10 more (d_m, heads) combinations where d_m / heads is not an integer',
    );
  });

  it('reports an unknown parameter with the known ones', () => {
    const s = validSpec();
    s.parameters.warmup = { value: 100 };
    const v = violationsOf(() => parseSweepSpec(s));
    expect(only(v, 'parameters.warmup').message).toBe(
      'unknown parameter; known parameters are d_m, heads, d_h, qk_tied, layers, lr, epochs, batch_size, seed, dropout, optimizer, weight_decay, lr_schedule or warmup_steps (any name is allowed in a program sweep: program: …)',
    );
  });

  it('reports an unknown task', () => {
    const v = violationsOf(() => parseSweepSpec({ ...validSpec(), task: 'pose' }));
    expect(only(v, 'task').message).toBe("unknown task 'pose'; use pose3d, pose2d or chest");
  });

  it('reports a metric the task does not have', () => {
    const v = violationsOf(() => parseSweepSpec({ ...validSpec(), metric: { name: 'ap' } }));
    expect(only(v, 'metric.name').message).toBe(
      "'ap' is not a metric of task pose3d; use mpjpe or p_mpjpe",
    );
  });

  it('reports a goal contradicting the task', () => {
    const v = violationsOf(() =>
      parseSweepSpec({ ...validSpec(), metric: { name: 'p_mpjpe', goal: 'maximize' } }),
    );
    expect(only(v, 'metric.goal').message).toBe(
      'p_mpjpe is better when lower; write goal: minimize or leave goal out',
    );
  });

  it('reports a distribution in a grid', () => {
    const s = validSpec();
    s.parameters.lr = { distribution: 'log_uniform_values', min: 1e-4, max: 1e-2 };
    const v = violationsOf(() => parseSweepSpec(s));
    expect(only(v, 'parameters.lr').message).toBe(
      'grid needs value, values, int_uniform or q_uniform; log_uniform_values draws from a continuum, or use method: random or bayes',
    );
  });

  it('lets a grid walk a categorical distribution, which is a list of values', () => {
    const s = validSpec();
    s.parameters.seed = { distribution: 'categorical', values: [1, 2] };
    expect(parseSweepSpec(s).parameters.seed).toEqual({
      distribution: 'categorical',
      values: [1, 2],
    });
  });

  it('reports a missing d_m and missing heads', () => {
    const s = validSpec();
    delete s.parameters.d_m;
    delete s.parameters.heads;
    const v = violationsOf(() => parseSweepSpec(s));
    expect(only(v, 'parameters.d_m').message).toBe(
      'required for every task, e.g. d_m: { value: 256 }',
    );
    expect(only(v, 'parameters.heads').message).toMatch(/^required/);
    // Without d_m and heads there is nothing to divide: no auto violation on top.
    expect(v).toHaveLength(2);
  });

  it('reports unknown top-level keys but lets the ignored W&B keys through', () => {
    const v = violationsOf(() =>
      parseSweepSpec({ ...validSpec(), optimizer: 'adam', project: 'p', controller: {} }),
    );
    expect(v).toEqual([
      {
        path: 'optimizer',
        message:
          'unknown key; a sweep spec takes name, task, dataset, method, metric, parameters, run_cap, sampler_seed, early_terminate, resources, description, project or entity',
      },
    ]);
  });

  it('reports a dataset of another task', () => {
    const v = violationsOf(() =>
      parseSweepSpec({ ...validSpec(), dataset: { kind: 'coco', path: '/coco' } }),
    );
    expect(only(v, 'dataset.kind').message).toBe(
      'task pose3d reads h36m data; use kind: h36m or kind: synthetic',
    );
  });

  it('takes pose2d datasets: a COCO folder or synthetic images, each with an input size', () => {
    const pose2d = { ...validSpec(), task: 'pose2d', metric: { name: 'ap' } };
    const coco = parseSweepSpec({
      ...pose2d,
      dataset: { kind: 'coco', path: './data/coco', input_size: [256, 192] },
    });
    expect(coco.dataset).toEqual({ kind: 'coco', path: './data/coco', input_size: [256, 192] });
    const synthetic = parseSweepSpec({
      ...pose2d,
      dataset: { kind: 'synthetic', images: 600, seed: 2, input_size: [128, 96] },
    });
    expect(synthetic.dataset).toEqual({
      kind: 'synthetic',
      images: 600,
      seed: 2,
      input_size: [128, 96],
    });
  });

  it('reports bad input sizes and synthetic fields the task would ignore, each at its path', () => {
    const pose2d = { ...validSpec(), task: 'pose2d' };
    const v = violationsOf(() =>
      parseSweepSpec({
        ...pose2d,
        dataset: { kind: 'coco', path: '/coco', input_size: [250, 192] },
      }),
    );
    expect(only(v, 'dataset.input_size[0]').message).toBe(
      'must be [height, width] in pixels, each a positive multiple of 8, e.g. [256, 192]; got 250',
    );
    expect(
      violationsOf(() =>
        parseSweepSpec({ ...pose2d, dataset: { kind: 'coco', path: '/coco', input_size: 256 } }),
      ).map((x) => x.path),
    ).toEqual(['dataset.input_size']);
    const wrong = violationsOf(() =>
      parseSweepSpec({
        ...pose2d,
        dataset: { kind: 'synthetic', samples: 100, frames_per_action: 5 },
      }),
    );
    expect(only(wrong, 'dataset.samples').message).toMatch(/counted in images.*write images: N/);
    expect(only(wrong, 'dataset.frames_per_action').message).toMatch(/remove it/);
    const pose3d = violationsOf(() =>
      parseSweepSpec({
        ...validSpec(),
        dataset: { kind: 'synthetic', images: 100, input_size: [64, 48] },
      }),
    );
    expect(pose3d.map((x) => x.path).sort()).toEqual(['dataset.images', 'dataset.input_size']);
    const h36m = violationsOf(() =>
      parseSweepSpec({
        ...validSpec(),
        dataset: { kind: 'h36m', path: '/h', input_size: [64, 48] },
      }),
    );
    expect(only(h36m, 'dataset.input_size').message).toBe(
      'unknown key; an h36m dataset takes kind, path, keypoints, train_subjects or test_subjects',
    );
    const chest = violationsOf(() =>
      parseSweepSpec({
        ...validSpec(),
        task: 'chest',
        dataset: { kind: 'chestxray14', path: '/c', input_size: [64, 48] },
      }),
    );
    expect(only(chest, 'dataset.input_size').message).toBe(
      'unknown key; a chestxray14 dataset takes kind, path, extra or image_size',
    );
  });

  it('takes a ChestX-ray14 folder with extra CSVs and an image size (default 224)', () => {
    const chest = { ...validSpec(), task: 'chest' };
    const dataset = { kind: 'chestxray14', path: '/c', extra: ['covid.csv'], image_size: 128 };
    expect(parseSweepSpec({ ...chest, dataset }).dataset).toEqual(dataset);
    expect(
      parseSweepSpec({ ...chest, dataset: { kind: 'chestxray14', path: '/c' } }).dataset,
    ).toEqual({ kind: 'chestxray14', path: '/c', image_size: 224 });
    const v = violationsOf(() =>
      parseSweepSpec({
        ...chest,
        dataset: { kind: 'chestxray14', path: '', extra: 'covid.csv', image_size: 0 },
      }),
    );
    expect(v.map((x) => x.path).sort()).toEqual([
      'dataset.extra',
      'dataset.image_size',
      'dataset.path',
    ]);
    expect(only(v, 'dataset.extra').message).toBe("must be a list of CSV paths; got 'covid.csv'");
    expect(only(v, 'dataset.image_size').message).toBe('must be a positive integer; got 0');
  });

  it("takes a synthetic chest set in images and image_size, and refuses the other tasks' keys", () => {
    const chest = { ...validSpec(), task: 'chest' };
    const dataset = { kind: 'synthetic', images: 200, seed: 3, image_size: 32 };
    expect(parseSweepSpec({ ...chest, dataset }).dataset).toEqual(dataset);
    const v = violationsOf(() =>
      parseSweepSpec({
        ...chest,
        dataset: { kind: 'synthetic', samples: 10, input_size: [64, 64] },
      }),
    );
    expect(only(v, 'dataset.samples').message).toMatch(/counted in images; write images: N/);
    expect(only(v, 'dataset.input_size').message).toMatch(/write image_size: N/);
    const pose3d = violationsOf(() =>
      parseSweepSpec({ ...validSpec(), dataset: { kind: 'synthetic', image_size: 64 } }),
    );
    expect(only(pose3d, 'dataset.image_size').message).toMatch(/remove image_size/);
  });

  it('takes an h36m folder with its 2D keypoints and subjects', () => {
    const dataset = {
      kind: 'h36m',
      path: './data/h36m',
      keypoints: 'cpn_ft_h36m_dbb',
      train_subjects: ['S1'],
      test_subjects: ['S9'],
    };
    expect(parseSweepSpec({ ...validSpec(), dataset }).dataset).toEqual(dataset);
    const v = violationsOf(() =>
      parseSweepSpec({
        ...validSpec(),
        dataset: {
          kind: 'h36m',
          path: '/h',
          keypoints: '',
          train_subjects: [],
          test_subjects: 'S9',
        },
      }),
    );
    expect(only(v, 'dataset.keypoints').message).toMatch(/^must be a non-empty string/);
    expect(only(v, 'dataset.train_subjects').message).toMatch(/non-empty list of subjects/);
    expect(only(v, 'dataset.test_subjects').message).toBe(
      "must be a non-empty list of subjects, e.g. [S9, S11]; got 'S9'",
    );
  });

  it('checks each parameter constraint at its own path', () => {
    const s = validSpec();
    s.method = 'random';
    s.run_cap = 10;
    s.parameters = {
      d_m: { value: 64 },
      heads: { value: 4.5 },
      d_h: { values: [16, 'Auto', 0] },
      qk_tied: { values: [false, 'yes'] },
      layers: { distribution: 'uniform', min: 1, max: 4 },
      lr: { value: 0 },
      epochs: { distribution: 'int_uniform', min: 5, max: 5 },
      batch_size: { values: [32, 32] },
      seed: { value: -1 },
      dropout: { distribution: 'uniform', min: 0, max: 1 },
    };
    const v = violationsOf(() => parseSweepSpec(s));
    expect(v.map((x) => x.path).sort()).toEqual(
      [
        'parameters.batch_size.values[1]',
        'parameters.d_h.values[1]',
        'parameters.d_h.values[2]',
        'parameters.dropout.max',
        'parameters.epochs.max',
        'parameters.heads.value',
        'parameters.layers.distribution',
        'parameters.lr.value',
        'parameters.qk_tied.values[1]',
        'parameters.seed.value',
      ].sort(),
    );
    expect(only(v, 'parameters.d_h.values[1]').message).toBe(
      "d_h must be a positive integer or auto; got 'Auto'",
    );
    expect(only(v, 'parameters.dropout.max').message).toBe(
      'dropout must be a number with 0 ≤ x < 1; max is 1',
    );
    expect(only(v, 'parameters.batch_size.values[1]').message).toBe(
      '32 is repeated; list each value once',
    );
  });

  it('explains malformed parameter entries', () => {
    const s = validSpec();
    s.parameters.layers = 4;
    s.parameters.lr = { value: 0.1, values: [0.1] };
    s.parameters.seed = { values: [] };
    s.parameters.dropout = { distribution: 'normal', mu: 0.1, sigma: 0.01 };
    const v = violationsOf(() => parseSweepSpec(s));
    expect(only(v, 'parameters.layers').message).toMatch(
      /^a parameter is a mapping, got 4; write layers: \{ value: x \}/,
    );
    expect(only(v, 'parameters.lr').message).toMatch(
      /^give exactly one of value, values or distribution/,
    );
    expect(only(v, 'parameters.seed.values').message).toBe(
      'values is empty; give at least one value',
    );
    // W&B's normal draws any real number; dropout takes [0, 1).
    expect(only(v, 'parameters.dropout.distribution').message).toBe(
      'dropout must be a number with 0 ≤ x < 1; normal draws any real number; use a bounded distribution',
    );
  });

  it('reports every violation of a spec at once', () => {
    const v = violationsOf(() =>
      parseSweepSpec({
        name: '',
        task: 'pose3d',
        dataset: { kind: 'h36m' },
        method: 'grid',
        metric: { name: 'mpjpe', goal: 'maximize' },
        parameters: {
          d_m: { value: 500 },
          heads: { value: 8 },
          d_h: { values: ['auto', -32] },
          lr: { distribution: 'uniform', min: 0.001, max: 0.01 },
          warmup: { value: 3 },
        },
        run_cap: 0,
        resources: { pool: 'gpu a100', max_concurrent: 2, gpus: 1 },
        early_terminate: { type: 'asha', min_iter: 3 },
      }),
    );
    expect(v.map((x) => x.path).sort()).toEqual(
      [
        'name',
        'dataset.path',
        'metric.goal',
        'parameters.d_h.values[1]',
        'parameters.lr',
        'parameters.warmup',
        'run_cap',
        'resources.pool',
        'resources.gpus',
        'early_terminate.type',
      ].sort(),
    );
  });

  it('also reports the d_h: auto combination when other parts are broken', () => {
    const s = validSpec();
    s.task = 'nope';
    s.parameters.d_m = { value: 500 };
    s.parameters.heads = { value: 8 };
    const paths = violationsOf(() => parseSweepSpec(s)).map((x) => x.path);
    expect(paths).toEqual(['task', 'parameters.d_h.values[0]']);
  });

  it('says what a spec is when given something else', () => {
    for (const input of [null, 'method: grid', [1]]) {
      const v = violationsOf(() => parseSweepSpec(input));
      expect(v).toHaveLength(1);
      expect(v[0]!.path).toBe('spec');
    }
  });

  it('names the source in the error message', () => {
    const s = validSpec();
    s.parameters.d_m = { value: -1 };
    try {
      parseSweepSpec(s, 'sweeps/a.yaml');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(HeadroomError);
      expect((err as Error).message).toBe(
        'sweeps/a.yaml is invalid:\n  parameters.d_m.value: d_m must be a positive integer; got -1',
      );
    }
  });

  it('is idempotent: a parsed spec parses to itself', () => {
    const spec: SweepSpec = parseSweepSpec({
      ...validSpec(),
      early_terminate: { type: 'hyperband', min_iter: 1 },
    });
    expect(parseSweepSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
  });
});

describe('ZSweepSpec', () => {
  it('gives the same spec as parseSweepSpec', () => {
    const r = ZSweepSpec.safeParse(validSpec());
    expect(r.success).toBe(true);
    expect(r.data).toEqual(parseSweepSpec(validSpec()));
  });

  it('gives every violation as an issue with a zod path', () => {
    const s = validSpec();
    s.task = 'nope';
    s.parameters.d_h = { values: [16, 'x'] };
    const r = ZSweepSpec.safeParse(s);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path)).toEqual([
      ['task'],
      ['parameters', 'd_h', 'values', 1],
    ]);
  });
});

describe('parseSweepSpec for random search', () => {
  function randomSpec(): SpecDraft {
    return {
      ...validSpec(),
      method: 'random',
      run_cap: 20,
      parameters: {
        d_m: { values: [64, 128] },
        heads: { values: [2, 4] },
        lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1e-2 },
      },
    };
  }

  it('accepts a random sweep with run_cap and fills in sampler_seed 0', () => {
    const spec = parseSweepSpec(randomSpec());
    expect(spec.run_cap).toBe(20);
    expect(spec.sampler_seed).toBe(0);
    // A parsed random spec parses to itself, seed and all.
    expect(parseSweepSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
  });

  it('keeps a given sampler_seed, and a grid gets none', () => {
    expect(parseSweepSpec({ ...randomSpec(), sampler_seed: 7 }).sampler_seed).toBe(7);
    expect(parseSweepSpec(validSpec())).not.toHaveProperty('sampler_seed');
  });

  it('takes method: random without run_cap, which runs until stopped as in W&B', () => {
    const s = randomSpec();
    delete s.run_cap;
    const spec = parseSweepSpec(s);
    expect(spec).not.toHaveProperty('run_cap');
    expect(spec.sampler_seed).toBe(0);
  });

  it('reports a run_cap that is not a positive integer once, at run_cap', () => {
    for (const runCap of [0, 2.5, '10']) {
      const v = violationsOf(() => parseSweepSpec({ ...randomSpec(), run_cap: runCap }));
      expect(v).toHaveLength(1);
      expect(only(v, 'run_cap').message).toMatch(/^must be a positive integer; got/);
    }
  });

  it('reports a sampler_seed that is not an integer ≥ 0, and one on a grid', () => {
    const v = violationsOf(() => parseSweepSpec({ ...randomSpec(), sampler_seed: -1 }));
    expect(only(v, 'sampler_seed').message).toBe('must be an integer ≥ 0; got -1');
    const g = violationsOf(() => parseSweepSpec({ ...validSpec(), sampler_seed: 3 }));
    expect(only(g, 'sampler_seed').message).toBe(
      'a grid samples nothing; remove sampler_seed or use method: random',
    );
  });

  it("takes bayes, W&B's third method, with a sampler seed", () => {
    const spec = parseSweepSpec({ ...randomSpec(), method: 'bayes' });
    expect(spec.method).toBe('bayes');
    expect(spec.sampler_seed).toBe(0);
  });

  it("offers W&B's methods for an unknown one, and refuses W&B's custom schedulers", () => {
    const v = violationsOf(() => parseSweepSpec({ ...validSpec(), method: 'hyperopt' }));
    expect(only(v, 'method').message).toBe("unknown method 'hyperopt'; use grid, random or bayes");
    const c = violationsOf(() =>
      parseSweepSpec({ ...validSpec(), method: 'custom', scheduler: { engine: 'optuna' } }),
    );
    expect(only(c, 'method').message).toMatch(/custom scheduler method is not run by Headroom/);
    expect(only(c, 'scheduler').message).toMatch(/use method: bayes/);
  });

  it('refuses a hyperband min_iter past the last epoch of every trial', () => {
    const s = randomSpec();
    s.parameters.epochs = { distribution: 'int_uniform', min: 5, max: 12 };
    expect(
      parseSweepSpec({ ...s, early_terminate: { type: 'hyperband', min_iter: 12 } })
        .early_terminate,
    ).toEqual({ type: 'hyperband', min_iter: 12, eta: 3, strict: true });
    const v = violationsOf(() =>
      parseSweepSpec({ ...s, early_terminate: { type: 'hyperband', min_iter: 13 } }),
    );
    expect(v).toEqual([
      {
        path: 'early_terminate.min_iter',
        message:
          'min_iter 13 is past the last epoch of every trial (epochs at most 12), so nothing would ever be stopped; lower min_iter or remove early_terminate',
      },
    ]);
    // Without epochs, trials train for the default 10.
    const d = violationsOf(() =>
      parseSweepSpec({ ...randomSpec(), early_terminate: { type: 'hyperband', min_iter: 11 } }),
    );
    expect(only(d, 'early_terminate.min_iter').message).toContain('(epochs at most 10)');
    // An eta this close to 1 would need more rung steps than anyone means.
    const e = violationsOf(() =>
      parseSweepSpec({
        ...randomSpec(),
        early_terminate: { type: 'hyperband', min_iter: 1, eta: 1.000001 },
      }),
    );
    expect(only(e, 'early_terminate.eta').message).toMatch(/so close to 1 .* use eta ≥ 1\.1/);
  });
});
