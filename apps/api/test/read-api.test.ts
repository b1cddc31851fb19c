import {
  completeTrial,
  type DbHandle,
  insertSweep,
  type NewTrial,
  openDatabase,
  recordEpochMetrics,
  trialId,
} from '@headroom/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, freePort, type TestDatabase } from '@headroom/test-support';
import { type ApiProcess, startApi } from './helpers/api-process';
import { POSE3D_GRID, seedTrial } from './helpers/seed';

// Seeded directly with @headroom/db's writers (standing in for the control worker), then read over HTTP.
let database: TestDatabase;
let handle: DbHandle;
let api: ApiProcess;

function trial(index: number, d_m: number, heads: number, d_h: number, qk_tied: boolean): NewTrial {
  return seedTrial(index, { d_m, heads, d_h, qk_tied }, 3);
}

async function complete(sweepId: string, index: number, metrics: Record<string, number>) {
  await completeTrial(handle.db, {
    trialId: trialId(sweepId, index),
    metrics,
    paramCount: 1000 + index,
    artifactPath: `/artifacts/${sweepId}/${index}`,
    epochsCompleted: 3,
    backend: 'cpu',
    device: `cpu:${index}`,
  });
}

const POSE3D_A = 'swaaaaaaaaaa';
const POSE3D_B = 'swbbbbbbbbbb';
const POSE2D_C = 'swcccccccccc';

beforeAll(async () => {
  database = await createTestDatabase();
  handle = await openDatabase({ url: database.url, maxConnections: 2 });
  await insertSweep(handle.db, {
    ...POSE3D_GRID,
    id: POSE3D_A,
    name: 'h36m-a',
    trials: [
      trial(0, 512, 8, 64, false),
      trial(1, 512, 8, 128, true),
      trial(2, 512, 8, 32, false),
      trial(3, 256, 4, 64, false),
    ],
  });
  await insertSweep(handle.db, {
    ...POSE3D_GRID,
    id: POSE3D_B,
    name: 'h36m-b',
    trials: [trial(0, 256, 8, 32, false), trial(1, 256, 8, 48, true)],
  });
  await insertSweep(handle.db, {
    id: POSE2D_C,
    name: 'coco-c',
    task: 'pose2d',
    method: 'grid',
    metricName: 'ap',
    metricGoal: 'maximize',
    spec: {},
    trials: [trial(0, 256, 8, 32, false), trial(1, 256, 8, 48, false), trial(2, 256, 8, 64, true)],
  });

  // A: trial 3 stays pending; epochs reported out of order to check history is sorted.
  await recordEpochMetrics(handle.db, {
    trialId: trialId(POSE3D_A, 0),
    epoch: 2,
    metrics: { mpjpe: 50 },
    breakdown: { Walking: { mpjpe: 48 } },
  });
  await recordEpochMetrics(handle.db, {
    trialId: trialId(POSE3D_A, 0),
    epoch: 1,
    metrics: { mpjpe: 60 },
  });
  await recordEpochMetrics(handle.db, {
    trialId: trialId(POSE3D_A, 1),
    epoch: 1,
    metrics: { mpjpe: 70 },
  });
  await complete(POSE3D_A, 0, { mpjpe: 45.1, p_mpjpe: 35 });
  await complete(POSE3D_A, 1, { mpjpe: 37.7, p_mpjpe: 30 });
  await complete(POSE3D_A, 2, { mpjpe: 52, p_mpjpe: 40 });
  await complete(POSE3D_B, 0, { mpjpe: 40, p_mpjpe: 33 });
  await complete(POSE3D_B, 1, { mpjpe: 60, p_mpjpe: 45 });
  await complete(POSE2D_C, 0, { ap: 0.726 });
  await complete(POSE2D_C, 1, { ap: 0.748 });
  await complete(POSE2D_C, 2, { ap: 0.71 });

  api = await startApi({
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
  });
});

afterAll(async () => {
  if (api?.child.exitCode === null) await api.stop();
  await handle?.close();
  await database?.drop();
});

