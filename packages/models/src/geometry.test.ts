import { describe, expect, it } from 'vitest';
import { isStandardGeometry, resolveGeometry } from './geometry';
import { countAttentionFlops, countAttentionParams, countEncoderBlockParams } from './counts';
import { ModelConfigError, isModelConfigError } from './model-config-error';

function violationsOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    if (isModelConfigError(err)) return err.violations.map((v) => v.path);
    throw err;
  }
  throw new Error('expected a ModelConfigError');
}

describe('resolveGeometry', () => {
  it("resolves d_h: auto to d_m / heads (the thesis's Base layer)", () => {
    const g = resolveGeometry({ dModel: 256, heads: 8, dH: 'auto' });
    expect(g).toEqual({ dModel: 256, heads: 8, dH: 32, qkTied: false });
    expect(isStandardGeometry(g)).toBe(true);
  });

  it('keeps an explicit d_h that is not d_m / heads', () => {
    const g = resolveGeometry({ dModel: 512, heads: 8, dH: 128, qkTied: true });
    expect(g).toEqual({ dModel: 512, heads: 8, dH: 128, qkTied: true });
    expect(isStandardGeometry(g)).toBe(false);
  });

  it('says what to do when d_h: auto does not divide', () => {
    expect(() => resolveGeometry({ dModel: 500, heads: 8, dH: 'auto' })).toThrow(
      /d_h: auto needs d_m divisible by heads; 500 \/ 8/,
    );
  });

  it('reports every bad field at once, with its sweep-file path', () => {
    expect(violationsOf(() => resolveGeometry({ dModel: -1, heads: 2.5, dH: 0 }))).toEqual(['d_m', 'heads', 'd_h']);
    expect(() => resolveGeometry({ dModel: 0, heads: 1, dH: 1 })).toThrow(ModelConfigError);
  });
});

describe('closed-form counts', () => {
  it('gives the standard layer 4·d_m² + 4·d_m parameters', () => {
    const dModel = 256;
    expect(countAttentionParams({ dModel, heads: 8, dH: 32, qkTied: false })).toBe(4 * dModel * dModel + 4 * dModel);
  });

  it('follows the product formulas for untied and tied heads', () => {
    const h = 8;
    const dH = 128;
    const dM = 512;
    expect(countAttentionParams({ dModel: dM, heads: h, dH, qkTied: false })).toBe(4 * h * dH * dM + 3 * h * dH + dM);
    expect(countAttentionParams({ dModel: dM, heads: h, dH, qkTied: true })).toBe(3 * h * dH * dM + 2 * h * dH + dM);
  });

  it('adds two layer norms and the feed-forward net for a block', () => {
    const g = { dModel: 64, heads: 4, dH: 16, qkTied: false };
    expect(countEncoderBlockParams(g, 256)).toBe(countAttentionParams(g) + 4 * 64 + (64 * 256 + 256) + (256 * 64 + 64));
  });

  it('counts attention FLOPs as projections plus two n² products', () => {
    const g = { dModel: 4, heads: 2, dH: 3, qkTied: false };
    // 3 projections 2·n·4·6, scores and mix 2·2·n²·3 each, output 2·n·6·4; n = 5
    expect(countAttentionFlops(g, 5)).toBe(3 * 2 * 5 * 4 * 6 + 2 * (2 * 2 * 25 * 3) + 2 * 5 * 6 * 4);
    expect(countAttentionFlops({ ...g, qkTied: true }, 5)).toBe(countAttentionFlops(g, 5) - 2 * 5 * 4 * 6);
  });
});
