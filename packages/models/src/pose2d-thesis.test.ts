import { beforeAll, describe, expect, it } from 'vitest';
import { attentionParamCount, buildPose2dModel, countParams, selectBackend } from './index';

/**
 * The thesis's COCO configurations (TransPose-R-like: d_m 256, 8 heads, 4 encoder layers,
 * 256×192 crops) build for every per-head size it studies, with and without Q = K, and their
 * parameter counts differ exactly by what the attention formula says.
 */
describe('pose2d thesis configurations', () => {
  const LAYERS = 4;
  const counts = new Map<string, number>();
  beforeAll(async () => {
    await selectBackend();
  });

  for (const dH of [16, 32, 48, 64]) {
    for (const qkTied of [false, true]) {
      it(`d_m 256 · heads 8 · d_h ${dH} · qk_tied ${qkTied} builds and counts its parameters`, () => {
        const model = buildPose2dModel({ dModel: 256, heads: 8, dH, qkTied, layers: LAYERS });
        const n = countParams(model);
        model.dispose();
        counts.set(`${dH}/${qkTied}`, n);
        expect(n).toBeGreaterThan(0);
        if (qkTied) {
          // Tying removes one projection per layer: h·d_h·d_m weights and h·d_h biases.
          const untied = counts.get(`${dH}/false`)!;
          const g = { dModel: 256, heads: 8, dH };
          const perLayer =
            attentionParamCount({ ...g, qkTied: false }) -
            attentionParamCount({ ...g, qkTied: true });
          expect(untied - n).toBe(LAYERS * perLayer);
          expect(perLayer).toBe(8 * dH * 256 + 8 * dH);
        }
      });
    }
  }

  it('grows with d_h exactly as the attention formula says (the rest of the model is unchanged)', () => {
    const at = (dH: number) => attentionParamCount({ dModel: 256, heads: 8, dH, qkTied: false });
    expect(counts.get('64/false')! - counts.get('32/false')!).toBe(LAYERS * (at(64) - at(32)));
    expect(counts.get('48/false')! - counts.get('16/false')!).toBe(LAYERS * (at(48) - at(16)));
  });
});
