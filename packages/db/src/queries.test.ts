import { isHeadroomError } from '@headroom/errors';
import {
  SWEEP_STATUSES,
  TRIAL_STATUSES,
  type SweepMethod,
  type SweepStatus,
  type TaskId,
} from '@headroom/sweep';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../test/databases';
import type { Database } from './database';
import {
  completeTrial,
  failTrial,
  getSweep,
  getTrial,
  insertSweep,
  groupedLeaderboard,
  listCheckpoints,
  listSweepMetrics,
  listSweeps,
  listTrialMetrics,
  listTrials,
  markTrialRunning,
  recordCheckpoint,
  recordEpochMetrics,
  setSweepStatus,
  sweeps,
  trialId,
  listWorkers,
  markWorkerSeen,
  registerWorker,
  settleSweepStatus,
} from './index';
import type { GroupedLeaderboardQuery, InsertSweepInput, NewTrial } from './index';

function newTrials(count: number): NewTrial[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    params: {
      d_m: 256,
      heads: 8,
      d_h: 32 + (index % 4) * 16,
      qk_tied: index % 2 === 1,
      lr: 5e-4,
      seed: index,
    },
    dModel: 256,
    heads: 8,
    dH: 32 + (index % 4) * 16,
    qkTied: index % 2 === 1,
    epochs: 10,
  }));
}

function sweepInput(
  id: string,
  trialCount: number,
  overrides: Partial<InsertSweepInput> = {},
): InsertSweepInput {
  return {
    id,
    name: `sweep ${id}`,
    task: 'pose3d',
    method: 'grid',
    metricName: 'mpjpe',
    metricGoal: 'minimize',
    spec: { name: `sweep ${id}`, parameters: { d_h: { values: ['auto', 32] } } },
    trials: newTrials(trialCount),
    ...overrides,
  };
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isHeadroomError(err) && err.code).toBe(code);
}

/** The constraint a failed write violated (drizzle wraps the driver's error as its cause). */
async function violatedConstraint(write: Promise<unknown>): Promise<string | undefined> {
  const err = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const constraint = (e as { constraint?: string }).constraint;
    if (constraint) return constraint;
  }
  return err === undefined ? 'no error' : `no constraint in ${String(err)}`;
}

