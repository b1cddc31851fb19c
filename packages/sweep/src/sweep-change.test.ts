import { describe, expect, it } from 'vitest';
import { HeadroomError } from '@headroom/errors';
import { expandGrid } from './grid';
import { parseSweepSpec, type TaskSweepSpec } from './spec';
import { reachesTarget } from './results';
import { addGridValues } from './sweep-change';

const grid = parseSweepSpec({
  name: 'g',
  task: 'pose3d',
  dataset: { kind: 'synthetic' },
  method: 'grid',
  parameters: {
    d_m: { value: 64 },
    heads: { value: 4 },
    d_h: { values: [16, 32] },
    qk_tied: { values: [false, true] },
  },
}) as TaskSweepSpec;

function headroomErrorOf(f: () => unknown): HeadroomError {
  try {
    f();
  } catch (err) {
    if (err instanceof HeadroomError) return err;
    throw err;
  }
  throw new Error('expected a HeadroomError');
}

describe('addGridValues', () => {
  it('gives the whole new grid and a grid of the new points only, which together cover it once', () => {
    const { spec, added, count } = addGridValues(grid, 'd_h', [96, 128]);
    expect(spec.parameters.d_h).toEqual({ values: [16, 32, 96, 128] });
    expect(count).toBe(4);
    const key = (t: object) => JSON.stringify(t);
    const all = [...expandGrid(grid), ...expandGrid(added as TaskSweepSpec)].map(key).sort();
    expect(all).toEqual(
      expandGrid(spec as TaskSweepSpec)
        .map(key)
        .sort(),
    );
    // A constant becomes a list.
    const heads = addGridValues(grid, 'heads', [8]);
    expect(heads.spec.parameters.heads).toEqual({ values: [4, 8] });
    expect(heads.count).toBe(4);
  });

  it("refuses values it has, unknown parameters, values the task's checks refuse, and non-grid sweeps", () => {
    const at = (f: () => unknown) => headroomErrorOf(f).violations[0]!;
    expect(at(() => addGridValues(grid, 'd_h', [32])).message).toContain('d_h already has 32');
    expect(at(() => addGridValues(grid, 'nope', [1])).message).toContain('no parameter nope');
    const bad = at(() => addGridValues(grid, 'd_h', [-8]));
    expect(bad.path).toBe('change.add.d_h');
    expect(bad.message).toContain('parameters.d_h');
    const random = parseSweepSpec({ ...grid, method: 'random', run_cap: 2 });
    expect(at(() => addGridValues(random, 'd_h', [8])).message).toContain('grid sweep');
  });
});

describe('reachesTarget', () => {
  it("compares in the goal's direction; no value never reaches it", () => {
    expect(reachesTarget('minimize', 1, 0.9)).toBe(true);
    expect(reachesTarget('minimize', 1, 1.1)).toBe(false);
    expect(reachesTarget('maximize', 0.8, 0.8)).toBe(true);
    expect(reachesTarget('maximize', 0.8, null)).toBe(false);
  });
});
