import { describe, expect, it } from 'vitest';
import { decodeHeatmaps, type HeatmapLayout } from './pose2d-heatmaps';

const layout: HeatmapLayout = { samples: 2, joints: 3, rows: 16, cols: 12, stride: 4 };

/** HRNet-style targets in the model's layout: a unit Gaussian (σ 2) at round(keypoint / stride). */
function gaussianMaps(keypoints: Float32Array, l: HeatmapLayout): Float32Array {
  const maps = new Float32Array(l.samples * l.rows * l.cols * l.joints);
  for (let s = 0; s < l.samples; s++) {
    for (let j = 0; j < l.joints; j++) {
      const k = (s * l.joints + j) * 3;
      const muX = Math.trunc(keypoints[k]! / l.stride + 0.5);
      const muY = Math.trunc(keypoints[k + 1]! / l.stride + 0.5);
      for (let y = 0; y < l.rows; y++)
        for (let x = 0; x < l.cols; x++)
          maps[((s * l.rows + y) * l.cols + x) * l.joints + j] = Math.exp(
            -((x - muX) ** 2 + (y - muY) ** 2) / 8,
          );
    }
  }
  return maps;
}

describe('pose2d heatmaps', () => {
  it('decodes Gaussian targets back to within rounding plus a quarter heatmap pixel', () => {
    const kp = new Float32Array([21, 30, 2, 8.5, 40, 2, 33, 11, 1, 14, 22, 2, 30, 50, 2, 40, 4, 2]);
    const heatmaps = gaussianMaps(kp, layout);
    const decoded = decodeHeatmaps(heatmaps, layout);
    for (let k = 0; k < 6; k++) {
      expect(Math.abs(decoded[k * 3]! - kp[k * 3]!)).toBeLessThanOrEqual(0.5 * 4 + 0.25 * 4);
      expect(Math.abs(decoded[k * 3 + 1]! - kp[k * 3 + 1]!)).toBeLessThanOrEqual(
        0.5 * 4 + 0.25 * 4,
      );
      expect(decoded[k * 3 + 2]).toBe(1);
    }
  });

  it('shifts a quarter pixel towards the higher neighbour, as HRNet does', () => {
    const one: HeatmapLayout = { samples: 1, joints: 1, rows: 5, cols: 5, stride: 2 };
    const hm = new Float32Array(25);
    hm[2 * 5 + 2] = 1;
    hm[2 * 5 + 3] = 0.5; // right neighbour higher than left
    hm[1 * 5 + 2] = 0.2; // upper neighbour higher than lower
    expect(Array.from(decodeHeatmaps(hm, one))).toEqual([2.25 * 2, 1.75 * 2, 1]);
    expect(Array.from(decodeHeatmaps(new Float32Array(25).fill(-1), one))).toEqual([0, 0, -1]);
  });

  it('checks array sizes', () => {
    expect(() => decodeHeatmaps(new Float32Array(5), layout)).toThrow(/2×16×12×3 heatmap values/);
  });
});
