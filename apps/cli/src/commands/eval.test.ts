import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mpjpe, pMpjpe, makeRootRelative } from '@headroom/metrics';
import { TASKS } from '@headroom/sweep';

/** The built CLI, run as a user runs it. */
const CLI = resolve(__dirname, '..', '..', 'dist', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'headroom-eval-'));

function write(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

function headroom(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

function poses(n: number, seed: number): number[][][] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 1000 - 500;
  return Array.from({ length: n }, () => Array.from({ length: 17 }, () => [rnd(), rnd(), rnd()]));
}

describe('headroom eval pose3d', () => {
  const gt = poses(6, 1);
  const pred = poses(6, 2);
  const gtFile = write('gt.json', gt);
  const predFile = write('pred.json', pred);

  it('prints MPJPE and P-MPJPE of root-relative poses as JSON', () => {
    const r = headroom('eval', 'pose3d', '--gt', gtFile, '--pred', predFile, '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { mpjpe: number; p_mpjpe: number };
    const g = makeRootRelative(Float64Array.from(gt.flat(2)), 6);
    const p = makeRootRelative(Float64Array.from(pred.flat(2)), 6);
    expect(out.mpjpe).toBeCloseTo(mpjpe(p, g, 6), 9);
    expect(out.p_mpjpe).toBeCloseTo(pMpjpe(p, g, 6), 9);
    // The pose3d task's metric names, as sweeps, the API and the database use them.
    expect(Object.keys(out).sort()).toEqual(['mpjpe', 'p_mpjpe']);
    expect(Object.keys(out).sort()).toEqual(Object.keys(TASKS.pose3d.metrics).sort());
  });

  it('prints a readable line without --json', () => {
    const r = headroom('eval', 'pose3d', '--gt', gtFile, '--pred', gtFile);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^MPJPE 0\.00 mm · P-MPJPE 0\.00 mm over 6 poses/);
  });

  it('names the file and the item when a pose is malformed, exit code 2', () => {
    const bad = pred.map((frame) => frame.map((j) => [...j]));
    bad[3]![5] = [1, 2];
    const r = headroom(
      'eval',
      'pose3d',
      '--gt',
      gtFile,
      '--pred',
      write('bad.json', bad),
      '--json',
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('bad.json');
    expect(r.stderr).toContain('[3][5]');
    expect(r.stdout).toBe('');
  });

  it('rejects a file that is not JSON and a missing file, exit code 2', () => {
    const notJson = headroom(
      'eval',
      'pose3d',
      '--gt',
      write('broken.json', '[[[1,2,3]'),
      '--pred',
      predFile,
    );
    expect(notJson.status).toBe(2);
    expect(notJson.stderr).toMatch(/broken\.json.*not valid JSON/);
    const missing = headroom('eval', 'pose3d', '--gt', join(dir, 'nope.json'), '--pred', predFile);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('nope.json');
  });

  it('rejects files with different numbers of poses, and missing flags, exit code 2', () => {
    const r = headroom(
      'eval',
      'pose3d',
      '--gt',
      gtFile,
      '--pred',
      write('short.json', pred.slice(0, 4)),
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/frames|poses/);
    const noPred = headroom('eval', 'pose3d', '--gt', gtFile);
    expect(noPred.status).toBe(2);
    expect(noPred.stderr).toContain('--pred');
  });

  it('names an unknown option and shows the usage, exit code 2', () => {
    const r = headroom('eval', 'pose3d', '--gt', gtFile, '--prediction', predFile);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--prediction');
    expect(r.stderr).toContain('usage: headroom');
  });
});
