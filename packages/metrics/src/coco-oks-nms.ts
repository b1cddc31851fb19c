import { COCO_KEYPOINTS, EPS, VARS } from './coco-oks.js';
import { pairwiseSum } from './numpy-float.js';

/** HRNet's `TEST.OKS_THRE`: a person whose OKS with a better-scored one exceeds it is dropped. */
export const OKS_NMS_THRESHOLD = 0.9;

/** One predicted person, as HRNet's `oks_nms` reads its `kpts_db` entries. */
export interface OksNmsCandidate {
  imageId: number;
  /** 51 numbers: x, y, score per keypoint, in image pixels. */
  keypoints: ArrayLike<number>;
  /** The person's scale in pixels² (HRNet: the crop's `scale[0] · scale[1] · 200²`). */
  area: number;
  score: number;
}

// One scratch buffer, as in `computeOks`: NMS compares every pair of an image's people.
const terms = new Float64Array(COCO_KEYPOINTS);

/**
 * HRNet's `oks_iou` of two predicted people: `e = (dx² + dy²) / vars / (mean area + eps) / 2`
 * over all 17 keypoints (no visibility test, as HRNet calls it), and the mean of `exp(−e)`
 * summed in numpy's order. Symmetric in `a` and `b`.
 */
export function oksIou(a: OksNmsCandidate, b: OksNmsCandidate): number {
  const s = (a.area + b.area) / 2 + EPS;
  for (let k = 0; k < COCO_KEYPOINTS; k++) {
    const dx = (b.keypoints[3 * k] as number) - (a.keypoints[3 * k] as number);
    const dy = (b.keypoints[3 * k + 1] as number) - (a.keypoints[3 * k + 1] as number);
    terms[k] = Math.exp(-((dx * dx + dy * dy) / (VARS[k] as number) / s / 2));
  }
  return pairwiseSum(terms, 0, COCO_KEYPOINTS) / COCO_KEYPOINTS;
}

/**
 * HRNet's OKS non-maximum suppression, image by image as its `evaluate` runs `oks_nms`:
 * within an image, best score first, each kept person drops the remaining ones whose
 * `oksIou` with it is above `threshold`. Returns the kept people, images in the order they
 * first appear, best first within an image. Equal scores keep their input order (numpy's
 * `argsort()[::-1]` may order ties differently; ties between real scores are rare).
 */
export function oksNms<T extends OksNmsCandidate>(
  people: readonly T[],
  threshold = OKS_NMS_THRESHOLD,
): T[] {
  const byImage = new Map<number, T[]>();
  for (const p of people) {
    const group = byImage.get(p.imageId);
    if (group) group.push(p);
    else byImage.set(p.imageId, [p]);
  }
  const keep: T[] = [];
  for (const group of byImage.values()) {
    let order = group.sort((a, b) => b.score - a.score);
    while (order.length > 0) {
      const best = order[0] as T;
      keep.push(best);
      order = order.slice(1).filter((p) => oksIou(best, p) <= threshold);
    }
  }
  return keep;
}
