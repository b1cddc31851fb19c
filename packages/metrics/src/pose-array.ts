import { HeadroomError } from '@headroom/errors';

/** Flat `[n][joints][3]` poses. Units are whatever the caller uses (mm for reports). */
export type PoseArray = Float64Array | Float32Array;

/** Human3.6M in VideoPose3D's 17-joint layout. */
export const POSE3D_JOINTS = 17;

/** Throws unless `n` and `joints` are positive integers and every array holds `n·joints·3` numbers. */
export function checkPoseShape(
  fn: string,
  n: number,
  joints: number,
  arrays: Record<string, PoseArray>,
): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new HeadroomError(
      'INVALID_INPUT',
      `${fn}: n must be a positive integer number of frames, got ${n}`,
    );
  }
  if (!Number.isInteger(joints) || joints < 1) {
    throw new HeadroomError(
      'INVALID_INPUT',
      `${fn}: joints must be a positive integer, got ${joints}`,
    );
  }
  const expected = n * joints * 3;
  for (const [name, arr] of Object.entries(arrays)) {
    if (arr.length !== expected) {
      throw new HeadroomError(
        'INVALID_INPUT',
        `${fn}: ${name} has ${arr.length} numbers, expected n·joints·3 = ${n}·${joints}·3 = ${expected}`,
      );
    }
  }
}
