import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHeadroomError } from '@headroom/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  H36M_CAMERAS_EXTRINSIC_PARAMS,
  normalizeScreenCoordinates,
  worldToCamera,
} from './h36m-cameras.js';
import { readH36mNpzDataset } from './h36m-npz-dataset.js';
import { H36M_KEPT_JOINTS } from './h36m-npz.js';
import { buildPose3dSamples, POSE3D_INPUT_SIZE, POSE3D_TARGET_SIZE } from './pose3d-samples.js';

// Written by numpy: fixtures/make-h36m-npz.py documents the values.
const FIXTURES = join(__dirname, '..', 'fixtures');
const DIR = join(FIXTURES, 'h36m-npz');
const ACTIONS = ['Walking', 'Directions 1'];
const FRAMES: Record<string, number> = {
  'S1/Walking': 3,
  'S1/Directions 1': 2,
  'S9/Walking': 4,
  'S9/Directions 1': 1,
};
const base = (s: string, a: string) => 1000 * ['S1', 'S9'].indexOf(s) + 100 * ACTIONS.indexOf(a);
const value3d = (s: string, a: string, t: number, j: number, c: number) =>
  base(s, a) + 0.5 * (t * 96 + j * 3 + c);
const value2d = (s: string, a: string, k: number, t: number, j: number, c: number) =>
  base(s, a) + 10000 * k + 0.25 * (t * 34 + j * 2 + c);

async function dataError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isHeadroomError(err) && err.code === 'DATA') return err.message;
    throw err;
  }
  throw new Error('expected a DATA error');
}

describe('readH36mNpzDataset', () => {
  it('keeps 17 joints, uses the real cameras and trims the longer 2D to the 3D length', async () => {
    const ds = await readH36mNpzDataset(DIR);
    expect(Object.keys(ds.subjects)).toEqual(['S1', 'S9']);
    for (const s of ['S1', 'S9']) {
      expect(Object.keys(ds.subjects[s]!.actions)).toEqual(ACTIONS);
      for (const a of ACTIONS) {
        const act = ds.subjects[s]!.actions[a]!;
        const frames = FRAMES[`${s}/${a}`]!;
        expect(act.frames).toBe(frames);
        expect(act.positions3d).toHaveLength(frames * 17 * 3);
        expect(act.positions2d).toHaveLength(4);
        // S9/Walking has 2 more 2D frames in the file: trimmed to the 4 of the 3D.
        for (const view of act.positions2d) expect(view).toHaveLength(frames * 17 * 2);
        expect(act.cameras.map((c) => c.translation)).toEqual(
          H36M_CAMERAS_EXTRINSIC_PARAMS[s]!.map((c) => c.translation),
        );
      }
    }
    const walk = ds.subjects.S9!.actions.Walking!;
    // Frame 3, kept joint 5 (original joint 7), coordinate 2.
    expect(walk.positions3d[(3 * 17 + 5) * 3 + 2]).toBe(value3d('S9', 'Walking', 3, 7, 2));
    expect(H36M_KEPT_JOINTS[5]).toBe(7);
    expect(walk.positions2d[2]![(3 * 17 + 16) * 2 + 1]).toBe(value2d('S9', 'Walking', 2, 3, 16, 1));
  });

  it('reads only the subjects asked for', async () => {
    const ds = await readH36mNpzDataset(DIR, { subjects: ['S9'], keypoints: 'gt' });
    expect(Object.keys(ds.subjects)).toEqual(['S9']);
  });

  it('becomes lifting samples: root-relative camera-frame 3D, normalised 2D', async () => {
    const ds = await readH36mNpzDataset(DIR);
    const train = buildPose3dSamples(ds, ['S1']);
    const test = buildPose3dSamples(ds, ['S9']);
    expect(train.count).toBe((3 + 2) * 4);
    expect(test.count).toBe((4 + 1) * 4);
    expect(train.inputs).toHaveLength(train.count * POSE3D_INPUT_SIZE);
    expect(test.targets).toHaveLength(test.count * POSE3D_TARGET_SIZE);
    for (let i = 0; i < test.count; i++) {
      expect([...test.targets.subarray(i * 51, i * 51 + 3)]).toEqual([0, 0, 0]);
    }
    // Per-action grouping as the papers report it: "Directions 1" counts as Directions.
    expect(test.actionNames).toEqual(['Walking', 'Directions']);
    expect([...test.actionIndex!]).toEqual([...Array(16).fill(0), ...Array(4).fill(1)]);
    // Sample order: S9 → Walking (4 frames) × cameras 0..3 → … ; camera 1, frame 2 is sample 6.
    const camera = ds.subjects.S9!.actions.Walking!.cameras[1]!;
    const world = ds.subjects.S9!.actions.Walking!.positions3d.subarray(2 * 51, 3 * 51);
    const cam = worldToCamera(world, camera);
    const sample = 4 + 2;
    for (let j = 1; j < 17; j++) {
      for (let c = 0; c < 3; c++) {
        expect(test.targets[sample * 51 + j * 3 + c]).toBeCloseTo(
          (cam[j * 3 + c] as number) - (cam[c] as number),
          3,
        );
      }
    }
    const pixels = Float32Array.from({ length: 34 }, (_, i) =>
      value2d('S9', 'Walking', 1, 2, Math.floor(i / 2), i % 2),
    );
    const expected = normalizeScreenCoordinates(pixels, camera.resW, camera.resH);
    for (let i = 0; i < 34; i++) {
      expect(test.inputs[sample * 34 + i]).toBeCloseTo(expected[i] as number, 4);
    }
  });

  describe('errors', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'headroom-h36m-'));
      await copyFile(join(DIR, 'data_3d_h36m.npz'), join(dir, 'data_3d_h36m.npz'));
      await copyFile(
        join(FIXTURES, 'h36m-npz-bad', 'data_2d_h36m_short.npz'),
        join(dir, 'data_2d_h36m_short.npz'),
      );
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('a 2D shorter than the 3D names the file, subject and action', async () => {
      const message = await dataError(readH36mNpzDataset(dir, { keypoints: 'short' }));
      expect(message).toContain(join(dir, 'data_2d_h36m_short.npz'));
      expect(message).toMatch(
        /subject S1, action "Walking", camera 0 has 2 frames of 2D but data_3d_h36m.npz has 3/,
      );
    });

    it('a missing folder or file says what is expected', async () => {
      expect(await dataError(readH36mNpzDataset(join(dir, 'nope')))).toMatch(
        /nope: dataset path does not exist or is not a folder; expected a folder holding VideoPose3D's data_3d_h36m.npz/,
      );
      expect(await dataError(readH36mNpzDataset(dir, { keypoints: 'cpn_ft_h36m_dbb' }))).toMatch(
        /data_2d_h36m_cpn_ft_h36m_dbb.npz: does not exist; .*dataset.keypoints picks the 2D file/,
      );
    });

    it('a subject missing from the files is named with the subjects it has', async () => {
      expect(await dataError(readH36mNpzDataset(DIR, { subjects: ['S1', 'S11'] }))).toMatch(
        /data_3d_h36m.npz: has no subject S11 \(it has S1, S9\)/,
      );
    });
  });
});
