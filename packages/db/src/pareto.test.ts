import { describe, expect, it } from 'vitest';
import { paretoFront } from './pareto';

interface Row {
  id: string;
  cost: number | null;
  value: number | null;
}

const rows = (list: Array<[string, number | null, number | null]>): Row[] =>
  list.map(([id, cost, value]) => ({ id, cost, value }));

const front = (list: Row[], goal: 'minimize' | 'maximize'): string[] =>
  paretoFront(list, { cost: (r) => r.cost, value: (r) => r.value, goal }).map((r) => r.id);

describe('paretoFront', () => {
  it('keeps the non-dominated rows in order of cost (maximize)', () => {
    const set = rows([
      ['big-good', 300, 0.9],
      ['small-bad', 100, 0.5],
      ['mid-worse', 200, 0.4], // dominated by small-bad: costs more, worse
      ['mid-good', 200, 0.7],
      ['huge-same', 400, 0.9], // as good as big-good but dearer
    ]);
    expect(front(set, 'maximize')).toEqual(['small-bad', 'mid-good', 'big-good']);
  });

  it('keeps the lowest values for minimize', () => {
    const set = rows([
      ['a', 10, 50],
      ['b', 20, 40],
      ['c', 30, 45], // dearer and worse than b
      ['d', 5, 60],
    ]);
    expect(front(set, 'minimize')).toEqual(['d', 'a', 'b']);
  });

  it('of equal cost keeps the best; of exact duplicates the first in input order', () => {
    const set = rows([
      ['dup-2', 100, 0.8],
      ['worse-same-cost', 100, 0.6],
      ['dup-1', 100, 0.8],
      ['dear-dup', 200, 0.8],
    ]);
    expect(front(set, 'maximize')).toEqual(['dup-2']);
    expect(front([...set].reverse(), 'maximize')).toEqual(['dup-1']);
  });

  it('leaves out rows without a finite cost or value', () => {
    const set = rows([
      ['no-cost', null, 0.99],
      ['nan', 50, Number.NaN],
      ['inf-cost', Number.POSITIVE_INFINITY, 1],
      ['ok', 100, 0.5],
      ['no-value', 10, null],
    ]);
    expect(front(set, 'maximize')).toEqual(['ok']);
    expect(front([], 'maximize')).toEqual([]);
  });
});
