import { HeadroomError } from '@headroom/errors';
import { COCO_FLIP_PAIRS } from './coco-skeleton.js';

/**
 * The top-down crop geometry of HRNet / TransPose (`lib/utils/transforms.py`,
 * `coco.py`), so a model trained here sees the same crops, targets and
 * coordinate conventions as the reference code: a pixel's centre is at integer
 * coordinates (OpenCV's `warpAffine` convention), a person box becomes a centre and
 * a scale in units of 200 px, and the crop is a similarity transform of the image.
 */

/** A 2×3 affine matrix, row-major like OpenCV: x' = a·x + b·y + c, y' = d·x + e·y + f. */
export type Affine = readonly [number, number, number, number, number, number];

export interface Size {
  width: number;
  height: number;
}

export type Point2 = readonly [number, number];

/** HRNet's `pixel_std`: a scale of 1 is 200 pixels. */
export const PIXEL_STD = 200;
/** Context added around a person box (HRNet `_xywh2cs`). */
export const BOX_PADDING = 1.25;
/** torchvision's ImageNet statistics, applied to RGB in [0, 1]. */
export const IMAGENET_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];

/**
 * Box [x, y, w, h] → centre and scale (HRNet `_xywh2cs`): the box is widened or
 * heightened to the model input's aspect ratio (width / height), then padded.
 */
export function boxToCenterScale(
  box: readonly [number, number, number, number] | readonly number[],
  aspectRatio: number,
  padding = BOX_PADDING,
): { center: [number, number]; scale: [number, number] } {
  const [x = 0, y = 0] = box;
  let w = box[2] ?? 0;
  let h = box[3] ?? 0;
  const center: [number, number] = [x + w * 0.5, y + h * 0.5];
  if (w > aspectRatio * h) h = w / aspectRatio;
  else if (w < aspectRatio * h) w = h * aspectRatio;
  return { center, scale: [(w / PIXEL_STD) * padding, (h / PIXEL_STD) * padding] };
}

/**
 * HRNet's `get_affine_transform(center, scale, rot, output_size)`: maps image
 * coordinates to crop coordinates (or back, with `inverse`). HRNet builds it from
 * three point pairs; those pairs always define this similarity — zoom
 * `outputSize.width / (scale[0]·200)` and a rotation by −`rotation` degrees about
 * the centre, which lands on the crop's centre — so it is written in closed form.
 */
export function getAffineTransform(
  center: Point2,
  scale: Point2,
  rotation: number,
  outputSize: Size,
  inverse = false,
): Affine {
  const srcWidth = scale[0] * PIXEL_STD;
  const zoom = outputSize.width / srcWidth;
  const rad = (Math.PI * rotation) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const [cx, cy] = center;
  const ox = outputSize.width * 0.5;
  const oy = outputSize.height * 0.5;
  if (!inverse) {
    // crop = zoom · R(−θ) · (p − c) + o
    const a = zoom * cos;
    const b = zoom * sin;
    const d = -zoom * sin;
    const e = zoom * cos;
    return [a, b, ox - a * cx - b * cy, d, e, oy - d * cx - e * cy];
  }
  // p = R(θ) · (crop − o) / zoom + c
  const a = cos / zoom;
  const b = -sin / zoom;
  const d = sin / zoom;
  const e = cos / zoom;
  return [a, b, cx - a * ox - b * oy, d, e, cy - d * ox - e * oy];
}

/** HRNet `affine_transform`: one point through a 2×3 matrix. */
export function applyAffine(m: Affine, x: number, y: number): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

