import { HeadroomError } from '@headroom/errors';
import {
  getH36MCameras,
  H36M_SUBJECTS,
  projectToScreen,
  SYNTHETIC_CAMERAS_EXTRINSIC_PARAMS,
  worldToCamera,
  type H36MCamera,
} from './h36m-cameras.js';
import {
  createRng,
  hashString,
  mixSeeds,
  sampleNormal,
  sampleUniform,
  seedWords,
  type Rng,
} from './prng.js';
import { H36M_BONE_LENGTHS, H36M_FPS, H36M_JOINTS, H36M_PARENTS } from './h36m-skeleton.js';

/**
 * A synthetic stand-in for Human3.6M in VideoPose3D's layout, for tests, demos and
 * sweeps on machines without the licensed data: a 17-joint body driven by smooth,
 * joint-limited random angles (forward kinematics, so bone lengths never change),
 * walking or standing inside the capture area, seen by the four cameras.
 * It has the shapes, units and conventions of the real files, not their statistics.
 */

/** One action of one subject, as `dataset[subject][action]` in VideoPose3D. */
export interface H36MAction {
  frames: number;
  /** [frames][17][3], world coordinates, metres. */
  positions3d: Float32Array;
  /** The subject's 4 cameras (the same array for every action of a subject). */
  cameras: readonly H36MCamera[];
  /** One [frames][17][2] array per camera, pixels (VideoPose3D's `positions_2d`). */
  positions2d: Float32Array[];
}

export interface H36MSubject {
  /** This subject's bone lengths in metres, indexed by child joint as `H36M_BONE_LENGTHS`. */
  boneLengths: readonly number[];
  actions: Record<string, H36MAction>;
}

export interface H36MDataset {
  fps: number;
  subjects: Record<string, H36MSubject>;
}

export interface SyntheticH36MOptions {
  seed: number;
  /** Frames per (subject, action); default 100 (2 s at 50 fps). */
  framesPerAction?: number;
  /** Default: the 15 Human3.6M action names. */
  actions?: readonly string[];
  /** Default: all seven subjects with cameras, train then test. */
  subjects?: readonly string[];
}

export const H36M_ACTIONS: readonly string[] = [
  'Directions',
  'Discussion',
  'Eating',
  'Greeting',
  'Phoning',
  'Photo',
  'Posing',
  'Purchases',
  'Sitting',
  'SittingDown',
  'Smoking',
  'Waiting',
  'WalkDog',
  'Walking',
  'WalkTogether',
];

export const H36M_TRAIN_SUBJECTS: readonly string[] = ['S1', 'S5', 'S6', 'S7', 'S8'];
export const H36M_TEST_SUBJECTS: readonly string[] = ['S9', 'S11'];

export const SYNTHETIC_FRAMES_PER_ACTION = 100;

/** Radius (m) of the floor disc the root stays in, around the point the cameras aim at. */
export const SYNTHETIC_CAPTURE_RADIUS = 1.0;
/** Height of the ankle joint above the floor (m): the lower foot stands on the floor. */
const ANKLE_HEIGHT = 0.08;

// ---------------------------------------------------------------------------
// Body model

type Axis = 0 | 1 | 2; // x (forward), y (left), z (up) of the parent frame

/** One rotational degree of freedom. `sign` maps the anatomical angle (flexion > 0) onto the axis for each side. */
interface Dof {
  name: string;
  joint: number;
  axis: Axis;
  sign: 1 | -1;
  lo: number;
  hi: number;
  neutral: number;
}

const X: Axis = 0;
const Y: Axis = 1;
const Z: Axis = 2;

