import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { materializeFolder } from './folder-once.js';
import {
  getH36MCameras,
  projectToScreen,
  quaternionToMatrix,
  worldToCamera,
  type H36MCamera,
} from './h36m-cameras.js';
import { H36M_3D_FILE, H36M_DEFAULT_KEYPOINTS, h36m2dFile } from './h36m-npz-dataset.js';
import { writeH36mPositions2d, writeH36mPositions3d } from './h36m-npz-write.js';
import { H36M_FULL_JOINTS, type PoseArray, type PosesBySubject } from './h36m-npz.js';
import { H36M_JOINTS, H36M_JOINTS_LEFT, H36M_JOINTS_RIGHT } from './h36m-skeleton.js';
import { generateSyntheticH36M, SYNTHETIC_FRAMES_PER_ACTION } from './synthetic-h36m.js';

/**
 * The synthetic Human3.6M set as VideoPose3D's files (`data_3d_h36m.npz`,
 * `data_2d_h36m_gt.npz`), so `dataset: { kind: synthetic }` is read by `readH36mNpzDataset`
 * like the real set.
 *
 * Cameras: `readH36mNpzDataset` gives every subject its REAL cameras (VideoPose3D's
 * extrinsics), so the 2D written here is the projection through those cameras, not through the
 * synthetic rig `generateSyntheticH36M` uses. The synthetic capture area is centred on the world
 * origin, where the synthetic rig (a copy of the real rig's layout) aims; the real cameras aim
 * at a point up to half a metre away, different per subject. So each subject's poses are moved
 * across the floor by that point (where the real cameras' optical axes, seen from above, come
 * closest), which keeps the subject in the middle of every real camera's image, and then
 * projected. Moving the world poses changes no training target (they are root-relative in the
 * camera frame), only where the subject stands.
 */

/** Seed of a synthetic Human3.6M set when the dataset gives no `seed`. */
export const SYNTHETIC_H36M_DEFAULT_SEED = 1;

export interface WriteSyntheticH36mNpzOptions {
  seed: number;
  /** Frames per (subject, action); default `SYNTHETIC_FRAMES_PER_ACTION`. */
  framesPerAction?: number;
}

/**
 * Writes the synthetic set (`generateSyntheticH36M`: all seven subjects, the 15 actions) into
 * `dir` as `data_3d_h36m.npz` (32 joints, metres, world frame) and `data_2d_h36m_gt.npz`
 * (4 real cameras × float32 [T,17,2] pixels, VideoPose3D's metadata).
 */
export async function writeSyntheticH36mNpz(
  dir: string,
  options: WriteSyntheticH36mNpzOptions,
): Promise<void> {
  const dataset = generateSyntheticH36M({
    seed: options.seed,
    framesPerAction: options.framesPerAction ?? SYNTHETIC_FRAMES_PER_ACTION,
  });
  const positions3d: PosesBySubject<PoseArray> = new Map();
  const positions2d: PosesBySubject<PoseArray[]> = new Map();
  for (const [subject, { actions }] of Object.entries(dataset.subjects)) {
    const cameras = getH36MCameras(subject);
    const [dx, dy] = realRigCentre(cameras);
    const actions3d = new Map<string, PoseArray>();
    const actions2d = new Map<string, PoseArray[]>();
    for (const [action, { frames, positions3d: synthetic }] of Object.entries(actions)) {
      // float32, as stored: the 2D is projected from exactly the values read back.
      const world = synthetic.map((v, i) => v + (i % 3 === 0 ? dx : i % 3 === 1 ? dy : 0));
      actions3d.set(action, {
        frames,
        joints: H36M_FULL_JOINTS,
        dims: 3,
        data: toFullSkeleton(world, frames),
      });
      actions2d.set(
        action,
        cameras.map((camera) => ({
          frames,
          joints: H36M_JOINTS,
          dims: 2,
          data: projectToScreen(
            worldToCamera(world, camera),
            camera,
            new Float32Array(frames * H36M_JOINTS * 2),
          ) as Float32Array,
        })),
      );
    }
    positions3d.set(subject, actions3d);
    positions2d.set(subject, actions2d);
  }
  await mkdir(dir, { recursive: true });
  await writeH36mPositions3d(join(dir, H36M_3D_FILE), positions3d);
  await writeH36mPositions2d(join(dir, h36m2dFile(H36M_DEFAULT_KEYPOINTS)), {
    positions: positions2d,
    metadata: {
      layoutName: 'h36m',
      numJoints: H36M_JOINTS,
      keypointsSymmetry: [H36M_JOINTS_LEFT, H36M_JOINTS_RIGHT],
    },
  });
}

export interface MaterializeSyntheticH36mOptions {
  /** The folder that holds every synthetic set of this machine. */
  parentDir: string;
  /** Default `SYNTHETIC_H36M_DEFAULT_SEED`. */
  seed?: number;
  /** Default `SYNTHETIC_FRAMES_PER_ACTION`. */
  framesPerAction?: number;
}

/**
 * The folder of the synthetic Human3.6M set (seed, frames per action),
 * `<parentDir>/synthetic-h36m-<seed>-<framesPerAction>`, written by `writeSyntheticH36mNpz` if it
 * is not there yet, once per machine (`materializeFolder`: written beside it and renamed into
 * place, so it is always complete). `readH36mNpzDataset` reads it.
 */
