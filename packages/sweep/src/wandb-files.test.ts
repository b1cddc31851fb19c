/** Sweep files written as W&B users write them (src/fixtures/wandb/) load unmodified. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCommand } from './command';
import { parseSweepText } from './load';
import { isProgramSweep, isTaskSweep } from './spec-shape';
import { countTrials, trialAt } from './trials';

const dir = join(__dirname, 'fixtures', 'wandb');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('W&B sweep files', () => {
  it('are a realistic set: bayes, grid, random, nested, hyperband both ways, commands, a task', () => {
    const specs = files.map((f) => parseSweepText(readFileSync(join(dir, f), 'utf8'), f));
    expect(files.length).toBeGreaterThanOrEqual(10);
    expect(new Set(specs.map((s) => s.method))).toEqual(new Set(['bayes', 'grid', 'random']));
    expect(specs.some((s) => Object.values(s.parameters).some((p) => 'parameters' in p))).toBe(
      true,
    );
    expect(specs.some((s) => s.early_terminate?.max_iter !== undefined)).toBe(true);
    expect(specs.some((s) => s.early_terminate?.min_iter !== undefined)).toBe(true);
    expect(specs.some(isTaskSweep)).toBe(true);
  });

  it.each(files)('%s validates unmodified and expands', (file) => {
    const spec = parseSweepText(readFileSync(join(dir, file), 'utf8'), file);
    const count = countTrials(spec);
    if (spec.method === 'grid') expect(count).toBeGreaterThan(0);
    if (spec.method !== 'grid' && spec.run_cap === undefined) expect(count).toBeNull();
    if (spec.method === 'bayes') return;
    const trial = trialAt(spec, 0);
    expect(Object.keys(trial).length).toBeGreaterThan(0);
    if (isProgramSweep(spec)) {
      const { argv } = buildCommand(spec, trial, { env: {}, argsJsonFile: '/tmp/args.json' });
      expect(argv.join(' ')).toContain(spec.program);
    }
  });

  it('builds the commands their programs expect', () => {
    const load = (f: string) => {
      const spec = parseSweepText(readFileSync(join(dir, f), 'utf8'), f);
      if (!isProgramSweep(spec)) throw new Error(`${f} is not a program sweep`);
      return spec;
    };
    const hydra = load('hydra-override.yaml');
    expect(
      buildCommand(hydra, trialAt(hydra, 0), { env: {}, argsJsonFile: 'a.json' }).argv,
    ).toEqual([
      '/usr/bin/env',
      'python',
      'train.py',
      'datamodule.batch_size=64',
      `model.lr=${String(trialAt(hydra, 0)['model.lr'])}`,
      'trainer.max_epochs=20',
    ]);
    const rl = load('boolean-flags.yaml');
    const first = buildCommand(rl, trialAt(rl, 0), { env: {}, argsJsonFile: 'a.json' }).argv;
    expect(first.slice(3)).toEqual([
      '--env_id=CartPole-v1',
      '--gamma=0.95',
      '--normalize_advantage',
      '--seed=1',
    ]);
    const second = buildCommand(rl, trialAt(rl, 3), { env: {}, argsJsonFile: 'a.json' }).argv;
    expect(second.slice(3)).toEqual(['--env_id=CartPole-v1', '--gamma=0.95', '--seed=1']);
  });
});