// Body frame: x forward, y left, z up. Per joint, DOFs compose left to right
// (the last applies first). Knees and elbows have one DOF with lo = 0: they only
// bend one way (knee: shin backwards; elbow: forearm forwards).
const DOFS: readonly Dof[] = [
  { name: 'pelvisPitch', joint: 0, axis: Y, sign: 1, lo: -0.15, hi: 0.35, neutral: 0.05 },
  { name: 'pelvisRoll', joint: 0, axis: X, sign: 1, lo: -0.12, hi: 0.12, neutral: 0 },
  ...legDofs('r', 1, 2, -1),
  ...legDofs('l', 4, 5, 1),
  { name: 'spineBend', joint: 7, axis: Y, sign: 1, lo: -0.3, hi: 0.9, neutral: 0.05 },
  { name: 'spineSide', joint: 7, axis: X, sign: 1, lo: -0.35, hi: 0.35, neutral: 0 },
  { name: 'spineTwist', joint: 7, axis: Z, sign: 1, lo: -0.6, hi: 0.6, neutral: 0 },
  { name: 'thoraxBend', joint: 8, axis: Y, sign: 1, lo: -0.2, hi: 0.4, neutral: 0.05 },
  { name: 'thoraxSide', joint: 8, axis: X, sign: 1, lo: -0.15, hi: 0.15, neutral: 0 },
  { name: 'thoraxTwist', joint: 8, axis: Z, sign: 1, lo: -0.3, hi: 0.3, neutral: 0 },
  { name: 'neckBend', joint: 9, axis: Y, sign: 1, lo: -0.6, hi: 0.8, neutral: 0.1 },
  { name: 'neckSide', joint: 9, axis: X, sign: 1, lo: -0.4, hi: 0.4, neutral: 0 },
  { name: 'neckTwist', joint: 9, axis: Z, sign: 1, lo: -1.0, hi: 1.0, neutral: 0 },
  ...armDofs('l', 11, 12, 1),
  ...armDofs('r', 14, 15, -1),
];

function legDofs(side: string, hip: number, knee: number, outward: 1 | -1): Dof[] {
  return [
    { name: `${side}HipFlex`, joint: hip, axis: Y, sign: -1, lo: -0.5, hi: 1.9, neutral: 0.1 },
    {
      name: `${side}HipAbduct`,
      joint: hip,
      axis: X,
      sign: outward,
      lo: -0.2,
      hi: 0.8,
      neutral: 0.05,
    },
    { name: `${side}HipTwist`, joint: hip, axis: Z, sign: outward, lo: -0.5, hi: 0.5, neutral: 0 },
    { name: `${side}KneeFlex`, joint: knee, axis: Y, sign: 1, lo: 0, hi: 2.3, neutral: 0.1 },
  ];
}

function armDofs(side: string, shoulder: number, elbow: number, outward: 1 | -1): Dof[] {
  return [
    {
      name: `${side}ShoulderFlex`,
      joint: shoulder,
      axis: Y,
      sign: -1,
      lo: -0.7,
      hi: 2.8,
      neutral: 0.1,
    },
    {
      name: `${side}ShoulderAbduct`,
      joint: shoulder,
      axis: X,
      sign: outward,
      lo: 0,
      hi: 2.6,
      neutral: 0.15,
    },
    {
      name: `${side}ShoulderTwist`,
      joint: shoulder,
      axis: Z,
      sign: outward,
      lo: -0.9,
      hi: 0.9,
      neutral: 0,
    },
    { name: `${side}ElbowFlex`, joint: elbow, axis: Y, sign: -1, lo: 0, hi: 2.5, neutral: 0.3 },
  ];
}

const DOF_INDEX = new Map(DOFS.map((d, i) => [d.name, i]));

function dofIndex(name: string): number {
  const i = DOF_INDEX.get(name);
  if (i === undefined) throw new HeadroomError('INTERNAL', `unknown degree of freedom ${name}`);
  return i;
}

/** Unit direction of each bone in its parent's frame with every angle at 0 (arms hanging, legs straight). */
const REST_DIRECTIONS: ReadonlyArray<readonly [number, number, number]> = [
  [0, 0, 0],
  [0, -1, 0],
  [0, 0, -1],
  [0, 0, -1],
  [0, 1, 0],
  [0, 0, -1],
  [0, 0, -1],
  [0, 0, 1],
  [0, 0, 1],
  // The Neck/Nose point sits a little in front of the neck.
  [0.0995037190209989, 0, 0.9950371902099892],
  [0, 0, 1],
  [0, 1, 0],
  [0, 0, -1],
  [0, 0, -1],
  [0, -1, 0],
  [0, 0, -1],
  [0, 0, -1],
];

// ---------------------------------------------------------------------------
// Action styles: only what changes the pose distribution in a visible way.

interface ActionStyle {
  /** Root travel speed, m/s; > 0 means walking with a gait cycle. */
  speed: number;
  /** Overrides of the neutral angle of some DOFs (radians). */
  bias: Readonly<Record<string, number>>;
  /** How far (fraction of the range) the target pose wanders from neutral. */
  spread: number;
}

