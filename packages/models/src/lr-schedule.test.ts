import { describe, expect, it } from 'vitest';
import { learningRateAt, lrScheduleOf, type LrSchedule } from './lr-schedule';

const cosine: LrSchedule = { lr: 1e-3, schedule: 'cosine', warmupSteps: 100, totalSteps: 1100 };

describe('learningRateAt', () => {
  it('warms up linearly from 0 to lr over warmupSteps (the first step at 0, as transformers)', () => {
    expect(learningRateAt(0, cosine)).toBe(0);
    expect(learningRateAt(25, cosine)).toBeCloseTo(2.5e-4, 15);
    expect(learningRateAt(99, cosine)).toBeCloseTo(9.9e-4, 15);
    expect(learningRateAt(100, cosine)).toBe(1e-3);
  });

  it('decays by cosine to half at the midpoint and to 0 at the last step', () => {
    // Midpoint of the decay: step 100 + 1000 / 2.
    expect(learningRateAt(600, cosine)).toBeCloseTo(5e-4, 15);
    // A quarter of the way: ½(1 + cos(π/4)) = 0.8535533905932737.
    expect(learningRateAt(350, cosine)).toBeCloseTo(1e-3 * 0.8535533905932737, 15);
    expect(learningRateAt(1100, cosine)).toBe(0);
    // The last update (step 1099) is small but not 0, as in transformers.
    expect(learningRateAt(1099, cosine)).toBeGreaterThan(0);
    expect(learningRateAt(1099, cosine)).toBeLessThan(1e-8);
    // It never rises again past the end.
    expect(learningRateAt(2000, cosine)).toBe(0);
  });

  it('decreases monotonically after the warm-up', () => {
    let previous = Infinity;
    for (let step = 100; step <= 1100; step += 10) {
      const lr = learningRateAt(step, cosine);
      expect(lr).toBeLessThanOrEqual(previous);
      previous = lr;
    }
  });

  it('holds lr after the warm-up when constant, and from step 0 without one', () => {
    const constant: LrSchedule = { ...cosine, schedule: 'constant' };
    expect(learningRateAt(50, constant)).toBeCloseTo(5e-4, 15);
    expect(learningRateAt(100, constant)).toBe(1e-3);
    expect(learningRateAt(1100, constant)).toBe(1e-3);
    const plain: LrSchedule = { ...constant, warmupSteps: 0 };
    expect(learningRateAt(0, plain)).toBe(1e-3);
  });

  it('starts a cosine without warm-up at lr', () => {
    const s: LrSchedule = { ...cosine, warmupSteps: 0, totalSteps: 10 };
    expect(learningRateAt(0, s)).toBe(1e-3);
    expect(learningRateAt(5, s)).toBeCloseTo(5e-4, 15);
    expect(learningRateAt(10, s)).toBe(0);
  });
});

describe('lrScheduleOf', () => {
  it("spans the trial's epochs × steps per epoch", () => {
    expect(
      lrScheduleOf({ lr: 0.01, lr_schedule: 'cosine', warmup_steps: 5, epochs: 3 }, 40),
    ).toEqual({ lr: 0.01, schedule: 'cosine', warmupSteps: 5, totalSteps: 120 });
  });

  it('refuses an epoch without steps, saying the split is empty', () => {
    expect(() =>
      lrScheduleOf({ lr: 0.01, lr_schedule: 'cosine', warmup_steps: 0, epochs: 3 }, 0),
    ).toThrow(/0 training steps.*at least one sample/);
  });
});
