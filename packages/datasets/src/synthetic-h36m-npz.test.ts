import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getH36MCameras, H36M_SUBJECTS, projectToScreen, worldToCamera } from './h36m-cameras.js';
import { H36M_3D_FILE, h36m2dFile, readH36mNpzDataset } from './h36m-npz-dataset.js';
import { readH36mPositions2d, readH36mPositions3d, type PoseArray } from './h36m-npz.js';
import { H36M_ACTIONS, generateSyntheticH36M } from './synthetic-h36m.js';
import {
  materializeSyntheticH36m,
  realRigCentre,
  writeSyntheticH36mNpz,
} from './synthetic-h36m-npz.js';
import type { Pose3dSource } from './pose3d-samples.js';

const SEED = 1;
const FRAMES = 2;

/**
 * What numpy reads from the folder `writeSyntheticH36mNpz(dir, { seed: 1, framesPerAction: 2 })`
 * writes: the output of `python3 fixtures/digest-h36m-npz.py DIR` (numpy 2.4.6, warnings as
 * errors), run by hand once. The test computes the same digest from our reader.
 */
const NUMPY_DIGEST = {
  cameras: [4],
  metadata: {
    keypoints_symmetry: [
      [4, 5, 6, 11, 12, 13],
      [1, 2, 3, 14, 15, 16],
    ],
    layout_name: 'h36m',
    num_joints: 17,
  },
  positions_2d: {
    actions: H36M_ACTIONS,
    dtypes: ['<f4'],
    sha256: 'ae1eba241949a3680c76b0b27d1dcb4384e8c5cd4e1868ec102016bea3d3c84a',
    shapes: [[17, 2]],
    subjects: H36M_SUBJECTS,
  },
  positions_3d: {
    actions: H36M_ACTIONS,
    dtypes: ['<f4'],
    sha256: 'a015c5a3151e2a82b0493dc2ce1bfda1c1b3f8d4a895e7b401537cb977c4c75a',
    shapes: [[32, 3]],
    subjects: H36M_SUBJECTS,
  },
};

/** digest-h36m-npz.py's digest, from our reader's arrays. */
function digest(tree: Map<string, Map<string, PoseArray | readonly PoseArray[]>>) {
  const hash = createHash('sha256');
  const shapes = new Set<string>();
  for (const [subject, actions] of tree) {
    for (const [action, value] of actions) {
      hash.update(`${subject}/${action}\n`);
      for (const p of Array.isArray(value) ? value : [value as PoseArray]) {
        shapes.add(JSON.stringify([p.joints, p.dims]));
        hash.update(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength));
      }
    }
  }
  return {
    subjects: [...tree.keys()],
    actions: [...tree.values().next().value!.keys()],
    dtypes: ['<f4'],
    shapes: [...shapes].map((s) => JSON.parse(s) as number[]),
    sha256: hash.digest('hex'),
  };
}

