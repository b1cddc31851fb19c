/**
 * COCO keypoint files as pycocotools reads them. Field names are COCO's own
 * (snake_case), because these types describe the JSON files users hand us.
 */

/** One person in a COCO annotation file (`person_keypoints_val2017.json`). */
export interface CocoKeypointAnnotation {
  /** Unique among annotations. */
  id: number;
  image_id: number;
  category_id: number;
  /** 51 numbers: x, y, v for each of the 17 keypoints; v > 0 means labelled. */
  keypoints: readonly number[];
  /** Labelled keypoints; 0 makes the annotation ignored (as a crowd is). */
  num_keypoints: number;
  /** Segment area in pixels²: the OKS scale and the area range test. */
  area: number;
  /** [x, y, w, h]; OKS falls back to it when no keypoint is labelled. */
  bbox: readonly number[];
  /** 1 (or true): a crowd region; detections on it are neither right nor wrong. */
  iscrowd: number | boolean;
}

/** The parts of a COCO annotation file the keypoint evaluation reads. */
export interface CocoKeypointsGroundTruth {
  /** Every image evaluated, with or without people. */
  images: ReadonlyArray<{ id: number }>;
  annotations: readonly CocoKeypointAnnotation[];
  /** Each category is evaluated and the stats averaged over them; usually only person (1). */
  categories: ReadonlyArray<{ id: number; name?: string }>;
}

/** One detection in a COCO results file. */
export interface CocoKeypointResult {
  image_id: number;
  category_id: number;
  /** 51 numbers: x, y and a per-keypoint score (unused) for each of the 17 keypoints. */
  keypoints: readonly number[];
  score: number;
  /**
   * Optional [x, y, w, h]. pycocotools' `loadRes` looks at the *first* result only:
   * when it has a non-empty bbox, every detection's area is its bbox's w·h;
   * otherwise areas come from the extent of the keypoints.
   */
  bbox?: readonly number[];
}

/**
 * pycocotools' ten keypoint stats, in its order, under the pose2d task's metric names
 * (the same words in sweep files, GraphQL, the database and CLI output; the paper labels
 * AP, AP50, …, APm, APl, AR, …, ARm, ARl are for human-readable tables only).
 * −1 where no ground truth counts.
 */
export interface CocoKeypointStats {
  /** AP @[OKS=0.50:0.95 | area=all | maxDets=20] */
  ap: number;
  ap50: number;
  ap75: number;
  /** area 32²…96² (medium) */
  apm: number;
  /** area ≥ 96² (large) */
  apl: number;
  /** AR @[OKS=0.50:0.95 | area=all | maxDets=20] */
  ar: number;
  ar50: number;
  ar75: number;
  arm: number;
  arl: number;
}

/** The stats' keys in pycocotools' `stats[0..9]` order. */
export const COCO_KEYPOINT_STAT_KEYS = [
  'ap',
  'ap50',
  'ap75',
  'apm',
  'apl',
  'ar',
  'ar50',
  'ar75',
  'arm',
  'arl',
] as const satisfies ReadonlyArray<keyof CocoKeypointStats>;