export function materializeSyntheticH36m(
  options: MaterializeSyntheticH36mOptions,
): Promise<string> {
  const seed = options.seed ?? SYNTHETIC_H36M_DEFAULT_SEED;
  const framesPerAction = options.framesPerAction ?? SYNTHETIC_FRAMES_PER_ACTION;
  const root = resolve(options.parentDir, `synthetic-h36m-${seed}-${framesPerAction}`);
  return materializeFolder(root, (dir) => writeSyntheticH36mNpz(dir, { seed, framesPerAction }));
}

/**
 * The floor point (x, y) the cameras aim at: nearest, in least squares, to their optical axes
 * seen from above. Each axis is the line through the camera centre along the camera's z.
 */
export function realRigCentre(cameras: readonly H36MCamera[]): [number, number] {
  // Σ (I − d dᵀ) c = Σ (I − d dᵀ) p, with d the axis' unit direction on the floor.
  let a00 = 0;
  let a01 = 0;
  let a11 = 0;
  let b0 = 0;
  let b1 = 0;
  for (const camera of cameras) {
    const r = quaternionToMatrix(camera.orientation);
    const n = Math.hypot(r[2]!, r[5]!);
    const [dx, dy] = [r[2]! / n, r[5]! / n];
    const [px, py] = camera.translation;
    const [p00, p01, p11] = [1 - dx * dx, -dx * dy, 1 - dy * dy];
    a00 += p00;
    a01 += p01;
    a11 += p11;
    b0 += p00 * px + p01 * py;
    b1 += p01 * px + p11 * py;
  }
  const det = a00 * a11 - a01 * a01;
  return [(a11 * b0 - a01 * b1) / det, (a00 * b1 - a01 * b0) / det];
}

// Where the 15 joints VideoPose3D drops sit in the 32-joint layout. Nothing reads them (the
// reader keeps H36M_KEPT_JOINTS); they are placed plausibly so the file looks like the real one.
const TOE_FORWARD = 0.13;
const TOE_DOWN = 0.06;
const TOE_TIP = 0.05;
/** Hand points past the wrist along the forearm, metres: thumb, its tip, hand end, its tip. */
const HAND_POINTS = [0.05, 0.08, 0.09, 0.11];

/**
 * [T,17,3] → [T,32,3]: the 17 joints at their original indices (`H36M_KEPT_JOINTS`), plus toes
 * ahead of the feet, the lower spine between hip and spine, the two clavicle anchors at the
 * thorax, and hand points past the wrists.
 */
function toFullSkeleton(pose17: Float32Array, frames: number): Float32Array {
  const out = new Float32Array(frames * H36M_FULL_JOINTS * 3);
  const p = (t: number, j: number) => {
    const o = (t * H36M_JOINTS + j) * 3;
    return [pose17[o]!, pose17[o + 1]!, pose17[o + 2]!] as const;
  };
  for (let t = 0; t < frames; t++) {
    const set = (j: number, v: readonly number[]) => out.set(v, (t * H36M_FULL_JOINTS + j) * 3);
    const [hip, rHip, rKnee, rFoot, lHip, lKnee, lFoot, spine, thorax, neck, head] = [
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ].map((j) => p(t, j));
    const [lShoulder, lElbow, lWrist, rShoulder, rElbow, rWrist] = [11, 12, 13, 14, 15, 16].map(
      (j) => p(t, j),
    );
    // Forward on the floor: x forward, y left, z up, so forward = left × up.
    const left = sub(lHip!, rHip!);
    const forward = unit([left[1], -left[0], 0]);
    const toe = (foot: readonly number[]) => {
      const base = add(foot, [forward[0] * TOE_FORWARD, forward[1] * TOE_FORWARD, -TOE_DOWN]);
      return [base, add(base, scale(forward, TOE_TIP))];
    };
    const hand = (elbow: readonly number[], wrist: readonly number[]) => {
      const along = unit(sub(wrist, elbow));
      return HAND_POINTS.map((d) => add(wrist, scale(along, d)));
    };
    const full: ReadonlyArray<readonly number[]> = [
      hip!,
      rHip!,
      rKnee!,
      rFoot!,
      ...toe(rFoot!),
      lHip!,
      lKnee!,
      lFoot!,
      ...toe(lFoot!),
      scale(add(hip!, spine!), 0.5),
      spine!,
      thorax!,
      neck!,
      head!,
      thorax!,
      lShoulder!,
      lElbow!,
      lWrist!,
      ...hand(lElbow!, lWrist!),
      thorax!,
      rShoulder!,
      rElbow!,
      rWrist!,
      ...hand(rElbow!, rWrist!),
    ];
    full.forEach((v, j) => set(j, v));
  }
  return out;
}

type Vec3 = [number, number, number];

function add(a: readonly number[], b: readonly number[]): Vec3 {
  return [a[0]! + b[0]!, a[1]! + b[1]!, a[2]! + b[2]!];
}

function sub(a: readonly number[], b: readonly number[]): Vec3 {
  return [a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!];
}

function scale(a: readonly number[], s: number): Vec3 {
  return [a[0]! * s, a[1]! * s, a[2]! * s];
}

function unit(a: readonly number[]): Vec3 {
  const n = Math.hypot(a[0]!, a[1]!, a[2]!);
  return n > 0 ? scale(a, 1 / n) : [0, 0, 0];
}