describe('writeSyntheticH36mNpz', () => {
  let dir: string;
  let dataset: Pose3dSource;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synthetic-h36m-npz-'));
    await writeSyntheticH36mNpz(join(dir, 'set'), { seed: SEED, framesPerAction: FRAMES });
    dataset = await readH36mNpzDataset(join(dir, 'set'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes VideoPose3D's two files, which numpy reads as our reader does", async () => {
    expect((await readdir(join(dir, 'set'))).sort()).toEqual([h36m2dFile('gt'), H36M_3D_FILE]);
    const d3 = await readH36mPositions3d(join(dir, 'set', H36M_3D_FILE));
    const d2 = await readH36mPositions2d(join(dir, 'set', h36m2dFile('gt')));
    expect({
      cameras: [
        ...new Set([...d2.positions.values()].flatMap((m) => [...m.values()].map((v) => v.length))),
      ],
      metadata: {
        keypoints_symmetry: d2.metadata.keypointsSymmetry,
        layout_name: d2.metadata.layoutName,
        num_joints: d2.metadata.numJoints,
      },
      positions_2d: digest(d2.positions),
      positions_3d: digest(d3),
    }).toEqual(NUMPY_DIGEST);
  });

  it('holds the synthetic poses, moved to where the real cameras aim, as the 17 kept joints', () => {
    const synthetic = generateSyntheticH36M({ seed: SEED, framesPerAction: FRAMES });
    expect(Object.keys(dataset.subjects)).toEqual([...H36M_SUBJECTS]);
    for (const subject of H36M_SUBJECTS) {
      const [dx, dy] = realRigCentre(getH36MCameras(subject));
      expect(Math.hypot(dx, dy)).toBeLessThan(0.7);
      const actions = dataset.subjects[subject]!.actions;
      expect(Object.keys(actions)).toEqual(H36M_ACTIONS);
      for (const action of H36M_ACTIONS) {
        const expected = synthetic.subjects[subject]!.actions[action]!.positions3d.map(
          (v, i) => v + (i % 3 === 0 ? dx : i % 3 === 1 ? dy : 0),
        );
        expect(actions[action]!.frames).toBe(FRAMES);
        expect(actions[action]!.positions3d).toEqual(expected);
      }
    }
  });

  it("holds 2D that is the projection of that 3D through the reader's (real) cameras", () => {
    for (const [subject, { actions }] of Object.entries(dataset.subjects)) {
      const cameras = getH36MCameras(subject);
      for (const action of Object.values(actions)) {
        expect(action.cameras).toEqual(cameras);
        cameras.forEach((camera, k) => {
          const cam = worldToCamera(action.positions3d, camera);
          const pixels = projectToScreen(cam, camera, new Float32Array(action.frames * 34));
          expect(action.positions2d[k]).toEqual(pixels);
          // In front of the camera and inside its image, so no projection was clamped.
          const depths = cam.filter((_, i) => i % 3 === 2);
          const xs = pixels.filter((_, i) => i % 2 === 0);
          const ys = pixels.filter((_, i) => i % 2 === 1);
          expect(Math.min(...depths)).toBeGreaterThan(2);
          expect([Math.min(...xs), Math.min(...ys)].every((v) => v > 0)).toBe(true);
          expect(Math.max(...xs)).toBeLessThan(camera.resW);
          expect(Math.max(...ys)).toBeLessThan(camera.resH);
        });
      }
    }
  });
});

describe('materializeSyntheticH36m', () => {
  let parentDir: string;
  beforeAll(async () => {
    parentDir = await mkdtemp(join(tmpdir(), 'synthetic-h36m-sets-'));
  });
  afterAll(async () => {
    await rm(parentDir, { recursive: true, force: true });
  });

  it('writes the set once, atomically, and hands every caller the same folder', async () => {
    const options = { parentDir, seed: 4, framesPerAction: 1 };
    const [a, b] = await Promise.all([
      materializeSyntheticH36m(options),
      materializeSyntheticH36m(options),
    ]);
    expect(a).toBe(join(parentDir, 'synthetic-h36m-4-1'));
    expect(b).toBe(a);
    // No temporary folder is left beside it.
    expect(await readdir(parentDir)).toEqual(['synthetic-h36m-4-1']);
    const written = (await stat(join(a, H36M_3D_FILE))).mtimeMs;
    expect(await materializeSyntheticH36m(options)).toBe(a);
    expect((await stat(join(a, H36M_3D_FILE))).mtimeMs).toBe(written);
    const read = await readH36mNpzDataset(a);
    expect(read.subjects.S9!.actions.Walking!.frames).toBe(1);
  });

  it('refuses a bad frame count before writing anything', async () => {
    await expect(
      materializeSyntheticH36m({ parentDir, seed: 1, framesPerAction: 0 }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: /framesPerAction/ });
    expect(await readdir(parentDir)).not.toContain('synthetic-h36m-1-0');
  });
});
