import { describe, expect, it } from 'vitest';
import { COCO_FLIP_PAIRS } from './coco-skeleton.js';
import {
  applyAffine,
  boxToCenterScale,
  composeAffine,
  cropToImage,
  flipJoints,
  generateHeatmapTargets,
  getAffineTransform,
  invertAffine,
  warpAffineBilinear,
  type RawImage,
} from './coco-transforms.js';

/** R = x, G = y, B = 255 − x: bilinear sampling of it is exact, so a pixel tells where it was sampled. */
function gradientImage(width: number, height: number): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set([x, y, 255 - x], (y * width + x) * 3);
    }
  }
  return { data, width, height, channels: 3 };
}

describe('boxToCenterScale (HRNet _xywh2cs)', () => {
  it('widens a tall box to the 192:256 aspect, pads by 1.25, in units of 200 px', () => {
    const { center, scale } = boxToCenterScale([10, 20, 60, 200], 192 / 256);
    expect(center).toEqual([40, 120]);
    // h 200 → w = 150; scale = [150, 200] / 200 × 1.25
    expect(scale[0]).toBeCloseTo(0.9375, 12);
    expect(scale[1]).toBeCloseTo(1.25, 12);
  });

  it('heightens a wide box', () => {
    const { scale } = boxToCenterScale([0, 0, 300, 100], 0.75);
    expect(scale[0]).toBeCloseTo((300 / 200) * 1.25, 12);
    expect(scale[1]).toBeCloseTo((400 / 200) * 1.25, 12);
  });
});

describe('getAffineTransform', () => {
  // HRNet builds the matrix from three point pairs; the closed form must map each of them.
  it.each([0, 30, -45, 90])(
    'maps HRNet’s three source points onto its three destination points (rot %d°)',
    (rot) => {
      const center: [number, number] = [123.5, 77.25];
      const scale: [number, number] = [0.9, 1.2];
      const out = { width: 48, height: 64 };
      const m = getAffineTransform(center, scale, rot, out);
      const srcW = scale[0] * 200;
      const r = (rot * Math.PI) / 180;
      const srcDir = [
        0 * Math.cos(r) - (-srcW / 2) * Math.sin(r),
        0 * Math.sin(r) + (-srcW / 2) * Math.cos(r),
      ];
      const src0 = center;
      const src1 = [center[0] + (srcDir[0] as number), center[1] + (srcDir[1] as number)];
      const third = (a: number[], b: number[]) => [
        b[0]! - (a[1]! - b[1]!),
        b[1]! + (a[0]! - b[0]!),
      ];
      const src2 = third([...src0], src1);
      const dst0 = [24, 32];
      const dst1 = [24, 32 - 24];
      const dst2 = third(dst0, dst1);
      for (const [s, d] of [
        [src0, dst0],
        [src1, dst1],
        [src2, dst2],
      ] as const) {
        const [x, y] = applyAffine(m, s[0]!, s[1]!);
        expect(x).toBeCloseTo(d[0]!, 9);
        expect(y).toBeCloseTo(d[1]!, 9);
      }
    },
  );

  it('inverse=true undoes the forward matrix and equals invertAffine', () => {
    const fwd = getAffineTransform([50, 60], [0.5, 0.66], 17, { width: 48, height: 64 });
    const inv = getAffineTransform([50, 60], [0.5, 0.66], 17, { width: 48, height: 64 }, true);
    const id = composeAffine(inv, fwd);
    [1, 0, 0, 0, 1, 0].forEach((v, i) => expect(id[i]).toBeCloseTo(v, 12));
    invertAffine(fwd).forEach((v, i) => expect(v).toBeCloseTo(inv[i] as number, 12));
  });
});

describe('cropToImage (HRNet transform_preds)', () => {
  it('maps heatmap coordinates back to the image, copying the score column', () => {
    const center: [number, number] = [100, 80];
    const scale: [number, number] = [0.6, 0.8];
    const hm = { width: 12, height: 16 };
    const fwd = getAffineTransform(center, scale, 0, hm);
    const [hx, hy] = applyAffine(fwd, 91, 70);
    const back = cropToImage([hx, hy, 0.7, 6, 8, 0.2], center, scale, hm, { stride: 3 });
    expect(back[0]).toBeCloseTo(91, 9);
    expect(back[1]).toBeCloseTo(70, 9);
    expect(back[2]).toBeCloseTo(0.7, 6);
    // The heatmap centre is the box centre.
    expect(back[3]).toBeCloseTo(100, 9);
    expect(back[4]).toBeCloseTo(80, 9);
  });

  it('rejects points that do not divide by the stride', () => {
    expect(() => cropToImage([1, 2, 3], [0, 0], [1, 1], { width: 4, height: 4 })).toThrow(
      /stride 2/,
    );
  });
});

