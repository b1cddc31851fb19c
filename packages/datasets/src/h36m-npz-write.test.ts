import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readH36mPositions2d, readH36mPositions3d, type PoseArray } from './h36m-npz.js';
import { writeH36mPositions2d, writeH36mPositions3d } from './h36m-npz-write.js';

const FIXTURES = join(__dirname, '..', 'fixtures');

function poses(frames: number, joints: number, dims: number, offset: number): PoseArray {
  const data = Float32Array.from({ length: frames * joints * dims }, (_, i) => offset + i / 7);
  return { frames, joints, dims, data };
}

describe('Human3.6M npz writers', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'h36m-npz-write-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('positions_3d reads back: subjects and actions in order, float32 values exact', async () => {
    const positions = new Map([
      [
        'S9',
        new Map([
          ['Walking 1', poses(3, 32, 3, -1.25)],
          ['Directions', poses(1, 32, 3, 40)],
        ]),
      ],
      ['S1', new Map([['Sitting', poses(2, 32, 3, 0.5)]])],
    ]);
    const file = join(dir, 'data_3d_h36m.npz');
    await writeH36mPositions3d(file, positions);
    expect(await readH36mPositions3d(file)).toEqual(positions);
  });

  it('positions_2d and metadata read back', async () => {
    const data = {
      positions: new Map([
        ['S11', new Map([['Eating', [0, 1, 2, 3].map((k) => poses(4, 17, 2, 1000 * k + 0.1))]])],
      ]),
      metadata: {
        layoutName: 'h36m',
        numJoints: 17,
        keypointsSymmetry: [
          [4, 5, 6, 11, 12, 13],
          [1, 2, 3, 14, 15, 16],
        ] as const,
      },
    };
    const file = join(dir, 'data_2d_h36m_gt.npz');
    await writeH36mPositions2d(file, data);
    expect(await readH36mPositions2d(file)).toEqual(data);
  });

  it("rewrites numpy's own fixture files to files that read the same", async () => {
    const d3 = await readH36mPositions3d(join(FIXTURES, 'h36m-npz', 'data_3d_h36m.npz'));
    const d2 = await readH36mPositions2d(join(FIXTURES, 'h36m-npz', 'data_2d_h36m_gt.npz'));
    await writeH36mPositions3d(join(dir, 'again-3d.npz'), d3);
    await writeH36mPositions2d(join(dir, 'again-2d.npz'), d2);
    expect(await readH36mPositions3d(join(dir, 'again-3d.npz'))).toEqual(d3);
    expect(await readH36mPositions2d(join(dir, 'again-2d.npz'))).toEqual(d2);
  });

  it('refuses poses of the wrong layout, naming the file, subject, action and camera', async () => {
    const file = join(dir, 'bad.npz');
    await expect(
      writeH36mPositions3d(file, new Map([['S1', new Map([['Walking', poses(2, 17, 3, 0)]])]])),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: `${file}: positions_3d["S1"]["Walking"] is [2,17,3], expected [T,32,3]`,
    });
    const threeCameras = [0, 1, 2].map(() => poses(2, 17, 2, 0));
    await expect(
      writeH36mPositions2d(file, {
        positions: new Map([['S1', new Map([['Walking', threeCameras]])]]),
        metadata: { layoutName: 'h36m', numJoints: 17, keypointsSymmetry: [[], []] },
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining(
        `positions_2d["S1"]["Walking"] has 3 cameras' arrays, expected 4`,
      ),
    });
  });
});
