import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHeadroomError } from '@headroom/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  H36M_KEPT_JOINTS,
  keepH36mJoints,
  readH36mPositions2d,
  readH36mPositions3d,
  type PoseArray,
} from './h36m-npz.js';

// The fixtures are written by numpy itself: fixtures/make-h36m-npz.py (values documented there).
const FIXTURES = join(__dirname, '..', 'fixtures');
const SUBJECTS = ['S1', 'S9'];
const ACTIONS = ['Walking', 'Directions 1'];
const FRAMES_3D: Record<string, number> = {
  'S1/Walking': 3,
  'S1/Directions 1': 2,
  'S9/Walking': 4,
  'S9/Directions 1': 1,
};
const EXTRA_2D: Record<string, number> = { 'S9/Walking': 2 };
const base = (s: string, a: string) => 1000 * SUBJECTS.indexOf(s) + 100 * ACTIONS.indexOf(a);

function expected3d(s: string, a: string): Float32Array {
  const t = FRAMES_3D[`${s}/${a}`]!;
  return Float32Array.from({ length: t * 96 }, (_, i) => base(s, a) + 0.5 * i);
}

function expected2d(s: string, a: string, camera: number): Float32Array {
  const t = FRAMES_3D[`${s}/${a}`]! + (EXTRA_2D[`${s}/${a}`] ?? 0);
  return Float32Array.from({ length: t * 34 }, (_, i) => base(s, a) + 10000 * camera + 0.25 * i);
}

async function dataError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isHeadroomError(err) && err.code === 'DATA') return err.message;
    throw err;
  }
  throw new Error('expected a DATA error');
}

describe.each([
  ['numpy 2 (pickle protocol 4)', 'h36m-npz'],
  ['numpy 1.x layout (pickle protocol 2, numpy.core names)', 'h36m-npz-legacy'],
])('Human3.6M npz reader, %s', (_name, folder) => {
  it('reads positions_3d: every subject and action, [T,32,3] float32 with the values numpy wrote', async () => {
    const poses = await readH36mPositions3d(join(FIXTURES, folder, 'data_3d_h36m.npz'));
    expect([...poses.keys()]).toEqual(SUBJECTS);
    for (const s of SUBJECTS) {
      expect([...poses.get(s)!.keys()]).toEqual(ACTIONS);
      for (const a of ACTIONS) {
        const p = poses.get(s)!.get(a)!;
        expect({ frames: p.frames, joints: p.joints, dims: p.dims }).toEqual({
          frames: FRAMES_3D[`${s}/${a}`],
          joints: 32,
          dims: 3,
        });
        expect(p.data).toBeInstanceOf(Float32Array);
        expect(p.data).toEqual(expected3d(s, a));
      }
    }
  });

  it('reads positions_2d (4 cameras × [T,17,2]) and the metadata', async () => {
    const { positions, metadata } = await readH36mPositions2d(
      join(FIXTURES, folder, 'data_2d_h36m_gt.npz'),
    );
    expect(metadata).toEqual({
      layoutName: 'h36m',
      numJoints: 17,
      keypointsSymmetry: [
        [4, 5, 6, 11, 12, 13],
        [1, 2, 3, 14, 15, 16],
      ],
    });
    expect([...positions.keys()]).toEqual(SUBJECTS);
    for (const s of SUBJECTS) {
      expect([...positions.get(s)!.keys()]).toEqual(ACTIONS);
      for (const a of ACTIONS) {
        const cameras = positions.get(s)!.get(a)!;
        expect(cameras).toHaveLength(4);
        cameras.forEach((c, k) => {
          expect({ frames: c.frames, joints: c.joints, dims: c.dims }).toEqual({
            frames: FRAMES_3D[`${s}/${a}`]! + (EXTRA_2D[`${s}/${a}`] ?? 0),
            joints: 17,
            dims: 2,
          });
          expect(c.data).toEqual(expected2d(s, a, k));
        });
      }
    }
  });
});

describe('Human3.6M npz reader memory', () => {
  it('returns views over the one decompressed entry, not copies, whatever offsets the pickle left', async () => {
    const { positions } = await readH36mPositions2d(
      join(FIXTURES, 'h36m-npz', 'data_2d_h36m_gt.npz'),
    );
    const arrays = [...positions.values()].flatMap((m) => [...m.values()].flat());
    expect(arrays).toHaveLength(16);
    expect(new Set(arrays.map((p) => p.data.buffer)).size).toBe(1);
    const total = arrays.reduce((n, p) => n + p.data.byteLength, 0);
    expect(arrays[0]!.data.buffer.byteLength).toBeLessThan(total + 4096);
  });
});