describe('warpAffineBilinear', () => {
  it.each([0, 25, -60])(
    'samples each crop pixel where the inverse matrix says (rot %d°)',
    (rot) => {
      const image = gradientImage(200, 150);
      const out = { width: 48, height: 64 };
      const inv = getAffineTransform([100, 75], [0.4, 0.5], rot, out, true);
      const crop = new Float32Array(48 * 64 * 3);
      warpAffineBilinear(image, inv, out, crop);
      let checked = 0;
      for (let v = 0; v < 64; v++) {
        for (let u = 0; u < 48; u++) {
          const [sx, sy] = applyAffine(inv, u, v);
          if (sx < 0 || sy < 0 || sx > 199 || sy > 149) continue;
          const o = (v * 48 + u) * 3;
          expect(crop[o]).toBeCloseTo(sx, 3);
          expect(crop[o + 1]).toBeCloseTo(sy, 3);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(1000);
    },
  );

  it('puts a known image point at the crop pixel the forward matrix gives', () => {
    const image: RawImage = {
      data: new Uint8Array(100 * 80 * 3),
      width: 100,
      height: 80,
      channels: 3,
    };
    image.data.set([255, 255, 255], (52 * 100 + 37) * 3);
    const out = { width: 48, height: 64 };
    const center: [number, number] = [40, 45];
    const scale: [number, number] = [0.24, 0.32]; // 48 px wide: one image pixel per crop pixel
    const fwd = getAffineTransform(center, scale, 0, out);
    const crop = new Float32Array(48 * 64 * 3);
    warpAffineBilinear(image, getAffineTransform(center, scale, 0, out, true), out, crop);
    let best = -1;
    let at = -1;
    for (let i = 0; i < crop.length; i += 3)
      if ((crop[i] as number) > best) [best, at] = [crop[i] as number, i / 3];
    const [ex, ey] = applyAffine(fwd, 37, 52);
    expect(best).toBeCloseTo(255, 3);
    expect([at % 48, Math.floor(at / 48)]).toEqual([ex, ey]);
  });

  it('counts pixels outside the image as black and normalises with mean/std', () => {
    const image = gradientImage(10, 10);
    const crop = new Float32Array(4 * 4 * 3);
    // Shifted far outside: everything is border.
    warpAffineBilinear(image, [1, 0, 1000, 0, 1, 0], { width: 4, height: 4 }, crop, 0, {
      mean: [0.5, 0.5, 0.5],
      std: [0.25, 0.25, 0.25],
    });
    for (const v of crop) expect(v).toBeCloseTo(-2, 6);
  });

  it('spreads a grey image to three equal channels', () => {
    const image: RawImage = {
      data: new Uint8Array([10, 20, 30, 40]),
      width: 2,
      height: 2,
      channels: 1,
    };
    const crop = new Float32Array(2 * 2 * 3);
    warpAffineBilinear(image, [1, 0, 0, 0, 1, 0], { width: 2, height: 2 }, crop);
    expect(Array.from(crop)).toEqual([10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40]);
  });
});

describe('generateHeatmapTargets (HRNet generate_target)', () => {
  const input = { width: 48, height: 64 };
  const hm = { width: 12, height: 16 };

  it('puts a peak of 1 at int(x/4 + 0.5) with a σ=2 Gaussian around it', () => {
    const joints = new Float32Array(17 * 3);
    joints.set([23, 33, 1], 0); // (23/4 + 0.5, 33/4 + 0.5) = (6.25, 8.75) → peak (6, 8)
    const heatmaps = new Float32Array(17 * 16 * 12);
    const weights = new Float32Array(17);
    generateHeatmapTargets(joints, input, hm, 2, heatmaps, weights);
    expect(weights[0]).toBe(1);
    expect(heatmaps[8 * 12 + 6]).toBe(1);
    expect(heatmaps[8 * 12 + 7]).toBeCloseTo(Math.exp(-1 / 8), 6);
    expect(heatmaps[10 * 12 + 6]).toBeCloseTo(Math.exp(-4 / 8), 6);
    // Outside the 13×13 window (rows 2…14): 0.
    expect(heatmaps[1 * 12 + 6]).toBe(0);
    expect(heatmaps[2 * 12 + 6]).toBeGreaterThan(0);
    // Unlabelled joints: weight 0, empty map.
    expect(weights[1]).toBe(0);
    expect(heatmaps.subarray(16 * 12, 2 * 16 * 12).every((v) => v === 0)).toBe(true);
  });

  it('keeps the weight while the window touches the map, and zeroes it beyond', () => {
    const joints = new Float32Array(17 * 3);
    joints.set([48 + 20, 30, 1], 0); // peak x 17: window from 11 still touches column 11
    joints.set([48 + 28, 30, 1], 3); // peak x 19: window starts at 13 ≥ 12 → off the map
    joints.set([-20, 30, 1], 6); // peak int(-4.5) = −4: window reaches x = 2
    joints.set([30, -40, 1], 9); // peak y −9: window ends at −2 → off
    const heatmaps = new Float32Array(17 * 16 * 12);
    const weights = new Float32Array(17);
    generateHeatmapTargets(joints, input, hm, 2, heatmaps, weights);
    expect(Array.from(weights.subarray(0, 4))).toEqual([1, 0, 1, 0]);
    expect(heatmaps[7 * 12 + 11]).toBeGreaterThan(0);
    expect(heatmaps[2 * 16 * 12 + 7 * 12 + 2]).toBeGreaterThan(0);
  });
});

describe('flipping', () => {
  it('flipJoints mirrors x as width − 1 − x, swaps left/right and zeroes unlabelled joints', () => {
    const joints = new Float32Array(17 * 3);
    joints.set([10, 20, 1], 5 * 3); // left shoulder
    joints.set([30, 21, 1], 6 * 3); // right shoulder
    joints.set([7, 8, 0], 0); // unlabelled nose
    flipJoints(joints, 100);
    expect(Array.from(joints.subarray(5 * 3, 6 * 3))).toEqual([69, 21, 1]);
    expect(Array.from(joints.subarray(6 * 3, 7 * 3))).toEqual([89, 20, 1]);
    expect(Array.from(joints.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(COCO_FLIP_PAIRS).toHaveLength(8);
  });
});
