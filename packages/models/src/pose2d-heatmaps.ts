/**
 * Training targets for and predictions from the pose2d model's heatmaps, as HRNet and
 * TransPose make them. Keypoints are `[samples, joints, 3]` rows of `(x, y, v)` in input
 * pixels (COCO: v = 0 not labelled, 1 occluded, 2 visible); heatmaps are
 * `[samples, rows, cols, joints]` (the model's output layout), `stride` input pixels apart.
 */
export interface HeatmapLayout {
  samples: number;
  joints: number;
  rows: number;
  cols: number;
  /** Input pixels per heatmap pixel (`heatmapStride(stages)`). */
  stride: number;
}

/**
 * Unnormalised Gaussians (peak 1, `sigma` heatmap pixels, cut at 3σ) centred on each
 * labelled keypoint, with a weight per joint: 0 for unlabelled keypoints and for those
 * whose Gaussian falls wholly off the map (HRNet's `generate_target`), else 1.
 */
export function encodeHeatmaps(
  keypoints: Float32Array,
  layout: HeatmapLayout,
  sigma = 2,
): { heatmaps: Float32Array; weights: Float32Array } {
  const { samples, joints, rows, cols, stride } = layout;
  if (keypoints.length !== samples * joints * 3) {
    throw new Error(`expected ${samples}×${joints}×3 keypoint values, got ${keypoints.length}`);
  }
  const heatmaps = new Float32Array(samples * rows * cols * joints);
  const weights = new Float32Array(samples * joints);
  const radius = sigma * 3;
  for (let s = 0; s < samples; s++) {
    for (let j = 0; j < joints; j++) {
      const k = (s * joints + j) * 3;
      if (keypoints[k + 2]! <= 0) continue;
      const muX = Math.trunc(keypoints[k]! / stride + 0.5);
      const muY = Math.trunc(keypoints[k + 1]! / stride + 0.5);
      const x0 = Math.trunc(muX - radius);
      const y0 = Math.trunc(muY - radius);
      const x1 = Math.trunc(muX + radius + 1);
      const y1 = Math.trunc(muY + radius + 1);
      if (x0 >= cols || y0 >= rows || x1 < 0 || y1 < 0) continue;
      weights[s * joints + j] = 1;
      for (let y = Math.max(0, y0); y < Math.min(rows, y1); y++) {
        for (let x = Math.max(0, x0); x < Math.min(cols, x1); x++) {
          const d2 = (x - muX) ** 2 + (y - muY) ** 2;
          heatmaps[((s * rows + y) * cols + x) * joints + j] = Math.exp(-d2 / (2 * sigma * sigma));
        }
      }
    }
  }
  return { heatmaps, weights };
}

/**
 * Keypoints `(x, y, score)` in input pixels from heatmaps: the arg-max of each map, moved a
 * quarter pixel towards the higher neighbour away from the border (HRNet's `get_final_preds` without the crop
 * transform), score = the peak value. A map whose peak is ≤ 0 gives (0, 0, peak).
 */
export function decodeHeatmaps(heatmaps: Float32Array, layout: HeatmapLayout): Float32Array {
  const { samples, joints, rows, cols, stride } = layout;
  if (heatmaps.length !== samples * rows * cols * joints) {
    throw new Error(
      `expected ${samples}×${rows}×${cols}×${joints} heatmap values, got ${heatmaps.length}`,
    );
  }
  const at = (s: number, y: number, x: number, j: number) =>
    heatmaps[((s * rows + y) * cols + x) * joints + j]!;
  const out = new Float32Array(samples * joints * 3);
  for (let s = 0; s < samples; s++) {
    for (let j = 0; j < joints; j++) {
      let best = -Infinity;
      let bx = 0;
      let by = 0;
      for (let y = 0; y < rows; y++) {
        for (let x = 0; x < cols; x++) {
          const v = at(s, y, x, j);
          if (v > best) {
            best = v;
            bx = x;
            by = y;
          }
        }
      }
      let px = 0;
      let py = 0;
      if (best > 0) {
        px = bx;
        py = by;
        if (bx > 1 && bx < cols - 1 && by > 1 && by < rows - 1) {
          px += 0.25 * Math.sign(at(s, by, bx + 1, j) - at(s, by, bx - 1, j));
          py += 0.25 * Math.sign(at(s, by + 1, bx, j) - at(s, by - 1, bx, j));
        }
      }
      const o = (s * joints + j) * 3;
      out[o] = px * stride;
      out[o + 1] = py * stride;
      out[o + 2] = best;
    }
  }
  return out;
}
