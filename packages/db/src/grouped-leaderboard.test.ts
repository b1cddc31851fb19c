import { isHeadroomError } from '@headroom/errors';
import type { MetricValues, TaskId } from '@headroom/sweep';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../test/databases';
import type { Database } from './database';
import {
  completeTrial,
  failTrial,
  getTrial,
  groupedLeaderboard,
  insertSweep,
  listTrialMetrics,
  recordEpochMetrics,
  trialId,
} from './index';
import type { GroupedLeaderboardPage, GroupedLeaderboardQuery, NewTrial } from './index';

interface TrialSpec {
  d_m: number;
  heads: number;
  d_h: number;
  qk_tied: boolean;
  lr: number;
  seed: number;
  /** One report per epoch; the last is also the final report. */
  epochs: MetricValues[];
  paramCount?: number;
  flops?: number;
  fails?: boolean;
}

async function addSweep(db: Database, id: string, task: TaskId, specs: TrialSpec[]) {
  const trials: NewTrial[] = specs.map((s, index) => ({
    index,
    params: { d_m: s.d_m, heads: s.heads, d_h: s.d_h, qk_tied: s.qk_tied, lr: s.lr, seed: s.seed },
    dModel: s.d_m,
    heads: s.heads,
    dH: s.d_h,
    qkTied: s.qk_tied,
    epochs: s.epochs.length,
  }));
  const metric = task === 'pose3d' ? 'mpjpe' : 'mean_auc';
  await insertSweep(db, {
    id,
    name: id,
    task,
    method: 'grid',
    metricName: metric,
    metricGoal: task === 'pose3d' ? 'minimize' : 'maximize',
    spec: {},
    trials,
  });
  for (const [index, s] of specs.entries()) {
    const tid = trialId(id, index);
    for (const [e, metrics] of s.epochs.entries())
      await recordEpochMetrics(db, { trialId: tid, epoch: e + 1, metrics });
    if (s.fails) await failTrial(db, { trialId: tid, status: 'failed', error: 'diverged' });
    else
      await completeTrial(db, {
        trialId: tid,
        metrics: s.epochs.at(-1) ?? {},
        paramCount: s.paramCount ?? s.d_m * s.d_h,
        flops: s.flops,
        artifactPath: tid,
        epochsCompleted: s.epochs.length,
      });
  }
}

/** Sample mean and standard deviation (n − 1), computed here, independently of SQL. */
function stats(values: number[]): { mean: number; std: number | null } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, std: null };
  const ss = values.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (values.length - 1)) };
}

function expectClose(actual: number | null, expected: number | null) {
  if (expected === null) expect(actual).toBeNull();
  else expect(actual).toBeCloseTo(expected, 9);
}

async function allPages(db: Database, q: GroupedLeaderboardQuery, between?: () => Promise<void>) {
  const pages: GroupedLeaderboardPage[] = [];
  let after: string | undefined;
  do {
    const p = await groupedLeaderboard(db, { ...q, after });
    pages.push(p);
    after = p.next ?? undefined;
    if (between) await between();
  } while (after !== undefined);
  return pages;
}

const g = (d_h: number, lr: number, qk_tied = false) => ({ d_m: 64, heads: 4, d_h, qk_tied, lr });