export function invertAffine(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (det === 0 || !Number.isFinite(det)) {
    throw new HeadroomError('INVALID_INPUT', `affine matrix [${m.join(', ')}] is not invertible`);
  }
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

/** `outer ∘ inner`: first `inner`, then `outer`. */
export function composeAffine(outer: Affine, inner: Affine): Affine {
  const [a, b, c, d, e, f] = outer;
  const [p, q, r, s, t, u] = inner;
  return [
    a * p + b * s,
    a * q + b * t,
    a * r + b * u + c,
    d * p + e * s,
    d * q + e * t,
    d * r + e * u + f,
  ];
}

/**
 * Crop (or heatmap) coordinates → image coordinates: HRNet `transform_preds`
 * (`get_affine_transform(center, scale, 0, output_size, inv=1)`), for mapping a
 * model's predictions back to the image for COCO evaluation. `points` is flat,
 * `stride` numbers per point (2 for x, y; 3 for x, y, score — extra numbers are
 * copied). `outputSize` is the size of the space the points are in: the heatmap
 * size for heatmap peaks.
 */
export function cropToImage(
  points: ArrayLike<number>,
  center: Point2,
  scale: Point2,
  outputSize: Size,
  options: { rotation?: number; stride?: number } = {},
): Float64Array {
  const { rotation = 0, stride = 2 } = options;
  if (!Number.isInteger(stride) || stride < 2 || points.length % stride !== 0) {
    throw new HeadroomError(
      'INVALID_INPUT',
      `cropToImage: ${points.length} numbers do not divide into points of stride ${stride} (use 2 for x, y or 3 for x, y, score)`,
    );
  }
  const m = getAffineTransform(center, scale, rotation, outputSize, true);
  const out = Float64Array.from(points);
  for (let i = 0; i < out.length; i += stride) {
    const [x, y] = applyAffine(m, out[i] as number, out[i + 1] as number);
    out[i] = x;
    out[i + 1] = y;
  }
  return out;
}

/** A decoded image: 8-bit, row-major, interleaved channels (1 grey or 3 RGB). */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

/**
 * Fills `out` ([outH][outW][3], from `offset`) with the image warped to the crop:
 * each crop pixel samples the image at `inverse · (x, y)` bilinearly, and pixels
 * outside the image count as black — OpenCV `warpAffine(INTER_LINEAR,
 * BORDER_CONSTANT 0)`, which HRNet uses. With `normalize`, values are
 * `(v / 255 − mean) / std`; without, they stay in 0…255.
 */
export function warpAffineBilinear(
  image: RawImage,
  inverse: Affine,
  outSize: Size,
  out: Float32Array,
  offset = 0,
  normalize?: { mean: readonly number[]; std: readonly number[] },
): void {
  const { data, width: W, height: H, channels: C } = image;
  const { width: ow, height: oh } = outSize;
  if (offset + ow * oh * 3 > out.length) {
    throw new HeadroomError('INTERNAL', `warp output needs ${ow * oh * 3} floats from ${offset}`);
  }
  // Per-channel v·mul + add, so one multiply-add normalises.
  const mul = [1, 1, 1];
  const add = [0, 0, 0];
  if (normalize) {
    for (let c = 0; c < 3; c++) {
      mul[c] = 1 / (255 * (normalize.std[c] as number));
      add[c] = -(normalize.mean[c] as number) / (normalize.std[c] as number);
    }
  }
  const [m0, m1, m2, m3, m4, m5] = inverse;
  const [mul0, mul1, mul2] = mul as [number, number, number];
  const [add0, add1, add2] = add as [number, number, number];
  let o = offset;
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++, o += 3) {
      const sx = m0 * x + m1 * y + m2;
      const sy = m3 * x + m4 * y + m5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      let r = 0;
      let g = 0;
      let b = 0;
      if (x0 >= -1 && y0 >= -1 && x0 < W && y0 < H) {
        const fx = sx - x0;
        const fy = sy - y0;
        // Four neighbours; one outside the image contributes black.
        for (let k = 0; k < 4; k++) {
          const px = x0 + (k & 1);
          const py = y0 + (k >> 1);
          if (px < 0 || py < 0 || px >= W || py >= H) continue;
          const w = ((k & 1) === 1 ? fx : 1 - fx) * (k >> 1 === 1 ? fy : 1 - fy);
          if (w === 0) continue;
          const i = (py * W + px) * C;
          if (C === 3) {
            r += w * (data[i] as number);
            g += w * (data[i + 1] as number);
            b += w * (data[i + 2] as number);
          } else {
            const v = w * (data[i] as number);
            r += v;
            g += v;
            b += v;
          }
        }
      }
      out[o] = r * mul0 + add0;
      out[o + 1] = g * mul1 + add1;
      out[o + 2] = b * mul2 + add2;
    }
  }
}

