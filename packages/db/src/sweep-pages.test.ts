import { createRng } from '@headroom/test-support';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../test/databases';
import type { Database } from './database';
import {
  completeTrial,
  countSweepTrials,
  failTrial,
  getSweeps,
  insertSweep,
  latestTrialEpochs,
  listEpochBreakdowns,
  listSweepTrialsPage,
  listTrialEpochPages,
  markTrialRunning,
  recordEpochMetrics,
  trialId,
  trials,
} from './index';
import type { NewTrial, TrialRow } from './index';

const TRIALS = 57;
const EPOCHS = 4;

function newTrials(count: number): NewTrial[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    params: { d_m: 64, heads: 4, d_h: 16 * (1 + (index % 3)), qk_tied: false, seed: index },
    dModel: 64,
    heads: 4,
    dH: 16 * (1 + (index % 3)),
    qkTied: false,
    epochs: EPOCHS,
  }));
}

async function addSweep(db: Database, id: string, trials: number): Promise<void> {
  await insertSweep(db, {
    id,
    name: `sweep ${id}`,
    task: 'pose3d',
    method: 'grid',
    metricName: 'mpjpe',
    metricGoal: 'minimize',
    spec: {},
    trials: newTrials(trials),
  });
}

/** What the control worker writes over a trial's life, one step at a time, in a seeded order. */
function trainingWrites(db: Database, sweepId: string, seed: number): Array<() => Promise<void>> {
  const rng = createRng(seed);
  const lives = Array.from({ length: TRIALS }, (_, index) => {
    const id = trialId(sweepId, index);
    const steps: Array<() => Promise<void>> = [
      () => markTrialRunning(db, id, { attemptKey: `run-${index}` }),
    ];
    for (let epoch = 1; epoch <= EPOCHS; epoch++)
      steps.push(() =>
        recordEpochMetrics(db, { trialId: id, epoch, metrics: { mpjpe: 90 - epoch } }),
      );
    steps.push(
      index % 5 === 0
        ? () => failTrial(db, { trialId: id, status: 'failed', error: 'diverged' })
        : () =>
            completeTrial(db, {
              trialId: id,
              metrics: { mpjpe: 80 - (index % 7), p_mpjpe: 60 },
              epochsCompleted: EPOCHS,
            }),
    );
    return steps;
  });
  // Interleave the trials' lives: a random running trial takes its next step.
  const writes: Array<() => Promise<void>> = [];
  const live = lives.filter((l) => l.length > 0);
  while (live.length > 0) {
    const k = Math.floor(rng() * live.length);
    writes.push(live[k]!.shift()!);
    if (live[k]!.length === 0) live.splice(k, 1);
  }
  return writes;
}

