import { checkPoseShape, POSE3D_JOINTS, type PoseArray } from './pose-array.js';

/**
 * Protocol 1 (MPJPE): mean over frames and joints of the Euclidean distance between
 * predicted and ground-truth joints, as VideoPose3D's `mpjpe` in `common/loss.py`.
 * Inputs are flat `[n][joints][3]`; the result is in the inputs' unit. Poses are
 * compared as given: make both root-relative first for the standard protocol.
 */
export function mpjpe(pred: PoseArray, gt: PoseArray, n: number, joints = POSE3D_JOINTS): number {
  checkPoseShape('mpjpe', n, joints, { pred, gt });
  const points = n * joints;
  let sum = 0;
  for (let p = 0; p < points; p++) {
    const o = p * 3;
    const dx = (pred[o] as number) - (gt[o] as number);
    const dy = (pred[o + 1] as number) - (gt[o + 1] as number);
    const dz = (pred[o + 2] as number) - (gt[o + 2] as number);
    sum += Math.sqrt(dx * dx + dy * dy + dz * dz);
  }
  return sum / points;
}

/**
 * A copy of `poses` with joint 0 (the root) subtracted from every joint of its frame,
 * so the root becomes 0 — VideoPose3D's `pos[:, 1:] -= pos[:, :1]` with the root zeroed.
 * The result has the input's element type.
 */
export function makeRootRelative<T extends PoseArray>(
  poses: T,
  n: number,
  joints = POSE3D_JOINTS,
): T {
  checkPoseShape('makeRootRelative', n, joints, { poses });
  const out = poses.slice() as T;
  const stride = joints * 3;
  for (let f = 0; f < n; f++) {
    const base = f * stride;
    const rx = out[base] as number;
    const ry = out[base + 1] as number;
    const rz = out[base + 2] as number;
    for (let j = 0; j < joints; j++) {
      const o = base + j * 3;
      out[o] = (out[o] as number) - rx;
      out[o + 1] = (out[o + 1] as number) - ry;
      out[o + 2] = (out[o + 2] as number) - rz;
    }
  }
  return out;
}