const SWEEP = /* GraphQL */ `
  query ($id: ID!) {
    sweep(id: $id) {
      id
      name
      task
      method
      metric
      goal
      status
      createdAt
      trialCount
      trials {
        next
        rows {
          id
          index
          status
          params
          d_m
          heads
          d_h
          qk_tied
          epochs
          epochsCompleted
          paramCount
          metrics
          backend
          device
          error
          attempts
          artifactPath
          history {
            rows {
              epoch
              metrics
            }
            next
          }
        }
      }
    }
  }
`;

interface TrialOut {
  id: string;
  index: number;
  status: string;
  d_m: number;
  heads: number;
  d_h: number;
  qk_tied: boolean;
  metrics: Record<string, number> | null;
  history: { rows: Array<{ epoch: number; metrics: Record<string, number> }>; next: null };
  [key: string]: unknown;
}

describe('sweep', () => {
  it('returns the sweep with its trials, geometry, metrics and history', async () => {
    const res = await api.gql<{
      sweep: Record<string, unknown> & { trials: { rows: TrialOut[]; next: string | null } };
    }>(SWEEP, { id: POSE3D_A });
    expect(res.errors).toBeUndefined();
    const sweep = res.data!.sweep;
    expect(sweep).toMatchObject({
      id: POSE3D_A,
      name: 'h36m-a',
      task: 'pose3d',
      method: 'grid',
      metric: 'mpjpe',
      goal: 'minimize',
      status: 'pending',
      trialCount: 4,
    });
    expect(new Date(sweep['createdAt'] as string).toISOString()).toBe(sweep['createdAt']);
    expect(sweep.trials.rows.map((t) => t.index)).toEqual([0, 1, 2, 3]);
    expect(sweep.trials.next).toBeNull();

    const [first, second, , pending] = sweep.trials.rows;
    expect(first).toEqual({
      id: trialId(POSE3D_A, 0),
      index: 0,
      status: 'succeeded',
      params: { d_m: 512, heads: 8, d_h: 64, qk_tied: false, lr: 0.001, seed: 0 },
      d_m: 512,
      heads: 8,
      d_h: 64,
      qk_tied: false,
      epochs: 3,
      epochsCompleted: 3,
      paramCount: 1000,
      metrics: { mpjpe: 45.1, p_mpjpe: 35 },
      backend: 'cpu',
      device: 'cpu:0',
      error: null,
      attempts: 0,
      artifactPath: `/artifacts/${POSE3D_A}/0`,
      history: {
        rows: [
          { epoch: 1, metrics: { mpjpe: 60 } },
          { epoch: 2, metrics: { mpjpe: 50 } },
        ],
        next: null,
      },
    });
    expect(second).toMatchObject({
      d_m: 512,
      heads: 8,
      d_h: 128,
      qk_tied: true,
      history: { rows: [{ epoch: 1, metrics: { mpjpe: 70 } }], next: null },
    });
    expect(pending).toMatchObject({
      status: 'pending',
      d_m: 256,
      heads: 4,
      metrics: null,
      paramCount: null,
      history: { rows: [], next: null },
    });
  });

  it("reads an epoch's breakdown only when asked, beside the trial's latest", async () => {
    const res = await api.gql<{
      sweep: {
        trials: {
          rows: Array<{
            breakdown: unknown;
            history: { rows: Array<{ epoch: number; breakdown: unknown }> };
          }>;
        };
      };
    }>(
      `query ($id: ID!) {
        sweep(id: $id) { trials(first: 2) { rows { breakdown history { rows { epoch breakdown } } } } }
      }`,
      { id: POSE3D_A },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.sweep.trials.rows).toEqual([
      {
        breakdown: { Walking: { mpjpe: 48 } },
        history: {
          rows: [
            { epoch: 1, breakdown: null },
            { epoch: 2, breakdown: { Walking: { mpjpe: 48 } } },
          ],
        },
      },
      { breakdown: null, history: { rows: [{ epoch: 1, breakdown: null }] } },
    ]);
  });

  it('pages trials by index and history by epoch, following next to the end', async () => {
    const PAGE = /* GraphQL */ `
      query ($id: ID!, $after: String, $status: [TrialStatus!]) {
        sweep(id: $id) {
          trialCount
          trials(first: 1, after: $after, status: $status) {
            rows {
              index
              history(first: 1) {
                rows {
                  epoch
                }
                next
              }
            }
            next
          }
        }
      }
    `;
    interface Out {
      sweep: {
        trialCount: number;
        trials: {
          rows: Array<{
            index: number;
            history: { rows: Array<{ epoch: number }>; next: string | null };
          }>;
          next: string | null;
        };
      };
    }
    const read = async (status?: string[]) => {
      const pages: Out['sweep']['trials'][] = [];
      let after: string | null = null;
      do {
        const variables: Record<string, unknown> = { id: POSE3D_A, after, status };
        const res = await api.gql<Out>(PAGE, variables);
        expect(res.errors).toBeUndefined();
        expect(res.data!.sweep.trialCount).toBe(4);
        const page: Out['sweep']['trials'] = res.data!.sweep.trials;
        pages.push(page);
        after = page.next;
      } while (after !== null && pages.length < 10);
      return pages;
    };
    const pages = await read();
    expect(pages.map((p) => p.rows.map((t) => t.index))).toEqual([[0], [1], [2], [3]]);
    // Trial 0 has two epochs: the first page of its history says more follow.
    const h0 = pages[0]!.rows[0]!.history;
    expect(h0.rows).toEqual([{ epoch: 1 }]);
    expect(h0.next).toEqual(expect.any(String));
    expect(pages[1]!.rows[0]!.history.next).toBeNull();

    const HISTORY = /* GraphQL */ `
      query ($id: ID!, $after: String) {
        sweep(id: $id) {
          trials(first: 1) {
            rows {
              history(first: 1, after: $after) {
                rows {
                  epoch
                }
                next
              }
            }
          }
        }
      }
    `;
    const rest = await api.gql<{
      sweep: { trials: { rows: Array<{ history: { rows: unknown[]; next: string | null } }> } };
    }>(HISTORY, { id: POSE3D_A, after: h0.next });
    expect(rest.data!.sweep.trials.rows[0]!.history).toEqual({ rows: [{ epoch: 2 }], next: null });

    const pendingOnly = await read(['pending']);
    expect(pendingOnly.flatMap((p) => p.rows.map((t) => t.index))).toEqual([3]);
  });

  it.each([
    ['{ trials(first: 0) { next } }', 'first', /from 1 to 1000/],
    ['{ trials(first: 1001) { next } }', 'first', /from 1 to 1000/],
    [
      '{ trials(after: "bm9wZQ") { next } }',
      'after',
      /not a cursor of Sweep.trials; pass the `next`/,
    ],
    [
      '{ trials(first: 1) { rows { history(after: "x") { next } } } }',
      'after',
      /not a cursor of Trial.history/,
    ],
  ])('refuses %s, naming the argument', async (selection, path, message) => {
    const res = await api.gql(`query ($id: ID!) { sweep(id: $id) ${selection} }`, { id: POSE3D_A });
    expect(res.errors?.[0]?.extensions).toEqual({
      code: 'INVALID_INPUT',
      violations: [{ path, message: expect.stringMatching(message) }],
    });
  });

  it('returns null for an unknown id', async () => {
    const res = await api.gql('query { sweep(id: "swnothinghere") { id } }');
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ sweep: null });
  });

  it('lists sweeps newest first, honouring limit', async () => {
    const all = await api.gql<{ sweeps: Array<{ id: string; trialCount: number }> }>(
      '{ sweeps { id trialCount } }',
    );
    expect(all.data?.sweeps).toEqual([
      { id: POSE2D_C, trialCount: 3 },
      { id: POSE3D_B, trialCount: 2 },
      { id: POSE3D_A, trialCount: 4 },
    ]);
    const two = await api.gql<{ sweeps: Array<{ id: string }> }>('{ sweeps(limit: 2) { id } }');
    expect(two.data?.sweeps.map((s) => s.id)).toEqual([POSE2D_C, POSE3D_B]);
  });

  it('rejects a limit out of range, naming limit', async () => {
    const res = await api.gql('{ sweeps(limit: 0) { id } }');
    expect(res.errors?.[0]?.extensions).toEqual({
      code: 'INVALID_INPUT',
      violations: [{ path: 'limit', message: expect.stringContaining('from 1 to') }],
    });
  });
});