describe.each(BACKENDS)('sweep pages on $kind', (backend) => {
  let db: Database;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    const opened = await backend.open();
    db = opened.handle.db;
    dispose = opened.dispose;
  });
  afterAll(async () => {
    await dispose();
  });

  it('pages through a sweep while its trials are being written: each trial once, in index order', async () => {
    await addSweep(db, 'paged', TRIALS);
    await addSweep(db, 'other', 3);
    const writes = trainingWrites(db, 'paged', 7);
    const pageSize = 5;

    // A writer that keeps going on its own while the reader pages…
    let stop = false;
    const writer = (async () => {
      while (!stop && writes.length > 0) await writes.shift()!();
    })();
    const seen: TrialRow[] = [];
    let afterIndex: number | undefined;
    let pages = 0;
    for (;;) {
      const rows = await listSweepTrialsPage(db, {
        sweepId: 'paged',
        limit: pageSize + 1,
        afterIndex,
      });
      const page = rows.slice(0, pageSize);
      seen.push(...page);
      pages++;
      if (rows.length <= pageSize) break;
      afterIndex = page.at(-1)!.index;
      // …and, so that writes land between pages whatever the scheduling, a few more right here.
      for (const write of writes.splice(0, 6)) await write();
    }
    stop = true;
    await writer;

    expect(pages).toBe(Math.ceil(TRIALS / pageSize));
    expect(seen.map((t) => t.index)).toEqual([...Array(TRIALS).keys()]);
    expect(new Set(seen.map((t) => t.id)).size).toBe(TRIALS);
    expect(seen.every((t) => t.sweepId === 'paged')).toBe(true);
    // The rows were read mid-training: some not started, some further on.
    expect(new Set(seen.map((t) => t.status)).size).toBeGreaterThan(1);
    expect((await countSweepTrials(db, ['paged'])).get('paged')).toBe(TRIALS);
  });

  it('filters a page by status, keyset on the index all the same', async () => {
    await addSweep(db, 'filtered', 10);
    for (const index of [1, 4, 8])
      await failTrial(db, { trialId: trialId('filtered', index), status: 'failed', error: 'x' });
    await markTrialRunning(db, trialId('filtered', 6), { attemptKey: 'a' });

    const failed = await listSweepTrialsPage(db, {
      sweepId: 'filtered',
      limit: 2,
      statuses: ['failed'],
    });
    expect(failed.map((t) => t.index)).toEqual([1, 4]);
    const rest = await listSweepTrialsPage(db, {
      sweepId: 'filtered',
      limit: 2,
      afterIndex: 4,
      statuses: ['failed', 'running'],
    });
    expect(rest.map((t) => t.index)).toEqual([6, 8]);
    const all = await listSweepTrialsPage(db, { sweepId: 'filtered', limit: 100, statuses: [] });
    expect(all).toHaveLength(10);

    const counts = await countSweepTrials(db, ['filtered', 'nosuchsweep']);
    expect([...counts]).toEqual([
      ['filtered', 10],
      ['nosuchsweep', 0],
    ]);
    expect(
      (await countSweepTrials(db, ['filtered'], { statuses: ['failed'] })).get('filtered'),
    ).toBe(3);
  });

  it("holds drizzle's own rows, value for value (timestamps as Dates), or only the columns asked", async () => {
    await addSweep(db, 'shaped', 4);
    await markTrialRunning(db, trialId('shaped', 1), {
      attemptKey: 'a',
      worker: 'w "1"',
      paramCount: 2 ** 40 + 1,
      flops: 123_456_789_012,
    });
    await completeTrial(db, {
      trialId: trialId('shaped', 1),
      metrics: { p_mpjpe: null, mpjpe: 50.25, loss: 1e-7 },
      epochsCompleted: 3,
      artifactPath: '/a/"b"\\c\n',
      artifacts: [{ name: 'gradcam/é.png', path: '/x/gradcam/é.png', bytes: 12 }],
    });
    await failTrial(db, { trialId: trialId('shaped', 2), status: 'failed', error: 'näive\t"x"' });
    const own = await db
      .select()
      .from(trials)
      .where(eq(trials.sweepId, 'shaped'))
      .orderBy(asc(trials.index));

    const page = await listSweepTrialsPage(db, { sweepId: 'shaped', limit: 10 });
    expect(page).toEqual(own);
    // The same properties in the same order, and the same key order inside jsonb values.
    expect(JSON.stringify(page)).toBe(JSON.stringify(own));
    expect(page[1]!.startedAt).toBeInstanceOf(Date);

    const some = await listSweepTrialsPage(db, {
      sweepId: 'shaped',
      limit: 2,
      afterIndex: 0,
      columns: ['updatedAt', 'metrics', 'dModel'],
    });
    expect(some).toEqual(
      own.slice(1, 3).map((t) => ({
        id: t.id,
        index: t.index,
        updatedAt: t.updatedAt,
        metrics: t.metrics,
        dModel: t.dModel,
      })),
    );
    expect(await listSweepTrialsPage(db, { sweepId: 'nosuchsweep', limit: 2 })).toEqual([]);
  });

  it('reads many sweeps in one call, absent ones absent', async () => {
    await addSweep(db, 'one', 1);
    await addSweep(db, 'two', 1);
    const found = await getSweeps(db, ['two', 'nosuchsweep', 'one', 'two']);
    expect([...found.keys()].sort()).toEqual(['one', 'two']);
    expect(found.get('two')?.name).toBe('sweep two');
    expect(await getSweeps(db, [])).toEqual(new Map());
  });

  it("pages many trials' epochs at once, each after its own cursor, and reads only the latest", async () => {
    await addSweep(db, 'epochs', 3);
    const [a, b, c] = [0, 1, 2].map((i) => trialId('epochs', i));
    // Reported out of order; trial c reports nothing.
    for (const epoch of [3, 1, 5, 2, 4])
      await recordEpochMetrics(db, {
        trialId: a!,
        epoch,
        metrics: { mpjpe: 100 - epoch },
        breakdown: { Walking: { mpjpe: 100 - epoch } },
      });
    for (const epoch of [1, 2]) await recordEpochMetrics(db, { trialId: b!, epoch, metrics: {} });

    const epochsOf = (pages: Array<Array<{ epoch: number }>>) =>
      pages.map((p) => p.map((r) => r.epoch));
    expect(
      epochsOf(
        await listTrialEpochPages(db, [{ trialId: a! }, { trialId: b! }, { trialId: c! }], 3),
      ),
    ).toEqual([[1, 2, 3], [1, 2], []]);
    // Different cursors in one call, the same trial twice among them.
    expect(
      epochsOf(
        await listTrialEpochPages(
          db,
          [{ trialId: a!, afterEpoch: 3 }, { trialId: b!, afterEpoch: 1 }, { trialId: a! }],
          2,
        ),
      ),
    ).toEqual([[4, 5], [2], [1, 2]]);
    expect(await listTrialEpochPages(db, [], 5)).toEqual([]);
    // A history row carries no breakdown; it is read per epoch when asked, in the keys' order.
    const [firstOfA] = (await listTrialEpochPages(db, [{ trialId: a! }], 1))[0]!;
    expect(firstOfA).toEqual({ trialId: a, epoch: 1, metrics: { mpjpe: 99 } });
    expect(
      await listEpochBreakdowns(db, [
        { trialId: a!, epoch: 4 },
        { trialId: b!, epoch: 1 },
        { trialId: a!, epoch: 9 },
        { trialId: a!, epoch: 2 },
      ]),
    ).toEqual([{ Walking: { mpjpe: 96 } }, null, null, { Walking: { mpjpe: 98 } }]);
    expect(await listEpochBreakdowns(db, [])).toEqual([]);

    const latest = await latestTrialEpochs(db, [a!, b!, c!]);
    expect([...latest.keys()].sort()).toEqual([a, b].sort());
    expect(latest.get(a!)).toMatchObject({ epoch: 5, breakdown: { Walking: { mpjpe: 95 } } });
    expect(latest.get(b!)?.epoch).toBe(2);
  });
});
