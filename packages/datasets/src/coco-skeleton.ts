/**
 * COCO person keypoints: the 17 joints in the order of every COCO annotation's
 * `keypoints` array (and of `categories[0].keypoints` in the annotation files).
 */

export const COCO_KEYPOINT_NAMES = [
  'nose',
  'left_eye',
  'right_eye',
  'left_ear',
  'right_ear',
  'left_shoulder',
  'right_shoulder',
  'left_elbow',
  'right_elbow',
  'left_wrist',
  'right_wrist',
  'left_hip',
  'right_hip',
  'left_knee',
  'right_knee',
  'left_ankle',
  'right_ankle',
] as const;

export type CocoKeypointName = (typeof COCO_KEYPOINT_NAMES)[number];

export const COCO_KEYPOINTS = 17;

/** (left, right) joint pairs that swap under a horizontal flip (HRNet `coco.py`). */
export const COCO_FLIP_PAIRS: readonly (readonly [number, number])[] = [
  [1, 2],
  [3, 4],
  [5, 6],
  [7, 8],
  [9, 10],
  [11, 12],
  [13, 14],
  [15, 16],
];

/**
 * Limbs as 0-based joint index pairs. The annotation files store the same 19
 * pairs 1-based (`categories[0].skeleton`); `COCO_SKELETON_ONE_BASED` is that form.
 */
export const COCO_SKELETON: readonly (readonly [number, number])[] = [
  [15, 13],
  [13, 11],
  [16, 14],
  [14, 12],
  [11, 12],
  [5, 11],
  [6, 12],
  [5, 6],
  [5, 7],
  [6, 8],
  [7, 9],
  [8, 10],
  [1, 2],
  [0, 1],
  [0, 2],
  [1, 3],
  [2, 4],
  [3, 5],
  [4, 6],
];

export const COCO_SKELETON_ONE_BASED: readonly (readonly [number, number])[] = COCO_SKELETON.map(
  ([a, b]) => [a + 1, b + 1] as const,
);

/** Joints HRNet's half-body augmentation counts as the upper body (head and arms). */
export const COCO_UPPER_BODY_JOINTS: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** The person category of the keypoint files. */
export const COCO_PERSON_CATEGORY_ID = 1;