const LEADERBOARD = /* GraphQL */ `
  query ($task: Task!, $metric: String!, $sweepIds: [ID!], $limit: Int) {
    leaderboard(task: $task, metric: $metric, groupBy: trial, sweepIds: $sweepIds, limit: $limit) {
      rows {
        rank
        n
        mean
        d_h
        trials {
          id
          sweepId
          value
        }
      }
      next
    }
  }
`;

interface Entry {
  rank: number;
  n: number;
  mean: number;
  d_h: number;
  trials: Array<{ id: string; sweepId: string; value: number }>;
}

async function board(variables: Record<string, unknown>): Promise<Entry[]> {
  const res = await api.gql<{ leaderboard: { rows: Entry[] } }>(LEADERBOARD, variables);
  expect(res.errors).toBeUndefined();
  return res.data!.leaderboard.rows;
}

describe('leaderboard by trial', () => {
  it('ranks a minimize metric ascending across sweeps, succeeded trials only, a row per trial', async () => {
    const entries = await board({ task: 'pose3d', metric: 'mpjpe' });
    expect(entries.map((e) => [e.rank, e.n, e.mean, e.trials[0]!.id])).toEqual([
      [1, 1, 37.7, trialId(POSE3D_A, 1)],
      [2, 1, 40, trialId(POSE3D_B, 0)],
      [3, 1, 45.1, trialId(POSE3D_A, 0)],
      [4, 1, 52, trialId(POSE3D_A, 2)],
      [5, 1, 60, trialId(POSE3D_B, 1)],
    ]);
    expect(entries[0]).toMatchObject({
      d_h: 128,
      trials: [{ sweepId: POSE3D_A, value: 37.7 }],
    });
  });

  it('ranks a maximize metric descending', async () => {
    const entries = await board({ task: 'pose2d', metric: 'ap' });
    expect(entries.map((e) => e.mean)).toEqual([0.748, 0.726, 0.71]);
    expect(entries.map((e) => e.rank)).toEqual([1, 2, 3]);
  });

  it('filters by sweepIds and honours limit', async () => {
    const onlyB = await board({ task: 'pose3d', metric: 'p_mpjpe', sweepIds: [POSE3D_B] });
    expect(onlyB.map((e) => [e.trials[0]!.sweepId, e.mean])).toEqual([
      [POSE3D_B, 33],
      [POSE3D_B, 45],
    ]);
    const top2 = await board({ task: 'pose3d', metric: 'mpjpe', limit: 2 });
    expect(top2.map((e) => e.mean)).toEqual([37.7, 40]);
  });

  it.each([
    [
      { task: 'pose4d', metric: 'mpjpe' },
      'INVALID_INPUT',
      'task',
      /unknown task "pose4d"; known tasks: pose3d, pose2d, chest/,
    ],
    [
      { task: 'pose3d', metric: 'ap' },
      'INVALID_INPUT',
      'metric',
      /no metric "ap"; its metrics: mpjpe, p_mpjpe/,
    ],
    [{ task: 'pose3d', metric: 'mpjpe', limit: 0 }, 'INVALID_INPUT', 'limit', /from 1 to/],
    [
      { task: 'pose3d', metric: 'mpjpe', sweepIds: ['swnothinghere'] },
      'NOT_FOUND',
      'sweepIds[0]',
      /no sweep swnothinghere/,
    ],
    [
      { task: 'pose3d', metric: 'mpjpe', sweepIds: [POSE3D_A, POSE2D_C] },
      'INVALID_INPUT',
      'sweepIds[1]',
      /pose2d sweep; ask for task: "pose2d"/,
    ],
  ])('rejects %j', async (variables, code, path, message) => {
    const res = await api.gql(LEADERBOARD, variables);
    // An unknown task is refused by GraphQL itself (Task is an enum), before execution: no data at all.
    expect(res.data ?? null).toBeNull();
    const error = res.errors?.[0];
    expect(error?.extensions?.code).toBe(code);
    expect(error?.extensions?.violations).toEqual([
      { path, message: expect.stringMatching(message) },
    ]);
  });
});

