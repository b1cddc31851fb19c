import { readFile } from 'node:fs/promises';
import { HeadroomError } from '@headroom/errors';
import { unzipSync } from 'fflate';
import { PickledNdarray, unpickleNumpy } from './numpy-pickle.js';
import { parseNpy } from './npy.js';

/**
 * Reading VideoPose3D's Human3.6M files as `np.savez_compressed` wrote them: a zip of .npy
 * entries whose object arrays are pickles of dicts of numpy arrays.
 *
 * - `data_3d_h36m.npz`: `positions_3d` = {subject: {action: float32[T,32,3]}} (metres, world);
 * - `data_2d_h36m_<keypoints>.npz`: `positions_2d` = {subject: {action: [4 × float32[T,17,2]]}}
 *   (pixels) and `metadata` = {layout_name, num_joints, keypoints_symmetry}.
 *
 * The real files are hundreds of MB, so pose arrays are Float32Array views over the one
 * decompressed entry: the pickle leaves array bytes at any offset, and Float32Array needs 4-byte
 * alignment, so each array is first moved down in place by up to 3 bytes over its own opcode
 * header (see `alignInPlace`); it is copied only if that would touch another array.
 */

/** The 32 joints of the original Human3.6M skeleton, as stored in `data_3d_h36m.npz`. */
export const H36M_FULL_JOINTS = 32;

/** The original indices of the 17 joints VideoPose3D keeps, in `H36M_JOINT_NAMES` order. */
export const H36M_KEPT_JOINTS: readonly number[] = [
  0, 1, 2, 3, 6, 7, 8, 12, 13, 14, 15, 17, 18, 19, 25, 26, 27,
];

/** Human3.6M's cameras per subject; each action has one 2D sequence per camera. */
export const H36M_CAMERA_COUNT = 4;

/** A float32 array of shape [frames, joints, dims], row-major. */
export interface PoseArray {
  readonly frames: number;
  readonly joints: number;
  readonly dims: number;
  readonly data: Float32Array;
}

/** subject → action → value, in the file's order. */
export type PosesBySubject<T> = Map<string, Map<string, T>>;

export interface H36mKeypointsMetadata {
  readonly layoutName: string | undefined;
  readonly numJoints: number;
  /** [left joints, right joints], indices into the 2D joints. */
  readonly keypointsSymmetry: readonly [readonly number[], readonly number[]];
}

export interface H36mPositions2d {
  /** One PoseArray [T,J,2] per camera (4), per action, per subject. */
  readonly positions: PosesBySubject<readonly PoseArray[]>;
  readonly metadata: H36mKeypointsMetadata;
}

/** Reads `positions_3d` of `data_3d_h36m.npz`: subject → action → [T,32,3]. */
export async function readH36mPositions3d(file: string): Promise<PosesBySubject<PoseArray>> {
  const npz = await openNpz(file, ['positions_3d']);
  const what = 'positions_3d';
  const tree = pickledObject(file, what, npz.get(what));
  alignInPlace(tree);
  return mapSubjectsActions(file, what, tree, (value, path) =>
    toPoseArray(file, path, value, H36M_FULL_JOINTS, 3),
  );
}

/** Reads `positions_2d` and `metadata` of `data_2d_h36m_<keypoints>.npz`. */
export async function readH36mPositions2d(file: string): Promise<H36mPositions2d> {
  const npz = await openNpz(file, ['positions_2d', 'metadata']);
  const metadata = readMetadata(file, pickledObject(file, 'metadata', npz.get('metadata')));
  const what = 'positions_2d';
  const tree = pickledObject(file, what, npz.get(what));
  alignInPlace(tree);
  const positions = mapSubjectsActions(file, what, tree, (value, path) => {
    if (!Array.isArray(value) || value.length !== H36M_CAMERA_COUNT) {
      throw dataError(
        file,
        `${path} is ${describe(value)}, expected a list of ${H36M_CAMERA_COUNT} cameras' arrays`,
      );
    }
    return value.map((cam, k) => toPoseArray(file, `${path}[${k}]`, cam, metadata.numJoints, 2));
  });
  return { positions, metadata };
}

