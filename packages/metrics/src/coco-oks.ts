import { pairwiseSum } from './numpy-float.js';

/** COCO's 17 person keypoints, so 51 numbers (x, y, v) per annotation or result. */
export const COCO_KEYPOINTS = 17;

/**
 * Per-keypoint OKS sigmas in COCO order (nose, eyes, ears, shoulders, elbows, wrists,
 * hips, knees, ankles), as pycocotools' `Params.kpt_oks_sigmas`: the literal divided
 * by 10 in float64, exactly as numpy does it.
 */
export const COCO_KEYPOINT_SIGMAS: readonly number[] = [
  0.26, 0.25, 0.25, 0.35, 0.35, 0.79, 0.79, 0.72, 0.72, 0.62, 0.62, 1.07, 1.07, 0.87, 0.87, 0.89,
  0.89,
].map((s) => s / 10);

/** `vars = (sigmas * 2) ** 2`, element by element, like numpy (OKS and OKS-NMS share it). */
export const VARS = Float64Array.from(COCO_KEYPOINT_SIGMAS, (s) => s * 2 * (s * 2));

/** `np.spacing(1)`: keeps a zero-area ground truth from dividing by zero. */
export const EPS = 2 ** -52;

/** What OKS needs of a ground truth: COCO's `keypoints` (x, y, v × 17), `area` and `bbox`. */
export interface OksGroundTruth {
  keypoints: ArrayLike<number>;
  area: number;
  bbox: ArrayLike<number>;
}

// One scratch buffer: OKS runs once per (detection, ground truth) pair, hundreds of
// thousands of times on a COCO val set, and must not allocate each time.
const terms = new Float64Array(COCO_KEYPOINTS);

/**
 * Object keypoint similarity of one detection (51 numbers, x, y, score per keypoint)
 * with one ground truth, operation for operation as pycocotools' `computeOks`:
 * `e = (dx² + dy²) / vars / (area + eps) / 2` and the mean of `exp(−e)` over the
 * ground truth's labelled keypoints (`v > 0`). A ground truth without any labelled
 * keypoint measures each detected keypoint's distance to the box
 * `[x − w, x + 2w] × [y − h, y + 2h]` (0 inside it) and averages over all 17.
 *
 * Equal to numpy's value to within an ulp or two: numpy's `exp` (its own SIMD
 * code on AVX-512 machines, libm elsewhere) and V8's `Math.exp` may round the last
 * bit differently. Only comparisons of OKS reach the COCO stats.
 */
export function computeOks(dtKeypoints: ArrayLike<number>, gt: OksGroundTruth): number {
  const g = gt.keypoints;
  let labelled = 0;
  for (let k = 0; k < COCO_KEYPOINTS; k++) if ((g[3 * k + 2] as number) > 0) labelled++;
  const denominator = gt.area + EPS;
  let n = 0;
  if (labelled > 0) {
    for (let k = 0; k < COCO_KEYPOINTS; k++) {
      if (!((g[3 * k + 2] as number) > 0)) continue;
      const dx = (dtKeypoints[3 * k] as number) - (g[3 * k] as number);
      const dy = (dtKeypoints[3 * k + 1] as number) - (g[3 * k + 1] as number);
      const e = (dx * dx + dy * dy) / (VARS[k] as number) / denominator / 2;
      terms[n++] = Math.exp(-e);
    }
  } else {
    const b = gt.bbox;
    const bx = b[0] as number;
    const by = b[1] as number;
    const bw = b[2] as number;
    const bh = b[3] as number;
    const x0 = bx - bw;
    const x1 = bx + bw * 2;
    const y0 = by - bh;
    const y1 = by + bh * 2;
    for (let k = 0; k < COCO_KEYPOINTS; k++) {
      const xd = dtKeypoints[3 * k] as number;
      const yd = dtKeypoints[3 * k + 1] as number;
      const dx = Math.max(0, x0 - xd) + Math.max(0, xd - x1);
      const dy = Math.max(0, y0 - yd) + Math.max(0, yd - y1);
      const e = (dx * dx + dy * dy) / (VARS[k] as number) / denominator / 2;
      terms[n++] = Math.exp(-e);
    }
  }
  // np.sum(np.exp(-e)) / e.shape[0]: numpy's pairwise order matters from 8 terms on.
  return pairwiseSum(terms, 0, n) / n;
}