describe('enums', () => {
  it('an unknown enum value written in the query names the argument and lists the valid values', async () => {
    const res = await api.gql('{ leaderboard(task: pose4d, metric: "mpjpe") { next } }');
    expect(res.errors?.[0]?.extensions).toEqual({
      code: 'INVALID_INPUT',
      violations: [
        { path: 'task', message: 'unknown task "pose4d"; known tasks: pose3d, pose2d, chest' },
      ],
    });
  });

  it('serves statuses, tasks and goals as the same lowercase words', async () => {
    const res = await api.gql<{
      sweeps: Array<{ task: string; status: string; goal: string; method: string }>;
    }>('{ sweeps(limit: 100) { task status goal method } }');
    expect(res.errors).toBeUndefined();
    expect(res.data?.sweeps.map((s) => s.task)).toContain('pose3d');
    for (const s of res.data?.sweeps ?? []) {
      expect(['pose3d', 'pose2d', 'chest']).toContain(s.task);
      expect(['minimize', 'maximize']).toContain(s.goal);
      expect(['grid', 'random']).toContain(s.method);
    }
  });
});

describe('tasks', () => {
  it('lists each task with its metrics and their goals', async () => {
    const res = await api.gql<{
      tasks: Array<{ id: string; metrics: Array<{ name: string; goal: string }> }>;
    }>('{ tasks { id metrics { name goal } } }');
    const pose3d = res.data?.tasks.find((t) => t.id === 'pose3d');
    expect(pose3d?.metrics).toEqual([
      { name: 'mpjpe', goal: 'minimize' },
      { name: 'p_mpjpe', goal: 'minimize' },
    ]);
    expect(res.data?.tasks.find((t) => t.id === 'pose2d')?.metrics).toContainEqual({
      name: 'ap',
      goal: 'maximize',
    });
  });
});