/**
 * HRNet `fliplr_joints`: joints of an image mirrored horizontally (x → width − 1 − x),
 * left and right swapped, joints without a label zeroed. `joints` is [17][3]
 * (x, y, visibility 0/1), changed in place.
 */
export function flipJoints(joints: Float32Array, imageWidth: number): void {
  const n = joints.length / 3;
  for (let j = 0; j < n; j++) joints[j * 3] = imageWidth - 1 - (joints[j * 3] as number);
  for (const [l, r] of COCO_FLIP_PAIRS) {
    for (let k = 0; k < 3; k++) {
      const t = joints[l * 3 + k] as number;
      joints[l * 3 + k] = joints[r * 3 + k] as number;
      joints[r * 3 + k] = t;
    }
  }
  for (let j = 0; j < n; j++) {
    const v = joints[j * 3 + 2] as number;
    joints[j * 3] = (joints[j * 3] as number) * v;
    joints[j * 3 + 1] = (joints[j * 3 + 1] as number) * v;
  }
}

/**
 * HRNet `generate_target` (Gaussian): for each joint, the peak sits at the crop
 * point divided by the stride and rounded (`int(x / stride + 0.5)`, truncating like
 * Python's int), with an unnormalised Gaussian of `sigma` in a (6σ+1)² window.
 * The weight is the visibility (0/1), set to 0 when the window misses the heatmap
 * entirely; unweighted joints get an all-zero map. `joints` is [17][3] in crop
 * pixels; writes `heatmaps` ([17][hmH][hmW], zeroed here) and `weights` ([17]).
 */
export function generateHeatmapTargets(
  joints: Float32Array,
  inputSize: Size,
  heatmapSize: Size,
  sigma: number,
  heatmaps: Float32Array,
  weights: Float32Array,
): void {
  const n = joints.length / 3;
  const { width: hw, height: hh } = heatmapSize;
  heatmaps.fill(0, 0, n * hw * hh);
  const strideX = inputSize.width / hw;
  const strideY = inputSize.height / hh;
  const tmp = sigma * 3;
  const size = 2 * tmp + 1;
  const g0 = Math.floor(size / 2);
  const twoSigma2 = 2 * sigma * sigma;
  for (let j = 0; j < n; j++) {
    weights[j] = joints[j * 3 + 2] as number;
    const muX = Math.trunc((joints[j * 3] as number) / strideX + 0.5);
    const muY = Math.trunc((joints[j * 3 + 1] as number) / strideY + 0.5);
    const ulX = Math.trunc(muX - tmp);
    const ulY = Math.trunc(muY - tmp);
    const brX = Math.trunc(muX + tmp + 1);
    const brY = Math.trunc(muY + tmp + 1);
    if (ulX >= hw || ulY >= hh || brX < 0 || brY < 0) {
      weights[j] = 0;
      continue;
    }
    if ((weights[j] as number) <= 0.5) continue;
    const base = j * hw * hh;
    for (let y = Math.max(0, ulY); y < Math.min(brY, hh); y++) {
      const gy = y - ulY - g0;
      for (let x = Math.max(0, ulX); x < Math.min(brX, hw); x++) {
        const gx = x - ulX - g0;
        heatmaps[base + y * hw + x] = Math.exp(-(gx * gx + gy * gy) / twoSigma2);
      }
    }
  }
}
