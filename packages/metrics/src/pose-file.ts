import { invalidInput } from './coco-check.js';
import { readJsonFile } from './json-file.js';
import { makeRootRelative, mpjpe } from './mpjpe.js';
import { pMpjpe } from './p-mpjpe.js';
import { POSE3D_JOINTS } from './pose-array.js';

/** A pose file read into memory: flat `[n][17][3]`, mm. */
export interface PoseFile {
  data: Float64Array;
  n: number;
}

/** What `headroom eval pose3d` reports, under the pose3d task's metric names. Errors in mm. */
export interface Pose3dEvaluation {
  mpjpe: number;
  p_mpjpe: number;
  frames: number;
}

const EXPECTED = `a JSON array of frames [N][${POSE3D_JOINTS}][3] (x, y, z in mm, Human3.6M joint order)`;

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string')
    return JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value);
  if (typeof value === 'number')
    return Number.isFinite(value) ? 'a number' : `${value} (out of range)`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/**
 * Reads a 3D pose prediction or ground-truth file: a JSON array `[N][17][3]` of
 * finite numbers in mm. Every problem is a `HeadroomError('INVALID_INPUT')` whose
 * message names the file and the first bad item, and says what would be valid.
 */
export function readPoseFile(path: string): PoseFile {
  const doc = readJsonFile(path, EXPECTED);

  if (!Array.isArray(doc))
    throw invalidInput(path, '', `is ${describeValue(doc)}; expected ${EXPECTED}`);
  if (doc.length === 0)
    throw invalidInput(path, '', `has no frames; expected ${EXPECTED} with N ≥ 1`);

  const n = doc.length;
  const data = new Float64Array(n * POSE3D_JOINTS * 3);
  for (let f = 0; f < n; f++) {
    const frame: unknown = doc[f];
    if (!Array.isArray(frame)) {
      throw invalidInput(
        path,
        `[${f}]`,
        `is ${describeValue(frame)}, expected an array of ${POSE3D_JOINTS} joints [x, y, z]`,
      );
    }
    if (frame.length !== POSE3D_JOINTS) {
      throw invalidInput(
        path,
        `[${f}]`,
        `has ${frame.length} joints, expected ${POSE3D_JOINTS} (Human3.6M order)`,
      );
    }
    for (let j = 0; j < POSE3D_JOINTS; j++) {
      const joint: unknown = frame[j];
      if (!Array.isArray(joint)) {
        throw invalidInput(
          path,
          `[${f}][${j}]`,
          `is ${describeValue(joint)}, expected [x, y, z] in mm`,
        );
      }
      if (joint.length !== 3) {
        throw invalidInput(
          path,
          `[${f}][${j}]`,
          `has ${joint.length} numbers, expected 3 (x, y, z in mm)`,
        );
      }
      for (let c = 0; c < 3; c++) {
        const value: unknown = joint[c];
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          throw invalidInput(
            path,
            `[${f}][${j}][${c}]`,
            `is ${describeValue(value)}, expected a finite number (mm)`,
          );
        }
        data[(f * POSE3D_JOINTS + j) * 3 + c] = value;
      }
    }
  }
  return { data, n };
}

/**
 * MPJPE (Protocol 1) and P-MPJPE (Protocol 2) of a prediction file against a
 * ground-truth file, both `[N][17][3]` in mm with frames in the same order. Both are
 * made root-relative first (joint 0 subtracted), as in VideoPose3D's evaluation.
 * Errors are averaged over all frames (not per action first).
 */
export function evaluatePose3dFiles(gtPath: string, predPath: string): Pose3dEvaluation {
  const gt = readPoseFile(gtPath);
  const pred = readPoseFile(predPath);
  if (gt.n !== pred.n) {
    const message = `has ${pred.n} frames but ${gtPath} has ${gt.n}; expected one prediction per ground-truth frame, in the same order`;
    throw invalidInput(predPath, '', message);
  }
  const gtRel = makeRootRelative(gt.data, gt.n);
  const predRel = makeRootRelative(pred.data, pred.n);
  return {
    mpjpe: mpjpe(predRel, gtRel, gt.n),
    p_mpjpe: pMpjpe(predRel, gtRel, gt.n),
    frames: gt.n,
  };
}
