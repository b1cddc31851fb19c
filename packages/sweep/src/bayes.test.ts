import { describe, expect, it } from 'vitest';
import { bayesDimensionsOf, suggestBayesTrial } from './bayes';
import { parseSweepSpec, type ProgramSweepSpec, type TaskSweepSpec } from './spec';
import type { TpeObservation } from './tpe/sampler';

const program = parseSweepSpec({
  program: 'train.py',
  method: 'bayes',
  metric: { name: 'loss', goal: 'minimize' },
  sampler_seed: 5,
  parameters: {
    epochs: { value: 3 },
    optimizer: {
      parameters: {
        lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1e-1 },
        name: { values: ['adam', 'sgd'] },
      },
    },
  },
}) as ProgramSweepSpec;

describe('suggestBayesTrial', () => {
  it('nests the suggestion as the spec is, with its constants, and reads it back as dimensions', () => {
    const t = suggestBayesTrial(program, [], 0);
    expect(Object.keys(t)).toEqual(['epochs', 'optimizer']);
    expect(t.epochs).toBe(3);
    const o = t.optimizer as { lr: number; name: string };
    expect(o.lr).toBeGreaterThanOrEqual(1e-5);
    expect(o.lr).toBeLessThanOrEqual(1e-1);
    expect(['adam', 'sgd']).toContain(o.name);
    expect(bayesDimensionsOf(program, t)).toEqual({
      'optimizer.lr': o.lr,
      'optimizer.name': o.name,
    });
  });

  it('is a function of the history and seed: the same arguments, the same trial; results move it', () => {
    const history: TpeObservation[] = Array.from({ length: 12 }, (_, i) => {
      const params = bayesDimensionsOf(program, suggestBayesTrial(program, [], i));
      const lr = params['optimizer.lr'] as number;
      return { index: i, params, value: Math.abs(Math.log10(lr) + 3), state: 'complete' };
    });
    const a = suggestBayesTrial(program, history, 12);
    expect(suggestBayesTrial(program, [...history].reverse(), 12)).toEqual(a);
    expect(a).not.toEqual(suggestBayesTrial(program, [], 12));
    const reseeded = parseSweepSpec({ ...program, sampler_seed: 6 }) as ProgramSweepSpec;
    expect(suggestBayesTrial(reseeded, history, 12)).not.toEqual(a);
  });

  it("fills a task trial's defaults, as trialAt does", () => {
    const task = parseSweepSpec({
      name: 'b',
      task: 'pose3d',
      dataset: { kind: 'synthetic' },
      method: 'bayes',
      parameters: { d_m: { value: 32 }, heads: { value: 4 }, lr: { min: 0.0001, max: 0.01 } },
    }) as TaskSweepSpec;
    const t = suggestBayesTrial(task, [], 0);
    expect(t).toMatchObject({ d_m: 32, heads: 4, d_h: 'auto', layers: 2, epochs: 10 });
    expect(t.lr).toBeGreaterThan(0.0001);
  });
});
