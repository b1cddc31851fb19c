import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TASKS } from '@headroom/sweep';

/** The built CLI, run as a user runs it. */
const CLI = resolve(__dirname, '..', '..', 'dist', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'headroom-coco-cli-'));

function headroom(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

function write(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

// One image, two people with every keypoint visible.
const person = (id: number, x0: number) => ({
  id,
  image_id: 1,
  category_id: 1,
  iscrowd: 0,
  num_keypoints: 17,
  area: 4000,
  bbox: [x0, 10, 40, 100],
  keypoints: Array.from({ length: 17 }, (_, j) => [x0 + 2 * j, 10 + 5 * j, 2]).flat(),
});
const gt = {
  images: [{ id: 1, width: 200, height: 200, file_name: '1.jpg' }],
  annotations: [person(1, 10), person(2, 100)],
  categories: [{ id: 1, name: 'person', keypoints: [], skeleton: [] }],
};

describe('headroom eval coco', () => {
  const gtFile = write('gt.json', gt);

  it("prints the ten stats as JSON under the pose2d task's metric names; perfect detections give AP 1", () => {
    const dt = gt.annotations.map((a) => ({
      image_id: 1,
      category_id: 1,
      keypoints: a.keypoints,
      score: 0.9,
    }));
    const r = headroom('eval', 'coco', '--gt', gtFile, '--dt', write('dt.json', dt), '--json');
    expect(r.status).toBe(0);
    const stats = JSON.parse(r.stdout) as Record<string, number>;
    expect(Object.keys(stats)).toEqual([
      'ap',
      'ap50',
      'ap75',
      'apm',
      'apl',
      'ar',
      'ar50',
      'ar75',
      'arm',
      'arl',
    ]);
    expect(Object.keys(stats)).toEqual(Object.keys(TASKS.pose2d.metrics));
    expect(stats.ap).toBeCloseTo(1, 12);
    expect(stats.ar).toBeCloseTo(1, 12);
  });

  it('prints the table as pycocotools does without --json; half the people found → AR 0.5', () => {
    const dt = [
      { image_id: 1, category_id: 1, keypoints: gt.annotations[0]!.keypoints, score: 0.9 },
    ];
    const r = headroom('eval', 'coco', '--gt', gtFile, '--dt', write('half.json', dt));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      'Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets= 20 ] = 0.500',
    );
  });

  it('names the file, the item and the field of bad input, exit code 2', () => {
    const dt = [
      { image_id: 1, category_id: 1, keypoints: gt.annotations[0]!.keypoints.slice(1), score: 0.9 },
    ];
    const r = headroom('eval', 'coco', '--gt', gtFile, '--dt', write('bad.json', dt));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.json.*\[0\].*keypoints.*50 numbers/);
    const unknownImage = headroom(
      'eval',
      'coco',
      '--gt',
      gtFile,
      '--dt',
      write('img.json', [{ ...dt[0], keypoints: gt.annotations[0]!.keypoints, image_id: 7 }]),
    );
    expect(unknownImage.status).toBe(2);
    expect(unknownImage.stderr).toContain('7');
  });
});

describe('headroom data synth coco', () => {
  it('writes a COCO-format set (annotations + JPEG images) that eval coco reads', () => {
    const out = join(dir, 'synth');
    const r = headroom(
      'data',
      'synth',
      'coco',
      '--out',
      out,
      '--images',
      '5',
      '--seed',
      '3',
      '--width',
      '96',
      '--height',
      '72',
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/train: \d+ images/);
    const annotations = join(out, 'annotations', 'person_keypoints_val.json');
    expect(existsSync(annotations)).toBe(true);
    const jpegs = readdirSync(join(out, 'images', 'train'));
    expect(jpegs.length).toBeGreaterThan(0);
    expect(jpegs.every((f) => /^\d{12}\.jpg$/.test(f))).toBe(true);
    const val = JSON.parse(readFileSync(annotations, 'utf8')) as typeof gt;
    const dt = val.annotations
      .filter((a) => a.iscrowd === 0)
      .map((a) => ({ image_id: a.image_id, category_id: 1, keypoints: a.keypoints, score: 1 }));
    const e = headroom(
      'eval',
      'coco',
      '--gt',
      annotations,
      '--dt',
      write('synth-dt.json', dt),
      '--json',
    );
    expect(e.status).toBe(0);
    expect(JSON.parse(e.stdout).ap).toSatisfy((ap: number) => ap === -1 || ap > 0.99);
  });

  it('refuses a missing --out, exit code 2', () => {
    const r = headroom('data', 'synth', 'coco', '--images', '2');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--out');
  });
});
