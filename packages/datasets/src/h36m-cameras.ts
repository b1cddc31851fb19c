import { HeadroomError } from '@headroom/errors';
import { createRng, hashString, mixSeeds, sampleUniform } from './prng.js';

/**
 * Human3.6M cameras, shaped like VideoPose3D's `common/h36m_dataset.py`
 * (`h36m_cameras_intrinsic_params`, `h36m_cameras_extrinsic_params`) and projected
 * like its `common/camera.py`.
 *
 * World frame: metres, z up, floor at z = 0. Camera frame: x right, y down,
 * z forward (along the optical axis).
 */

export interface H36MCameraIntrinsics {
  id: string;
  /** Principal point, pixels. */
  center: readonly [number, number];
  /** Focal length (fx, fy), pixels. */
  focalLength: readonly [number, number];
  /** k1, k2, k3 of the Human3.6M (Brown–Conrady) model. */
  radialDistortion: readonly [number, number, number];
  /** p1, p2. */
  tangentialDistortion: readonly [number, number];
  resW: number;
  resH: number;
  /** Degrees; VideoPose3D only uses it for visualisation. */
  azimuth: number;
}

export interface H36MCameraExtrinsics {
  /** Unit quaternion (w, x, y, z) rotating camera-frame vectors into the world frame. */
  orientation: readonly [number, number, number, number];
  /** Camera centre in world coordinates, metres (VideoPose3D stores mm and divides by 1000). */
  translation: readonly [number, number, number];
}

export type H36MCamera = H36MCameraIntrinsics & H36MCameraExtrinsics;

/**
 * The real intrinsics of the four Human3.6M cameras, copied as facts from
 * facebookresearch/VideoPose3D `common/h36m_dataset.py` (`h36m_cameras_intrinsic_params`).
 */
export const H36M_CAMERAS_INTRINSIC_PARAMS: readonly H36MCameraIntrinsics[] = [
  {
    id: '54138969',
    // 515.45147705078125: the file's 515.4514770507812 written out exactly (the same double).
    center: [512.54150390625, 515.45147705078125],
    focalLength: [1145.0494384765625, 1143.7811279296875],
    radialDistortion: [-0.20709891617298126, 0.24777518212795258, -0.0030751503072679043],
    tangentialDistortion: [-0.0009756988729350269, -0.00142447161488235],
    resW: 1000,
    resH: 1002,
    azimuth: 70,
  },
  {
    id: '55011271',
    center: [508.8486328125, 508.0649108886719],
    focalLength: [1149.6756591796875, 1147.5916748046875],
    radialDistortion: [-0.1942136287689209, 0.2404085397720337, 0.006819975562393665],
    tangentialDistortion: [-0.0016190266469493508, -0.0027408944442868233],
    resW: 1000,
    resH: 1000,
    azimuth: -70,
  },
  {
    id: '58860488',
    center: [519.8158569335938, 501.40264892578125],
    focalLength: [1149.1407470703125, 1148.7989501953125],
    radialDistortion: [-0.2083381861448288, 0.25548800826072693, -0.0024604974314570427],
    tangentialDistortion: [0.0014843869721516967, -0.0007599993259645998],
    resW: 1000,
    resH: 1000,
    azimuth: 110,
  },
  {
    id: '60457274',
    center: [514.9682006835938, 501.88201904296875],
    focalLength: [1145.5113525390625, 1144.77392578125],
    radialDistortion: [-0.198384091258049, 0.21832367777824402, -0.008947807364165783],
    tangentialDistortion: [-0.0005872055771760643, -0.0018133620033040643],
    resW: 1000,
    resH: 1002,
    azimuth: -110,
  },
];

/** Subjects that have cameras in Human3.6M (S2–S4 have none, as in VideoPose3D). */
export const H36M_SUBJECTS = ['S1', 'S5', 'S6', 'S7', 'S8', 'S9', 'S11'] as const;

/**
 * Where the synthetic cameras stand (metres): the real rig's layout — one camera
 * at each corner of the capture area, 4.6–5.4 m from its centre, 1.5–1.6 m high.
 */
const RIG_POSITIONS: ReadonlyArray<readonly [number, number, number]> = [
  [1.9, 4.9, 1.55],
  [1.9, -5.0, 1.6],
  [-1.75, 5.0, 1.5],
  [-1.8, -4.4, 1.55],
];
/** The point every camera looks at: the middle of the capture area, at hip height. */
const RIG_TARGET: readonly [number, number, number] = [0, 0, 0.85];
// Fixed, so the extrinsics are constants of the package, not of a dataset seed.
const RIG_SEED = 0x48333650;

/**
 * Synthetic extrinsics per subject, in the place of VideoPose3D's
 * `h36m_cameras_extrinsic_params`: the rig above, nudged per subject by up to
 * 15 cm (as the real rig moved between sessions), each camera aimed at the centre.
 */
export const H36M_CAMERAS_EXTRINSIC_PARAMS: Readonly<
  Record<string, readonly H36MCameraExtrinsics[]>
