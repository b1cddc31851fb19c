import { describe, expect, it } from 'vitest';
import { createBatcher } from './batch';

describe('createBatcher', () => {
  it('flushes once per tick with the latest item per key', () => {
    const ticks: Array<() => void> = [];
    const flushed: Array<Array<{ id: string; v: number }>> = [];
    const b = createBatcher<{ id: string; v: number }>(
      (x) => x.id,
      (items) => flushed.push(items),
      (run) => ticks.push(run),
    );
    b.push({ id: 'a', v: 1 });
    b.push({ id: 'b', v: 1 });
    b.push({ id: 'a', v: 2 });
    expect(ticks).toHaveLength(1);
    ticks[0]!();
    expect(flushed).toEqual([
      [
        { id: 'a', v: 2 },
        { id: 'b', v: 1 },
      ],
    ]);
    b.push({ id: 'c', v: 3 });
    expect(ticks).toHaveLength(2);
    ticks[1]!();
    expect(flushed[1]).toEqual([{ id: 'c', v: 3 }]);
  });
});
