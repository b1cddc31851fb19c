/**
 * Predictions from the pose2d model's heatmaps, as HRNet and TransPose read them (the
 * training targets come from `@headroom/datasets`' `generateHeatmapTargets`). Keypoints are
 * `[samples, joints, 3]` rows of `(x, y, score)` in input pixels; heatmaps are
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
