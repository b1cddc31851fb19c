import {
  cancelPendingTrials,
  completeTrial,
  type DbHandle,
  failTrial,
  insertSweep,
  markTrialRunning,
  openDatabase,
  recordEpochMetrics,
  registerWorker,
  setSweepStatus,
  settleSweepStatus,
  sweepRegistration,
  trialId,
} from '@headroom/db';
import { parseSweepSpec, requireTaskSweep } from '@headroom/sweep';
import { createTestDatabase, freePort, type TestDatabase } from '@headroom/test-support';
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ApiProcess, startApi } from './helpers/api-process';

// A real graphql-ws client on the API's /graphql, the database written with the control
// activities' own writes (@headroom/db), as a sweep's workflows would write it.
let database: TestDatabase;
let handle: DbHandle;
let api: ApiProcess;
let client: Client;

beforeAll(async () => {
  database = await createTestDatabase('headroom_api_events');
  handle = await openDatabase({ url: database.url, maxConnections: 2 });
  api = await startApi({
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
  });
  client = createClient({
    url: api.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${api.adminToken}` },
  });
});

afterAll(async () => {
  await client?.dispose();
  if (api?.child.exitCode === null) await api.stop();
  await handle?.close();
  await database?.drop();
});

/** A pending grid of `trials` seeds, registered as the control worker registers one. */
function newSweep(id: string, trials: number) {
  const spec = parseSweepSpec({
    name: id,
    task: 'pose3d',
    dataset: { kind: 'synthetic' },
    method: 'grid',
    parameters: {
      d_m: { value: 64 },
      heads: { value: 4 },
      d_h: { value: 16 },
      epochs: { value: 3 },
      seed: { values: Array.from({ length: trials }, (_, i) => i + 1) },
    },
  });
  return insertSweep(handle.db, sweepRegistration(id, requireTaskSweep(spec)));
}

/** A subscription's events as they arrive; `next` waits (with a deadline) for the next one. */
function subscribe<T>(query: string, variables: Record<string, unknown>) {
  const events: T[] = [];
  let read = 0;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const stop = client.subscribe<T>(
    { query, variables },
    {
      next: (r) => {
        if (r.errors) failure = r.errors;
        else events.push(r.data as T);
        wake?.();
      },
      error: (err) => {
        failure = err;
        wake?.();
      },
      complete: () => undefined,
    },
  );
  return {
    stop,
    async next(ms = 20_000): Promise<T> {
      const deadline = Date.now() + ms;
      while (read >= events.length) {
        if (failure) throw new Error(`subscription failed: ${JSON.stringify(failure)}`);
        if (Date.now() > deadline) throw new Error(`no event within ${ms} ms: ${query}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
      return events[read++]!;
    },
    /** Events not read yet. */
    unread: () => events.slice(read),
  };
}

const TRIAL_EVENTS = /* GraphQL */ `
  subscription ($sweepId: ID!) {
    trialUpdated(sweepId: $sweepId) {
      id
      status
      attempts
      resumedFromEpoch
      epochsCompleted
      metrics
      updatedAt
      history(first: 100) {
        rows {
          epoch
          metrics
        }
      }
    }
  }
`;
const SWEEP_EVENTS = /* GraphQL */ `
  subscription ($id: ID!) {
    sweepUpdated(id: $id) {
      id
      status
      updatedAt
      trialCount
    }
  }
`;

interface TrialEvent {
  trialUpdated: {
    id: string;
    status: string;
    attempts: number;
    resumedFromEpoch: number;
    epochsCompleted: number;
    metrics: Record<string, number> | null;
    updatedAt: string;
    history: { rows: Array<{ epoch: number; metrics: Record<string, number> }> };
  };
}
interface SweepEvent {
  sweepUpdated: { id: string; status: string; updatedAt: string; trialCount: number };
}

describe('subscriptions over graphql-ws', () => {
  it('follow a sweep as the control activities write it: statuses, each epoch, a resume, the end', async () => {
    const S = 'swsubscribed';
    await newSweep(S, 2);
    const trials = subscribe<TrialEvent>(TRIAL_EVENTS, { sweepId: S });
    const sweep = subscribe<SweepEvent>(SWEEP_EVENTS, { id: S });
    // sweepUpdated answers at once with the sweep as it is: both subscriptions are live.
    expect((await sweep.next()).sweepUpdated).toMatchObject({ status: 'pending', trialCount: 2 });

    const t0 = trialId(S, 0);
    const trial = async () => (await trials.next()).trialUpdated;
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['sweep running', () => setSweepStatus(handle.db, S, 'running')],
      ['started', () => markTrialRunning(handle.db, t0, { attemptKey: 'run-a/1' })],
      [
        'epoch 1',
        () => recordEpochMetrics(handle.db, { trialId: t0, epoch: 1, metrics: { mpjpe: 60 } }),
      ],
      [
        'epoch 2',
        () => recordEpochMetrics(handle.db, { trialId: t0, epoch: 2, metrics: { mpjpe: 55 } }),
      ],
      ['paused', () => failTrial(handle.db, { trialId: t0, status: 'paused', error: null })],
      [
        'resumed',
        () => markTrialRunning(handle.db, t0, { attemptKey: 'run-b/1', resumedFromEpoch: 2 }),
      ],
      [
        'epoch 3',
        () => recordEpochMetrics(handle.db, { trialId: t0, epoch: 3, metrics: { mpjpe: 50 } }),
      ],
      [
        'succeeded',
        () =>
          completeTrial(handle.db, {
            trialId: t0,
            metrics: { mpjpe: 50, p_mpjpe: 40 },
            epochsCompleted: 3,
            artifactPath: '/a/0',
          }),
      ],
      ['cancelled', () => cancelPendingTrials(handle.db, S)],
      ['sweep settled', () => settleSweepStatus(handle.db, S)],
    ];
    const seen: unknown[] = [];
    for (const [what, write] of steps) {
      await write();
      if (what.startsWith('sweep')) {
        const s = (await sweep.next()).sweepUpdated;
        seen.push([what, s.status]);
      } else {
        const t = await trial();
        seen.push([
          what,
          t.id,
          t.status,
          t.attempts,
          t.resumedFromEpoch,
          t.epochsCompleted,
          t.history.rows.map((r) => [r.epoch, r.metrics.mpjpe]),
          t.metrics,
        ]);
      }
    }
    const t1 = trialId(S, 1);
    expect(seen).toEqual([
      ['sweep running', 'running'],
      ['started', t0, 'running', 1, 0, 0, [], null],
      ['epoch 1', t0, 'running', 1, 0, 1, [[1, 60]], null],
      [
        'epoch 2',
        t0,
        'running',
        1,
        0,
        2,
        [
          [1, 60],
          [2, 55],
        ],
        null,
      ],
      [
        'paused',
        t0,
        'paused',
        1,
        0,
        2,
        [
          [1, 60],
          [2, 55],
        ],
        null,
      ],
      [
        'resumed',
        t0,
        'running',
        2,
        2,
        2,
        [
          [1, 60],
          [2, 55],
        ],
        null,
      ],
      [
        'epoch 3',
        t0,
        'running',
        2,
        2,
        3,
        [
          [1, 60],
          [2, 55],
          [3, 50],
        ],
        null,
      ],
      [
        'succeeded',
        t0,
        'succeeded',
        2,
        2,
        3,
        [
          [1, 60],
          [2, 55],
          [3, 50],
        ],
        { mpjpe: 50, p_mpjpe: 40 },
      ],
      ['cancelled', t1, 'cancelled', 0, 0, 0, [], null],
      ['sweep settled', 'failed'],
    ]);
    expect(trials.unread()).toEqual([]);
    expect(sweep.unread()).toEqual([]);
    trials.stop();
    sweep.stop();
  });

  it('announce train workers, and say NOT_FOUND for a sweep that does not exist', async () => {
    const workers = subscribe<{ workerUpdated: { id: string; pool: string; status: string } }>(
      'subscription { workerUpdated { id pool status updatedAt } }',
      {},
    );
    // Nothing answers first on this one: register until the subscription is live.
    const register = (n: number) =>
      registerWorker(handle.db, {
        id: `train@host/${n}`,
        pool: 'gpu',
        host: 'host',
        pid: n,
        backend: 'tensorflow',
        device: 'cpu',
        slots: 1,
        startedAt: new Date(),
      });
    let event: { id: string } | undefined;
    for (let n = 1; event === undefined; n++) {
      await register(n);
      event = await workers.next(1_000).then(
        (e) => e.workerUpdated,
        () => undefined,
      );
      expect(n).toBeLessThan(30);
    }
    expect(event).toMatchObject({ pool: 'gpu', status: 'running' });
    workers.stop();

    const missing = subscribe<SweepEvent>(SWEEP_EVENTS, { id: 'swnosuchsweep' });
    await expect(missing.next()).rejects.toThrow(
      /NOT_FOUND.*swnosuchsweep|swnosuchsweep.*NOT_FOUND/,
    );
  });

  it('re-send what changed while the API was not listening', async () => {
    const S = 'swgapgapgapg';
    await newSweep(S, 1);
    const trials = subscribe<TrialEvent>(TRIAL_EVENTS, { sweepId: S });
    const sweep = subscribe<SweepEvent>(SWEEP_EVENTS, { id: S });
    await sweep.next();
    // Drop the API's listening connection, and write before it is back (its first retry waits).
    const { rows } = await handle.db.execute(
      `select pg_terminate_backend(pid) as ended from pg_stat_activity
       where datname = current_database() and application_name = 'headroom-events'`,
    );
    expect(rows).toEqual([{ ended: true }]);
    await markTrialRunning(handle.db, trialId(S, 0), { attemptKey: 'run-gap/1' });
    const t = (await trials.next()).trialUpdated;
    expect(t).toMatchObject({ id: trialId(S, 0), status: 'running', attempts: 1 });
    expect(api.stderr()).toMatch(/listening again; re-sending what changed since/);
    trials.stop();
    sweep.stop();
  });
});
