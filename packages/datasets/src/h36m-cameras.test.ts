import { describe, expect, it } from 'vitest';
import {
  cameraToWorld,
  getH36MCameras,
  H36M_CAMERAS_EXTRINSIC_PARAMS,
  H36M_CAMERAS_INTRINSIC_PARAMS,
  H36M_SUBJECTS,
  imageCoordinates,
  lookAtOrientation,
  normalizeScreenCoordinates,
  projectToScreen,
  quaternionToMatrix,
  SYNTHETIC_CAMERAS_EXTRINSIC_PARAMS,
  worldToCamera,
  type H36MCamera,
} from './h36m-cameras.js';

/** A camera at the origin looking down world +z, no distortion: pixel = f·(x/z, y/z) + c. */
const PINHOLE: H36MCamera = {
  id: 'test',
  center: [500, 500],
  focalLength: [1000, 1000],
  radialDistortion: [0, 0, 0],
  tangentialDistortion: [0, 0],
  resW: 1000,
  resH: 1000,
  azimuth: 0,
  orientation: [1, 0, 0, 0],
  translation: [0, 0, 0],
};

describe('projectToScreen', () => {
  it('is the pinhole model without distortion', () => {
    // (0.2, −0.1, 2) → (500 + 1000·0.1, 500 − 1000·0.05)
    const px = projectToScreen([0.2, -0.1, 2, 0, 0, 5], PINHOLE);
    expect(Array.from(px)).toEqual([600, 450, 500, 500]);
  });

  it('applies radial and tangential distortion as VideoPose3D project_to_2d', () => {
    const cam: H36MCamera = {
      ...PINHOLE,
      radialDistortion: [0.1, 0, 0],
      tangentialDistortion: [0.01, 0],
    };
    // XX = (0.1, −0.05), r² = 0.0125, radial = 1.00125, tan = 0.01·0.1 = 0.001,
    // XXX = XX·1.00225 + (0.01, 0)·0.0125 = (0.100350, −0.0501125).
    const [x, y] = projectToScreen([0.2, -0.1, 2], cam);
    expect(x).toBeCloseTo(600.35, 10);
    expect(y).toBeCloseTo(449.8875, 10);
  });

  it('clamps x/z and y/z to [−1, 1] like the reference', () => {
    const [x, y] = projectToScreen([10, -3, 1], PINHOLE);
    expect([x, y]).toEqual([1500, -500]);
  });
});

describe('worldToCamera / cameraToWorld', () => {
  it('puts the look-at target on the optical axis at its distance', () => {
    const position: [number, number, number] = [2, 4.5, 1.6];
    const target: [number, number, number] = [0.1, -0.2, 0.9];
    const camera = { orientation: lookAtOrientation(position, target), translation: position };
    const [x, y, z] = worldToCamera(target, camera);
    expect(Math.abs(x as number)).toBeLessThan(1e-12);
    expect(Math.abs(y as number)).toBeLessThan(1e-12);
    expect(z).toBeCloseTo(Math.hypot(1.9, 4.7, 0.7), 12);
    // World up is image up: a point above the target has negative camera y.
    const [, yAbove] = worldToCamera([0.1, -0.2, 1.9], camera);
    expect(yAbove).toBeLessThan(0);
  });

  it('round-trips and uses a proper rotation', () => {
    const camera = getH36MCameras('S9', SYNTHETIC_CAMERAS_EXTRINSIC_PARAMS)[2] as H36MCamera;
    const world = [0.3, -0.4, 1.2, -1, 0.5, 0.1];
    const back = cameraToWorld(worldToCamera(world, camera), camera);
    for (let i = 0; i < world.length; i++) expect(back[i]).toBeCloseTo(world[i] as number, 12);
    const r = quaternionToMatrix(camera.orientation);
    const det =
      (r[0] as number) *
        ((r[4] as number) * (r[8] as number) - (r[5] as number) * (r[7] as number)) -
      (r[1] as number) *
        ((r[3] as number) * (r[8] as number) - (r[5] as number) * (r[6] as number)) +
      (r[2] as number) *
        ((r[3] as number) * (r[7] as number) - (r[4] as number) * (r[6] as number));
    expect(det).toBeCloseTo(1, 12);
  });

  it('agrees with a real VideoPose3D camera: S1 camera 0 looks back at the room centre and down', () => {
    // Orientation and translation (mm → m) of S1's first camera in h36m_dataset.py.
    const real = {
      orientation: [
        0.1407056450843811, -0.1500701755285263, -0.755240797996521, 0.6223280429840088,
      ] as const,
      translation: [
        1841.1070556640625 / 1000,
        4955.28466796875 / 1000,
        1563.4454345703125 / 1000,
      ] as const,
    };
    const r = quaternionToMatrix(real.orientation);
    // Optical axis (camera z) in world: roughly from the camera towards the origin, pitched down.
    const forward = [r[2] as number, r[5] as number, r[8] as number];
    const toCentre = [-real.translation[0], -real.translation[1]];
    const cos =
      ((forward[0] as number) * (toCentre[0] as number) +
        (forward[1] as number) * (toCentre[1] as number)) /
      (Math.hypot(forward[0] as number, forward[1] as number) *
        Math.hypot(toCentre[0] as number, toCentre[1] as number));
    expect(cos).toBeGreaterThan(0.99);
    expect(forward[2]).toBeLessThan(0);
    // Camera y (image down) points down in the world, like our look-at cameras.
    expect(r[7]).toBeLessThan(-0.9);
    const ours = quaternionToMatrix(
      (SYNTHETIC_CAMERAS_EXTRINSIC_PARAMS.S1 as H36MCamera[])[0]!.orientation,
    );
    expect(ours[7]).toBeLessThan(-0.9);
  });
});