function styleOf(action: string): ActionStyle {
  const name = action.toLowerCase();
  if (name.startsWith('walkdog')) return { speed: 0.8, bias: { spineBend: 0.2 }, spread: 0.15 };
  if (name.startsWith('walk')) return { speed: 1.2, bias: {}, spread: 0.1 };
  if (name.startsWith('sitting')) {
    return {
      speed: 0,
      bias: { rHipFlex: 1.4, lHipFlex: 1.4, rKneeFlex: 1.5, lKneeFlex: 1.5, spineBend: 0.3 },
      spread: 0.2,
    };
  }
  if (/eating|phoning|smoking/.test(name)) {
    return {
      speed: 0,
      bias: { rShoulderFlex: 0.5, rElbowFlex: 2.1, rShoulderAbduct: 0.3 },
      spread: 0.2,
    };
  }
  if (name.startsWith('photo')) {
    return {
      speed: 0,
      bias: { rShoulderFlex: 1.2, lShoulderFlex: 1.2, rElbowFlex: 1.8, lElbowFlex: 1.8 },
      spread: 0.15,
    };
  }
  if (/directions|discussion|greeting|posing/.test(name))
    return { speed: 0, bias: {}, spread: 0.35 };
  return { speed: 0, bias: {}, spread: 0.25 };
}

// ---------------------------------------------------------------------------
// Generation

/**
 * Generates a synthetic Human3.6M dataset. Deterministic in `seed`; every
 * (subject, action) draws from its own stream, so asking for fewer subjects or
 * actions yields exactly the same data for those that remain.
 */
export function generateSyntheticH36M(opts: SyntheticH36MOptions): H36MDataset {
  const { seed } = opts;
  const framesPerAction = opts.framesPerAction ?? SYNTHETIC_FRAMES_PER_ACTION;
  const actions = opts.actions ?? H36M_ACTIONS;
  const subjects = opts.subjects ?? [...H36M_TRAIN_SUBJECTS, ...H36M_TEST_SUBJECTS];
  checkOptions(seed, framesPerAction, actions, subjects);

  const [seedLo, seedHi] = seedWords(seed);
  const dataset: H36MDataset = { fps: H36M_FPS, subjects: {} };
  for (const subject of subjects) {
    const cameras = getH36MCameras(subject, SYNTHETIC_CAMERAS_EXTRINSIC_PARAMS);
    const boneLengths = sampleBoneLengths(
      createRng(mixSeeds(seedLo, seedHi, hashString(subject), hashString('body'))),
    );
    const entry: H36MSubject = { boneLengths, actions: {} };
    for (const action of actions) {
      const rng = createRng(mixSeeds(seedLo, seedHi, hashString(subject), hashString(action)));
      const positions3d = simulateAction(rng, boneLengths, styleOf(action), framesPerAction);
      entry.actions[action] = {
        frames: framesPerAction,
        positions3d,
        cameras,
        positions2d: cameras.map((camera) => projectSequence(positions3d, camera)),
      };
    }
    dataset.subjects[subject] = entry;
  }
  return dataset;
}

function checkOptions(
  seed: number,
  frames: number,
  actions: readonly string[],
  subjects: readonly string[],
): void {
  const fail = (message: string) =>
    new HeadroomError('INVALID_INPUT', `generateSyntheticH36M: ${message}`);
  if (!Number.isSafeInteger(seed)) throw fail(`seed must be an integer, got ${seed}`);
  if (!Number.isInteger(frames) || frames < 1)
    throw fail(`framesPerAction must be a positive integer, got ${frames}`);
  if (actions.length === 0)
    throw fail(`actions is empty; give at least one, e.g. ${H36M_ACTIONS.slice(0, 2).join(', ')}`);
  if (new Set(actions).size !== actions.length)
    throw fail(`actions has duplicates: ${actions.join(', ')}`);
  if (actions.some((a) => typeof a !== 'string' || a.trim() === ''))
    throw fail('every action needs a non-empty name');
  if (subjects.length === 0)
    throw fail(`subjects is empty; give at least one of ${H36M_SUBJECTS.join(', ')}`);
  if (new Set(subjects).size !== subjects.length)
    throw fail(`subjects has duplicates: ${subjects.join(', ')}`);
  for (const s of subjects) {
    if (!(H36M_SUBJECTS as readonly string[]).includes(s)) {
      throw fail(
        `unknown subject ${JSON.stringify(s)}; expected one of ${H36M_SUBJECTS.join(', ')}`,
      );
    }
  }
}

