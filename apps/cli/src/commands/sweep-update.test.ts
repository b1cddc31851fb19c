import { describe, expect, it } from 'vitest';
import { headroomErrorOf } from '@headroom/test-support';
import { sweepChangeOf } from './sweep-update';

describe('sweep update flags', () => {
  it('turn into the change updateSweep takes, values read as YAML (numbers and words)', () => {
    expect(
      sweepChangeOf({
        runCap: '12',
        maxConcurrent: '3',
        add: ['d_h=[96,128]', 'optimizer.name=[adamw, sgd]'],
        stop: true,
      }),
    ).toEqual({
      runCap: 12,
      maxConcurrent: 3,
      add: [
        { parameter: 'd_h', values: [96, 128] },
        { parameter: 'optimizer.name', values: ['adamw', 'sgd'] },
      ],
      stop: true,
    });
  });

  it('refuse a bad count, an --add without a list, and no change at all, naming the flag', () => {
    const bad = headroomErrorOf(() =>
      sweepChangeOf({ runCap: '0', maxConcurrent: '2.5', add: ['d_h=96'] }),
    );
    expect(bad.code).toBe('INVALID_INPUT');
    expect(bad.violations.map((v) => v.path)).toEqual(['--run-cap', '--max-concurrent', '--add']);
    expect(headroomErrorOf(() => sweepChangeOf({})).violations[0]?.message).toContain(
      'give at least one of --run-cap',
    );
  });
});
