import { checkCocoGroundTruth, checkCocoResults, DT_EXPECTED, GT_EXPECTED } from './coco-check.js';
import { evaluateCheckedCocoKeypoints } from './coco-eval.js';
import type { CocoKeypointStats } from './coco-types.js';
import { readJsonFile } from './json-file.js';

/**
 * `headroom eval coco`: COCO keypoint AP/AR of a results file (`--dt`) against a COCO
 * annotation file (`--gt`), identical to pycocotools' `COCOeval(gt, gt.loadRes(dt),
 * 'keypoints')` (see `evaluateCocoKeypoints`). Any problem with either file is a
 * `HeadroomError('INVALID_INPUT')` whose message names the file, the item and the
 * field, and says what would be valid.
 */
export function evaluateCocoFiles(gtPath: string, dtPath: string): CocoKeypointStats {
  const gt = checkCocoGroundTruth(readJsonFile(gtPath, GT_EXPECTED), gtPath);
  const dt = checkCocoResults(readJsonFile(dtPath, DT_EXPECTED), dtPath, gt, gtPath);
  return evaluateCheckedCocoKeypoints(gt, dt);
}
