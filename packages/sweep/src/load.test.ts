import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isHeadroomError, type Violation } from '@headroom/errors';
import { describe, expect, it } from 'vitest';
import { countGridTrials } from './grid';
import { parseSweepText } from './load';
import { TASK_IDS, TASKS } from './tasks';
import { countTrials } from './trials';

// The product brief's example sweep file (the thesis's Human3.6M grid), verbatim.
const PRODUCT_EXAMPLE = `name: h36m-flexible-heads
task: pose3d
dataset: { kind: h36m, path: ./data/h36m }   # or { kind: synthetic, samples: 4096, seed: 1 }
method: grid
metric: { name: mpjpe, goal: minimize }
parameters:
  d_m: { value: 512 }
  heads: { value: 8 }
  d_h: { values: [auto, 32, 128] }
  qk_tied: { values: [false, true] }
  layers: { value: 4 }
  lr: { value: 0.0005 }
  epochs: { value: 30 }
  seed: { values: [1, 2, 3] }
early_terminate: { type: hyperband, min_iter: 3, eta: 3 }
resources: { pool: gpu, max_concurrent: 4 }
`;

function errorOf(fn: () => unknown): { message: string; violations: Violation[] } {
  try {
    fn();
  } catch (err) {
    if (isHeadroomError(err) && err.code === 'INVALID_SPEC')
      return { message: err.message, violations: [...err.violations] };
    throw err;
  }
  throw new Error('expected an INVALID_SPEC HeadroomError, nothing was thrown');
}