describe.each(BACKENDS)('queries on $kind', (backend) => {
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

  it('inserts a sweep and its trials once however often it runs', async () => {
    const input = sweepInput('twice', 5);
    await insertSweep(db, input);
    await insertSweep(db, input);

    const sweep = await getSweep(db, 'twice');
    expect(sweep).toMatchObject({
      id: 'twice',
      task: 'pose3d',
      metricGoal: 'minimize',
      status: 'pending',
      spec: input.spec,
    });
    expect(sweep?.createdAt).toBeInstanceOf(Date);
    expect((await listSweeps(db)).filter((s) => s.id === 'twice')).toHaveLength(1);

    const trials = await listTrials(db, 'twice');
    expect(trials.map((t) => t.id)).toEqual([0, 1, 2, 3, 4].map((i) => trialId('twice', i)));
    expect(trials[3]).toMatchObject({
      id: 'twice-3',
      sweepId: 'twice',
      index: 3,
      status: 'pending',
      dModel: 256,
      heads: 8,
      dH: 80,
      qkTied: true,
      epochs: 10,
      epochsCompleted: 0,
      attempts: 0,
      paramCount: null,
      metrics: null,
      startedAt: null,
      params: { d_m: 256, heads: 8, d_h: 80, qk_tied: true, lr: 5e-4, seed: 3 },
    });
  });

  it('inserts a 10,000-trial sweep', async () => {
    await insertSweep(db, sweepInput('big', 10_000));
    const trials = await listTrials(db, 'big');
    expect(trials).toHaveLength(10_000);
    expect(trials[9_999]?.id).toBe('big-9999');
    expect(trials.every((t, i) => t.index === i)).toBe(true);
  });

  it('sets the sweep status and reports a missing sweep', async () => {
    await insertSweep(db, sweepInput('status', 1));
    await setSweepStatus(db, 'status', 'running');
    expect((await getSweep(db, 'status'))?.status).toBe('running');
    await expectCode(setSweepStatus(db, 'no-such-sweep', 'running'), 'NOT_FOUND');
    expect(await getSweep(db, 'no-such-sweep')).toBeUndefined();
  });

  it("refuses words outside the vocabulary: CHECKs built from @headroom/sweep's lists", async () => {
    for (const status of SWEEP_STATUSES) {
      await insertSweep(db, sweepInput(`vocab-${status}`, 1));
      await setSweepStatus(db, `vocab-${status}`, status);
    }
    expect(
      await violatedConstraint(setSweepStatus(db, 'vocab-running', 'sleeping' as SweepStatus)),
    ).toBe('sweeps_status_check');
    expect(
      await violatedConstraint(
        insertSweep(db, sweepInput('vocab-task', 1, { task: 'pose4d' as TaskId })),
      ),
    ).toBe('sweeps_task_check');
    expect(
      await violatedConstraint(
        insertSweep(db, sweepInput('vocab-method', 1, { method: 'annealing' as SweepMethod })),
      ),
    ).toBe('sweeps_method_check');
    expect(
      await violatedConstraint(
        failTrial(db, {
          trialId: trialId('vocab-running', 0),
          status: 'lost' as 'failed',
          error: null,
        }),
      ),
    ).toBe('trials_status_check');
    // Nothing half-written: the refused sweeps left no rows.
    expect(await getSweep(db, 'vocab-task')).toBeUndefined();
    expect(await listTrials(db, 'vocab-method')).toEqual([]);
    for (const status of TRIAL_STATUSES.filter((s) => s !== 'succeeded')) {
      await failTrial(db, {
        trialId: trialId('vocab-running', 0),
        status: status as 'failed',
        error: null,
      });
    }
  });

  it('lists sweeps newest first within the limit', async () => {
    await insertSweep(db, sweepInput('newer', 0));
    await insertSweep(db, sweepInput('older', 0));
    // Two inserts can share a clock tick; make the order explicit.
    await db
      .update(sweeps)
      .set({ createdAt: new Date('2020-01-01T00:00:00Z') })
      .where(eq(sweeps.id, 'older'));
    const ids = (await listSweeps(db, { limit: 500 })).map((s) => s.id);
    expect(ids.indexOf('newer')).toBeLessThan(ids.indexOf('older'));
    expect(await listSweeps(db, { limit: 1 })).toHaveLength(1);
    await expectCode(listSweeps(db, { limit: 0 }), 'INVALID_INPUT');
  });

  it('keeps one metrics row per trial and epoch, the latest report winning', async () => {
    await insertSweep(db, sweepInput('epochs', 2));
    const id = trialId('epochs', 0);
    await recordEpochMetrics(db, { trialId: id, epoch: 1, metrics: { loss: 2, mpjpe: 80 } });
    await recordEpochMetrics(db, { trialId: id, epoch: 1, metrics: { loss: 1.5, mpjpe: 70 } });
    await recordEpochMetrics(db, { trialId: id, epoch: 2, metrics: { loss: 1, mpjpe: 60 } });

    const rows = await listTrialMetrics(db, id);
    expect(rows.map((r) => [r.epoch, r.metrics])).toEqual([
      [1, { loss: 1.5, mpjpe: 70 }],
      [2, { loss: 1, mpjpe: 60 }],
    ]);
    expect((await getTrial(db, id))?.epochsCompleted).toBe(2);

    // A late duplicate of an older epoch does not move epochs_completed back.
    await recordEpochMetrics(db, { trialId: id, epoch: 1, metrics: { loss: 1.5, mpjpe: 70 } });
    expect((await getTrial(db, id))?.epochsCompleted).toBe(2);
    await expectCode(
      recordEpochMetrics(db, { trialId: 'epochs-99', epoch: 1, metrics: {} }),
      'NOT_FOUND',
    );
  });

  it("keeps an epoch's breakdown and metrics without a value (null)", async () => {
    await insertSweep(db, sweepInput('breakdown', 1));
    const id = trialId('breakdown', 0);
    const breakdown = {
      Walking: { mpjpe: 41.5, p_mpjpe: 31 },
      Sitting: { mpjpe: 60, p_mpjpe: 44 },
    };
    await recordEpochMetrics(db, { trialId: id, epoch: 1, metrics: { mpjpe: 50.75 }, breakdown });
    await recordEpochMetrics(db, {
      trialId: id,
      epoch: 2,
      metrics: { mean_auc: 0.8, auc_Hernia: null },
    });
    const rows = await listTrialMetrics(db, id);
    expect(rows.map((r) => [r.metrics, r.breakdown])).toEqual([
      [{ mpjpe: 50.75 }, breakdown],
      [{ mean_auc: 0.8, auc_Hernia: null }, null],
    ]);
    // A re-delivered report without a breakdown does not keep a stale one.
    await recordEpochMetrics(db, { trialId: id, epoch: 1, metrics: { mpjpe: 50 } });
    expect((await listTrialMetrics(db, id))[0]!.breakdown).toBeNull();
  });

  it("lists a sweep's metrics by trial index, then epoch", async () => {
    await insertSweep(db, sweepInput('curves', 12));
    // Written out of order: trial 10 sorts after trial 2 by index, though not by id.
    await recordEpochMetrics(db, { trialId: 'curves-10', epoch: 2, metrics: { mpjpe: 3 } });
    await recordEpochMetrics(db, { trialId: 'curves-10', epoch: 1, metrics: { mpjpe: 4 } });
    await recordEpochMetrics(db, { trialId: 'curves-2', epoch: 1, metrics: { mpjpe: 5 } });
    const rows = await listSweepMetrics(db, 'curves');
    expect(rows.map((r) => `${r.trialId}@${r.epoch}`)).toEqual([
      'curves-2@1',
      'curves-10@1',
      'curves-10@2',
    ]);
  });

  it('upserts checkpoints by trial and epoch', async () => {
    await insertSweep(db, sweepInput('ckpt', 1));
    const id = 'ckpt-0';
    await recordCheckpoint(db, { trialId: id, epoch: 1, path: 'a/1', sizeBytes: 10, sha256: 'aa' });
    await recordCheckpoint(db, {
      trialId: id,
      epoch: 1,
      path: 'b/1',
      sizeBytes: 5_000_000_000,
      sha256: 'bb',
    });
    await recordCheckpoint(db, { trialId: id, epoch: 2, path: 'b/2', sizeBytes: 12, sha256: 'cc' });
    const rows = await listCheckpoints(db, id);
    expect(
      rows.map(({ epoch, path, sizeBytes, sha256 }) => ({ epoch, path, sizeBytes, sha256 })),
    ).toEqual([
      { epoch: 1, path: 'b/1', sizeBytes: 5_000_000_000, sha256: 'bb' },
      { epoch: 2, path: 'b/2', sizeBytes: 12, sha256: 'cc' },
    ]);
    await expectCode(
      recordCheckpoint(db, { trialId: 'ckpt-7', epoch: 1, path: 'x', sizeBytes: 1, sha256: 'x' }),
      'NOT_FOUND',
    );
  });

  it('counts each attempt once, keeps the first start time and the resumed epoch', async () => {
    await insertSweep(db, sweepInput('running', 1));
    const id = 'running-0';
    await markTrialRunning(db, id, {
      attemptKey: 'run-a/1',
      backend: 'tensorflow',
      device: 'gpu:0',
      paramCount: 12_622_339,
      flops: 3_000_000_000,
    });
    const first = await getTrial(db, id);
    expect(first).toMatchObject({ paramCount: 12_622_339, flops: 3_000_000_000 });
    // The same report delivered twice (activities are at-least-once) counts once.
    await markTrialRunning(db, id, {
      attemptKey: 'run-a/1',
      backend: 'tensorflow',
      device: 'gpu:0',
    });
    expect((await getTrial(db, id))?.attempts).toBe(1);
    await markTrialRunning(db, id, {
      attemptKey: 'run-a/2',
      resumedFromEpoch: 4,
      worker: 'train@h/1',
    });
    const second = await getTrial(db, id);
    expect(second).toMatchObject({
      status: 'running',
      attempts: 2,
      resumedFromEpoch: 4,
      worker: 'train@h/1',
      // An attempt that did not say (it failed before building its model) keeps what is known.
      paramCount: 12_622_339,
      flops: 3_000_000_000,
    });
    expect(first?.startedAt).toBeInstanceOf(Date);
    expect(second?.startedAt?.getTime()).toBe(first?.startedAt?.getTime());
    await expectCode(markTrialRunning(db, 'running-5', { attemptKey: 'k' }), 'NOT_FOUND');
  });

  it('resumes a failed trial but never a succeeded one', async () => {
    await insertSweep(db, sweepInput('resume', 2));
    await markTrialRunning(db, 'resume-0', { attemptKey: 'a/1' });
    await failTrial(db, { trialId: 'resume-0', status: 'failed', error: 'worker lost' });
    await markTrialRunning(db, 'resume-0', { attemptKey: 'b/1' });
    expect(await getTrial(db, 'resume-0')).toMatchObject({
      status: 'running',
      attempts: 2,
      error: null,
      finishedAt: null,
    });

    await completeTrial(db, {
      trialId: 'resume-1',
      metrics: { mpjpe: 40 },
      paramCount: 1234,
      artifactPath: 'x',
      epochsCompleted: 10,
    });
    await markTrialRunning(db, 'resume-1', { attemptKey: 'c/3' });
    expect(await getTrial(db, 'resume-1')).toMatchObject({ status: 'succeeded', attempts: 0 });
  });

  it('completes a trial idempotently, and a later failure leaves it succeeded', async () => {
    await insertSweep(db, sweepInput('complete', 1));
    const id = 'complete-0';
    await markTrialRunning(db, id, { attemptKey: 'a/1' });
    const result = {
      trialId: id,
      metrics: { mpjpe: 37.7, p_mpjpe: 30.1 },
      paramCount: 3_000_000_000,
      artifactPath: 'artifacts/complete-0/final',
      artifacts: [
        { name: 'gradcam/Edema-1.png', path: '/a/complete-0/gradcam/Edema-1.png', bytes: 812 },
      ],
      epochsCompleted: 10,
      backend: 'tensorflow',
      device: 'gpu:1',
    };
    await completeTrial(db, result);
    const done = await getTrial(db, id);
    await completeTrial(db, result);
    await failTrial(db, {
      trialId: id,
      status: 'failed',
      error: 'duplicate failure after success',
    });
    await failTrial(db, { trialId: id, status: 'cancelled', error: 'late cancel' });

    const trial = await getTrial(db, id);
    expect(trial).toMatchObject({
      status: 'succeeded',
      metrics: { mpjpe: 37.7, p_mpjpe: 30.1 },
      paramCount: 3_000_000_000,
      artifactPath: 'artifacts/complete-0/final',
      artifacts: result.artifacts,
      epochsCompleted: 10,
      device: 'gpu:1',
      error: null,
    });
    expect(trial?.finishedAt).toBeInstanceOf(Date);
    expect(trial?.finishedAt?.getTime()).toBe(done?.finishedAt?.getTime());
    await expectCode(completeTrial(db, { ...result, trialId: 'complete-9' }), 'NOT_FOUND');
    await expectCode(
      failTrial(db, { trialId: 'complete-9', status: 'failed', error: 'x' }),
      'NOT_FOUND',
    );
  });

  it('fails, cancels and prunes unfinished trials', async () => {
    await insertSweep(db, sweepInput('ends', 3));
    await failTrial(db, { trialId: 'ends-0', status: 'failed', error: 'NaN loss' });
    await failTrial(db, { trialId: 'ends-1', status: 'cancelled', error: 'cancelled by user' });
    await failTrial(db, { trialId: 'ends-2', status: 'pruned', error: 'hyperband rung 1' });
    const trials = await listTrials(db, 'ends');
    expect(trials.map((t) => [t.status, t.error])).toEqual([
      ['failed', 'NaN loss'],
      ['cancelled', 'cancelled by user'],
      ['pruned', 'hyperband rung 1'],
    ]);
    expect(trials.every((t) => t.finishedAt instanceof Date)).toBe(true);
  });

  describe('leaderboard', () => {
    // value per trial index; undefined = the trial does not succeed
    const lbA: Array<number | undefined> = [0.7, 0.75, undefined, 0.72, 0.75];
    const lbB: Array<number | undefined> = [0.74, 0.6];

    beforeAll(async () => {
      for (const [id, values] of [
        ['lb-a', lbA],
        ['lb-b', lbB],
      ] as const) {
        await insertSweep(
          db,
          sweepInput(id, values.length, {
            task: 'pose2d',
            metricName: 'ap',
            metricGoal: 'maximize',
          }),
        );
        for (const [index, ap] of values.entries()) {
          const tid = trialId(id, index);
          if (ap === undefined) await failTrial(db, { trialId: tid, status: 'failed', error: 'x' });
          else
            await completeTrial(db, {
              trialId: tid,
              metrics: { ap, ar: 1 - ap },
              paramCount: 100 + index,
              artifactPath: tid,
              epochsCompleted: 10,
            });
        }
      }
      // Same task, but without the metric (null from a NaN) or with another task: never ranked.
      await insertSweep(db, sweepInput('lb-c', 2, { task: 'pose2d' }));
      await completeTrial(db, {
        trialId: 'lb-c-0',
        metrics: { ar: 0.1 },
        paramCount: 1,
        artifactPath: 'x',
        epochsCompleted: 1,
      });
      await completeTrial(db, {
        trialId: 'lb-c-1',
        metrics: { ap: Number.NaN },
        paramCount: 1,
        artifactPath: 'x',
        epochsCompleted: 1,
      });
      await insertSweep(db, sweepInput('lb-other', 1, { task: 'chest' }));
      await completeTrial(db, {
        trialId: 'lb-other-0',
        metrics: { ap: 0.99 },
        paramCount: 1,
        artifactPath: 'x',
        epochsCompleted: 1,
      });
    });

    const byTrial = (q: Omit<GroupedLeaderboardQuery, 'groupBy'>) =>
      groupedLeaderboard(db, { ...q, groupBy: 'trial' }).then((p) => p.rows);

    it('ranks trials by the metric, highest first for maximize, ties by trial id', async () => {
      const board = await byTrial({ task: 'pose2d', metric: 'ap', goal: 'maximize' });
      expect(board.map((e) => [e.rank, e.key, e.mean, e.n, e.std])).toEqual([
        [1, 'lb-a-1', 0.75, 1, null],
        [2, 'lb-a-4', 0.75, 1, null],
        [3, 'lb-b-0', 0.74, 1, null],
        [4, 'lb-a-3', 0.72, 1, null],
        [5, 'lb-a-0', 0.7, 1, null],
        [6, 'lb-b-1', 0.6, 1, null],
      ]);
      expect(board[0]).toMatchObject({
        paramCount: 101,
        geometry: { dH: 48 },
        trials: [{ id: 'lb-a-1', sweepId: 'lb-a', value: 0.75, epoch: null }],
        metrics: { ap: { mean: 0.75, std: null, n: 1 } },
      });
    });

    it('ranks lowest first for minimize', async () => {
      const board = await byTrial({ task: 'pose2d', metric: 'ar', goal: 'minimize', limit: 3 });
      expect(board.map((e) => [e.rank, e.key])).toEqual([
        [1, 'lb-c-0'],
        [2, 'lb-a-1'],
        [3, 'lb-a-4'],
      ]);
      expect(board[0]?.mean).toBeCloseTo(0.1);
    });

    it('filters by sweep', async () => {
      const board = await byTrial({
        task: 'pose2d',
        metric: 'ap',
        goal: 'minimize',
        sweepIds: ['lb-b'],
      });
      expect(board.map((e) => [e.rank, e.key, e.mean])).toEqual([
        [1, 'lb-b-1', 0.6],
        [2, 'lb-b-0', 0.74],
      ]);
      expect(
        await byTrial({ task: 'chest', metric: 'ap', goal: 'maximize', sweepIds: ['lb-b'] }),
      ).toEqual([]);
    });
  });

  it('registers a worker once per identity and only moves last-seen forward', async () => {
    const startedAt = new Date('2026-01-01T10:00:00Z');
    const w = {
      id: 'train@node-1/42',
      pool: 'gpu',
      host: 'node-1',
      pid: 42,
      backend: 'tensorflow',
      device: 'cpu (2 cores)',
      slots: 1,
      startedAt,
    };
    await registerWorker(db, w);
    await registerWorker(db, w);
    await markWorkerSeen(db, w.id, new Date('2026-01-01T10:05:00Z'));
    await markWorkerSeen(db, w.id, new Date('2026-01-01T10:01:00Z')); // a late, older heartbeat
    const rows = await listWorkers(db, { pool: 'gpu' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ pool: 'gpu', slots: 1, status: 'running' });
    expect(rows[0]!.lastSeenAt.toISOString()).toBe('2026-01-01T10:05:00.000Z');
    await markWorkerSeen(db, w.id, new Date('2026-01-01T10:06:00Z'), 'stopped');
    expect((await listWorkers(db))[0]).toMatchObject({ status: 'stopped' });
  });

  it('settles a sweep from its trials: failed while any trial is failed or cancelled', async () => {
    await insertSweep(db, sweepInput('settle', 2));
    await completeTrial(db, {
      trialId: 'settle-0',
      metrics: { mpjpe: 1 },
      paramCount: 1,
      artifactPath: 'a',
      epochsCompleted: 1,
    });
    await failTrial(db, { trialId: 'settle-1', status: 'failed', error: 'NaN loss' });
    expect(await settleSweepStatus(db, 'settle')).toBe('failed');
    await completeTrial(db, {
      trialId: 'settle-1',
      metrics: { mpjpe: 2 },
      paramCount: 1,
      artifactPath: 'b',
      epochsCompleted: 1,
    });
    expect(await settleSweepStatus(db, 'settle')).toBe('succeeded');
    expect((await getSweep(db, 'settle'))?.status).toBe('succeeded');
  });
});
