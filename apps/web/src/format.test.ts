import { describe, expect, it } from 'vitest';
import type { Trial } from './queries';
import {
  bestOf,
  compareByGoal,
  formatAgo,
  formatCount,
  formatMetric,
  metricLabel,
  varyingParams,
} from './format';

describe('metrics', () => {
  it('prints millimetres with one decimal and fractions with three, with units on labels', () => {
    expect(formatMetric('mpjpe', 37.712)).toBe('37.7');
    expect(formatMetric('ap', 0.72561)).toBe('0.726');
    expect(formatMetric('ap', null)).toBe('–');
    expect(metricLabel('p_mpjpe')).toBe('p_mpjpe (mm)');
    expect(metricLabel('mean_auc')).toBe('mean_auc');
  });

  it('sorts best first by the goal, missing values last either way', () => {
    const values = [3, null, 1, 2];
    expect([...values].sort((a, b) => compareByGoal(a, b, 'minimize'))).toEqual([1, 2, 3, null]);
    expect([...values].sort((a, b) => compareByGoal(a, b, 'maximize'))).toEqual([3, 2, 1, null]);
    expect([...values].sort((a, b) => compareByGoal(a, b, 'maximize', true))).toEqual([
      1,
      2,
      3,
      null,
    ]);
    expect(bestOf([3, null, 1], 'minimize')).toBe(1);
    expect(bestOf([3, null, 1], 'maximize')).toBe(3);
    expect(bestOf([null], 'maximize')).toBeNull();
  });
});

describe('formatting', () => {
  it('abbreviates counts and ages', () => {
    expect(formatCount(1_234_567)).toBe('1.23M');
    expect(formatCount(45_100)).toBe('45.1k');
    expect(formatCount(512)).toBe('512');
    expect(formatAgo('2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:02:30Z'))).toBe('2 min ago');
  });
});

describe('varyingParams', () => {
  const trial = (params: Record<string, unknown>) => ({ params }) as unknown as Trial;
  it('lists the non-geometry parameters that differ, not the constants', () => {
    const trials = [
      trial({ d_m: 64, heads: 4, lr: 0.001, seed: 1, layers: 2 }),
      trial({ d_m: 128, heads: 4, lr: 0.001, seed: 2, layers: 2 }),
      trial({ d_m: 64, heads: 4, lr: 0.01, seed: 1, layers: 2 }),
    ];
    expect(varyingParams(trials)).toEqual(['lr', 'seed']);
  });
});
