import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findCocoSplit, materializeSyntheticCoco } from './coco-folder.js';

const dir = mkdtempSync(join(tmpdir(), 'headroom-coco-folder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A folder with the given files (empty) and folders (names ending in /). */
function folder(name: string, entries: string[]): string {
  const root = join(dir, name);
  for (const e of entries) {
    if (e.endsWith('/')) mkdirSync(join(root, e), { recursive: true });
    else {
      mkdirSync(join(root, e, '..'), { recursive: true });
      writeFileSync(join(root, e), '{}');
    }
  }
  return root;
}

describe('findCocoSplit', () => {
  it('finds the synthetic layout: annotations/person_keypoints_<split>.json + images/<split>/', async () => {
    const root = folder('synthetic', [
      'annotations/person_keypoints_train.json',
      'annotations/person_keypoints_val.json',
      'images/train/',
      'images/val/',
    ]);
    expect(await findCocoSplit(root, 'train')).toEqual({
      annotationFile: join(root, 'annotations', 'person_keypoints_train.json'),
      imageDir: join(root, 'images', 'train'),
    });
    expect((await findCocoSplit(root, 'val')).imageDir).toBe(join(root, 'images', 'val'));
  });

  it("finds COCO 2017 unpacked side by side (val2017/) and HRNet's images/val2017/", async () => {
    const unzipped = folder('coco2017', ['annotations/person_keypoints_val2017.json', 'val2017/']);
    expect(await findCocoSplit(unzipped, 'val')).toEqual({
      annotationFile: join(unzipped, 'annotations', 'person_keypoints_val2017.json'),
      imageDir: join(unzipped, 'val2017'),
    });
    const hrnet = folder('hrnet', [
      'annotations/person_keypoints_val2017.json',
      'images/val2017/',
      'val2017/',
    ]);
    expect((await findCocoSplit(hrnet, 'val')).imageDir).toBe(join(hrnet, 'images', 'val2017'));
  });

  it('takes the newest year when several are present, with a warning', async () => {
    const root = folder('years', [
      'annotations/person_keypoints_train2014.json',
      'annotations/person_keypoints_train2017.json',
      'train2014/',
      'train2017/',
    ]);
    const warnings: string[] = [];
    const found = await findCocoSplit(root, 'train', (w) => warnings.push(w));
    expect(found.annotationFile).toBe(join(root, 'annotations', 'person_keypoints_train2017.json'));
    expect(found.imageDir).toBe(join(root, 'train2017'));
    expect(warnings).toEqual([
      `several train annotation files in ${join(root, 'annotations')} (person_keypoints_train2014.json, person_keypoints_train2017.json); using person_keypoints_train2017.json`,
    ]);
  });

  it('fails with DATA naming the missing annotation file, and the layouts it reads', async () => {
    const root = folder('no-val', ['annotations/person_keypoints_train.json', 'images/train/']);
    const err = await findCocoSplit(root, 'val').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DATA' });
    const message = (err as Error).message;
    expect(
      message.startsWith(`${join(root, 'annotations', 'person_keypoints_val2017.json')} not found`),
    ).toBe(true);
    expect(message).toContain('annotations/person_keypoints_{train,val}2017.json');
  });

  it('fails with DATA naming both image folders it looked for', async () => {
    const root = folder('no-images', ['annotations/person_keypoints_val2017.json']);
    await expect(findCocoSplit(root, 'val')).rejects.toMatchObject({
      code: 'DATA',
      message: expect.stringContaining(
        `neither ${join(root, 'images', 'val2017')} nor ${join(root, 'val2017')} is a folder`,
      ),
    });
  });
});

describe('materializeSyntheticCoco', () => {
  it('writes a set once, atomically, under its (seed, images) name, for concurrent callers', async () => {
    const parentDir = join(dir, 'datasets');
    const [a, b] = await Promise.all([
      materializeSyntheticCoco({ parentDir, seed: 3, images: 16 }),
      materializeSyntheticCoco({ parentDir, seed: 3, images: 16 }),
    ]);
    expect(a).toBe(join(parentDir, 'synthetic-coco-3-16'));
    expect(b).toBe(a);
    // No temporary folder left beside it.
    expect(readdirSync(parentDir)).toEqual(['synthetic-coco-3-16']);
    expect(existsSync(join(a, 'annotations', 'person_keypoints_val.json'))).toBe(true);
    // The folder it finds is the one findCocoSplit reads.
    expect((await findCocoSplit(a, 'train')).imageDir).toBe(join(a, 'images', 'train'));

    // A set already there is used as it is, not written again.
    writeFileSync(join(a, 'marker'), '');
    expect(await materializeSyntheticCoco({ parentDir, seed: 3, images: 16 })).toBe(a);
    expect(existsSync(join(a, 'marker'))).toBe(true);
    expect(readdirSync(parentDir)).toEqual(['synthetic-coco-3-16']);
  });
});
