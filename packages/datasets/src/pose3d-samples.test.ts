import { describe, expect, it } from 'vitest';
import { normalizeScreenCoordinates, projectToScreen, worldToCamera } from './h36m-cameras.js';
import { H36M_PARENTS } from './h36m-skeleton.js';
import { buildPose3dSamples } from './pose3d-samples.js';
import {
  generateSyntheticH36M,
  H36M_TEST_SUBJECTS,
  H36M_TRAIN_SUBJECTS,
} from './synthetic-h36m.js';

const dataset = generateSyntheticH36M({
  seed: 3,
  framesPerAction: 50,
  actions: ['Walking', 'Eating'],
});

describe('buildPose3dSamples', () => {
  it('makes one sample per (frame, camera): 5 subjects × 2 actions × 50 frames × 4 cameras', () => {
    const train = buildPose3dSamples(dataset, H36M_TRAIN_SUBJECTS);
    expect(train.count).toBe(5 * 2 * 50 * 4);
    expect(train.inputs.length).toBe(train.count * 17 * 2);
    expect(train.targets.length).toBe(train.count * 17 * 3);
    expect(buildPose3dSamples(dataset, H36M_TEST_SUBJECTS).count).toBe(2 * 2 * 50 * 4);
  });

  it('has root-relative targets (joint 0 exactly 0) and normalised 2D inputs', () => {
    const { count, inputs, targets } = buildPose3dSamples(dataset, ['S9']);
    for (let i = 0; i < count; i++) {
      expect([targets[i * 51], targets[i * 51 + 1], targets[i * 51 + 2]]).toEqual([0, 0, 0]);
    }
    // Normalised x lies in [−1, 1] for points inside a 1000-pixel-wide image.
    for (let k = 0; k < inputs.length; k += 2) {
      expect(Math.abs(inputs[k] as number)).toBeLessThan(1);
    }
  });

  it('follows VideoPose3D: camera frame, root subtracted, 2D normalised, ordered subject → action → camera → frame', () => {
    const { inputs, targets } = buildPose3dSamples(dataset, ['S9', 'S11']);
    // S11 / Eating (second action) / camera 2 / frame 17.
    const index = 2 * 4 * 50 + 1 * 4 * 50 + 2 * 50 + 17;
    const action = dataset.subjects.S11!.actions.Eating!;
    const camera = action.cameras[2]!;
    const cam = worldToCamera(action.positions3d.subarray(17 * 51, 18 * 51), camera);
    for (let j = 0; j < 17; j++) {
      for (let c = 0; c < 3; c++) {
        const expected = (cam[j * 3 + c] as number) - (cam[c] as number);
        expect(targets[index * 51 + j * 3 + c]).toBeCloseTo(expected, 6);
      }
    }
    const px = action.positions2d[2]!.subarray(17 * 34, 18 * 34);
    const norm = normalizeScreenCoordinates(px, camera.resW, camera.resH);
    for (let k = 0; k < 34; k++) expect(inputs[index * 34 + k]).toBeCloseTo(norm[k] as number, 6);
    // And the 2D input is the projection of the 3D target once the root is put back.
    const absolute = Float64Array.from(
      { length: 51 },
      (_, k) => (targets[index * 51 + k] as number) + (cam[k % 3] as number),
    );
    const reprojected = normalizeScreenCoordinates(
      projectToScreen(absolute, camera),
      camera.resW,
      camera.resH,
    );
    for (let k = 0; k < 34; k++)
      expect(inputs[index * 34 + k]).toBeCloseTo(reprojected[k] as number, 5);
  });

  it('preserves bone lengths in the camera frame', () => {
    const { targets } = buildPose3dSamples(dataset, ['S1']);
    const lengths = dataset.subjects.S1!.boneLengths;
    for (const sample of [0, 123, 399]) {
      for (let j = 1; j < 17; j++) {
        const a = sample * 51 + j * 3;
        const b = sample * 51 + (H36M_PARENTS[j] as number) * 3;
        const len = Math.hypot(
          (targets[a] as number) - (targets[b] as number),
          (targets[a + 1] as number) - (targets[b + 1] as number),
          (targets[a + 2] as number) - (targets[b + 2] as number),
        );
        expect(Math.abs(len - (lengths[j] as number))).toBeLessThan(5e-6);
      }
    }
  });

  it('names the missing subject and the ones the dataset has', () => {
    const ds = generateSyntheticH36M({
      seed: 1,
      framesPerAction: 1,
      actions: ['Walking'],
      subjects: ['S1'],
    });
    expect(() => buildPose3dSamples(ds, ['S9'])).toThrow(
      'buildPose3dSamples: subject S9 is not in the dataset (it has S1)',
    );
  });
});
