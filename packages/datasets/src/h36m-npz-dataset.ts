import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HeadroomError } from '@headroom/errors';
import { getH36MCameras, H36M_SUBJECTS } from './h36m-cameras.js';
import { keepH36mJoints, readH36mPositions2d, readH36mPositions3d } from './h36m-npz.js';
import { H36M_JOINTS } from './h36m-skeleton.js';
import type { Pose3dSource } from './pose3d-samples.js';

/** VideoPose3D's file names in a Human3.6M data folder. */
/** VideoPose3D's 3D file in a Human3.6M folder; the 2D files are `h36m2dFile(keypoints)`. */
export const H36M_3D_FILE = 'data_3d_h36m.npz';
export const h36m2dFile = (keypoints: string): string => `data_2d_h36m_${keypoints}.npz`;
/** The `<keypoints>` of a `data_2d_h36m_<keypoints>.npz` file name (the inverse of `h36m2dFile`), else undefined. */
export function h36mKeypointsOf(fileName: string): string | undefined {
  return /^data_2d_h36m_(.+)\.npz$/.exec(fileName)?.[1];
}
/** The 2D set used when a spec names none: the ground-truth projections. */
export const H36M_DEFAULT_KEYPOINTS = 'gt';

export interface ReadH36mNpzOptions {
  /** The `<name>` of `data_2d_h36m_<name>.npz`; default `gt`. */
  keypoints?: string;
  /** Subjects to read (each must be in both files); default: every subject with cameras in the 3D file. */
  subjects?: readonly string[];
}

/**
 * Reads a VideoPose3D Human3.6M folder (`data_3d_h36m.npz` + `data_2d_h36m_<keypoints>.npz`) into
 * the shape `buildPose3dSamples` takes, as VideoPose3D's `run.py` prepares it: the 17 kept joints
 * of the 3D, each subject's real cameras, and each camera's 2D trimmed to the 3D's length
 * (`keypoints[subject][action][cam] = keypoints[...][:mocap_length]`). The 2D arrays are views of
 * the file's bytes, not copies.
 */
export async function readH36mNpzDataset(
  dir: string,
  opts: ReadH36mNpzOptions = {},
): Promise<Pose3dSource> {
  const keypoints = opts.keypoints ?? H36M_DEFAULT_KEYPOINTS;
  const file3d = join(dir, H36M_3D_FILE);
  const file2d = join(dir, h36m2dFile(keypoints));
  await checkFolder(dir, file3d, file2d);
  const positions3d = await readH36mPositions3d(file3d);
  const { positions: positions2d, metadata } = await readH36mPositions2d(file2d);
  if (metadata.numJoints !== H36M_JOINTS) {
    throw dataError(
      file2d,
      `has ${metadata.numJoints} joints per pose, expected ${H36M_JOINTS} (Human3.6M's 17-joint layout)`,
    );
  }
  const subjects =
    opts.subjects ??
    [...positions3d.keys()].filter((s) => (H36M_SUBJECTS as readonly string[]).includes(s));

  const out: Pose3dSource = { subjects: {} };
  for (const subject of subjects) {
    const actions3d = positions3d.get(subject);
    if (!actions3d) throw missingSubject(file3d, subject, positions3d.keys());
    const actions2d = positions2d.get(subject);
    if (!actions2d) throw missingSubject(file2d, subject, positions2d.keys());
    const cameras = getH36MCameras(subject);
    const actions: Pose3dSource['subjects'][string]['actions'] = {};
    for (const [action, poses] of actions3d) {
      const views = actions2d.get(action);
      if (!views) {
        throw dataError(
          file2d,
          `has no 2D for subject ${subject}, action ${JSON.stringify(action)}, which ${H36M_3D_FILE} has; expected the same actions in both files`,
        );
      }
      const frames = poses.frames;
      const positions2dOfAction = views.map((view, camera) => {
        if (view.frames < frames) {
          throw dataError(
            file2d,
            `subject ${subject}, action ${JSON.stringify(action)}, camera ${camera} has ${view.frames} frames of 2D but ${H36M_3D_FILE} has ${frames}; expected at least as many 2D frames as 3D`,
          );
        }
        return view.data.subarray(0, frames * H36M_JOINTS * 2);
      });
      actions[action] = {
        frames,
        positions3d: keepH36mJoints(poses).data,
        cameras,
        positions2d: positions2dOfAction,
      };
    }
    out.subjects[subject] = { actions };
  }
  return out;
}

async function checkFolder(dir: string, ...files: string[]): Promise<void> {
  const expected = `expected a folder holding VideoPose3D's ${H36M_3D_FILE} and data_2d_h36m_<keypoints>.npz`;
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw dataError(dir, `dataset path does not exist or is not a folder; ${expected}`);
  for (const file of files) {
    const isFile = await stat(file).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!isFile) {
      throw dataError(
        file,
        `does not exist; ${expected} (dataset.keypoints picks the 2D file, default ${H36M_DEFAULT_KEYPOINTS})`,
      );
    }
  }
}

function missingSubject(file: string, subject: string, have: Iterable<string>): HeadroomError {
  const list = [...have].join(', ') || 'none';
  return dataError(
    file,
    `has no subject ${subject} (it has ${list}); check the train/test subjects`,
  );
}

function dataError(file: string, message: string): HeadroomError {
  return new HeadroomError('DATA', `${file}: ${message}`, [{ path: file, message }]);
}
