import { HeadroomError } from '@headroom/errors';
import { describe, expect, it } from 'vitest';
import type { SpecValue } from '../parameter-spec';
import {
  splitTrials,
  suggestTpe,
  TPE_DEFAULTS,
  type TpeObservation,
  type TpeOptions,
} from './sampler';
import type { TpeSearchSpace } from './search-space';

const X: TpeSearchSpace = [{ name: 'x', kind: 'float', low: -10, high: 10 }];

/** Runs a sequential sweep of `n` trials on `f`, every suggestion from the history so far. */
function runSweep(
  space: TpeSearchSpace,
  f: (p: Record<string, SpecValue>) => number,
  seed: number,
  n: number,
  options: Partial<TpeOptions> = {},
): TpeObservation[] {
  const history: TpeObservation[] = [];
  for (let i = 0; i < n; i++) {
    const params = suggestTpe(space, history, {
      seed,
      trialIndex: i,
      goal: 'minimize',
      ...options,
    });
    history.push({ index: i, params, value: f(params), state: 'complete' });
  }
  return history;
}

const quadratic = (p: Record<string, SpecValue>) => ((p.x as number) - 3) ** 2;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('suggestTpe', () => {
  const history = runSweep(X, quadratic, 7, 25);

  it('is a pure function of (space, history, seed, trial index)', () => {
    const opts = { seed: 7, trialIndex: 25, goal: 'minimize' } as const;
    const a = suggestTpe(X, history, opts);
    expect(suggestTpe(X, JSON.parse(JSON.stringify(history)) as TpeObservation[], opts)).toEqual(a);
    expect(suggestTpe(X, history, { ...opts, trialIndex: 26 })).not.toEqual(a);
    expect(suggestTpe(X, history, { ...opts, seed: 8 })).not.toEqual(a);
  });

  it('does not depend on the order of the history (trials are ordered by index)', () => {
    const opts = { seed: 3, trialIndex: 25, goal: 'minimize' } as const;
    const shuffled = [...history].reverse();
    shuffled.push(shuffled.shift()!);
    expect(suggestTpe(X, shuffled, opts)).toEqual(suggestTpe(X, history, opts));
  });

  it('leaves the suggested trial itself out of its history (a replay may already list it)', () => {
    const opts = { seed: 3, trialIndex: 25, goal: 'minimize' } as const;
    const withSelf = [
      ...history,
      { index: 25, params: { x: 3 }, value: null, state: 'pending' } as const,
    ];
    expect(suggestTpe(X, withSelf, opts)).toEqual(suggestTpe(X, history, opts));
  });

  it('ignores failed trials and complete trials without a finite value', () => {
    const opts = { seed: 3, trialIndex: 25, goal: 'minimize' } as const;
    const noisy: TpeObservation[] = [
      ...history,
      { index: 30, params: { x: 3 }, value: 0, state: 'failed' },
      { index: 31, params: { x: -3 }, value: null, state: 'complete' },
      { index: 32, params: { x: -4 }, value: NaN, state: 'complete' },
    ];
    expect(suggestTpe(X, noisy, opts)).toEqual(suggestTpe(X, history, opts));
  });

  it('maximising −f suggests exactly what minimising f does', () => {
    const neg = history.map((t) => ({ ...t, value: -t.value! }));
    const opts = { seed: 5, trialIndex: 25 } as const;
    expect(suggestTpe(X, neg, { ...opts, goal: 'maximize' })).toEqual(
      suggestTpe(X, history, { ...opts, goal: 'minimize' }),
    );
  });

  it('draws from the prior until nStartupTrials trials are complete or pruned', () => {
    // Nine complete trials, all at the optimum, and pending ones: still the prior.
    const nine: TpeObservation[] = Array.from({ length: 9 }, (_, i) => ({
      index: i,
      params: { x: 3 },
      value: 0,
      state: 'complete',
    }));
    const pending: TpeObservation[] = [
      { index: 9, params: { x: 3 }, value: null, state: 'pending' },
    ];
    const xs: number[] = [];
    for (let i = 10; i < 2010; i++) {
      const opts = { seed: 1, trialIndex: i, goal: 'minimize' } as const;
      const s = suggestTpe(X, [...nine, ...pending], opts);
      expect(s).toEqual(suggestTpe(X, [], opts));
      xs.push(s.x as number);
    }
    // Uniform on [−10, 10]: every decile holds about a tenth (binomial sd ≈ 13 of 2000).
    for (let k = 0; k < 10; k++) {
      const inDecile = xs.filter((x) => x >= -10 + 2 * k && x < -8 + 2 * k).length;
      expect(inDecile).toBeGreaterThan(140);
      expect(inDecile).toBeLessThan(260);
    }
    // The tenth finished trial switches to TPE.
    const ten = [...nine, { index: 9, params: { x: 3 }, value: 0, state: 'complete' } as const];
    expect(suggestTpe(X, ten, { seed: 1, trialIndex: 10, goal: 'minimize' })).not.toEqual(
      suggestTpe(X, [], { seed: 1, trialIndex: 10, goal: 'minimize' }),
    );
  });

  it('concentrates near the optimum of a quadratic far more than random search', () => {
    let tpeNear = 0;
    let randomNear = 0;
    const tpeBest: number[] = [];
    const randomBest: number[] = [];
    for (let seed = 0; seed < 8; seed++) {
      const tpe = runSweep(X, quadratic, seed, 50);
      const random = runSweep(X, quadratic, seed, 50, { nStartupTrials: Infinity });
      // After the startup trials: suggestions within 1 of the optimum (random: 1/10 of them).
      tpeNear += tpe.slice(10).filter((t) => Math.abs((t.params.x as number) - 3) < 1).length;
      randomNear += random.slice(10).filter((t) => Math.abs((t.params.x as number) - 3) < 1).length;
      tpeBest.push(Math.min(...tpe.map((t) => t.value!)));
      randomBest.push(Math.min(...random.map((t) => t.value!)));
    }
    // Optuna 5.0.0's TPESampler(multivariate=False) on this problem, seeds 0–7: 0.33.
    expect(tpeNear / (8 * 40)).toBeGreaterThan(0.25);
    expect(randomNear / (8 * 40)).toBeLessThan(0.15);
    expect(median(tpeBest)).toBeLessThan(median(randomBest) / 3);
  });

  it('keeps every value on its dimension: log range, integer steps, quantised floats, choices', () => {
    const space: TpeSearchSpace = [
      { name: 'lr', kind: 'float', low: 1e-5, high: 1e-1, log: true },
      { name: 'batch', kind: 'int', low: 16, high: 512, log: true },
      { name: 'width', kind: 'int', low: 0, high: 64, step: 8 },
      { name: 'dropout', kind: 'float', low: 0, high: 0.5, step: 0.1 },
      { name: 'opt', kind: 'categorical', choices: ['adam', 'sgd', 'adamw'] },
    ];
    const f = (p: Record<string, SpecValue>) =>
      (Math.log10(p.lr as number) + 3) ** 2 +
      Math.abs(Math.log2(p.batch as number) - 7) +
      Math.abs((p.width as number) - 40) / 8 +
      (p.opt === 'sgd' ? 0 : 1);
    for (const multivariate of [true, false]) {
      const late: Record<string, SpecValue>[] = [];
      for (const seed of [11, 12, 13]) {
        const h = runSweep(space, f, seed, 60, { multivariate });
        for (const t of h) {
          const p = t.params;
          expect(p.lr).toBeGreaterThanOrEqual(1e-5);
          expect(p.lr).toBeLessThanOrEqual(1e-1);
          expect(Number.isInteger(p.batch)).toBe(true);
          expect(p.batch).toBeGreaterThanOrEqual(16);
          expect(p.batch).toBeLessThanOrEqual(512);
          expect([0, 8, 16, 24, 32, 40, 48, 56, 64]).toContain(p.width);
          const onStep = [0, 0.1, 0.2, 0.3, 0.4, 0.5].some(
            (v) => Math.abs(v - (p.dropout as number)) < 1e-12,
          );
          expect(onStep, String(p.dropout)).toBe(true);
          expect(['adam', 'sgd', 'adamw']).toContain(p.opt);
        }
        late.push(...h.slice(40).map((t) => t.params));
      }
      // TPE learns each: of the last 20 trials of 3 seeds, most pick sgd (a third would by
      // chance), lr within a decade of 1e-3 (a quarter would), width within 8 of 40 (a third).
      expect(late.filter((p) => p.opt === 'sgd').length).toBeGreaterThan(30);
      expect(
        late.filter((p) => Math.abs(Math.log10(p.lr as number) + 3) < 1).length,
      ).toBeGreaterThan(45);
      expect(late.filter((p) => Math.abs((p.width as number) - 40) <= 8).length).toBeGreaterThan(
        40,
      );
    }
  });

  it('draws categorical startup values by their weights (W&B probabilities)', () => {
    const space: TpeSearchSpace = [
      { name: 'c', kind: 'categorical', choices: ['a', 'b', 'c'], weights: [0.7, 0.2, 0.1] },
    ];
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 3000; i++) {
      counts[suggestTpe(space, [], { seed: 2, trialIndex: i, goal: 'minimize' }).c as string]! += 1;
    }
    expect(counts.a! / 3000).toBeCloseTo(0.7, 1);
    expect(counts.b! / 3000).toBeCloseTo(0.2, 1);
    expect(counts.c! / 3000).toBeCloseTo(0.1, 1);
  });

  it('counts pending trials as the worst (constant liar) and steers away from them', () => {
    // 20 finished trials spread over the range; four running trials sit on the best region.
    const finished: TpeObservation[] = Array.from({ length: 20 }, (_, i) => {
      const x = -9.5 + i;
      return { index: i, params: { x }, value: (x - 3) ** 2, state: 'complete' };
    });
    const pending: TpeObservation[] = [2.6, 2.8, 3.2, 3.4].map((x, k) => ({
      index: 20 + k,
      params: { x },
      value: null,
      state: 'pending',
    }));
    const { below, above } = splitTrials([...finished, ...pending], 2, 'minimize');
    expect(below.map((t) => t.index)).toEqual([12, 13]);
    expect(above).toHaveLength(22);
    expect(above.filter((t) => t.state === 'pending')).toHaveLength(4);

    const distance = (constantLiar: boolean) => {
      let near = 0;
      for (let i = 24; i < 124; i++) {
        const s = suggestTpe(X, [...finished, ...pending], {
          seed: 4,
          trialIndex: i,
          goal: 'minimize',
          constantLiar,
        });
        if (Math.abs((s.x as number) - 3) < 0.5) near += 1;
      }
      return near;
    };
    // Without the liar the pending trials are invisible and TPE piles onto them.
    expect(distance(true)).toBeLessThan(distance(false) / 2);
  });

  it('ranks pruned trials by how far they went, after the complete ones', () => {
    const trials: TpeObservation[] = [
      { index: 0, params: {}, value: 5, state: 'complete' },
      { index: 1, params: {}, value: 0.1, state: 'pruned', step: 1 },
      { index: 2, params: {}, value: 0.9, state: 'pruned', step: 3 },
      { index: 3, params: {}, value: 0.5, state: 'pruned', step: 3 },
      { index: 4, params: {}, value: null, state: 'pruned' },
    ];
    const { below, above } = splitTrials(trials, 3, 'minimize');
    expect(below.map((t) => t.index)).toEqual([0, 2, 3]);
    expect(above.map((t) => t.index)).toEqual([1, 4]);
  });

  it('learns a conditional dimension from the trials that have it only', () => {
    const space: TpeSearchSpace = [
      { name: 'opt', kind: 'categorical', choices: ['adam', 'sgd'] },
      { name: 'momentum', kind: 'float', low: 0, high: 1 },
    ];
    // momentum exists only in sgd trials; the best sgd trials had momentum near 0.9.
    const history: TpeObservation[] = [];
    for (let i = 0; i < 40; i++) {
      const sgd = i % 2 === 0;
      const m = (i * 0.37) % 1;
      history.push({
        index: i,
        params: sgd ? { opt: 'sgd', momentum: m } : { opt: 'adam' },
        value: sgd ? Math.abs(m - 0.9) : 0.5,
        state: 'complete',
      });
    }
    const ms: number[] = [];
    for (let i = 40; i < 80; i++) {
      for (const multivariate of [false, true]) {
        const s = suggestTpe(space, history, {
          seed: 9,
          trialIndex: i,
          goal: 'minimize',
          multivariate,
        });
        expect(['adam', 'sgd']).toContain(s.opt);
        ms.push(s.momentum as number);
      }
    }
    expect(median(ms.map((m) => Math.abs(m - 0.9)))).toBeLessThan(0.1);
  });

  it('optimises a 2-D quadratic jointly (multivariate) and one dimension at a time', () => {
    const space: TpeSearchSpace = [
      { name: 'x', kind: 'float', low: -10, high: 10 },
      { name: 'y', kind: 'float', low: -10, high: 10 },
    ];
    const f = (p: Record<string, SpecValue>) =>
      ((p.x as number) - 3) ** 2 + ((p.y as number) + 2) ** 2;
    const best = (multivariate: boolean) =>
      median(
        [0, 1, 2, 3, 4, 5].map((seed) =>
          Math.min(...runSweep(space, f, seed, 60, { multivariate }).map((t) => t.value!)),
        ),
      );
    const joint = best(true);
    expect(joint).toBeLessThan(1);
    expect(best(false)).toBeLessThan(1);
  });

  it('refuses a space it cannot search, naming the dimension', () => {
    const bad: TpeSearchSpace = [
      { name: 'lr', kind: 'float', low: 0, high: 1, log: true },
      { name: 'k', kind: 'int', low: 1.5, high: 4 },
      { name: 'c', kind: 'categorical', choices: [] },
    ];
    let error: unknown;
    try {
      suggestTpe(bad, [], { seed: 1, trialIndex: 0, goal: 'minimize' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HeadroomError);
    const messages = (error as HeadroomError).violations.map((v) => v.message).join('\n');
    expect(messages).toMatch(/lr: log scale needs low > 0/);
    expect(messages).toMatch(/k: int bounds must be integers/);
    expect(messages).toMatch(/c: categorical needs at least one choice/);
  });

  it('takes the default for an option given as undefined', () => {
    const space: TpeSearchSpace = [
      { name: 'x', kind: 'float', low: -10, high: 10 },
      { name: 'y', kind: 'float', low: -10, high: 10 },
    ];
    const h = runSweep(space, (p) => ((p.x as number) - 1) ** 2 + (p.y as number) ** 2, 2, 20);
    const opts = { seed: 2, trialIndex: 20, goal: 'minimize' } as const;
    const byDefault = suggestTpe(space, h, opts);
    expect(suggestTpe(space, h, { ...opts, multivariate: undefined })).toEqual(byDefault);
    expect(suggestTpe(space, h, { ...opts, multivariate: true })).toEqual(byDefault);
    expect(suggestTpe(space, h, { ...opts, multivariate: false })).not.toEqual(byDefault);
  });

  it('uses Optuna 5.0.0’s defaults', () => {
    expect(TPE_DEFAULTS).toMatchObject({
      nStartupTrials: 10,
      nEiCandidates: 24,
      priorWeight: 1,
      considerMagicClip: true,
      considerEndpoints: false,
      multivariate: true,
      constantLiar: true,
    });
  });
});
