import { checkCocoGroundTruth, checkCocoResults } from './coco-check.js';
import { computeOks, COCO_KEYPOINTS, EPS } from './coco-oks.js';
import type {
  CocoKeypointResult,
  CocoKeypointStats,
  CocoKeypointsGroundTruth,
} from './coco-types.js';
import { linspace, npMean } from './numpy-float.js';

// pycocotools `Params.setKpParams`, built the way it builds them (np.round, then
// np.linspace), so the thresholds are the same doubles and `== .75` finds one.
const IOU_THRS = linspace(0.5, 0.95, Math.round((0.95 - 0.5) / 0.05) + 1);
const REC_THRS = linspace(0.0, 1.0, Math.round((1.0 - 0.0) / 0.01) + 1);
const MAX_DETS = 20;
/** all, medium, large: `[0², 1e5²]`, `[32², 96²]`, `[96², 1e5²]`, both ends inclusive. */
const AREA_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0, 1e5 ** 2],
  [32 ** 2, 96 ** 2],
  [96 ** 2, 1e5 ** 2],
];
const T = IOU_THRS.length;
const R = REC_THRS.length;
const A = AREA_RANGES.length;
/** Matching never asks for more than this, so an OKS of exactly 1 can match at any threshold. */
const MAX_IOU = 1 - 1e-10;

interface Gt {
  id: number;
  area: number;
  /** iscrowd, or num_keypoints == 0: matching it neither helps nor hurts. */
  ignore: boolean;
  crowd: boolean;
  ann: CocoKeypointsGroundTruth['annotations'][number];
}

interface Dt {
  score: number;
  area: number;
  keypoints: readonly number[];
  /** Position in the results list: the tie-break that makes our sort stable. */
  order: number;
}

/** One image and category that has ground truths or detections (pycocotools' non-None evalImgs). */
interface ImageEval {
  gts: Gt[];
  /** Highest score first, stable, at most MAX_DETS. */
  dts: Dt[];
  /** dts × gts OKS, row-major; empty when either side is. */
  oks: Float64Array;
}

/**
 * COCO keypoint AP/AR, identical to pycocotools'
 * `COCOeval(cocoGt, cocoGt.loadRes(dt), 'keypoints')` followed by `evaluate()`,
 * `accumulate()` and `summarize()` with default parameters: all ground-truth
 * images, every category in `gt.categories`, OKS thresholds 0.50:0.05:0.95,
 * 101 recall points, at most 20 detections per image, areas all / medium / large.
 *
 * Reproduced on purpose, quirks included: crowds and `num_keypoints == 0` are
 * ignored; detection areas come from the extent of all 17 keypoints (or from the
 * bbox when the first result has one, as `loadRes` does); scores are sorted with
 * a stable sort (numpy's mergesort); a match to a ground truth whose id is 0 counts
 * as no match (pycocotools stores the matched id and tests it for truth); settings
 * without ground truth are −1 and left out of the means; ground-truth annotations
 * on images or categories missing from `images` / `categories` are not evaluated.
 * Thresholds are built like `np.linspace` and means summed like `np.mean` (pairwise),
 * so the stats equal pycocotools' bit for bit. The one float64 operation that is
 * not reproduced bit for bit is `exp` inside OKS (numpy's SIMD exp vs V8's, which may
 * round the last bit differently); only an OKS within an ulp of a threshold, or of
 * another ground truth's OKS, could then match differently — just as pycocotools'
 * own results can differ between a machine with AVX-512 and one without.
 *
 * Unlike pycocotools, an empty results list is allowed (`loadRes` crashes on it):
 * every setting with ground truth scores 0; and duplicate annotation ids are an
 * error (pycocotools silently evaluates one annotation twice). Malformed input throws
 * `HeadroomError('INVALID_INPUT')` naming the item and field.
 */
export function evaluateCocoKeypoints(
  gt: CocoKeypointsGroundTruth,
  dt: readonly CocoKeypointResult[],
): CocoKeypointStats {
  const checkedGt = checkCocoGroundTruth(gt, 'ground truth');
  const checkedDt = checkCocoResults(dt, 'results', checkedGt, 'the ground truth');
  return evaluateCheckedCocoKeypoints(checkedGt, checkedDt);
}