describe.each(BACKENDS)('grouped leaderboard on $kind', (backend) => {
  let db: Database;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    const opened = await backend.open();
    db = opened.handle.db;
    dispose = opened.dispose;

    // pose3d: mpjpe and p_mpjpe, lower is better.
    await addSweep(db, 'pa', 'pose3d', [
      // geometry d_h 16, lr 1e-3: three seeds; seed 1's best epoch is not its last
      {
        ...g(16, 1e-3),
        seed: 0,
        epochs: [
          { mpjpe: 60, p_mpjpe: 45 },
          { mpjpe: 50, p_mpjpe: 40 },
        ],
      },
      {
        ...g(16, 1e-3),
        seed: 1,
        epochs: [
          { mpjpe: 47, p_mpjpe: 39 },
          { mpjpe: 52.5, p_mpjpe: 41 },
        ],
      },
      {
        ...g(16, 1e-3),
        seed: 2,
        epochs: [
          { mpjpe: 58, p_mpjpe: null },
          { mpjpe: 49, p_mpjpe: null },
        ],
      },
      // same geometry, another learning rate: its own group
      {
        ...g(16, 5e-4),
        seed: 0,
        epochs: [
          { mpjpe: 70, p_mpjpe: 50 },
          { mpjpe: 44, p_mpjpe: 35 },
        ],
      },
      {
        ...g(16, 5e-4),
        seed: 1,
        epochs: [
          { mpjpe: 71, p_mpjpe: 51 },
          { mpjpe: 46, p_mpjpe: 36 },
        ],
      },
      // n = 1
      {
        ...g(32, 1e-3, true),
        seed: 0,
        epochs: [
          { mpjpe: 55, p_mpjpe: 42 },
          { mpjpe: 48, p_mpjpe: 37 },
        ],
      },
      // NaN final (null in jsonb) and a failed trial: never ranked
      {
        ...g(8, 1e-3),
        seed: 0,
        epochs: [
          { mpjpe: 1, p_mpjpe: 1 },
          { mpjpe: Number.NaN, p_mpjpe: 2 },
        ],
      },
      { ...g(8, 1e-3), seed: 1, epochs: [{ mpjpe: 0.5, p_mpjpe: 0.5 }], fails: true },
    ]);
    await addSweep(db, 'pb', 'pose3d', [
      { ...g(32, 1e-3, true), seed: 1, epochs: [{ mpjpe: 49, p_mpjpe: 38 }] },
    ]);
  });
  afterAll(async () => {
    await dispose();
  });

  it('stores typed values idempotently: a re-delivered epoch replaces its values', async () => {
    await addSweep(db, 'idem', 'chest', [
      { ...g(16, 1e-3), seed: 0, epochs: [{ mean_auc: 0.5, auc_Mass: 0.4 }] },
    ]);
    const tid = 'idem-0';
    await recordEpochMetrics(db, {
      trialId: tid,
      epoch: 1,
      metrics: { mean_auc: 0.6, auc_Mass: null },
    });
    await recordEpochMetrics(db, {
      trialId: tid,
      epoch: 1,
      metrics: {
        mean_auc: 0.6,
        auc_Mass: null,
        auc_Edema: Number.NaN,
        auc_Hernia: Number.POSITIVE_INFINITY,
      },
    });
    // The jsonb report stays as sent (JSON has no NaN: null); only finite numbers are typed.
    expect((await listTrialMetrics(db, tid))[0]?.metrics).toMatchObject({ auc_Mass: null });
    const typed = await db.execute(
      sql`select epoch, name, value from trial_metric_values where trial_id = ${tid} order by epoch, name`,
    );
    expect(typed.rows).toEqual([{ epoch: 1, name: 'mean_auc', value: 0.6 }]);
    await completeTrial(db, {
      trialId: tid,
      metrics: { mean_auc: 0.7, auc_Mass: 0.1 },
      artifactPath: 'x',
      epochsCompleted: 1,
    });
    await completeTrial(db, {
      trialId: tid,
      metrics: { mean_auc: 0.65 },
      artifactPath: 'x',
      epochsCompleted: 1,
    });
    const values = await db.execute(
      sql`select pick, name, value, epoch, task, sweep_id from leaderboard_values where trial_id = ${tid} order by pick, name`,
    );
    expect(values.rows).toEqual([
      { pick: 'best', name: 'mean_auc', value: 0.6, epoch: 1, task: 'chest', sweep_id: 'idem' },
      {
        pick: 'final',
        name: 'mean_auc',
        value: 0.65,
        epoch: null,
        task: 'chest',
        sweep_id: 'idem',
      },
    ]);
    // The group's statistics follow: auc_Mass, gone from the final report, has no row left.
    const groupStats = await db.execute(
      sql`select s.pick, s.name, s.n, s.mean from leaderboard_groups s
          join trials t on t.group_id = s.group_id where t.id = ${tid} order by s.pick, s.name`,
    );
    expect(groupStats.rows).toEqual([
      { pick: 'best', name: 'mean_auc', n: 1, mean: 0.6 },
      { pick: 'final', name: 'mean_auc', n: 1, mean: 0.65 },
    ]);
    // An epoch re-delivered after completion moves the best epoch with it.
    await recordEpochMetrics(db, { trialId: tid, epoch: 2, metrics: { mean_auc: 0.8 } });
    const best = await db.execute(
      sql`select value, epoch from leaderboard_values where trial_id = ${tid} and pick = 'best'`,
    );
    expect(best.rows).toEqual([{ value: 0.8, epoch: 2 }]);
  });

  for (const epoch of ['final', 'best'] as const) {
    it(`groups by geometry and varying lr with statistics of the stored metrics (${epoch})`, async () => {
      const page = await groupedLeaderboard(db, {
        task: 'pose3d',
        metric: 'mpjpe',
        goal: 'minimize',
        epoch,
      });
      expect(page.next).toBeNull();

      // Independently: every succeeded trial's stored history, its value per the epoch rule.
      const expected = new Map<string, { mpjpe: number[]; p_mpjpe: number[]; ids: string[] }>();
      for (const [sweep, count] of [
        ['pa', 8],
        ['pb', 1],
      ] as const) {
        for (let i = 0; i < count; i++) {
          const trial = await getTrial(db, trialId(sweep, i));
          if (trial?.status !== 'succeeded') continue;
          const history = await listTrialMetrics(db, trial.id);
          const finite = (m: MetricValues, k: string) => {
            const v = m[k];
            return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
          };
          let at: MetricValues | undefined;
          if (epoch === 'final') at = trial.metrics ?? undefined;
          else
            for (const h of history) {
              const v = finite(h.metrics, 'mpjpe');
              const best = at && finite(at, 'mpjpe');
              if (v !== undefined && (best === undefined || v < best)) at = h.metrics;
            }
          const value = at && finite(at, 'mpjpe');
          if (value === undefined) continue;
          const key = `${trial.dH}/${trial.qkTied}/${String(trial.params.lr)}`;
          const e = expected.get(key) ?? { mpjpe: [], p_mpjpe: [], ids: [] };
          e.mpjpe.push(value);
          const p = finite(at ?? {}, 'p_mpjpe');
          if (p !== undefined) e.p_mpjpe.push(p);
          e.ids.push(trial.id);
          expected.set(key, e);
        }
      }
      expect(page.rows).toHaveLength(expected.size);
      for (const row of page.rows) {
        const e = expected.get(
          `${row.geometry.dH}/${row.geometry.qkTied}/${String(row.params.lr)}`,
        );
        expect(e, row.key).toBeDefined();
        if (!e) continue;
        const s = stats(e.mpjpe);
        expect(row.n).toBe(e.mpjpe.length);
        expectClose(row.mean, s.mean);
        expectClose(row.std, s.std);
        expect(row.min).toBe(Math.min(...e.mpjpe));
        expect(row.max).toBe(Math.max(...e.mpjpe));
        expect(row.trials.map((t) => t.id)).toEqual([...e.ids].sort());
        expectClose(row.metrics.mpjpe?.mean ?? null, s.mean);
        const p = stats(e.p_mpjpe);
        expect(row.metrics.p_mpjpe?.n ?? 0).toBe(e.p_mpjpe.length);
        if (e.p_mpjpe.length > 0) {
          expectClose(row.metrics.p_mpjpe?.mean ?? null, p.mean);
          expectClose(row.metrics.p_mpjpe?.std ?? null, p.std);
        }
        // lr varies (seed does too, but is averaged over): only lr is in the key's parameters.
        expect(Object.keys(row.params)).toEqual(['lr']);
      }
      // Ranked by the mean, lowest first.
      const means = page.rows.map((r) => r.mean);
      expect(means).toEqual([...means].sort((a, b) => a - b));
      expect(page.rows.map((r) => r.rank)).toEqual(page.rows.map((_, i) => i + 1));
    });
  }

  it('BEST takes each trial its best epoch and reads the other metrics there; FINAL its last', async () => {
    const where = { d_h: 16, qk_tied: false };
    const q = { task: 'pose3d', metric: 'mpjpe', goal: 'minimize', where } as const;
    const final = await groupedLeaderboard(db, { ...q, epoch: 'final' });
    const best = await groupedLeaderboard(db, { ...q, epoch: 'best' });
    const lr3 = (p: GroupedLeaderboardPage) => p.rows.find((r) => r.params.lr === 1e-3);
    expect(lr3(final)?.trials).toEqual([
      { id: 'pa-0', sweepId: 'pa', value: 50, epoch: null },
      { id: 'pa-1', sweepId: 'pa', value: 52.5, epoch: null },
      { id: 'pa-2', sweepId: 'pa', value: 49, epoch: null },
    ]);
    expect(lr3(best)?.trials).toEqual([
      { id: 'pa-0', sweepId: 'pa', value: 50, epoch: 2 },
      { id: 'pa-1', sweepId: 'pa', value: 47, epoch: 1 },
      { id: 'pa-2', sweepId: 'pa', value: 49, epoch: 2 },
    ]);
    // p_mpjpe at the best epochs: 40 (pa-0 epoch 2), 39 (pa-1 epoch 1); pa-2 has none.
    expect(lr3(best)?.metrics.p_mpjpe).toMatchObject({ mean: 39.5, n: 2 });
    expect(lr3(final)?.metrics.p_mpjpe).toMatchObject({ mean: 40.5, n: 2 });
  });

  it('std is null for a single trial; trial grouping, sweep and where filters', async () => {
    const trials = await groupedLeaderboard(db, {
      task: 'pose3d',
      metric: 'mpjpe',
      goal: 'minimize',
      groupBy: 'trial',
      sweepIds: ['pb'],
    });
    expect(trials.rows).toMatchObject([
      { key: 'pb-0', n: 1, mean: 49, std: null, min: 49, max: 49 },
    ]);
    const filtered = await groupedLeaderboard(db, {
      task: 'pose3d',
      metric: 'mpjpe',
      goal: 'minimize',
      where: { qk_tied: true, paramCount: { min: 2048, max: 2048 } },
    });
    expect(filtered.rows.map((r) => [r.n, r.paramCount, r.trials.map((t) => t.id)])).toEqual([
      [2, 2048, ['pa-5', 'pb-0']],
    ]);
    // Among these two trials only the seed varies, so the key holds no parameters.
    expect(filtered.rows[0]?.params).toEqual({});
    expect(
      (
        await groupedLeaderboard(db, {
          task: 'pose3d',
          metric: 'mpjpe',
          goal: 'minimize',
          sweepIds: [],
        })
      ).rows,
    ).toEqual([]);
  });

  it('breaks ties deterministically: by group key, trials by id', async () => {
    await addSweep(db, 'tie', 'chest', [
      { ...g(16, 1e-3), seed: 0, epochs: [{ mean_auc: 0.8 }] },
      { ...g(8, 1e-3), seed: 0, epochs: [{ mean_auc: 0.8 }] },
      { ...g(32, 1e-3), seed: 0, epochs: [{ mean_auc: 0.8 }] },
      { ...g(32, 1e-3), seed: 1, epochs: [{ mean_auc: 0.8 }] },
    ]);
    const q = { task: 'chest', metric: 'mean_auc', goal: 'maximize', sweepIds: ['tie'] } as const;
    const byTrial = await groupedLeaderboard(db, { ...q, groupBy: 'trial' });
    expect(byTrial.rows.map((r) => r.key)).toEqual(['tie-0', 'tie-1', 'tie-2', 'tie-3']);
    const byGeometry = await groupedLeaderboard(db, q);
    const keys = byGeometry.rows.map((r) => r.key);
    expect(keys).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(byGeometry.rows.map((r) => [r.n, r.std])).toContainEqual([2, 0]);
    for (const r of byGeometry.rows) expect(r.std).toBe(r.n === 2 ? 0 : null);
    expect(await groupedLeaderboard(db, q)).toEqual(byGeometry);
  });

  for (const groupBy of ['trial', 'geometry'] as const) {
    it(`pages with a cursor that stays stable while trials are written (${groupBy})`, async () => {
      const sweep = `page-${groupBy}`;
      // chest, maximize; each trial its own geometry so trial and geometry pages look alike.
      const first = [0.9, 0.5, 0.7, 0.3, 0.8, 0.6, 0.4].map((v, i) => ({
        ...g(8 * (i + 1), 1e-3),
        seed: 0,
        epochs: [{ mean_auc: v }],
      }));
      await addSweep(db, sweep, 'chest', first);
      const q = {
        task: 'chest',
        metric: 'mean_auc',
        goal: 'maximize',
        groupBy,
        sweepIds: [sweep, `${sweep}-late`],
        limit: 3,
      } as const;
      let inserted = false;
      const pages = await allPages(db, q, async () => {
        if (inserted) return;
        inserted = true;
        // After page 1 (0.9, 0.8, 0.7): one better (already passed), one in the middle, one last.
        await addSweep(
          db,
          `${sweep}-late`,
          'chest',
          [0.95, 0.55, 0.1].map((v, i) => ({
            ...g(8 * (i + 20), 1e-3),
            seed: 0,
            epochs: [{ mean_auc: v }],
          })),
        );
      });
      const seen = pages.flatMap((p) => p.rows.map((r) => r.mean));
      expect(seen).toEqual([0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.1]);
      expect(pages.map((p) => p.rows.length)).toEqual([3, 3, 3]);
      // Ranks are positions in the ranking at the time of the page: 0.95 now ranks first.
      expect(pages[1]?.rows[0]?.rank).toBe(5);
    });
  }

  it('keeps stored group statistics equal to the trials when a group completes at once', async () => {
    const seeds = Array.from({ length: 12 }, (_, seed) => seed);
    await addSweep(
      db,
      'conc',
      'pose3d',
      seeds.map((seed) => ({ ...g(64, 0.25), seed, epochs: [{ mpjpe: 90 + seed }] })),
    );
    // Re-complete all twelve concurrently with new values: each recomputes the shared group.
    await Promise.all(
      seeds.map((seed) =>
        completeTrial(db, {
          trialId: trialId('conc', seed),
          metrics: { mpjpe: 100 + seed * 2 },
          artifactPath: 'x',
          epochsCompleted: 1,
        }),
      ),
    );
    const across = await groupedLeaderboard(db, {
      task: 'pose3d',
      metric: 'mpjpe',
      goal: 'minimize',
      where: { d_h: 64 },
    });
    const narrowed = await groupedLeaderboard(db, {
      task: 'pose3d',
      metric: 'mpjpe',
      goal: 'minimize',
      sweepIds: ['conc'],
    });
    const expected = stats(seeds.map((seed) => 100 + seed * 2));
    for (const page of [across, narrowed]) {
      expect(page.rows).toHaveLength(1);
      const row = page.rows[0]!;
      expect(row.n).toBe(12);
      expectClose(row.mean, expected.mean);
      expectClose(row.std, expected.std);
      expect([row.min, row.max]).toEqual([100, 122]);
    }
  });

  it('refuses a cursor it did not make', async () => {
    const err = await groupedLeaderboard(db, {
      task: 'chest',
      metric: 'mean_auc',
      goal: 'maximize',
      after: 'not-a-cursor',
    }).catch((e: unknown) => e);
    expect(isHeadroomError(err) && err.code).toBe('INVALID_INPUT');
  });

  it('returns the Pareto front by parameters or FLOPs, cheapest first', async () => {
    await addSweep(db, 'front', 'chest', [
      { ...g(8, 1e-3), seed: 0, epochs: [{ mean_auc: 0.6 }], paramCount: 100, flops: 5000 },
      { ...g(16, 1e-3), seed: 0, epochs: [{ mean_auc: 0.7 }], paramCount: 200, flops: 1000 },
      { ...g(24, 1e-3), seed: 0, epochs: [{ mean_auc: 0.65 }], paramCount: 300, flops: 2000 },
      { ...g(32, 1e-3), seed: 0, epochs: [{ mean_auc: 0.7 }], paramCount: 200, flops: 3000 },
      { ...g(40, 1e-3), seed: 0, epochs: [{ mean_auc: 0.9 }], paramCount: 400 },
    ]);
    const q = { task: 'chest', metric: 'mean_auc', goal: 'maximize', sweepIds: ['front'] } as const;
    const byParams = await groupedLeaderboard(db, { ...q, pareto: 'params' });
    // d_h 16 and 32 tie on cost and value: the first in ranking order (by key) stays.
    const tiedFirst = (await groupedLeaderboard(db, q)).rows.find((r) => r.mean === 0.7);
    expect(byParams.rows.map((r) => [r.paramCount, r.mean])).toEqual([
      [100, 0.6],
      [200, 0.7],
      [400, 0.9],
    ]);
    expect(byParams.rows[1]?.key).toBe(tiedFirst?.key);
    const byFlops = await groupedLeaderboard(db, { ...q, pareto: 'flops' });
    expect(byFlops.rows.map((r) => [r.flops, r.mean])).toEqual([[1000, 0.7]]);
    // Paged by cost.
    const paged = await allPages(db, { ...q, pareto: 'params', limit: 2 });
    expect(paged.flatMap((p) => p.rows.map((r) => r.paramCount))).toEqual([100, 200, 400]);
    // Single trials: the tie goes to the smaller trial id; ranks are positions in the ranking.
    const trials = await allPages(db, { ...q, groupBy: 'trial', pareto: 'params', limit: 2 });
    expect(trials.flatMap((p) => p.rows.map((r) => [r.key, r.paramCount, r.mean, r.rank]))).toEqual(
      [
        ['front-0', 100, 0.6, 5],
        ['front-1', 200, 0.7, 2],
        ['front-4', 400, 0.9, 1],
      ],
    );
  });

  it("keeps a group's statistics as its trials complete, concurrently, and as their values are replaced", async () => {
    // A deterministic spread of values (a linear congruential generator), far from round numbers.
    let state = 12345;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const epochsOf = () => [0, 1, 2].map(() => ({ mean_auc: 0.5 + next() * 0.4 }));
    const specs: TrialSpec[] = Array.from({ length: 30 }, (_, seed) => ({
      ...g(88, 0.5),
      seed,
      epochs: epochsOf(),
    }));
    // A trial's final value is its last epoch's unless its completion was repeated with another.
    const finals = new Map<number, number>();
    const final = (s: TrialSpec, i: number) => finals.get(i) ?? s.epochs.at(-1)!.mean_auc!;
    const best = (s: TrialSpec) => Math.max(...s.epochs.map((e) => e.mean_auc!));
    // The stored statistics against ones computed here from every trial's reports, and against
    // the leaderboard narrowed to the sweeps, which aggregates the values directly.
    const check = async (sweepIds: string[]) => {
      for (const [epoch, pick] of [
        ['final', final],
        ['best', best],
      ] as const) {
        const values = specs.map((s, i) => pick(s, i));
        const expected = stats(values);
        const q = { task: 'chest', metric: 'mean_auc', goal: 'maximize', epoch } as const;
        const across = await groupedLeaderboard(db, { ...q, where: { d_h: 88 } });
        const narrowed = await groupedLeaderboard(db, { ...q, sweepIds });
        for (const page of [across, narrowed]) {
          expect(page.rows).toHaveLength(1);
          const row = page.rows[0]!;
          expect(row.n).toBe(values.length);
          expectClose(row.mean, expected.mean);
          expectClose(row.std, expected.std);
          expect([row.min, row.max]).toEqual([Math.min(...values), Math.max(...values)]);
        }
      }
    };

    // First completions, one after another and then ten at once (each adds to the shared group).
    await addSweep(db, 'sums', 'chest', specs.slice(0, 20));
    const more: TrialSpec[] = specs.slice(20);
    await insertSweep(db, {
      id: 'sums2',
      name: 'sums2',
      task: 'chest',
      method: 'grid',
      metricName: 'mean_auc',
      metricGoal: 'maximize',
      spec: {},
      trials: more.map((s, index) => ({
        index,
        params: { ...g(88, 0.5), seed: s.seed },
        dModel: 64,
        heads: 4,
        dH: 88,
        qkTied: false,
        epochs: 3,
      })),
    });
    await Promise.all(
      more.map(async (s, index) => {
        const tid = trialId('sums2', index);
        for (const [e, metrics] of s.epochs.entries())
          await recordEpochMetrics(db, { trialId: tid, epoch: e + 1, metrics });
        await completeTrial(db, {
          trialId: tid,
          metrics: s.epochs.at(-1)!,
          artifactPath: tid,
          epochsCompleted: 3,
        });
      }),
    );
    await check(['sums', 'sums2']);

    // A completion repeated with another final report, and an epoch re-delivered that becomes a
    // trial's best: their values are replaced, the group recounted.
    finals.set(3, 0.99);
    await completeTrial(db, {
      trialId: trialId('sums', 3),
      metrics: { mean_auc: 0.99 },
      artifactPath: 'x',
      epochsCompleted: 3,
    });
    specs[7]!.epochs[0] = { mean_auc: 0.95 };
    await recordEpochMetrics(db, {
      trialId: trialId('sums', 7),
      epoch: 1,
      metrics: { mean_auc: 0.95 },
    });
    await check(['sums', 'sums2']);

    // New trials after the recount add to the recounted sums.
    const late = Array.from({ length: 5 }, (_, i) => ({
      ...g(88, 0.5),
      seed: 100 + i,
      epochs: epochsOf(),
    }));
    specs.push(...late);
    await addSweep(db, 'sums3', 'chest', late);
    await check(['sums', 'sums2', 'sums3']);
  });
});
