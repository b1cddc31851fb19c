import { describe, expect, it } from 'vitest';
import { decodeHeatmaps, encodeHeatmaps, type HeatmapLayout } from './pose2d-heatmaps';

const layout: HeatmapLayout = { samples: 2, joints: 3, rows: 16, cols: 12, stride: 4 };

describe('pose2d heatmaps', () => {
  it('puts a unit Gaussian at keypoint / stride (rounded), weight 1', () => {
    // sample 0 joint 1 at (21, 30) px → heatmap (5, 8): 5.25 and 7.5 rounded
    const kp = new Float32Array(2 * 3 * 3);
    kp.set([21, 30, 2], 3);
    const { heatmaps, weights } = encodeHeatmaps(kp, layout);
    const at = (s: number, y: number, x: number, j: number) =>
      heatmaps[((s * 16 + y) * 12 + x) * 3 + j]!;
    expect(at(0, 8, 5, 1)).toBe(1);
    expect(at(0, 8, 6, 1)).toBeCloseTo(Math.exp(-1 / 8), 6);
    expect(at(0, 0, 5, 1)).toBe(0); // 8 rows away: beyond the 3σ cut
    expect(at(0, 8, 5, 0)).toBe(0);
    expect(Array.from(weights)).toEqual([0, 1, 0, 0, 0, 0]);
  });

  it('gives weight 0 to unlabelled keypoints and to Gaussians wholly off the map', () => {
    const kp = new Float32Array([10, 10, 0, -40, 10, 2, 10, 200, 1, 10, 10, 1, 0, 0, 2, 47, 63, 2]);
    const { weights } = encodeHeatmaps(kp, layout);
    expect(Array.from(weights)).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('decodes its own targets back to within rounding plus a quarter heatmap pixel', () => {
    const kp = new Float32Array([21, 30, 2, 8.5, 40, 2, 33, 11, 1, 14, 22, 2, 30, 50, 2, 40, 4, 2]);
    const { heatmaps } = encodeHeatmaps(kp, layout);
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
    expect(() => encodeHeatmaps(new Float32Array(5), layout)).toThrow(/2×3×3 keypoint values/);
    expect(() => decodeHeatmaps(new Float32Array(5), layout)).toThrow(/2×16×12×3 heatmap values/);
  });
});
