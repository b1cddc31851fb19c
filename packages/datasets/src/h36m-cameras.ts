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
 * Synthetic extrinsics per subject, for the synthetic dataset (not Human3.6M's): the rig
 * above, nudged per subject by up to 15 cm (as the real rig moved between sessions), each
 * camera aimed at the centre.
 */
export const SYNTHETIC_CAMERAS_EXTRINSIC_PARAMS: Readonly<
  Record<string, readonly H36MCameraExtrinsics[]>
> = Object.fromEntries(H36M_SUBJECTS.map((subject) => [subject, makeRigExtrinsics(subject)]));

/** VideoPose3D stores translations in mm and divides them by 1000 on load. */
function realCamera(
  orientation: readonly [number, number, number, number],
  translationMm: readonly [number, number, number],
): H36MCameraExtrinsics {
  return {
    orientation,
    translation: [translationMm[0] / 1000, translationMm[1] / 1000, translationMm[2] / 1000],
  };
}

/**
 * The real extrinsics of Human3.6M's four cameras per subject, copied as facts from
 * facebookresearch/VideoPose3D `common/h36m_dataset.py` (`h36m_cameras_extrinsic_params`),
 * translations converted to metres as its `Human36mDataset` does.
 */
// prettier-ignore
export const H36M_CAMERAS_EXTRINSIC_PARAMS: Readonly<
  Record<string, readonly H36MCameraExtrinsics[]>
> = {
  S1: [
    realCamera([0.1407056450843811, -0.1500701755285263, -0.755240797996521, 0.6223280429840088], [1841.1070556640625, 4955.28466796875, 1563.4454345703125]),
    realCamera([0.6157187819480896, -0.764836311340332, -0.14833825826644897, 0.11794740706682205], [1761.278564453125, -5078.0068359375, 1606.2650146484375]),
    realCamera([0.14651472866535187, -0.14647851884365082, 0.7653023600578308, -0.6094175577163696], [-1846.7777099609375, 5215.04638671875, 1491.972412109375]),
    realCamera([0.5834008455276489, -0.7853162288665771, 0.14548823237419128, -0.14749594032764435], [-1794.7896728515625, -3722.698974609375, 1574.8927001953125]),
  ],
  S5: [
    realCamera([0.1467377245426178, -0.162370964884758, -0.7551892995834351, 0.6178938746452332], [2097.3916015625, 4880.94482421875, 1605.732421875]),
    realCamera([0.6159758567810059, -0.7626792192459106, -0.15728192031383514, 0.1189815029501915], [2031.7008056640625, -5167.93310546875, 1612.923095703125]),
    realCamera([0.14291371405124664, -0.12907841801643372, 0.7678384780883789, -0.6110143065452576], [-1620.5948486328125, 5171.65869140625, 1496.43701171875]),
    realCamera([0.5920479893684387, -0.7814217805862427, 0.1274748593568802, -0.15036417543888092], [-1637.1737060546875, -3867.3173828125, 1547.033203125]),
  ],
  S6: [
    realCamera([0.1337897777557373, -0.15692396461963654, -0.7571090459823608, 0.6198879480361938], [1935.4517822265625, 4950.24560546875, 1618.0838623046875]),
    realCamera([0.6147197484970093, -0.7628812789916992, -0.16174767911434174, 0.11819244921207428], [1969.803955078125, -5128.73876953125, 1632.77880859375]),
    realCamera([0.1529948115348816, -0.13529130816459656, 0.7646096348762512, -0.6112781167030334], [-1769.596435546875, 5185.361328125, 1476.993408203125]),
    realCamera([0.5916101336479187, -0.7804774045944214, 0.12832270562648773, -0.1561593860387802], [-1721.668701171875, -3884.13134765625, 1540.4879150390625]),
  ],
  S7: [
    realCamera([0.1435241848230362, -0.1631336808204651, -0.7548328638076782, 0.6188824772834778], [1974.512939453125, 4926.3544921875, 1597.8326416015625]),
    realCamera([0.6141672730445862, -0.7638262510299683, -0.1596645563840866, 0.1177929937839508], [1937.0584716796875, -5119.7900390625, 1631.5665283203125]),
    realCamera([0.14550060033798218, -0.12874816358089447, 0.7660516500473022, -0.6127139329910278], [-1741.8111572265625, 5208.24951171875, 1464.8245849609375]),
    realCamera([0.5912848114967346, -0.7821764349937439, 0.12445473670959473, -0.15196487307548523], [-1734.7105712890625, -3832.42138671875, 1548.5830078125]),
  ],
  S8: [
    realCamera([0.14110587537288666, -0.15589867532253265, -0.7561917304992676, 0.619644045829773], [2150.65185546875, 4896.1611328125, 1611.9046630859375]),
    realCamera([0.6169601678848267, -0.7647668123245239, -0.14846350252628326, 0.11158157885074615], [2219.965576171875, -5148.453125, 1613.0440673828125]),
    realCamera([0.1471444070339203, -0.13377119600772858, 0.7670128345489502, -0.6100369691848755], [-1571.2215576171875, 5137.0185546875, 1498.1761474609375]),
    realCamera([0.5927824378013611, -0.7825870513916016, 0.12147816270589828, -0.14631995558738708], [-1476.913330078125, -3896.7412109375, 1547.97216796875]),
  ],
  S9: [
    realCamera([0.15540587902069092, -0.15548215806484222, -0.7532095313072205, 0.6199594736099243], [2044.45849609375, 4935.1171875, 1481.2275390625]),
    realCamera([0.618784487247467, -0.7634735107421875, -0.14132238924503326, 0.11933968216180801], [1990.959716796875, -5123.810546875, 1568.8048095703125]),
    realCamera([0.13357827067375183, -0.1367100477218628, 0.7689454555511475, -0.6100738644599915], [-1670.9921875, 5211.98583984375, 1528.387939453125]),
    realCamera([0.5879399180412292, -0.7823407053947449, 0.1427614390850067, -0.14794869720935822], [-1696.04345703125, -3827.099853515625, 1591.4127197265625]),
  ],
  S11: [
    realCamera([0.15232472121715546, -0.15442320704460144, -0.7547563314437866, 0.6191070079803467], [2098.440185546875, 4926.5546875, 1500.278564453125]),
    realCamera([0.6189449429512024, -0.7600917220115662, -0.15300633013248444, 0.1255258321762085], [2083.182373046875, -4912.1728515625, 1561.07861328125]),
    realCamera([0.14943228662014008, -0.15650227665901184, 0.7681233882904053, -0.6026304364204407], [-1609.8153076171875, 5177.3359375, 1537.896728515625]),
    realCamera([0.5894251465797424, -0.7818877100944519, 0.13991211354732513, -0.14715361595153809], [-1590.738037109375, -3854.1689453125, 1578.017578125]),
  ],
};

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

/**
 * The four cameras of a subject, intrinsics merged with extrinsics (as `Human36mDataset.__init__`
 * does); `extrinsicParams` defaults to the real ones (the synthetic set passes its own).
 */
export function getH36MCameras(
  subject: string,
  extrinsicParams: Readonly<
    Record<string, readonly H36MCameraExtrinsics[]>
  > = H36M_CAMERAS_EXTRINSIC_PARAMS,
): H36MCamera[] {
  const extrinsics = Object.hasOwn(extrinsicParams, subject) ? extrinsicParams[subject] : undefined;
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