> = Object.fromEntries(H36M_SUBJECTS.map((subject) => [subject, makeRigExtrinsics(subject)]));

function makeRigExtrinsics(subject: string): H36MCameraExtrinsics[] {
  const rng = createRng(mixSeeds(RIG_SEED, hashString(subject)));
  return RIG_POSITIONS.map(([x, y, z]) => {
    const position: [number, number, number] = [
      x + sampleUniform(rng, -0.15, 0.15),
      y + sampleUniform(rng, -0.15, 0.15),
      z + sampleUniform(rng, -0.05, 0.05),
    ];
    const target: [number, number, number] = [
      RIG_TARGET[0] + sampleUniform(rng, -0.1, 0.1),
      RIG_TARGET[1] + sampleUniform(rng, -0.1, 0.1),
      RIG_TARGET[2] + sampleUniform(rng, -0.05, 0.05),
    ];
    return { orientation: lookAtOrientation(position, target), translation: position };
  });
}

/**
 * Orientation of a camera at `position` looking at `target` with the world's z up:
 * camera z forward, x right, y down (image rows grow downwards).
 */
export function lookAtOrientation(
  position: readonly [number, number, number],
  target: readonly [number, number, number],
): [number, number, number, number] {
  const forward = normalize3([
    target[0] - position[0],
    target[1] - position[1],
    target[2] - position[2],
  ]);
  const right = normalize3(cross3(forward, [0, 0, 1]));
  const down = cross3(forward, right);
  // Columns of the camera→world rotation are the camera axes in world coordinates.
  // prettier-ignore
  return rotationMatrixToQuaternion([
    right[0], down[0], forward[0],
    right[1], down[1], forward[1],
    right[2], down[2], forward[2],
  ]);
}

/** The four cameras of a subject, intrinsics merged with extrinsics (as `Human36mDataset.__init__` does). */
export function getH36MCameras(subject: string): H36MCamera[] {
  const extrinsics = H36M_CAMERAS_EXTRINSIC_PARAMS[subject];
  if (!extrinsics) {
    throw new HeadroomError(
      'INVALID_INPUT',
      `subject ${JSON.stringify(subject)} has no cameras; expected one of ${H36M_SUBJECTS.join(', ')}`,
    );
  }
  return extrinsics.map((ext, i) => ({
    ...(H36M_CAMERAS_INTRINSIC_PARAMS[i] as H36MCameraIntrinsics),
    ...ext,
  }));
}

/** Row-major camera→world rotation of a unit quaternion (w, x, y, z); the same map as VideoPose3D's `qrot`. */
export function quaternionToMatrix(q: readonly [number, number, number, number]): Float64Array {
  const [w, x, y, z] = q;
  // prettier-ignore
  return new Float64Array([
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  ]);
}

/**
 * World points (flat [P][3], metres) to the camera frame: Rᵀ(X − t), as VideoPose3D's
 * `world_to_camera(X, R=orientation, t=translation)`.
 */
export function worldToCamera(
  points: ArrayLike<number>,
  camera: H36MCameraExtrinsics,
  out: Float32Array | Float64Array = new Float64Array(points.length),
): Float32Array | Float64Array {
  checkPoints('worldToCamera', points, 3, out);
  const r = quaternionToMatrix(camera.orientation);
  const [tx, ty, tz] = camera.translation;
  for (let o = 0; o < points.length; o += 3) {
    const dx = (points[o] as number) - tx;
    const dy = (points[o + 1] as number) - ty;
    const dz = (points[o + 2] as number) - tz;
    out[o] = (r[0] as number) * dx + (r[3] as number) * dy + (r[6] as number) * dz;
    out[o + 1] = (r[1] as number) * dx + (r[4] as number) * dy + (r[7] as number) * dz;
    out[o + 2] = (r[2] as number) * dx + (r[5] as number) * dy + (r[8] as number) * dz;
  }
  return out;
}

/** Camera-frame points back to the world: R·X + t (VideoPose3D's `camera_to_world`). */
export function cameraToWorld(
  points: ArrayLike<number>,
  camera: H36MCameraExtrinsics,
  out: Float32Array | Float64Array = new Float64Array(points.length),
): Float32Array | Float64Array {
  checkPoints('cameraToWorld', points, 3, out);
  const r = quaternionToMatrix(camera.orientation);
  const [tx, ty, tz] = camera.translation;
  for (let o = 0; o < points.length; o += 3) {
    const x = points[o] as number;
    const y = points[o + 1] as number;
    const z = points[o + 2] as number;
    out[o] = (r[0] as number) * x + (r[1] as number) * y + (r[2] as number) * z + tx;
    out[o + 1] = (r[3] as number) * x + (r[4] as number) * y + (r[5] as number) * z + ty;
    out[o + 2] = (r[6] as number) * x + (r[7] as number) * y + (r[8] as number) * z + tz;
  }
  return out;
}