/** Body size 0.92–1.08 of the reference, each bone ±3 % more; left and right stay equal. */
function sampleBoneLengths(rng: Rng): number[] {
  const size = sampleUniform(rng, 0.92, 1.08);
  const lengths = H36M_BONE_LENGTHS.map((l) => l * size);
  const mirrored: ReadonlyArray<readonly [number, number]> = [
    [1, 4],
    [2, 5],
    [3, 6],
    [11, 14],
    [12, 15],
    [13, 16],
  ];
  for (const [r, l] of mirrored) {
    const f = sampleUniform(rng, 0.97, 1.03);
    lengths[r] = (lengths[r] as number) * f;
    lengths[l] = (lengths[l] as number) * f;
  }
  for (const j of [7, 8, 9, 10])
    lengths[j] = (lengths[j] as number) * sampleUniform(rng, 0.97, 1.03);
  return lengths;
}

// Angle dynamics per frame: a damped, mean-reverting random walk on the angular
// velocity, so poses change smoothly at human-like speeds and bounce off joint limits.
const VELOCITY_DAMPING = 0.9;
const PULL_TO_TARGET = 0.004;
const VELOCITY_NOISE = 0.0025; // × the DOF's range, per frame
const TARGET_CHANGE_RATE = 1 / 75; // per frame: a new target pose every ~1.5 s
const GAIT_STRIDE_M = 1.4; // one full gait cycle covers about this distance

function simulateAction(
  rng: Rng,
  bones: readonly number[],
  style: ActionStyle,
  frames: number,
): Float32Array {
  const nd = DOFS.length;
  const angle = new Float64Array(nd);
  const velocity = new Float64Array(nd);
  const target = new Float64Array(nd);
  const pickTarget = (i: number) => {
    const d = DOFS[i] as Dof;
    const centre = style.bias[d.name] ?? d.neutral;
    const t = centre + (rng() - 0.5) * 2 * style.spread * (d.hi - d.lo);
    target[i] = Math.min(d.hi, Math.max(d.lo, t));
  };
  for (let i = 0; i < nd; i++) {
    pickTarget(i);
    angle[i] = target[i] as number;
  }

  // Root: somewhere in the capture disc, facing anywhere.
  const r0 = SYNTHETIC_CAPTURE_RADIUS * 0.8 * Math.sqrt(rng());
  const a0 = 2 * Math.PI * rng();
  let px = r0 * Math.cos(a0);
  let py = r0 * Math.sin(a0);
  let yaw = 2 * Math.PI * rng();
  let yawRate = 0;
  let vx = 0;
  let vy = 0;
  let phase = 2 * Math.PI * rng();

  const gait = style.speed > 0;
  const out = new Float32Array(frames * H36M_JOINTS * 3);
  const posed = new Float64Array(nd);
  const pose = new Float64Array(H36M_JOINTS * 3);

  for (let f = 0; f < frames; f++) {
    if (f > 0) {
      for (let i = 0; i < nd; i++) {
        const d = DOFS[i] as Dof;
        if (rng() < TARGET_CHANGE_RATE) pickTarget(i);
        let v = VELOCITY_DAMPING * (velocity[i] as number);
        v += PULL_TO_TARGET * ((target[i] as number) - (angle[i] as number));
        v += VELOCITY_NOISE * (d.hi - d.lo) * sampleNormal(rng);
        let a = (angle[i] as number) + v;
        if (a < d.lo) [a, v] = [d.lo, -0.5 * v];
        if (a > d.hi) [a, v] = [d.hi, -0.5 * v];
        angle[i] = a;
        velocity[i] = v;
      }
      // Root motion on the floor.
      yawRate = 0.95 * yawRate + 0.002 * sampleNormal(rng);
      yaw += yawRate;
      if (gait) {
        const r = Math.hypot(px, py);
        // Near the edge, steer back towards the middle so the walk stays in view.
        if (r > 0.6 * SYNTHETIC_CAPTURE_RADIUS) yaw += 0.05 * wrapAngle(Math.atan2(-py, -px) - yaw);
        const step = style.speed / H36M_FPS;
        px += step * Math.cos(yaw);
        py += step * Math.sin(yaw);
        phase += (2 * Math.PI * step) / GAIT_STRIDE_M;
      } else {
        vx = 0.95 * vx + 0.0004 * sampleNormal(rng) - 0.002 * px;
        vy = 0.95 * vy + 0.0004 * sampleNormal(rng) - 0.002 * py;
        px += vx;
        py += vy;
      }
      const r = Math.hypot(px, py);
      if (r > SYNTHETIC_CAPTURE_RADIUS) {
        px *= SYNTHETIC_CAPTURE_RADIUS / r;
        py *= SYNTHETIC_CAPTURE_RADIUS / r;
      }
    }

    posed.set(angle);
    if (gait) addGait(posed, phase);
    posePelvisFrame(posed, yaw, bones, pose);
    // Stand the lower ankle on the floor: the root height follows the legs.
    const lift = ANKLE_HEIGHT - Math.min(pose[3 * 3 + 2] as number, pose[6 * 3 + 2] as number);
    const base = f * H36M_JOINTS * 3;
    for (let j = 0; j < H36M_JOINTS; j++) {
      out[base + j * 3] = (pose[j * 3] as number) + px;
      out[base + j * 3 + 1] = (pose[j * 3 + 1] as number) + py;
      out[base + j * 3 + 2] = (pose[j * 3 + 2] as number) + lift;
    }
  }
  return out;
}

