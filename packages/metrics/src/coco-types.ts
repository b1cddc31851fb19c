import { TASKS, type MetricName } from '@headroom/sweep';
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
 * pycocotools' ten keypoint stats (AP, AP50, AP75, APm, APl, AR, AR50, AR75, ARm, ARl), under
 * the pose2d task's metric names from @headroom/sweep (`ap` … `arl`: the same words in sweep
 * files, GraphQL, the database and CLI output; the paper labels are for human-readable tables).
 * All at OKS 0.50:0.95 unless named (50, 75), area all unless named (m: 32²…96², l: ≥ 96²),
 * maxDets 20. −1 where no ground truth counts.
 */
export type CocoKeypointStats = Record<MetricName<'pose2d'>, number>;

/** The stats' keys in pycocotools' `stats[0..9]` order (the task lists them in that order). */
export const COCO_KEYPOINT_STAT_KEYS = Object.keys(TASKS.pose2d.metrics) as ReadonlyArray<
  MetricName<'pose2d'>
>;
