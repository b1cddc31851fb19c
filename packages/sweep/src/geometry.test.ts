import { isHeadroomError } from '@headroom/errors';
import { describe, expect, it } from 'vitest';
import type { Violation } from '@headroom/errors';
import { checkGeometry, isStandardLayer, resolveGeometry } from './geometry';
import { PARAMETER_DEFAULTS, type TrialParams } from './parameters';
import { describeTrial } from './trials';

const trial = (p: Partial<TrialParams>): TrialParams => ({
  d_m: 64,
  heads: 4,
  ...PARAMETER_DEFAULTS,
  ...p,
});

describe('resolveGeometry', () => {
  it('resolves d_h: auto to d_m / heads (the Base layer)', () => {
    expect(resolveGeometry(trial({ d_m: 256, heads: 8 }))).toEqual({
      dModel: 256,
      heads: 8,
      dH: 32,
      qkTied: false,
    });
  });

  it('keeps an explicit d_h, whatever d_m / heads is', () => {
    expect(resolveGeometry(trial({ d_m: 512, heads: 8, d_h: 128, qk_tied: true }))).toEqual({
      dModel: 512,
      heads: 8,
      dH: 128,
      qkTied: true,
    });
    expect(resolveGeometry(trial({ d_m: 500, heads: 8, d_h: 48 })).dH).toBe(48);
  });

  it('throws INVALID_SPEC when auto does not divide', () => {
    try {
      resolveGeometry(trial({ d_m: 500, heads: 8 }));
      expect.unreachable();
    } catch (err) {
      expect(isHeadroomError(err) && err.code).toBe('INVALID_SPEC');
      expect(isHeadroomError(err) && err.violations).toEqual([
        {
          path: 'parameters.d_h',
          message:
            'd_h: auto needs d_m divisible by heads; 500 / 8 is not an integer — choose heads dividing 500 or give d_h a number',
        },
      ]);
    }
  });

  it('throws on a geometry that is not positive integers', () => {
    expect(() => resolveGeometry(trial({ heads: 0 }))).toThrow(
      /heads must be a positive integer; got 0/,
    );
    expect(() => resolveGeometry(trial({ d_h: 2.5 }))).toThrow(
      /d_h must be a positive integer or auto/,
    );
  });
});

describe('checkGeometry', () => {
  it('resolves auto to d_m / heads and keeps an explicit d_h (the models package builds from this)', () => {
    const violations: Violation[] = [];
    expect(checkGeometry({ dModel: 256, heads: 8 }, violations)).toEqual({
      dModel: 256,
      heads: 8,
      dH: 32,
      qkTied: false,
    });
    expect(checkGeometry({ dModel: 512, heads: 8, dH: 128, qkTied: true }, violations)?.dH).toBe(
      128,
    );
    expect(violations).toEqual([]);
  });

  it("adds every problem under the caller's path, with the sweep-file names", () => {
    const violations: Violation[] = [{ path: 'earlier', message: 'kept' }];
    const g = checkGeometry(
      { dModel: 0, heads: 2.5, dH: -1, qkTied: 'yes' },
      violations,
      (f) => `layer.${f}`,
    );
    expect(g).toBeUndefined();
    expect(violations.map((v) => v.path)).toEqual([
      'earlier',
      'layer.d_m',
      'layer.heads',
      'layer.d_h',
      'layer.qk_tied',
    ]);
    expect(violations[4]!.message).toBe('qk_tied must be true or false; got "yes"');
  });

  it('names d_h and shows the division when auto does not divide', () => {
    const violations: Violation[] = [];
    expect(checkGeometry({ dModel: 500, heads: 8, dH: 'auto' }, violations)).toBeUndefined();
    expect(violations).toEqual([
      {
        path: 'd_h',
        message:
          'd_h: auto needs d_m divisible by heads; 500 / 8 is not an integer — choose heads dividing 500 or give d_h a number',
      },
    ]);
  });
});

describe('describeTrial', () => {
  it('names the head geometry, resolving auto', () => {
    expect(describeTrial(trial({}))).toBe('d_m 64 · heads 4 · d_h auto(16) · qk_tied false');
    expect(describeTrial(trial({ d_h: 32, qk_tied: true }))).toBe(
      'd_m 64 · heads 4 · d_h 32 · qk_tied true',
    );
  });

  it('adds the parameters that differ from the defaults', () => {
    expect(describeTrial(trial({ lr: 0.0005, seed: 3, layers: 2 }))).toBe(
      'd_m 64 · heads 4 · d_h auto(16) · qk_tied false · lr 0.0005 · seed 3',
    );
  });

  it('does not throw on an auto that does not divide', () => {
    expect(describeTrial(trial({ d_m: 10, heads: 3 }))).toBe(
      'd_m 10 · heads 3 · d_h auto(?) · qk_tied false',
    );
  });
});

describe('isStandardLayer', () => {
  it('is d_h = d_m / heads, the thesis\'s "Base"', () => {
    expect(isStandardLayer({ d_m: 512, heads: 8, d_h: 64 })).toBe(true);
    expect(isStandardLayer({ d_m: 512, heads: 8, d_h: 128 })).toBe(false);
  });
});