describe('keepH36mJoints', () => {
  it("keeps VideoPose3D's 17 joints in order", () => {
    const frames = 2;
    const poses: PoseArray = {
      frames,
      joints: 32,
      dims: 3,
      data: Float32Array.from({ length: frames * 96 }, (_, i) => i),
    };
    const kept = keepH36mJoints(poses);
    expect({ frames: kept.frames, joints: kept.joints, dims: kept.dims }).toEqual({
      frames,
      joints: 17,
      dims: 3,
    });
    expect(H36M_KEPT_JOINTS).toEqual([0, 1, 2, 3, 6, 7, 8, 12, 13, 14, 15, 17, 18, 19, 25, 26, 27]);
    // frame 1, kept joint 14 = original joint 25
    expect([...kept.data.subarray((17 + 14) * 3, (17 + 15) * 3)]).toEqual([
      96 + 75,
      96 + 76,
      96 + 77,
    ]);
    expect(kept.data[0]).toBe(0);
  });
});

describe('Human3.6M npz reader errors', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'h36m-npz-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a missing file names the file', async () => {
    const file = join(dir, 'data_3d_h36m.npz');
    expect(await dataError(readH36mPositions3d(file))).toMatch(/data_3d_h36m\.npz: does not exist/);
  });

  it('a file that is not a zip says so', async () => {
    const file = join(dir, 'not-a-zip.npz');
    await writeFile(file, 'hello, not a zip');
    expect(await dataError(readH36mPositions3d(file))).toMatch(
      /not-a-zip\.npz: is not a readable \.npz \(zip\)/,
    );
  });

  it('a truncated npz is an error, not a crash', async () => {
    const good = await readFile(join(FIXTURES, 'h36m-npz', 'data_2d_h36m_gt.npz'));
    const file = join(dir, 'truncated.npz');
    await writeFile(file, good.subarray(0, Math.floor(good.length / 2)));
    expect(await dataError(readH36mPositions2d(file))).toMatch(/truncated\.npz: /);
  });

  it('a corrupted compressed entry is an error naming the file', async () => {
    const good = Buffer.from(await readFile(join(FIXTURES, 'h36m-npz', 'data_3d_h36m.npz')));
    // Overwrite the middle of the deflate stream, leaving the zip directory intact.
    for (let i = 200; i < 600; i++) good[i] = (i * 31) & 0xff;
    const file = join(dir, 'corrupt.npz');
    await writeFile(file, good);
    expect(await dataError(readH36mPositions3d(file))).toMatch(/corrupt\.npz: /);
  });

  it('a missing key names the key and the expected entry', async () => {
    const message = await dataError(
      readH36mPositions3d(join(FIXTURES, 'h36m-npz-bad', 'missing-key.npz')),
    );
    expect(message).toMatch(
      /missing-key\.npz: has no key positions_3d; expected the entry positions_3d\.npy/,
    );
  });

  it('the 2D reader also needs metadata', async () => {
    const message = await dataError(
      readH36mPositions2d(join(FIXTURES, 'h36m-npz', 'data_3d_h36m.npz')),
    );
    expect(message).toMatch(/has no key positions_2d/);
  });

  it('a wrong dtype names the subject, action, dtype and what was expected', async () => {
    const message = await dataError(
      readH36mPositions3d(join(FIXTURES, 'h36m-npz-bad', 'float64-3d.npz')),
    );
    expect(message).toMatch(
      /float64-3d\.npz: positions_3d\["S1"\]\["Walking"\] has dtype <f8, expected float32 \[T,32,3\]/,
    );
  });

  it('a wrong shape names the camera and the shape', async () => {
    const message = await dataError(
      readH36mPositions2d(join(FIXTURES, 'h36m-npz-bad', 'wrong-joints-2d.npz')),
    );
    expect(message).toMatch(
      /wrong-joints-2d\.npz: positions_2d\["S1"\]\["Walking"\]\[0\] has shape \(5,16,2\)|has shape \(3,16,2\), expected float32 \[T,17,2\]/,
    );
  });

  it('a plain array where the pickled dict belongs says what was expected', async () => {
    const message = await dataError(
      readH36mPositions3d(join(FIXTURES, 'h36m-npz-bad', 'not-a-dict-3d.npz')),
    );
    expect(message).toMatch(
      /positions_3d is an array of dtype <f4 and shape \(2,32,3\); expected a pickled dict/,
    );
  });
});