describe('parseSweepText', () => {
  it("parses the product brief's example", () => {
    const spec = parseSweepText(PRODUCT_EXAMPLE, 'h36m.yaml');
    expect(spec).toEqual({
      name: 'h36m-flexible-heads',
      task: 'pose3d',
      dataset: { kind: 'h36m', path: './data/h36m' },
      method: 'grid',
      metric: { name: 'mpjpe', goal: 'minimize' },
      parameters: {
        d_m: { value: 512 },
        heads: { value: 8 },
        d_h: { values: ['auto', 32, 128] },
        qk_tied: { values: [false, true] },
        layers: { value: 4 },
        lr: { value: 0.0005 },
        epochs: { value: 30 },
        seed: { values: [1, 2, 3] },
      },
      early_terminate: { type: 'hyperband', min_iter: 3, eta: 3, strict: true },
      resources: { pool: 'gpu', max_concurrent: 4 },
    });
    expect(countGridTrials(spec)).toBe(18);
  });

  it('parses JSON, and YAML floats written like 1e-3', () => {
    const json = JSON.stringify(
      {
        name: 'j',
        task: 'chest',
        dataset: { kind: 'synthetic', images: 64 },
        method: 'random',
        run_cap: 8,
        parameters: {
          d_m: { value: 64 },
          heads: { value: 4 },
          lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1e-2 },
        },
      },
      null,
      '\t',
    );
    expect(parseSweepText(json).parameters.lr).toEqual({
      distribution: 'log_uniform_values',
      min: 1e-5,
      max: 1e-2,
    });
    const yaml = PRODUCT_EXAMPLE.replace('lr: { value: 0.0005 }', 'lr: { value: 1e-3 }');
    expect(parseSweepText(yaml).parameters.lr).toEqual({ value: 0.001 });
  });

  it('names the source and the line of a YAML syntax error', () => {
    const broken = PRODUCT_EXAMPLE.replace('  heads: { value: 8 }', '  heads: { value: 8');
    const { message, violations } = errorOf(() => parseSweepText(broken, 'sweeps/h36m.yaml'));
    expect(message.startsWith('sweeps/h36m.yaml is invalid:')).toBe(true);
    expect(violations[0]!.path).toMatch(/^sweeps\/h36m\.yaml:\d+:\d+$/);
    expect(violations[0]!.message).not.toMatch(/at line/);
  });

  it('reports a duplicate key at its line', () => {
    const { violations } = errorOf(() =>
      parseSweepText(PRODUCT_EXAMPLE + 'method: random\n', 'a.yaml'),
    );
    expect(violations).toEqual([{ path: 'a.yaml:17:1', message: 'Map keys must be unique' }]);
  });

  it('reports spec violations under the source name', () => {
    const bad = PRODUCT_EXAMPLE.replace('d_m: { value: 512 }', 'd_m: { value: 500 }');
    const { message, violations } = errorOf(() => parseSweepText(bad, 'h36m.yaml'));
    expect(message.split('\n')[0]).toBe('h36m.yaml is invalid:');
    expect(violations.map((v) => v.path)).toEqual(['parameters.d_h.values[0]']);
  });

  it('says so when the file is empty', () => {
    const { violations } = errorOf(() => parseSweepText('# nothing yet\n', 'empty.yaml'));
    expect(violations).toHaveLength(1);
    expect(violations[0]!.message).toMatch(/^the file is empty/);
  });

  it('refuses an alias bomb and a document nested too deeply as spec errors, not crashes', () => {
    let bomb = 'l0: &l0 [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++)
      bomb += `l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(', ')}]\n`;
    expect(errorOf(() => parseSweepText(bomb + PRODUCT_EXAMPLE, 'bomb.yaml')).violations).toEqual([
      {
        path: 'bomb.yaml',
        message: 'its aliases (*name) expand to too many values; write the values out instead',
      },
    ]);
    const deep = `x: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n${PRODUCT_EXAMPLE}`;
    const { violations } = errorOf(() => parseSweepText(deep, 'deep.yaml'));
    expect(violations.map((v) => v.message)).toEqual([
      'nested too deeply to read; a sweep file needs a few levels (parameters of parameters at most)',
    ]);
    expect(violations[0]!.path).toMatch(/^deep\.yaml:1:\d+$/);
  });

  it('bounds what a worker must hold: synthetic set sizes, and the trials a sweep lists up front', () => {
    const synthetic = PRODUCT_EXAMPLE.replace(
      '{ kind: h36m, path: ./data/h36m }',
      '{ kind: synthetic, samples: 2147483648 }',
    );
    expect(errorOf(() => parseSweepText(synthetic)).violations).toEqual([
      {
        path: 'dataset.samples',
        message:
          'must be at most 5,000,000 (a synthetic set is generated in a worker’s memory); got 2147483648',
      },
    ]);
    const seeds = Array.from({ length: 10_000 }, (_, i) => i + 1).join(', ');
    const huge = PRODUCT_EXAMPLE.replace(
      'seed: { values: [1, 2, 3] }',
      `seed: { values: [${seeds}] }`,
    );
    // 3 × 2 × 10⁴ = 60,000 trials: allowed; with a 2-value lr too, 120,000: refused at parameters.
    expect(countTrials(parseSweepText(huge))).toBe(60_000);
    const refused = huge.replace('lr: { value: 0.0005 }', 'lr: { values: [0.0005, 0.001] }');
    expect(errorOf(() => parseSweepText(refused)).violations).toEqual([
      {
        path: 'parameters',
        message:
          'the grid has 120,000 combinations; a sweep holds at most 100,000 trials: split it into several sweeps, set run_cap, or use method: random',
      },
    ]);
    expect(countTrials(parseSweepText(`${refused}run_cap: 100000\n`))).toBe(100_000);
  });
});

describe('examples/sweeps', () => {
  const dir = join(__dirname, '..', '..', '..', 'examples', 'sweeps');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

  it('has a sweep per task on its real data layout, and one on synthetic data', () => {
    const specs = files.map((f) => parseSweepText(readFileSync(join(dir, f), 'utf8'), f));
    for (const task of TASK_IDS) {
      const kinds = specs.filter((s) => s.task === task).map((s) => s.dataset.kind);
      expect(kinds, task).toContain(TASKS[task].datasetKind);
      expect(kinds, task).toContain('synthetic');
    }
  });

  it.each(files)('%s parses, with trials to run and its task metric', (file) => {
    const spec = parseSweepText(readFileSync(join(dir, file), 'utf8'), file);
    expect(countTrials(spec)).toBeGreaterThan(0);
    expect(Object.keys(TASKS[spec.task].metrics)).toContain(spec.metric.name);
  });
});