/** `evaluateCocoKeypoints` for input that has been through `checkCocoGroundTruth` / `checkCocoResults`. */
export function evaluateCheckedCocoKeypoints(
  gt: CocoKeypointsGroundTruth,
  dt: readonly CocoKeypointResult[],
): CocoKeypointStats {
  // Params: imgIds = sorted(getImgIds()), catIds = sorted(getCatIds()); evaluate() then np.unique's them.
  const imgIds = uniqueSorted(gt.images.map((img) => img.id));
  const catIds = uniqueSorted(gt.categories.map((cat) => cat.id));
  const I = imgIds.length;
  const K = catIds.length;
  const imgIndex = new Map(imgIds.map((id, i) => [id, i]));
  const catIndex = new Map(catIds.map((id, k) => [id, k]));

  // _prepare(): group by (image, category), each group in file order.
  const gtGroups: Array<Gt[] | undefined> = new Array(K * I);
  for (const ann of gt.annotations) {
    const i = imgIndex.get(ann.image_id);
    const k = catIndex.get(ann.category_id);
    if (i === undefined || k === undefined) continue;
    const crowd = ann.iscrowd === true || ann.iscrowd === 1;
    const g: Gt = {
      id: ann.id,
      area: ann.area,
      ignore: crowd || ann.num_keypoints === 0,
      crowd,
      ann,
    };
    (gtGroups[k * I + i] ??= []).push(g);
  }
  const firstBbox = dt[0]?.bbox;
  const areaFromBbox = firstBbox !== undefined && firstBbox.length > 0;
  const dtGroups: Array<Dt[] | undefined> = new Array(K * I);
  dt.forEach((res, order) => {
    const i = imgIndex.get(res.image_id);
    const k = catIndex.get(res.category_id);
    if (i === undefined || k === undefined) return;
    const area = areaFromBbox ? bboxArea(res.bbox) : keypointExtentArea(res.keypoints);
    (dtGroups[k * I + i] ??= []).push({ score: res.score, area, keypoints: res.keypoints, order });
  });

  const precision = new Float64Array(T * R * K * A).fill(-1);
  const recall = new Float64Array(T * K * A).fill(-1);

  for (let k = 0; k < K; k++) {
    // evaluate(): per image, OKS once, then matching per area range.
    const evals: ImageEval[] = [];
    for (let i = 0; i < I; i++) {
      const gts = gtGroups[k * I + i] ?? [];
      const all = dtGroups[k * I + i] ?? [];
      if (gts.length === 0 && all.length === 0) continue;
      const dts = all.sort(byScoreDescending).slice(0, MAX_DETS);
      evals.push({ gts, dts, oks: oksMatrix(dts, gts) });
    }
    if (evals.length === 0) continue;

    // accumulate(): the images' detections concatenated in image-id order, then one stable sort.
    let n = 0;
    for (const e of evals) n += e.dts.length;
    const scores = new Float64Array(n);
    const offsets = new Int32Array(evals.length);
    let off = 0;
    evals.forEach((e, j) => {
      offsets[j] = off;
      for (const d of e.dts) scores[off++] = d.score;
    });
    const ranked = Array.from({ length: n }, (_, j) => j);
    ranked.sort((p, q) => {
      const sp = scores[p] as number;
      const sq = scores[q] as number;
      return sp > sq ? -1 : sp < sq ? 1 : p - q;
    });

    const matched = new Uint8Array(T * n);
    const ignored = new Uint8Array(T * n);
    const rc = new Float64Array(n);
    const pr = new Float64Array(n);
    for (let a = 0; a < A; a++) {
      const range = AREA_RANGES[a] as readonly [number, number];
      matched.fill(0);
      ignored.fill(0);
      let npig = 0;
      evals.forEach((e, j) => {
        npig += matchImage(e, range, matched, ignored, offsets[j] as number, n);
      });
      if (npig === 0) continue;

      for (let t = 0; t < T; t++) {
        let tp = 0;
        let fp = 0;
        for (let j = 0; j < n; j++) {
          const at = t * n + (ranked[j] as number);
          if (!ignored[at]) {
            if (matched[at]) tp++;
            else fp++;
          }
          rc[j] = tp / npig;
          pr[j] = tp / (fp + tp + EPS);
        }
        recall[(t * K + k) * A + a] = n > 0 ? (rc[n - 1] as number) : 0;
        // Precision made non-increasing from the right (the interpolated PR curve).
        for (let j = n - 1; j > 0; j--) {
          if ((pr[j] as number) > (pr[j - 1] as number)) pr[j - 1] = pr[j] as number;
        }
        // np.searchsorted(rc, recThrs, side='left'): first j with rc[j] >= threshold;
        // thresholds past the last recall keep precision 0.
        let j = 0;
        for (let r = 0; r < R; r++) {
          const thr = REC_THRS[r] as number;
          while (j < n && (rc[j] as number) < thr) j++;
          precision[((t * R + r) * K + k) * A + a] = j < n ? (pr[j] as number) : 0;
        }
      }
    }
  }

  return summarize(precision, recall, K);
}

/**
 * evaluateImg() for one area range: writes each detection's matched / ignored flag
 * per threshold at `offset` in the concatenated arrays; returns the number of
 * ground truths that count (not ignored, inside the range).
 */
