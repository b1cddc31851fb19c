import { checkPoseShape, POSE3D_JOINTS, type PoseArray } from './pose-array.js';
import { computeSvd3 } from './svd3.js';

/**
 * Protocol 2 (P-MPJPE): per frame, align the prediction to the ground truth with the
 * best similarity transform (rotation, uniform scale, translation — Procrustes), then
 * MPJPE of the aligned prediction. Follows VideoPose3D's `p_mpjpe` (`common/loss.py`)
 * step by step; the comments name its variables.
 *
 * One deliberate difference: a frame whose prediction (or ground truth) has all
 * joints at one point makes the reference divide by a zero norm and return NaN.
 * Here that frame gets scale 0, i.e. every joint placed at the ground-truth
 * centroid — the limit of the least-squares alignment — so a collapsed network
 * output yields a large finite error instead of poisoning the average.
 */
export function pMpjpe(pred: PoseArray, gt: PoseArray, n: number, joints = POSE3D_JOINTS): number {
  checkPoseShape('pMpjpe', n, joints, { pred, gt });
  const stride = joints * 3;
  const x0 = new Float64Array(stride); // target (gt) centred and normalised
  const y0 = new Float64Array(stride); // predicted centred and normalised
  const h = new Float64Array(9);
  const r = new Float64Array(9);
  let sum = 0;

  for (let f = 0; f < n; f++) {
    const base = f * stride;
    // muX, muY: per-frame centroids.
    let mx0 = 0;
    let mx1 = 0;
    let mx2 = 0;
    let my0 = 0;
    let my1 = 0;
    let my2 = 0;
    for (let j = 0; j < joints; j++) {
      const o = base + j * 3;
      mx0 += gt[o] as number;
      mx1 += gt[o + 1] as number;
      mx2 += gt[o + 2] as number;
      my0 += pred[o] as number;
      my1 += pred[o + 1] as number;
      my2 += pred[o + 2] as number;
    }
    mx0 /= joints;
    mx1 /= joints;
    mx2 /= joints;
    my0 /= joints;
    my1 /= joints;
    my2 /= joints;

    // X0, Y0 and their Frobenius norms normX, normY.
    let sx = 0;
    let sy = 0;
    for (let j = 0; j < joints; j++) {
      const o = base + j * 3;
      const k = j * 3;
      x0[k] = (gt[o] as number) - mx0;
      x0[k + 1] = (gt[o + 1] as number) - mx1;
      x0[k + 2] = (gt[o + 2] as number) - mx2;
      y0[k] = (pred[o] as number) - my0;
      y0[k + 1] = (pred[o + 1] as number) - my1;
      y0[k + 2] = (pred[o + 2] as number) - my2;
      sx += (x0[k] as number) ** 2 + (x0[k + 1] as number) ** 2 + (x0[k + 2] as number) ** 2;
      sy += (y0[k] as number) ** 2 + (y0[k + 1] as number) ** 2 + (y0[k + 2] as number) ** 2;
    }
    const normX = Math.sqrt(sx);
    const normY = Math.sqrt(sy);

    if (normX === 0 || normY === 0) {
      for (let j = 0; j < joints; j++) {
        const o = base + j * 3;
        sum += Math.hypot(
          mx0 - (gt[o] as number),
          mx1 - (gt[o + 1] as number),
          mx2 - (gt[o + 2] as number),
        );
      }
      continue;
    }
    for (let k = 0; k < stride; k++) {
      x0[k] = (x0[k] as number) / normX;
      y0[k] = (y0[k] as number) / normY;
    }

    // H = X0ᵀ Y0
    h.fill(0);
    for (let j = 0; j < joints; j++) {
      const k = j * 3;
      for (let a = 0; a < 3; a++) {
        const xa = x0[k + a] as number;
        for (let b = 0; b < 3; b++)
          h[a * 3 + b] = (h[a * 3 + b] as number) + xa * (y0[k + b] as number);
      }
    }

    // U, s, Vt = svd(H); R = V Uᵀ
    const { u, s, v } = computeSvd3(h);
    multiplyByTranspose(v, u, r);

    // Avoid improper rotations (reflections): flip V's last column and s[-1].
    if (determinant3(r) < 0) {
      v[2] = -(v[2] as number);
      v[5] = -(v[5] as number);
      v[8] = -(v[8] as number);
      s[2] = -(s[2] as number);
      multiplyByTranspose(v, u, r);
    }

    const tr = (s[0] as number) + (s[1] as number) + (s[2] as number);
    const scale = (tr * normX) / normY; // a
    // t = muX − a·(muY R), with row vectors as in the reference.
    const t0 =
      mx0 - scale * (my0 * (r[0] as number) + my1 * (r[3] as number) + my2 * (r[6] as number));
    const t1 =
      mx1 - scale * (my0 * (r[1] as number) + my1 * (r[4] as number) + my2 * (r[7] as number));
    const t2 =
      mx2 - scale * (my0 * (r[2] as number) + my1 * (r[5] as number) + my2 * (r[8] as number));

    // predicted_aligned = a·(predicted R) + t; accumulate its distance to the target.
    for (let j = 0; j < joints; j++) {
      const o = base + j * 3;
      const p0 = pred[o] as number;
      const p1 = pred[o + 1] as number;
      const p2 = pred[o + 2] as number;
      const q0 =
        scale * (p0 * (r[0] as number) + p1 * (r[3] as number) + p2 * (r[6] as number)) + t0;
      const q1 =
        scale * (p0 * (r[1] as number) + p1 * (r[4] as number) + p2 * (r[7] as number)) + t1;
      const q2 =
        scale * (p0 * (r[2] as number) + p1 * (r[5] as number) + p2 * (r[8] as number)) + t2;
      const d0 = q0 - (gt[o] as number);
      const d1 = q1 - (gt[o + 1] as number);
      const d2 = q2 - (gt[o + 2] as number);
      sum += Math.sqrt(d0 * d0 + d1 * d1 + d2 * d2);
    }
  }
  return sum / (n * joints);
}

/** out = a · bᵀ for row-major 3×3 matrices. */
function multiplyByTranspose(a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      out[i * 3 + j] =
        (a[i * 3] as number) * (b[j * 3] as number) +
        (a[i * 3 + 1] as number) * (b[j * 3 + 1] as number) +
        (a[i * 3 + 2] as number) * (b[j * 3 + 2] as number);
    }
  }
}

function determinant3(m: Float64Array): number {
  const [a, b, c, d, e, f, g, h, i] = m as unknown as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
}