describe('references', () => {
  it("serves the thesis's and the papers' published rows of a task, by the task's metric names", async () => {
    const res = await api.gql<{
      references: Array<{
        id: string;
        label: string;
        d_m: number | null;
        d_h: number | null;
        metrics: Record<string, number>;
      }>;
    }>('{ references(task: pose3d) { id label d_m d_h metrics } }');
    const rows = res.data?.references ?? [];
    const base = rows.find((r) => r.id === 'thesis-t2-base');
    expect(base).toMatchObject({ d_m: 512, d_h: 64, metrics: { mpjpe: 37.7, p_mpjpe: 27.6 } });
    expect(rows.some((r) => r.label.includes('VideoPose3D'))).toBe(true);
    for (const r of rows)
      for (const name of Object.keys(r.metrics)) expect(['mpjpe', 'p_mpjpe']).toContain(name);

    const chest = await api.gql<{ references: Array<{ metrics: Record<string, number> }> }>(
      '{ references(task: chest, metric: "auc_COVID-19") { metrics } }',
    );
    expect(chest.data?.references.length).toBeGreaterThan(0);
    for (const r of chest.data!.references) expect(r.metrics['auc_COVID-19']).toBeGreaterThan(0.9);
  });

  it('names the metric a task does not have', async () => {
    const res = await api.gql('{ references(task: pose3d, metric: "ap") { id } }');
    expect(res.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    expect(res.errors?.[0]?.message).toContain('mpjpe');
  });
});

describe('leaderboard by geometry', () => {
  const GROUPS = /* GraphQL */ `
    query ($sweepIds: [ID!], $groupBy: LeaderboardGroupBy!, $after: String, $limit: Int) {
      leaderboard(
        task: pose3d
        metric: "mpjpe"
        groupBy: $groupBy
        sweepIds: $sweepIds
        limit: $limit
        after: $after
        withReferences: true
      ) {
        rows {
          rank
          d_m
          d_h
          qk_tied
          n
          mean
          std
          min
          max
          paramCount
          metrics
          trials {
            id
            value
          }
        }
        next
        references {
          id
        }
      }
    }
  `;
  interface Page {
    leaderboard: {
      rows: Array<{
        rank: number;
        d_m: number;
        d_h: number;
        n: number;
        mean: number;
        std: number | null;
        min: number;
        max: number;
        metrics: Record<string, { mean: number; std: number | null }>;
        trials: Array<{ id: string; value: number }>;
      }>;
      next: string | null;
      references: Array<{ id: string }>;
    };
  }
  const POSE3D_D = 'swdddddddddd';

  it('pools the seeds of a geometry into mean ± sample std, every metric too, best first', async () => {
    // Two more seeds of trial A-0's geometry (512/8/64), in a sweep of their own.
    await insertSweep(handle.db, {
      task: 'pose3d',
      method: 'grid',
      metricName: 'mpjpe',
      metricGoal: 'minimize',
      spec: {},
      id: POSE3D_D,
      name: 'h36m-d',
      trials: [trial(0, 512, 8, 64, false), trial(1, 512, 8, 64, false)],
    });
    await complete(POSE3D_D, 0, { mpjpe: 47.1, p_mpjpe: 36 });
    await complete(POSE3D_D, 1, { mpjpe: 49.1, p_mpjpe: 38 });

    const res = await api.gql<Page>(GROUPS, {
      sweepIds: [POSE3D_A, POSE3D_D],
      groupBy: 'geometry',
    });
    expect(res.errors).toBeUndefined();
    const { rows, references } = res.data!.leaderboard;
    // A-1 (37.7) alone; then the three seeds of 512/8/64; then A-2 (52).
    expect(rows.map((r) => [r.rank, r.d_h, r.n])).toEqual([
      [1, 128, 1],
      [2, 64, 3],
      [3, 32, 1],
    ]);
    const pooled = rows[1]!;
    const values = [45.1, 47.1, 49.1];
    const mean = values.reduce((a, b) => a + b) / 3;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / 2);
    expect(pooled.mean).toBeCloseTo(mean, 9);
    expect(pooled.std).toBeCloseTo(std, 9);
    expect([pooled.min, pooled.max]).toEqual([45.1, 49.1]);
    expect(pooled.metrics.p_mpjpe!.mean).toBeCloseTo((35 + 36 + 38) / 3, 9);
    expect(pooled.trials.map((t) => t.id).sort()).toEqual(
      [trialId(POSE3D_A, 0), trialId(POSE3D_D, 0), trialId(POSE3D_D, 1)].sort(),
    );
    expect(rows[0]!.std).toBeNull();
    // Published rows ride along, outside the ranking.
    expect(references.map((r) => r.id)).toContain('thesis-t2-base');
  });

  it('pages with a cursor, and refuses a sweep of another task', async () => {
    const first = await api.gql<Page>(GROUPS, { groupBy: 'trial', limit: 2 });
    const page1 = first.data!.leaderboard;
    expect(page1.rows).toHaveLength(2);
    const second = await api.gql<Page>(GROUPS, { groupBy: 'trial', limit: 50, after: page1.next });
    const all = [...page1.rows, ...second.data!.leaderboard.rows];
    const means = all.map((r) => r.mean);
    expect(means).toEqual([...means].sort((a, b) => a - b));
    expect(new Set(all.map((r) => r.trials[0]!.id)).size).toBe(all.length);
    expect(all.every((r) => r.n === 1)).toBe(true);

    const wrong = await api.gql(GROUPS, { groupBy: 'trial', sweepIds: [POSE2D_C] });
    expect(wrong.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    expect(wrong.errors?.[0]?.message).toContain('pose2d sweep');
  });
});

describe('process', () => {
  it('printed exactly the listening line on stdout, and exits 0 on SIGTERM', async () => {
    expect(api.stdoutLines).toEqual([`headroom api listening on ${api.url}`]);
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(await api.stop()).toBe(0);
  });
});