/** Swinging legs and counter-swinging arms, on top of the wandering pose (then clamped to the limits). */
function addGait(posed: Float64Array, phase: number): void {
  const s = Math.sin(phase);
  const add = (name: string, delta: number) => {
    const i = dofIndex(name);
    const d = DOFS[i] as Dof;
    posed[i] = Math.min(d.hi, Math.max(d.lo, (posed[i] as number) + delta));
  };
  add('rHipFlex', 0.4 * s);
  add('lHipFlex', -0.4 * s);
  // The knee bends most while its leg swings forward.
  add('rKneeFlex', 0.7 * Math.max(0, Math.cos(phase)));
  add('lKneeFlex', 0.7 * Math.max(0, -Math.cos(phase)));
  add('rShoulderFlex', -0.3 * s);
  add('lShoulderFlex', 0.3 * s);
}

/**
 * Forward kinematics: joint positions (flat [17][3]) with the root at the origin,
 * turned by `yaw` about the vertical. Each joint's global rotation is its parent's
 * times its own DOF rotations, and each bone is its rest direction × length rotated
 * by the parent's global rotation — so bone lengths are exact by construction.
 */
function posePelvisFrame(
  posed: Float64Array,
  yaw: number,
  bones: readonly number[],
  out: Float64Array,
): void {
  const global: Float64Array[] = new Array<Float64Array>(H36M_JOINTS);
  const local = new Float64Array(9);
  const tmp = new Float64Array(9);

  for (let j = 0; j < H36M_JOINTS; j++) {
    const parent = H36M_PARENTS[j] as number;
    if (parent < 0) {
      out[0] = 0;
      out[1] = 0;
      out[2] = 0;
      global[j] = axisRotation(Z, yaw);
    } else {
      const g = global[parent] as Float64Array;
      const dir = REST_DIRECTIONS[j] as readonly [number, number, number];
      const len = bones[j] as number;
      for (let a = 0; a < 3; a++) {
        out[j * 3 + a] =
          (out[parent * 3 + a] as number) +
          len *
            ((g[a * 3] as number) * dir[0] +
              (g[a * 3 + 1] as number) * dir[1] +
              (g[a * 3 + 2] as number) * dir[2]);
      }
      global[j] = g.slice();
    }
    // Compose this joint's DOFs (they rotate the bones to its children).
    for (let i = 0; i < DOFS.length; i++) {
      const d = DOFS[i] as Dof;
      if (d.joint !== j) continue;
      setAxisRotation(d.axis, d.sign * (posed[i] as number), local);
      multiply3(global[j] as Float64Array, local, tmp);
      (global[j] as Float64Array).set(tmp);
    }
  }
}

function axisRotation(axis: Axis, angle: number): Float64Array {
  const m = new Float64Array(9);
  setAxisRotation(axis, angle, m);
  return m;
}

function setAxisRotation(axis: Axis, angle: number, m: Float64Array): void {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  if (axis === 0) m.set([1, 0, 0, 0, c, -s, 0, s, c]);
  else if (axis === 1) m.set([c, 0, s, 0, 1, 0, -s, 0, c]);
  else m.set([c, -s, 0, s, c, 0, 0, 0, 1]);
}

function multiply3(a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < 3; i++) {
    for (let k = 0; k < 3; k++) {
      out[i * 3 + k] =
        (a[i * 3] as number) * (b[k] as number) +
        (a[i * 3 + 1] as number) * (b[3 + k] as number) +
        (a[i * 3 + 2] as number) * (b[6 + k] as number);
    }
  }
}

function wrapAngle(a: number): number {
  return Math.atan2(Math.sin(a), Math.cos(a));
}

/** World positions [T][17][3] → pixels [T][17][2] in one camera (float32, like the real files). */
function projectSequence(positions3d: Float32Array, camera: H36MCamera): Float32Array {
  const cam = worldToCamera(positions3d, camera);
  return projectToScreen(
    cam,
    camera,
    new Float32Array((positions3d.length / 3) * 2),
  ) as Float32Array;
}