function matchImage(
  e: ImageEval,
  [lo, hi]: readonly [number, number],
  matched: Uint8Array,
  ignored: Uint8Array,
  offset: number,
  n: number,
): number {
  const { gts, dts, oks } = e;
  const G = gts.length;
  const D = dts.length;
  // Ground truths that count first, ignored ones last, each group in file order (stable).
  const order: number[] = [];
  for (let g = 0; g < G; g++) if (!isIgnored(gts[g] as Gt, lo, hi)) order.push(g);
  const counted = order.length;
  for (let g = 0; g < G; g++) if (isIgnored(gts[g] as Gt, lo, hi)) order.push(g);

  if (G > 0 && D > 0) {
    const taken = new Uint8Array(G);
    for (let t = 0; t < T; t++) {
      taken.fill(0);
      const threshold = Math.min(IOU_THRS[t] as number, MAX_IOU);
      for (let d = 0; d < D; d++) {
        let best = threshold;
        let m = -1;
        for (let s = 0; s < G; s++) {
          const g = gts[order[s] as number] as Gt;
          // A matched ground truth is taken, unless it is a crowd.
          if (taken[s] && !g.crowd) continue;
          // Matched to one that counts: stop at the first ignored one (they are sorted last).
          if (m > -1 && m < counted && s >= counted) break;
          const o = oks[d * G + (order[s] as number)] as number;
          // `<`, not `<=`: on equal OKS the later ground truth wins, as in pycocotools.
          if (o < best) continue;
          best = o;
          m = s;
        }
        if (m === -1) continue;
        const at = t * n + offset + d;
        ignored[at] = m >= counted ? 1 : 0;
        // pycocotools records the matched ground truth's id and later tests it for
        // truth, so a match to an annotation with id 0 counts as no match.
        matched[at] = (gts[order[m] as number] as Gt).id !== 0 ? 1 : 0;
        taken[m] = 1;
      }
    }
  }
  // Unmatched detections outside the area range are ignored too.
  for (let d = 0; d < D; d++) {
    const area = (dts[d] as Dt).area;
    if (!(area < lo || area > hi)) continue;
    for (let t = 0; t < T; t++) {
      const at = t * n + offset + d;
      if (!matched[at]) ignored[at] = 1;
    }
  }
  return counted;
}

function isIgnored(g: Gt, lo: number, hi: number): boolean {
  return g.ignore || g.area < lo || g.area > hi;
}

function oksMatrix(dts: Dt[], gts: Gt[]): Float64Array {
  const G = gts.length;
  if (G === 0 || dts.length === 0) return new Float64Array(0);
  const oks = new Float64Array(dts.length * G);
  for (let d = 0; d < dts.length; d++) {
    const kp = (dts[d] as Dt).keypoints;
    for (let g = 0; g < G; g++) oks[d * G + g] = computeOks(kp, (gts[g] as Gt).ann);
  }
  return oks;
}

/** np.argsort(-scores, kind='mergesort'): highest first, ties in input order. */
function byScoreDescending(p: Dt, q: Dt): number {
  return p.score > q.score ? -1 : p.score < q.score ? 1 : p.order - q.order;
}

/** loadRes: `(max x − min x) · (max y − min y)` over all 17 keypoints, labelled or not. */
function keypointExtentArea(kp: readonly number[]): number {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let k = 0; k < COCO_KEYPOINTS; k++) {
    const x = kp[3 * k] as number;
    const y = kp[3 * k + 1] as number;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return (x1 - x0) * (y1 - y0);
}

function bboxArea(bbox: readonly number[] | undefined): number {
  // checkCocoResults guarantees a 4-number bbox on every result in this mode.
  return (bbox?.[2] as number) * (bbox?.[3] as number);
}

function uniqueSorted(ids: number[]): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}

/** summarize() → _summarizeKps(): means of the entries > −1, in numpy's C order. */
function summarize(precision: Float64Array, recall: Float64Array, K: number): CocoKeypointStats {
  const ALL = 0;
  const MEDIUM = 1;
  const LARGE = 2;
  // np.where(iouThr == p.iouThrs): an exact comparison; no match would leave nothing to average.
  const t50 = IOU_THRS.indexOf(0.5);
  const t75 = IOU_THRS.indexOf(0.75);
  const ts = (t: number | undefined): number[] =>
    t === undefined ? Array.from({ length: T }, (_, i) => i) : t < 0 ? [] : [t];

  // precision[:, :, :, a, m] flattened: t, then recall point, then category.
  const ap = (a: number, t?: number): number => {
    const values: number[] = [];
    for (const ti of ts(t))
      for (let r = 0; r < R; r++)
        for (let k = 0; k < K; k++)
          values.push(precision[((ti * R + r) * K + k) * A + a] as number);
    return meanOfValid(values);
  };
  // recall[:, :, a, m] flattened: t, then category.
  const ar = (a: number, t?: number): number => {
    const values: number[] = [];
    for (const ti of ts(t))
      for (let k = 0; k < K; k++) values.push(recall[(ti * K + k) * A + a] as number);
    return meanOfValid(values);
  };
  return {
    ap: ap(ALL),
    ap50: ap(ALL, t50),
    ap75: ap(ALL, t75),
    apm: ap(MEDIUM),
    apl: ap(LARGE),
    ar: ar(ALL),
    ar50: ar(ALL, t50),
    ar75: ar(ALL, t75),
    arm: ar(MEDIUM),
    arl: ar(LARGE),
  };
}

/** `np.mean(s[s > -1])`, or −1 when nothing is left. */
function meanOfValid(values: number[]): number {
  const valid = values.filter((v) => v > -1);
  return valid.length === 0 ? -1 : npMean(valid);
}
