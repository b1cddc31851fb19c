import { describe, expect, it } from 'vitest';
import { RowStream } from './row-stream';

const row = (id: string, ms: number, note = '') => ({ id, updatedAt: new Date(ms), note });

describe('RowStream', () => {
  it('sends each row once per version, in order, and drops versions not newer than the last sent', async () => {
    const stream = new RowStream<ReturnType<typeof row>>(() => {});
    stream.push([row('a', 1), row('b', 1)]);
    expect((await stream.next()).value).toEqual(row('a', 1));
    stream.push([row('a', 1, 'repeat'), row('a', 0, 'older')]);
    expect((await stream.next()).value).toEqual(row('b', 1));
    const waiting = stream.next();
    stream.push([row('a', 2)]);
    expect((await waiting).value).toEqual(row('a', 2));
  });

  it("keeps one row per id for a client that falls behind: the latest version, in the first one's place", async () => {
    const stream = new RowStream<ReturnType<typeof row>>(() => {});
    for (let ms = 1; ms <= 1000; ms++) stream.push([row('a', ms), row('b', ms), row('c', ms)]);
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await stream.next()).value);
    expect(got).toEqual([row('a', 1000), row('b', 1000), row('c', 1000)]);
    // Nothing else was queued: the next row is the next push.
    const waiting = stream.next();
    stream.push([row('b', 1001)]);
    expect((await waiting).value).toEqual(row('b', 1001));
  });

  it('ends: queued rows are dropped, a waiting next finishes, the owner hears it once', async () => {
    let ended = 0;
    const stream = new RowStream<ReturnType<typeof row>>(() => ended++);
    const waiting = stream.next();
    await stream.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    stream.push([row('a', 1)]);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    stream.end();
    expect(ended).toBe(1);
  });
});
