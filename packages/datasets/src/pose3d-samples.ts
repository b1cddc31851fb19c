import { HeadroomError } from '@headroom/errors';
import { normalizeScreenCoordinates, quaternionToMatrix } from './h36m-cameras.js';
import { H36M_JOINTS } from './h36m-skeleton.js';
import type { H36MAction } from './synthetic-h36m.js';

/** Single-frame 2D→3D lifting samples, one per (frame, camera). */
export interface Pose3dSamples {
  count: number;
  /** [count][17][2] normalised screen coordinates (`normalizeScreenCoordinates` of the 2D pixels). */
  inputs: Float32Array;
  /** [count][17][3] camera frame, metres, root-relative: joint 0 is exactly 0. */
  targets: Float32Array;
  /**
   * Per sample, its index into `actionNames`: the action as the papers group it for per-action
   * MPJPE (VideoPose3D's `action.split(' ')[0]`, so "Walking 1" and "Walking" are one action).
   */
  actionIndex?: Uint16Array;
  actionNames?: readonly string[];
}

/** The action a Human3.6M sequence counts under in per-action results ("Directions 1" → "Directions"). */
export function h36mActionName(sequence: string): string {
  return sequence.split(' ')[0] ?? sequence;
}

export const POSE3D_INPUT_SIZE = H36M_JOINTS * 2;
export const POSE3D_TARGET_SIZE = H36M_JOINTS * 3;

/**
 * What `buildPose3dSamples` reads, subject → action: the synthetic set (`H36MDataset`) and
 * VideoPose3D's files (`readH36mNpzDataset`) both have this shape.
 */
export interface Pose3dSource {
  subjects: Record<
    string,
    {
      actions: Record<
        string,
        Pick<H36MAction, 'frames' | 'positions3d' | 'cameras' | 'positions2d'>
      >;
    }
  >;
}

/**
 * Prepares lifting samples the way VideoPose3D's `run.py` does: for every
 * subject, action and camera, the 3D world positions move to that camera's frame
 * (`world_to_camera`), become root-relative (`pos[:, 1:] -= pos[:, :1]`, root set
 * to 0), and the camera's 2D keypoints are normalised (`normalize_screen_coordinates`).
 * Order: subjects as given → actions in the dataset's order → camera 0..3 → frames.
 */
export function buildPose3dSamples(
  dataset: Pose3dSource,
  subjects: readonly string[],
): Pose3dSamples {
  let count = 0;
  for (const subject of subjects) {
    const entry = dataset.subjects[subject];
    if (!entry) {
      const have = Object.keys(dataset.subjects).join(', ') || 'none';
      throw new HeadroomError(
        'DATA',
        `buildPose3dSamples: subject ${subject} is not in the dataset (it has ${have})`,
      );
    }
    for (const [name, action] of Object.entries(entry.actions)) {
      if (action.positions2d.length !== action.cameras.length) {
        throw new HeadroomError(
          'DATA',
          `buildPose3dSamples: ${subject}/${name} has 2D for ${action.positions2d.length} cameras but ${action.cameras.length} cameras`,
        );
      }
      count += action.frames * action.cameras.length;
    }
  }

  const inputs = new Float32Array(count * POSE3D_INPUT_SIZE);
  const targets = new Float32Array(count * POSE3D_TARGET_SIZE);
  const actionIndex = new Uint16Array(count);
  const actionNames: string[] = [];
  let sample = 0;
  for (const subject of subjects) {
    for (const [sequence, action] of Object.entries(dataset.subjects[subject]!.actions)) {
      const name = h36mActionName(sequence);
      if (!actionNames.includes(name)) actionNames.push(name);
      actionIndex.fill(
        actionNames.indexOf(name),
        sample,
        sample + action.frames * action.cameras.length,
      );
      const world = action.positions3d;
      for (let c = 0; c < action.cameras.length; c++) {
        const camera = action.cameras[c]!;
        const pixels = action.positions2d[c]!;
        const start = sample;
        normalizeScreenCoordinates(
          pixels,
          camera.resW,
          camera.resH,
          inputs.subarray(start * POSE3D_INPUT_SIZE, (start + action.frames) * POSE3D_INPUT_SIZE),
        );
        // Root-relative in the camera frame is Rᵀ(X_j − X_root): the translation cancels.
        const r = quaternionToMatrix(camera.orientation);
        for (let f = 0; f < action.frames; f++, sample++) {
          const src = f * POSE3D_TARGET_SIZE;
          const dst = sample * POSE3D_TARGET_SIZE;
          const rx = world[src] as number;
          const ry = world[src + 1] as number;
          const rz = world[src + 2] as number;
          targets[dst] = 0;
          targets[dst + 1] = 0;
          targets[dst + 2] = 0;
          for (let j = 1; j < H36M_JOINTS; j++) {
            const dx = (world[src + j * 3] as number) - rx;
            const dy = (world[src + j * 3 + 1] as number) - ry;
            const dz = (world[src + j * 3 + 2] as number) - rz;
            targets[dst + j * 3] =
              (r[0] as number) * dx + (r[3] as number) * dy + (r[6] as number) * dz;
            targets[dst + j * 3 + 1] =
              (r[1] as number) * dx + (r[4] as number) * dy + (r[7] as number) * dz;
            targets[dst + j * 3 + 2] =
              (r[2] as number) * dx + (r[5] as number) * dy + (r[8] as number) * dz;
          }
        }
      }
    }
  }
  return { count, inputs, targets, actionIndex, actionNames };
}
