import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The built CLI, run as a user runs it; nothing listens on port 1, and validate never asks. */
const CLI = resolve(__dirname, '..', '..', 'dist', 'main.js');
const WANDB = resolve(__dirname, '..', '..', '..', '..', 'packages/sweep/src/fixtures/wandb');
const dir = mkdtempSync(join(tmpdir(), 'headroom-validate-'));

function headroom(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, HEADROOM_API_URL: 'http://127.0.0.1:1/graphql' },
  });
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('headroom sweep validate', () => {
  it('prints the method, the count, the dotted parameter names and K trials nested as in the file', () => {
    const r = headroom(
      'sweep',
      'validate',
      join(WANDB, 'grid-nested.yaml'),
      '--json',
      '--sample',
      '3',
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      method: 'grid',
      trialCount: 8,
      parameters: ['batch_size', 'optimizer.lr', 'optimizer.nadam.beta'],
      sample: [
        { batch_size: 32, optimizer: { lr: 0.001, nadam: { beta: 0.9 } } },
        { batch_size: 32, optimizer: { lr: 0.001, nadam: { beta: 0.95 } } },
        { batch_size: 32, optimizer: { lr: 0.0001, nadam: { beta: 0.9 } } },
      ],
    });
  });

  it('says null for a sweep that runs until stopped, and reads number types from the text', () => {
    const path = file(
      'unbounded.yaml',
      'program: train.py\nmethod: random\nparameters:\n  x: {min: 1.0, max: 3.0}\n  n: {min: 1, max: 3}\n',
    );
    const r = headroom('sweep', 'validate', path, '--json', '--sample', '200');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      trialCount: null;
      sample: Array<{ x: number; n: number }>;
    };
    expect(out.trialCount).toBeNull();
    expect(out.sample).toHaveLength(200);
    // {min: 1.0, max: 3.0} is uniform (W&B): fractions; {min: 1, max: 3} int_uniform.
    expect(out.sample.some((t) => !Number.isInteger(t.x))).toBe(true);
    expect(out.sample.every((t) => Number.isInteger(t.n) && t.n >= 1 && t.n <= 3)).toBe(true);
  });

  it('validates every W&B file of the fixtures unmodified, in words, with the commands', () => {
    for (const name of readdirSync(WANDB)) {
      const r = headroom('sweep', 'validate', join(WANDB, name), '--sample', '1');
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain(`${name}: valid — `);
    }
    const hydra = headroom(
      'sweep',
      'validate',
      join(WANDB, 'hydra-override.yaml'),
      '--sample',
      '1',
    );
    expect(hydra.stdout).toMatch(
      /\$ \/usr\/bin\/env python train\.py datamodule\.batch_size=64 model\.lr=/,
    );
  });

  it('prints every violation with its path and exits 2, also as JSON', () => {
    const path = file(
      'bad.yaml',
      'program: train.py\nmethod: grid\nparameters:\n  lr: {distribution: log_uniform_values, min: 0, max: 1}\n  opt:\n    parameters:\n      m: {distribution: normal}\n',
    );
    const r = headroom('sweep', 'validate', path);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${path} is invalid:`);
    expect(r.stderr).toContain(
      '  parameters.lr.min: log_uniform_values takes the values themselves',
    );
    expect(r.stderr).toContain(
      '  parameters.opt.parameters.m: grid needs value, values, int_uniform or q_uniform',
    );
    const j = headroom('sweep', 'validate', path, '--json');
    expect(j.status).toBe(2);
    const out = JSON.parse(j.stdout) as { valid: boolean; violations: Array<{ path: string }> };
    expect(out.valid).toBe(false);
    expect(out.violations.map((v) => v.path)).toEqual([
      'parameters.lr.min',
      'parameters.opt.parameters.m',
    ]);
  });

  it('refuses a missing file and a bad --sample as usage problems (exit 2)', () => {
    const missing = headroom('sweep', 'validate', join(dir, 'nope.yaml'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read the sweep file (ENOENT)');
    const bad = headroom('sweep', 'validate', join(WANDB, 'grid-nested.yaml'), '--sample', 'many');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--sample takes a whole number ≥ 0; got many');
  });
});
