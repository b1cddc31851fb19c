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
import {
  H36M_ACTIONS,
  H36M_TEST_SUBJECTS,
  H36M_TRAIN_SUBJECTS,
  readH36mPositions3d,
  type H36mFolderSummary,
} from '@headroom/datasets';

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

describe('headroom data synth h36m', () => {
  it("writes VideoPose3D's two files, which data check reads as the trainer does", () => {
    const out = join(dir, 'synth-h36m');
    const synth = headroom('data', 'synth', 'h36m', '--out', out, '--frames', '3', '--seed', '2');
    expect(synth.status, synth.stderr).toBe(0);
    expect(synth.stdout).toContain('data_3d_h36m.npz and data_2d_h36m_gt.npz: 3 frames');
    const r = headroom('data', 'check', 'h36m', out, '--json');
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as H36mFolderSummary;
    expect(summary.keypoints).toEqual(['gt']);
    expect(summary.errors).toEqual([]);
    // Every subject of the protocol, each action with 3 frames.
    expect(Object.keys(summary.subjects).sort()).toEqual(
      [...H36M_TRAIN_SUBJECTS, ...H36M_TEST_SUBJECTS].sort(),
    );
    for (const s of Object.values(summary.subjects))
      expect(s).toEqual({ actions: H36M_ACTIONS.length, frames: 3 * H36M_ACTIONS.length });

    const bad = headroom('data', 'synth', 'h36m', '--out', out, '--frames', '0');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--frames must be at least 1, got 0');
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

describe('headroom data synth / check chestxray14', () => {
  const root = join(dir, 'chest');
  const synth = headroom(
    'data',
    'synth',
    'chestxray14',
    '--out',
    root,
    '--images',
    '24',
    '--seed',
    '4',
    '--size',
    '24',
  );

  it('writes a synthetic set in the real format and summarises it as the trainer reads it', () => {
    expect(synth.status, synth.stderr).toBe(0);
    expect(synth.stdout).toMatch(
      /^24 images of \d+ patients: \d+ in train_val_list.txt, \d+ in test_list.txt$/m,
    );
    const csv = readFileSync(join(root, 'Data_Entry_2017.csv'), 'utf8').trim().split('\n').slice(1);
    expect(csv).toHaveLength(24);
    expect(readdirSync(join(root, 'images'))).toHaveLength(24);
    const labels: Record<string, number> = {};
    for (const line of csv)
      for (const label of line.split(',')[1]!.split('|')) labels[label] = (labels[label] ?? 0) + 1;
    const test = readFileSync(join(root, 'test_list.txt'), 'utf8').trim().split('\n').length;
    const patients = new Set(csv.map((line) => line.split(',')[3])).size;

    const r = headroom('data', 'check', 'chestxray14', root, '--json');
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { labels: Record<string, number> };
    expect(summary).toMatchObject({ images: 24, train: 24 - test, test, patients, errors: [] });
    // Every label of the task is reported, the absent ones with 0.
    expect(Object.keys(summary.labels)).toHaveLength(16);
    for (const [label, n] of Object.entries(summary.labels)) expect(n).toBe(labels[label] ?? 0);
    expect(summary.labels['COVID-19']).toBeDefined();

    const text = headroom('data', 'check', 'chestxray14', root);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      `24 images of ${patients} patients; train_val ${24 - test}, test ${test}`,
    );
    expect(text.stdout).toMatch(new RegExp(`^No Finding +${labels['No Finding']}$`, 'm'));
  });

  it('reads extra CSVs, names an unknown label with its file and line, and missing images (exit 2)', () => {
    const extra = join(root, 'covid.csv');
    writeFileSync(extra, 'Image Index,Finding Labels,Patient ID\ncovid-1.png,COVID-19,9001\n');
    copyFileSync(
      join(root, 'images', readdirSync(join(root, 'images'))[0]!),
      join(root, 'images', 'covid-1.png'),
    );
    const r = headroom('data', 'check', 'chestxray14', root, '--extra', 'covid.csv', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ images: 25 });

    writeFileSync(
      extra,
      'Image Index,Finding Labels,Patient ID\ncovid-1.png,COVID-19,9001\ncovid-2.png,Covid,9002\n',
    );
    const bad = headroom('data', 'check', 'chestxray14', root, '--extra', extra);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(
      `${extra}:3: unknown label "Covid"; valid: Atelectasis, Cardiomegaly,`,
    );
    expect(bad.stderr).toContain('COVID-19, No Finding');

    const gone = readdirSync(join(root, 'images')).sort()[1]!;
    rmSync(join(root, 'images', gone));
    const missing = headroom('data', 'check', 'chestxray14', root, '--json');
    expect(missing.status).toBe(2);
    expect(JSON.parse(missing.stdout)).toMatchObject({ images: 24, errors: [{}] });
    expect(missing.stderr).toContain(
      `${join(root, 'images')}: 1 of the 24 images of the CSVs are missing (${gone})`,
    );

    const empty = join(dir, 'empty-chest');
    mkdirSync(empty);
    const none = headroom('data', 'check', 'chestxray14', empty);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain(`${join(empty, 'Data_Entry_2017.csv')} does not exist`);
  });

  it('refuses flags of another kind and an unknown kind, naming the valid ones (exit 2)', () => {
    const size = headroom(
      'data',
      'synth',
      'coco',
      '--out',
      join(dir, 'x'),
      '--images',
      '2',
      '--size',
      '8',
    );
    expect(size.status).toBe(2);
    expect(size.stderr).toContain(
      'data synth coco: --size is for another kind; coco takes --out, --seed, --images, --width, --height',
    );
    const width = headroom('data', 'synth', 'chestxray14', '--out', join(dir, 'x'), '--width', '8');
    expect(width.status).toBe(2);
    expect(width.stderr).toContain('chestxray14 takes --out, --seed, --images, --size');
    const kind = headroom('data', 'synth', 'mnist', '--out', join(dir, 'x'));
    expect(kind.status).toBe(2);
    expect(kind.stderr).toContain('data synth: unknown kind mnist; valid: coco, h36m, chestxray14');
    const extra = headroom('data', 'check', 'coco', dir, '--extra', 'a.csv');
    expect(extra.status).toBe(2);
    expect(extra.stderr).toContain('--extra is for chestxray14 only');
  });
});
