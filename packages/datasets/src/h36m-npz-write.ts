import { writeFile } from 'node:fs/promises';
import { HeadroomError } from '@headroom/errors';
import { zipSync, type Zippable } from 'fflate';
import {
  H36M_CAMERA_COUNT,
  H36M_FULL_JOINTS,
  type H36mPositions2d,
  type PoseArray,
  type PosesBySubject,
} from './h36m-npz.js';
import { formatNpy } from './npy.js';
import { PickledNdarray } from './numpy-pickle.js';
import { pickleNumpy, type PicklableValue } from './numpy-pickle-write.js';

/**
 * Writing VideoPose3D's Human3.6M files as `np.savez_compressed` does (the inverse of
 * `readH36mPositions3d` / `readH36mPositions2d`): a zip of deflated `<key>.npy` entries, each a
 * 0-d object array whose pickled item is the dict. numpy reads them with
 * `np.load(file, allow_pickle=True)[key].item()`.
 */

/** Writes `data_3d_h36m.npz`: `positions_3d` = subject → action → float32 [T,32,3] (metres, world). */
export async function writeH36mPositions3d(
  file: string,
  positions: PosesBySubject<PoseArray>,
): Promise<void> {
  const tree = mapPoses('positions_3d', positions, (poses, path) =>
    ndarrayOf(file, path, poses, H36M_FULL_JOINTS, 3),
  );
  await writeNpz(file, { positions_3d: tree });
}

/**
 * Writes `data_2d_h36m_<keypoints>.npz`: `positions_2d` = subject → action → list of 4 cameras'
 * float32 [T,J,2] (pixels), and `metadata` = {layout_name, num_joints, keypoints_symmetry}.
 */
export async function writeH36mPositions2d(file: string, data: H36mPositions2d): Promise<void> {
  const { positions, metadata } = data;
  const tree = mapPoses('positions_2d', positions, (views, path) => {
    if (views.length !== H36M_CAMERA_COUNT) {
      throw inputError(
        file,
        `${path} has ${views.length} cameras' arrays, expected ${H36M_CAMERA_COUNT}`,
      );
    }
    return views.map((view, k) => ndarrayOf(file, `${path}[${k}]`, view, metadata.numJoints, 2));
  });
  const meta = new Map<string, PicklableValue>();
  if (metadata.layoutName !== undefined) meta.set('layout_name', metadata.layoutName);
  meta.set('num_joints', metadata.numJoints);
  meta.set('keypoints_symmetry', [
    [...metadata.keypointsSymmetry[0]],
    [...metadata.keypointsSymmetry[1]],
  ]);
  await writeNpz(file, { positions_2d: tree, metadata: meta });
}

/** Zip entries' date: fixed (DOS time starts in 1980) so equal data gives equal files. */
const ENTRY_MTIME = new Date(1980, 0, 1);
/** zlib's default level, which Python's `zipfile.ZIP_DEFLATED` uses. */
const DEFLATE_LEVEL = 6;

/** `np.savez_compressed(file, **objects)` for objects that numpy stores as 0-d object arrays. */
async function writeNpz(file: string, objects: Record<string, PicklableValue>): Promise<void> {
  const entries: Zippable = {};
  for (const [key, value] of Object.entries(objects)) {
    const body = pickleNumpy(PickledNdarray.of('|O', [], [value]));
    const npy = formatNpy({ descr: '|O', fortranOrder: false, shape: [], body });
    entries[`${key}.npy`] = [npy, { level: DEFLATE_LEVEL, mtime: ENTRY_MTIME }];
  }
  await writeFile(file, zipSync(entries));
}

function mapPoses<T>(
  what: string,
  positions: PosesBySubject<T>,
  write: (value: T, path: string) => PicklableValue,
): Map<string, PicklableValue> {
  const out = new Map<string, PicklableValue>();
  for (const [subject, actions] of positions) {
    const byAction = new Map<string, PicklableValue>();
    for (const [action, value] of actions) {
      byAction.set(
        action,
        write(value, `${what}[${JSON.stringify(subject)}][${JSON.stringify(action)}]`),
      );
    }
    out.set(subject, byAction);
  }
  return out;
}

/** A float32 [T,J,D] numpy array over the pose bytes (little-endian, as on every host we run). */
function ndarrayOf(
  file: string,
  path: string,
  poses: PoseArray,
  joints: number,
  dims: number,
): PickledNdarray {
  const { frames, data } = poses;
  if (poses.joints !== joints || poses.dims !== dims) {
    throw inputError(
      file,
      `${path} is [${frames},${poses.joints},${poses.dims}], expected [T,${joints},${dims}]`,
    );
  }
  if (data.length !== frames * joints * dims) {
    throw inputError(
      file,
      `${path} holds ${data.length} numbers, expected ${frames * joints * dims} for [${frames},${joints},${dims}]`,
    );
  }
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return PickledNdarray.of('<f4', [frames, joints, dims], bytes);
}

function inputError(file: string, message: string): HeadroomError {
  return new HeadroomError('INVALID_INPUT', `${file}: ${message}`, [{ path: file, message }]);
}