describe('real extrinsics', () => {
  it("are VideoPose3D's, in metres, for the seven subjects", () => {
    expect(Object.keys(H36M_CAMERAS_EXTRINSIC_PARAMS)).toEqual([...H36M_SUBJECTS]);
    const s11 = H36M_CAMERAS_EXTRINSIC_PARAMS.S11![3]!;
    expect(s11.translation).toEqual([-1.590738037109375, -3.8541689453125, 1.578017578125]);
    expect(s11.orientation[0]).toBe(0.5894251465797424);
    // Real cameras differ from the synthetic rig.
    expect(H36M_CAMERAS_EXTRINSIC_PARAMS.S1![0]!.translation[0]).not.toBe(
      SYNTHETIC_CAMERAS_EXTRINSIC_PARAMS.S1![0]!.translation[0],
    );
  });

  it("map world to camera as VideoPose3D's world_to_camera does (S9 camera 1)", () => {
    // numpy, with VideoPose3D's common/quaternion.py and common/camera.py:
    //   qrot(q, v) = v + 2 * (q[:1] * cross(q[1:], v) + cross(q[1:], cross(q[1:], v)))
    //   world_to_camera(X, R, t) = qrot(qinv(R), X - t)
    //   R, t = S9 camera 1's orientation and translation / 1000
    //   world_to_camera(np.array([[0.25, -0.5, 0.9], [-1.0, 2.0, 1.7]]), R, t)
    const expected = [
      0.06374839648807873, -0.3623365590563674, 4.972173989622302, -0.1978727707327308,
      -1.7159967515636696, 7.531794828706381,
    ];
    const camera = getH36MCameras('S9')[1]!;
    expect(camera.id).toBe('55011271');
    const out = worldToCamera([0.25, -0.5, 0.9, -1.0, 2.0, 1.7], camera);
    // The stored quaternions are unit to float32 precision only; qrot and the matrix differ by ~1e-7.
    for (let i = 0; i < 6; i++) expect(out[i]).toBeCloseTo(expected[i]!, 5);
  });
});

describe('synthetic rig', () => {
  it('has 4 cameras per subject, 4.4–5.6 m from the centre, aimed at it', () => {
    for (const subject of H36M_SUBJECTS) {
      const cameras = getH36MCameras(subject, SYNTHETIC_CAMERAS_EXTRINSIC_PARAMS);
      expect(cameras).toHaveLength(4);
      cameras.forEach((camera, i) => {
        expect(camera.id).toBe(H36M_CAMERAS_INTRINSIC_PARAMS[i]!.id);
        const d = Math.hypot(camera.translation[0], camera.translation[1]);
        expect(d).toBeGreaterThan(4.4);
        expect(d).toBeLessThan(5.6);
        const [x, y] = projectToScreen(worldToCamera([0, 0, 0.85], camera), camera);
        expect(Math.abs((x as number) - camera.center[0])).toBeLessThan(60);
        expect(Math.abs((y as number) - camera.center[1])).toBeLessThan(60);
      });
    }
  });

  it('rejects a subject without cameras', () => {
    expect(() => getH36MCameras('S2')).toThrow(
      /subject "S2" has no cameras; expected one of S1, S5/,
    );
  });
});

describe('normalizeScreenCoordinates', () => {
  it('maps [0, w] to [−1, 1] and keeps the aspect ratio', () => {
    const out = normalizeScreenCoordinates([0, 0, 1000, 1002, 500, 501], 1000, 1002);
    const expected = [-1, -1.002, 1, 1.002, 0, 0];
    for (let i = 0; i < 6; i++) expect(out[i]).toBeCloseTo(expected[i] as number, 12);
    const back = imageCoordinates(out, 1000, 1002);
    for (let i = 0; i < 6; i++)
      expect(back[i]).toBeCloseTo([0, 0, 1000, 1002, 500, 501][i] as number, 9);
  });
});
