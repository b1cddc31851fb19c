import { describe, expect, it, vi } from 'vitest';
import { fetchSweep } from './sweep-pages';

// A stand-in API serving SweepPage as the real one pages: keyset on the index and the epoch.
const TRIALS = 250;
const epochsOf = (index: number) => (index === 7 ? 5 : 2);
const calls: Array<Record<string, unknown>> = [];
vi.mock('./graphql-client', () => ({
  graphql: async (_api: unknown, _doc: unknown, v: Record<string, unknown>) => {
    calls.push(v);
    if (v.id !== 'sw') return { sweep: null };
    const after = v.after === null ? -1 : Number(v.after);
    const first = v.first as number;
    const historyFirst = v.historyFirst as number;
    const historyAfter = v.historyAfter === null ? 0 : Number(v.historyAfter);
    const indices = Array.from({ length: TRIALS }, (_, i) => i).filter((i) => i > after);
    const shown = indices.slice(0, first);
    return {
      sweep: {
        id: 'sw',
        name: 'paged',
        task: 'pose3d',
        status: 'running',
        metric: 'mpjpe',
        goal: 'minimize',
        trialCount: TRIALS,
        trials: {
          rows: shown.map((index) => {
            const epochs = Array.from({ length: epochsOf(index) }, (_, e) => e + 1).filter(
              (e) => e > historyAfter,
            );
            const page = epochs.slice(0, historyFirst);
            return {
              id: `sw-${index}`,
              index,
              history: {
                rows: page.map((epoch) => ({ epoch, metrics: { mpjpe: 100 - epoch } })),
                next: epochs.length > historyFirst ? String(page.at(-1)) : null,
              },
            };
          }),
          next: indices.length > first ? String(shown.at(-1)) : null,
        },
      },
    };
  },
}));

describe('fetchSweep', () => {
  it('follows next to the end: every trial once, in order, each with its whole history', async () => {
    calls.length = 0;
    const progress: Array<[number, number]> = [];
    const sweep = await fetchSweep({ url: 'http://api' }, 'sw', {
      pageSize: 100,
      historyPageSize: 2,
      onPage: ({ read, total }) => progress.push([read, total]),
    });
    expect(sweep?.trials.map((t) => t.index)).toEqual([...Array(TRIALS).keys()]);
    expect(sweep?.trials[7]!.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(sweep?.trials[8]!.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(sweep).toMatchObject({ id: 'sw', name: 'paged', trialCount: TRIALS });
    expect(progress).toEqual([
      [100, TRIALS],
      [200, TRIALS],
      [250, TRIALS],
    ]);
    // 3 pages, and trial 7's history read on twice (epochs 3–4, then 5).
    expect(calls).toHaveLength(5);
  });

  it('returns null for an unknown sweep', async () => {
    expect(await fetchSweep({ url: 'http://api' }, 'nosuchsweep')).toBeNull();
  });
});
