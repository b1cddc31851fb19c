/**
 * Human3.6M's 17-joint skeleton in VideoPose3D's layout (after `remove_joints`
 * and the shoulder rewiring in `common/h36m_dataset.py`).
 */

export const H36M_JOINT_NAMES = [
  'Hip',
  'RHip',
  'RKnee',
  'RFoot',
  'LHip',
  'LKnee',
  'LFoot',
  'Spine',
  'Thorax',
  'Neck/Nose',
  'Head',
  'LShoulder',
  'LElbow',
  'LWrist',
  'RShoulder',
  'RElbow',
  'RWrist',
] as const;

export type H36MJointName = (typeof H36M_JOINT_NAMES)[number];

export const H36M_JOINTS = 17;

/** Parent of each joint; the root (Hip, 0) has −1. Parents always precede children. */
export const H36M_PARENTS: readonly number[] = [
  -1, 0, 1, 2, 0, 4, 5, 0, 7, 8, 9, 8, 11, 12, 8, 14, 15,
];

export const H36M_JOINTS_LEFT: readonly number[] = [4, 5, 6, 11, 12, 13];
export const H36M_JOINTS_RIGHT: readonly number[] = [1, 2, 3, 14, 15, 16];

/** Capture rate of Human3.6M (and of VideoPose3D's files). */
export const H36M_FPS = 50;

/**
 * Approximate adult bone lengths in metres, indexed by the child joint (the bone
 * from `H36M_PARENTS[j]` to `j`; the root has 0). Round, plausible numbers close
 * to Human3.6M averages — not measured from the dataset.
 */
export const H36M_BONE_LENGTHS: readonly number[] = [
  0, // Hip (root)
  0.13, // RHip: half the hip width
  0.45, // RKnee: thigh
  0.45, // RFoot: shin
  0.13, // LHip
  0.45, // LKnee
  0.45, // LFoot
  0.23, // Spine: pelvis to mid-spine
  0.25, // Thorax
  0.11, // Neck/Nose
  0.12, // Head
  0.15, // LShoulder: thorax to shoulder
  0.28, // LElbow: upper arm
  0.25, // LWrist: forearm
  0.15, // RShoulder
  0.28, // RElbow
  0.25, // RWrist
];