/** Keeps VideoPose3D's 17 joints of a [T,32,D] array (a new [T,17,D] array). */
export function keepH36mJoints(
  poses: PoseArray,
  kept: readonly number[] = H36M_KEPT_JOINTS,
): PoseArray {
  const { frames, joints, dims } = poses;
  const out = new Float32Array(frames * kept.length * dims);
  for (let t = 0; t < frames; t++) {
    for (let j = 0; j < kept.length; j++) {
      const src = (t * joints + kept[j]!) * dims;
      out.set(poses.data.subarray(src, src + dims), (t * kept.length + j) * dims);
    }
  }
  return { frames, joints: kept.length, dims, data: out };
}

function dataError(file: string, message: string): HeadroomError {
  return new HeadroomError('DATA', `${file}: ${message}`, [{ path: file, message }]);
}

/** Reads the zip and parses the named .npy entries (`<key>.npy`), decompressing only those. */
async function openNpz(
  file: string,
  keys: readonly string[],
): Promise<Map<string, ReturnType<typeof parseNpy>>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw dataError(
      file,
      code === 'ENOENT'
        ? 'does not exist; expected a VideoPose3D .npz file here (check the dataset path)'
        : `cannot be read (${(err as Error).message})`,
    );
  }
  const wanted = new Set(keys.map((k) => `${k}.npy`));
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (f) => wanted.has(f.name) });
  } catch (err) {
    throw dataError(
      file,
      `is not a readable .npz (zip) file (${(err as Error).message}); expected a file written by numpy.savez_compressed`,
    );
  }
  const out = new Map<string, ReturnType<typeof parseNpy>>();
  for (const key of keys) {
    const entry = entries[`${key}.npy`];
    if (entry === undefined) {
      throw dataError(
        file,
        `has no key ${key}; expected the entry ${key}.npy, as VideoPose3D writes it`,
      );
    }
    try {
      out.set(key, parseNpy(entry));
    } catch (err) {
      throw dataError(file, `${key}: ${(err as Error).message}`);
    }
  }
  return out;
}

/** The Python object inside a 0-d object array (what `np.savez(key=dict)` stores). */
function pickledObject(
  file: string,
  key: string,
  npy: ReturnType<typeof parseNpy> | undefined,
): unknown {
  if (npy === undefined) throw dataError(file, `has no key ${key}`);
  if (npy.descr !== '|O' || npy.shape.length !== 0) {
    throw dataError(
      file,
      `${key} is an array of dtype ${npy.descr} and shape (${npy.shape.join(',')}); expected a pickled dict (dtype object, shape ())`,
    );
  }
  let array: unknown;
  try {
    array = unpickleNumpy(npy.body);
  } catch (err) {
    throw dataError(file, `${key}: ${(err as Error).message}`);
  }
  if (!(array instanceof PickledNdarray) || !Array.isArray(array.data) || array.data.length !== 1) {
    throw dataError(
      file,
      `${key} does not unpickle to a 0-d object array; expected a pickled dict`,
    );
  }
  return array.data[0];
}

function mapSubjectsActions<T>(
  file: string,
  what: string,
  tree: unknown,
  read: (value: unknown, path: string) => T,
): PosesBySubject<T> {
  if (!(tree instanceof Map))
    throw dataError(file, `${what} is ${describe(tree)}, expected a dict subject → action`);
  const out: PosesBySubject<T> = new Map();
  for (const [subject, actions] of tree) {
    const path = `${what}[${JSON.stringify(subject)}]`;
    if (typeof subject !== 'string')
      throw dataError(file, `${what} has a key ${describe(subject)}, expected subject names`);
    if (!(actions instanceof Map))
      throw dataError(file, `${path} is ${describe(actions)}, expected a dict action → poses`);
    const byAction = new Map<string, T>();
    for (const [action, value] of actions) {
      if (typeof action !== 'string')
        throw dataError(file, `${path} has a key ${describe(action)}, expected action names`);
      byAction.set(action, read(value, `${path}[${JSON.stringify(action)}]`));
    }
    out.set(subject, byAction);
  }
  return out;
}