/**
 * Camera-frame points (flat [P][3]) to pixels (flat [P][2]) with the Human3.6M
 * distortion model, as VideoPose3D's `project_to_2d`:
 * XX = clamp(X.xy / X.z, −1, 1); r² = |XX|²; radial = 1 + k1 r² + k2 r⁴ + k3 r⁶;
 * tan = p·XX; XXX = XX·(radial + tan) + p·r²; pixel = f·XXX + c.
 * VideoPose3D evaluates it with f and c in normalised screen units and converts
 * back with `image_coordinates`; both are linear, so this is the same map.
 */
export function projectToScreen(
  pointsCam: ArrayLike<number>,
  camera: H36MCameraIntrinsics,
  out: Float32Array | Float64Array = new Float64Array((pointsCam.length / 3) * 2),
): Float32Array | Float64Array {
  checkPoints('projectToScreen', pointsCam, 3, out, 2);
  const [fx, fy] = camera.focalLength;
  const [cx, cy] = camera.center;
  const [k1, k2, k3] = camera.radialDistortion;
  const [p1, p2] = camera.tangentialDistortion;
  const count = pointsCam.length / 3;
  for (let i = 0; i < count; i++) {
    const z = pointsCam[i * 3 + 2] as number;
    const u = clamp((pointsCam[i * 3] as number) / z, -1, 1);
    const v = clamp((pointsCam[i * 3 + 1] as number) / z, -1, 1);
    const r2 = u * u + v * v;
    const radial = 1 + k1 * r2 + k2 * r2 * r2 + k3 * r2 * r2 * r2;
    const tan = p1 * u + p2 * v;
    out[i * 2] = fx * (u * (radial + tan) + p1 * r2) + cx;
    out[i * 2 + 1] = fy * (v * (radial + tan) + p2 * r2) + cy;
  }
  return out;
}

/**
 * Pixels to VideoPose3D's normalised screen coordinates, `X / w * 2 − [1, h / w]`:
 * x spans [−1, 1] across the width and y keeps the aspect ratio.
 */
export function normalizeScreenCoordinates(
  xy: ArrayLike<number>,
  w: number,
  h: number,
  out: Float32Array | Float64Array = new Float64Array(xy.length),
): Float32Array | Float64Array {
  checkPoints('normalizeScreenCoordinates', xy, 2, out);
  for (let o = 0; o < xy.length; o += 2) {
    out[o] = ((xy[o] as number) / w) * 2 - 1;
    out[o + 1] = ((xy[o + 1] as number) / w) * 2 - h / w;
  }
  return out;
}

/** Inverse of `normalizeScreenCoordinates` (VideoPose3D's `image_coordinates`). */
export function imageCoordinates(
  xy: ArrayLike<number>,
  w: number,
  h: number,
  out: Float32Array | Float64Array = new Float64Array(xy.length),
): Float32Array | Float64Array {
  checkPoints('imageCoordinates', xy, 2, out);
  for (let o = 0; o < xy.length; o += 2) {
    out[o] = (((xy[o] as number) + 1) * w) / 2;
    out[o + 1] = (((xy[o + 1] as number) + h / w) * w) / 2;
  }
  return out;
}

function checkPoints(
  fn: string,
  points: ArrayLike<number>,
  dims: number,
  out: ArrayLike<number>,
  outDims = dims,
): void {
  if (points.length % dims !== 0) {
    throw new HeadroomError(
      'INVALID_INPUT',
      `${fn}: ${points.length} numbers is not a whole number of ${dims}-vectors`,
    );
  }
  const expected = (points.length / dims) * outDims;
  if (out.length !== expected) {
    throw new HeadroomError(
      'INVALID_INPUT',
      `${fn}: output holds ${out.length} numbers, expected ${expected}`,
    );
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function cross3(a: readonly number[], b: readonly number[]): [number, number, number] {
  const [a0, a1, a2] = a as [number, number, number];
  const [b0, b1, b2] = b as [number, number, number];
  return [a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0];
}

function normalize3(v: [number, number, number]): [number, number, number] {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}

/** Shepperd's method: stable for every rotation. Returns (w, x, y, z) with w ≥ 0. */
function rotationMatrixToQuaternion(m: readonly number[]): [number, number, number, number] {
  const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = m as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const trace = m00 + m11 + m22;
  let q: [number, number, number, number];
  if (trace > 0) {
    const s = Math.sqrt(trace + 1) * 2;
    q = [0.25 * s, (m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s];
  } else if (m00 > m11 && m00 > m22) {
    const s = Math.sqrt(1 + m00 - m11 - m22) * 2;
    q = [(m21 - m12) / s, 0.25 * s, (m01 + m10) / s, (m02 + m20) / s];
  } else if (m11 > m22) {
    const s = Math.sqrt(1 + m11 - m00 - m22) * 2;
    q = [(m02 - m20) / s, (m01 + m10) / s, 0.25 * s, (m12 + m21) / s];
  } else {
    const s = Math.sqrt(1 + m22 - m00 - m11) * 2;
    q = [(m10 - m01) / s, (m02 + m20) / s, (m12 + m21) / s, 0.25 * s];
  }
  const n = Math.hypot(...q) * (q[0] < 0 ? -1 : 1);
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}
