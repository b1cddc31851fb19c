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

describe('headroom eval auc', () => {
  // Column 0: the scikit-learn golden case (0.75); column 1: all negative (no AUC); column 2: perfect.
  const labels = [
    [0, 0, 0],
    [0, 0, 0],
    [1, 0, 1],
    [1, 0, 1],
  ];
  const scores = [
    [0.1, 0.9, 0.2],
    [0.4, 0.1, 0.3],
    [0.35, 0.5, 0.6],
    [0.8, 0.2, 0.9],
  ];
  const labelsFile = write('labels.json', labels);
  const scoresFile = write('scores.json', scores);

  it('prints per-class AUC as scikit-learn, null for an all-equal class, and the mean of the rest', () => {
    const r = headroom('eval', 'auc', '--labels', labelsFile, '--scores', scoresFile, '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ perClass: [0.75, null, 1], mean: 0.875 });
  });

  it('adds the class names with --classes', () => {
    const r = headroom(
      'eval',
      'auc',
      '--labels',
      labelsFile,
      '--scores',
      scoresFile,
      '--classes',
      'Atelectasis,Hernia,COVID-19',
      '--json',
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      classes: ['Atelectasis', 'Hernia', 'COVID-19'],
      perClass: [0.75, null, 1],
      mean: 0.875,
    });
  });

  it('prints a readable table without --json', () => {
    const r = headroom(
      'eval',
      'auc',
      '--labels',
      labelsFile,
      '--scores',
      scoresFile,
      '--classes',
      'Atelectasis,Hernia,COVID-19',
    );
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^class\s+ROC AUC$/);
    expect(lines[1]).toMatch(/^Atelectasis\s+0\.7500$/);
    expect(lines[2]).toMatch(/^Hernia\s+—\s+\(labels all equal\)$/);
    expect(lines[3]).toMatch(/^COVID-19\s+1\.0000$/);
    expect(lines[4]).toMatch(/^mean\s+0\.8750\s+\(2 of 3 classes\)$/);
  });

  it('names the file and the item of a malformed value, exit code 2', () => {
    const bad = scores.map((row) => [...row]) as unknown[][];
    bad[3]![1] = 'high';
    const r = headroom(
      'eval',
      'auc',
      '--labels',
      labelsFile,
      '--scores',
      write('bad-scores.json', bad),
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /bad-scores\.json: item \[3\]\[1\] is "high", expected a finite number/,
    );
    expect(r.stdout).toBe('');
    const badLabels = labels.map((row) => [...row]);
    badLabels[2]![0] = 2;
    const l = headroom(
      'eval',
      'auc',
      '--labels',
      write('bad-labels.json', badLabels),
      '--scores',
      scoresFile,
    );
    expect(l.status).toBe(2);
    expect(l.stderr).toMatch(/bad-labels\.json: item \[2\]\[0\] is 2, expected 0 or 1/);
  });

  it('rejects a file that is not JSON, a wrong shape, N or C mismatches and a wrong --classes count, exit code 2', () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['--labels', write('auc-broken.json', '[[0, 1'), '--scores', scoresFile],
        /auc-broken\.json: not valid JSON/,
      ],
      [
        ['--labels', labelsFile, '--scores', write('auc-flat.json', [0.1, 0.2])],
        /auc-flat\.json: item \[0\] is 0\.1, expected an array/,
      ],
      [
        ['--labels', labelsFile, '--scores', write('auc-short.json', scores.slice(1))],
        /auc-short\.json: has 3 rows but .*labels\.json has 4/,
      ],
      [
        [
          '--labels',
          labelsFile,
          '--scores',
          write(
            'auc-narrow.json',
            scores.map((row) => row.slice(1)),
          ),
        ],
        /auc-narrow\.json: has 2 classes per row but .*labels\.json has 3/,
      ],
      [
        ['--labels', labelsFile, '--scores', scoresFile, '--classes', 'A,B'],
        /--classes: 2 class names for 3 columns/,
      ],
      [
        ['--labels', labelsFile, '--scores', scoresFile, '--classes', 'A,,C'],
        /--classes: .*empty name/,
      ],
      [['--labels', labelsFile], /--scores/],
    ];
    for (const [args, message] of cases) {
      const r = headroom('eval', 'auc', ...args, '--json');
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });
});