function toPoseArray(
  file: string,
  path: string,
  value: unknown,
  joints: number,
  dims: number,
): PoseArray {
  const expected = `float32 [T,${joints},${dims}]`;
  if (!(value instanceof PickledNdarray))
    throw dataError(file, `${path} is ${describe(value)}, expected a ${expected} array`);
  const { shape, dtype, data } = value;
  if (dtype !== '<f4' || !(data instanceof Uint8Array)) {
    throw dataError(file, `${path} has dtype ${dtype}, expected ${expected} (little-endian <f4)`);
  }
  if (shape.length !== 3 || shape[1] !== joints || shape[2] !== dims) {
    throw dataError(file, `${path} has shape (${shape.join(',')}), expected ${expected}`);
  }
  if (value.fortranOrder && shape[0]! > 1) {
    throw dataError(file, `${path} is in Fortran order, expected C order`);
  }
  const frames = shape[0]!;
  const count = frames * joints * dims;
  if (data.byteLength !== count * 4) {
    throw dataError(
      file,
      `${path} holds ${data.byteLength} bytes, expected ${count * 4} for shape (${shape.join(',')})`,
    );
  }
  const floats =
    data.byteOffset % 4 === 0
      ? new Float32Array(data.buffer, data.byteOffset, count)
      : new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  return { frames, joints, dims, data: floats };
}

/**
 * Moves the raw bytes of every array in `tree` to a 4-byte-aligned offset of the same buffer.
 * The pickle is no longer read, and the bytes just before an array's data are its own opcode
 * and length (and before those, its shape and dtype), so moving the data down by up to 3 bytes
 * overwrites only those; an array is left where it is (and later copied) if moving it would
 * reach the previous array's data.
 */
function alignInPlace(tree: unknown): void {
  const arrays: Array<PickledNdarray & { data: Uint8Array }> = [];
  const visit = (v: unknown): void => {
    if (v instanceof PickledNdarray) {
      if (v.data instanceof Uint8Array) arrays.push(v as PickledNdarray & { data: Uint8Array });
      else v.data.forEach(visit);
    } else if (v instanceof Map) v.forEach(visit);
    else if (Array.isArray(v)) v.forEach(visit);
  };
  visit(tree);
  const byBuffer = new Map<ArrayBufferLike, Array<PickledNdarray & { data: Uint8Array }>>();
  for (const a of arrays) byBuffer.set(a.data.buffer, [...(byBuffer.get(a.data.buffer) ?? []), a]);
  for (const [buffer, list] of byBuffer) {
    const whole = new Uint8Array(buffer);
    list.sort((x, y) => x.data.byteOffset - y.data.byteOffset);
    let previousEnd = 0;
    for (const a of list) {
      const { byteOffset, byteLength } = a.data;
      const target = byteOffset - (byteOffset % 4);
      if (target !== byteOffset && target >= previousEnd) {
        whole.copyWithin(target, byteOffset, byteOffset + byteLength);
        a.data = whole.subarray(target, target + byteLength);
      }
      previousEnd = a.data.byteOffset + byteLength;
    }
  }
}

function readMetadata(file: string, value: unknown): H36mKeypointsMetadata {
  const fail = (message: string) => dataError(file, `metadata ${message}`);
  if (!(value instanceof Map)) throw fail(`is ${describe(value)}, expected a dict`);
  const numJoints = value.get('num_joints') as unknown;
  if (!Number.isInteger(numJoints) || (numJoints as number) <= 0) {
    throw fail(`num_joints is ${describe(numJoints)}, expected a positive int`);
  }
  const layout = value.get('layout_name') as unknown;
  if (layout !== undefined && typeof layout !== 'string')
    throw fail(`layout_name is ${describe(layout)}, expected a string`);
  const symmetry = value.get('keypoints_symmetry') as unknown;
  const isJointList = (l: unknown): l is number[] =>
    Array.isArray(l) &&
    l.every(
      (j) => Number.isInteger(j) && (j as number) >= 0 && (j as number) < (numJoints as number),
    );
  if (
    !Array.isArray(symmetry) ||
    symmetry.length !== 2 ||
    !isJointList(symmetry[0]) ||
    !isJointList(symmetry[1])
  ) {
    throw fail(`keypoints_symmetry is ${describe(symmetry)}, expected [left joints, right joints]`);
  }
  return {
    layoutName: layout as string | undefined,
    numJoints: numJoints as number,
    keypointsSymmetry: [symmetry[0], symmetry[1]],
  };
}

function describe(value: unknown): string {
  if (value instanceof PickledNdarray)
    return `an array of dtype ${value.dtype} and shape (${value.shape.join(',')})`;
  if (value instanceof Map) return 'a dict';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value === undefined) return 'missing';
  if (value === null) return 'None';
  return `${typeof value} ${JSON.stringify(value)}`;
}
