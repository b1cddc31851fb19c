import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readH36mPositions3d } from '@headroom/datasets';

/** The built CLI, run as a user runs it. */
const CLI = resolve(__dirname, '..', '..', 'dist', 'main.js');
const FIXTURES = resolve(__dirname, '..', '..', '..', '..', 'packages/datasets/fixtures/h36m-npz');
const dir = mkdtempSync(join(tmpdir(), 'headroom-data-check-'));

function headroom(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

/**
 * A copy of an .npz with `from` replaced by `to` (same length) inside its entries: the zip is
 * read here (numpy's zip64 local headers) and written again as a plain zip of deflated entries.
 */
function patchNpz(src: string, dst: string, from: string, to: string): void {
  const zip = readFileSync(src);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let at = 0;
  let offset = 0;
  while (zip.readUInt32LE(at) === 0x04034b50) {
    const name = zip.subarray(at + 30, at + 30 + zip.readUInt16LE(at + 26));
    const extra = at + 30 + name.length;
    const start = extra + zip.readUInt16LE(at + 28);
    let size = zip.readUInt32LE(at + 18);
    // numpy writes zip64 entries: the sizes are in the extra field (id 1: size, compressed size).
    if (size === 0xffffffff && zip.readUInt16LE(extra) === 1)
      size = Number(zip.readBigUInt64LE(extra + 12));
    const raw = inflateRawSync(zip.subarray(start, start + size));
    const patched = Buffer.from(raw.toString('latin1').split(from).join(to), 'latin1');
    const body = deflateRawSync(patched);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(8, 8);
    header.writeUInt32LE(crc32(patched), 14);
    header.writeUInt32LE(body.length, 18);
    header.writeUInt32LE(patched.length, 22);
    header.writeUInt16LE(name.length, 26);
    locals.push(header, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    header.copy(central, 8, 6, 30);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += header.length + name.length + body.length;
    at = start + size;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(dst, Buffer.concat([...locals, directory, end]));
}

function h36mFolder(name: string): string {
  const out = join(dir, name);
  mkdirSync(out);
  copyFileSync(join(FIXTURES, 'data_3d_h36m.npz'), join(out, 'data_3d_h36m.npz'));
  return out;
}

describe('headroom data check h36m', () => {
  it("summarises VideoPose3D's files: actions and 3D frames per subject, the 2D keypoints found", async () => {
    const positions = await readH36mPositions3d(join(FIXTURES, 'data_3d_h36m.npz'));
    const expected: Record<string, { actions: number; frames: number }> = {};
    for (const [subject, actions] of positions) {
      const frames = [...actions.values()].reduce((sum, p) => sum + p.frames, 0);
      expected[subject] = { actions: actions.size, frames };
    }
    expect(Object.keys(expected)).toEqual(['S1', 'S9']);
    expect(expected.S1!.frames).toBeGreaterThan(0);

    const r = headroom('data', 'check', 'h36m', FIXTURES, '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ subjects: expected, keypoints: ['gt'], errors: [] });

    const text = headroom('data', 'check', 'h36m', FIXTURES);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^S1 +2 +${expected.S1!.frames}$`, 'm'));
    expect(text.stdout).toContain('2D keypoints: gt');
  });

  it('reports each 2D action the 3D file lacks, and each it has that the 2D file lacks, naming file, subject and action (exit 2)', () => {
    const out = h36mFolder('renamed-action');
    const file2d = join(out, 'data_2d_h36m_cpn.npz');
    patchNpz(join(FIXTURES, 'data_2d_h36m_gt.npz'), file2d, 'Walking', 'Walkinh');
    const r = headroom('data', 'check', 'h36m', out, '--json');
    expect(r.status, r.stderr).toBe(2);
    const summary = JSON.parse(r.stdout) as {
      keypoints: string[];
      errors: Array<{ path: string; message: string }>;
    };
    expect(summary.keypoints).toEqual(['cpn']);
    const messages = summary.errors.map((e) => `${e.path}: ${e.message}`);
    for (const subject of ['S1', 'S9']) {
      expect(messages).toContain(
        `${file2d}: subject ${subject}, action "Walking" of data_3d_h36m.npz is missing`,
      );
      expect(messages).toContain(
        `${file2d}: subject ${subject}, action "Walkinh" is not in data_3d_h36m.npz`,
      );
    }
    expect(r.stderr).toContain(`${file2d}: subject S1, action "Walking" of data_3d_h36m.npz`);
  });

  it('names a corrupt 2D file, a missing 3D file and a folder without 2D keypoints (exit 2)', () => {
    const corrupt = h36mFolder('corrupt');
    writeFileSync(join(corrupt, 'data_2d_h36m_gt.npz'), 'not a zip');
    const bad = headroom('data', 'check', 'h36m', corrupt);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`${join(corrupt, 'data_2d_h36m_gt.npz')}: is not a readable .npz`);

    const no3d = join(dir, 'no-3d');
    mkdirSync(no3d);
    const missing = headroom('data', 'check', 'h36m', no3d, '--json');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`${join(no3d, 'data_3d_h36m.npz')}: does not exist`);

    const no2d = headroom('data', 'check', 'h36m', h36mFolder('no-2d'), '--json');
    expect(no2d.status).toBe(2);
    expect(JSON.parse(no2d.stdout)).toMatchObject({ keypoints: [], errors: [{}] });
    expect(no2d.stderr).toContain('no 2D keypoints file');
  });
});

describe('headroom data check coco', () => {
  const root = join(dir, 'coco');
  const synth = headroom('data', 'synth', 'coco', '--out', root, '--images', '6', '--seed', '3');

  it('counts images, people and labelled keypoints of both splits, as the annotation files have them', () => {
    expect(synth.status, synth.stderr).toBe(0);
    const r = headroom('data', 'check', 'coco', root, '--json');
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    let images = 0;
    let people = 0;
    let keypoints = 0;
    for (const split of ['train', 'val']) {
      const file = JSON.parse(
        readFileSync(join(root, 'annotations', `person_keypoints_${split}.json`), 'utf8'),
      ) as { images: unknown[]; annotations: Array<{ iscrowd: number; keypoints?: number[] }> };
      images += file.images.length;
      for (const a of file.annotations.filter((a) => a.iscrowd === 0)) {
        people++;
        keypoints += (a.keypoints ?? []).filter((v, k) => k % 3 === 2 && v > 0).length;
      }
    }
    expect(images).toBe(6);
    expect(keypoints).toBeGreaterThan(0);
    expect(summary).toMatchObject({ images, people, annotatedKeypoints: keypoints, errors: [] });

    const text = headroom('data', 'check', 'coco', root);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^total +${images} +${people} +${keypoints}$`, 'm'));
  });

  it('names the missing images, and a malformed annotation file (exit 2)', () => {
    const trainImages = join(root, 'images', 'train');
    const gone = readdirSync(trainImages).sort()[0]!;
    rmSync(join(trainImages, gone));
    const r = headroom('data', 'check', 'coco', root, '--json');
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ splits: { train: { missingImages: 1 } } });
    expect(r.stderr).toContain(`${trainImages}: 1 of the`);
    expect(r.stderr).toContain(`are missing (${gone})`);

    writeFileSync(join(root, 'annotations', 'person_keypoints_val.json'), '{"images": [');
    const bad = headroom('data', 'check', 'coco', root);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('person_keypoints_val.json: not valid JSON');

    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const none = headroom('data', 'check', 'coco', empty);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('person_keypoints_train2017.json not found');
  });
});

describe('headroom data check chestxray14', () => {
  it('says there is no reader yet and what it will check (exit 2)', () => {
    const r = headroom('data', 'check', 'chestxray14', dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no ChestX-ray14 reader yet');
    expect(r.stderr).toContain('Data_Entry_2017.csv');
  });
});
