import {
  completeTrial,
  type DbHandle,
  insertSweep,
  type NewTrial,
  openDatabase,
  recordEpochMetrics,
  trialId,
} from '@headroom/db';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROGRAM_LOG_NAME, programTrialDir } from '@headroom/sweep/temporal';
import { createTestDatabase, freePort, type TestDatabase } from '@headroom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHQL_LIMITS } from '../src/common/armor';
import { type ApiProcess, startApi } from './helpers/api-process';
import { POSE3D_GRID, seedTrial } from './helpers/seed';

// Queries run compiled by graphql-jit (src/common/compiled-execution.ts). Two real APIs on one real
// database: the default one and one with HEADROOM_GRAPHQL_EXECUTOR=graphql-js; every answer, errors
// and HTTP status included, must be the same from both.
let database: TestDatabase;
let handle: DbHandle;
let compiled: ApiProcess;
let interpreted: ApiProcess;
let artifacts: string;

const SWEEP_A = 'swjitaaaaaaa';
const SWEEP_B = 'swjitbbbbbbb';
const TRIALS = 25;

function trial(index: number): NewTrial {
  const d_m = [128, 256, 512][index % 3]!;
  const heads = [2, 4, 8][index % 3]!;
  return seedTrial(index, { d_m, heads, d_h: d_m / heads, qk_tied: index % 2 === 0 }, 12);
}

beforeAll(async () => {
  database = await createTestDatabase();
  handle = await openDatabase({ url: database.url, maxConnections: 2 });
  await insertSweep(handle.db, {
    ...POSE3D_GRID,
    id: SWEEP_A,
    name: 'jit-a',
    trials: Array.from({ length: TRIALS }, (_, i) => trial(i)),
  });
  await insertSweep(handle.db, { ...POSE3D_GRID, id: SWEEP_B, name: 'jit-b', trials: [trial(0)] });
  // Trials 0–19 succeed after 1–12 epochs; 20–22 report one epoch and run on; 23–24 wait.
  for (let index = 0; index < 23; index++) {
    const epochs = index < 20 ? 1 + (index % 12) : 1;
    for (let epoch = 1; epoch <= epochs; epoch++)
      await recordEpochMetrics(handle.db, {
        trialId: trialId(SWEEP_A, index),
        epoch,
        // A metric without a value (null) on some epochs, as an undefined AUC reports it.
        metrics: { mpjpe: 100 - epoch - index / 10, p_mpjpe: epoch % 3 === 0 ? null : 70 - epoch },
      });
    if (index < 20)
      await completeTrial(handle.db, {
        trialId: trialId(SWEEP_A, index),
        metrics: { mpjpe: 90 - index / 10, p_mpjpe: 60 },
        paramCount: 1000 + index,
        artifactPath: `/artifacts/${SWEEP_A}/${index}`,
        epochsCompleted: epochs,
        backend: 'cpu',
        device: `cpu:${index % 2}`,
      });
  }
  // One trial with a program log, so Trial.logTail has something to find (by the sweep's id).
  artifacts = await mkdtemp(join(tmpdir(), 'headroom-jit-artifacts-'));
  const logDir = programTrialDir(artifacts, SWEEP_A, trialId(SWEEP_A, 3));
  await mkdir(logDir, { recursive: true });
  await writeFile(join(logDir, PROGRAM_LOG_NAME), 'epoch 1\nepoch 2\n');
  const env = {
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    HEADROOM_ARTIFACTS_DIR: artifacts,
  };
  [compiled, interpreted] = await Promise.all([
    startApi(env),
    startApi({ ...env, HEADROOM_GRAPHQL_EXECUTOR: 'graphql-js' }),
  ]);
});

afterAll(async () => {
  await Promise.all(
    [compiled, interpreted].map((api) => api?.child.exitCode === null && api.stop()),
  );
  await handle?.close();
  await database?.drop();
  if (artifacts) await rm(artifacts, { recursive: true, force: true });
});

/** The HTTP status and body of a POSTed document, as the admin (or with `token`: null for none). */
async function post(
  api: ApiProcess,
  query: string,
  variables?: Record<string, unknown>,
  token: string | null | undefined = api.adminToken,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(api.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: await res.json() };
}

/** Both APIs' answers, compared; the compiled one's is returned for what the test checks besides. */
async function same(query: string, variables?: Record<string, unknown>) {
  const [fromCompiled, fromInterpreted] = await Promise.all([
    post(compiled, query, variables),
    post(interpreted, query, variables),
  ]);
  expect(fromCompiled).toEqual(fromInterpreted);
  return fromCompiled as {
    status: number;
    body: { data?: Record<string, unknown> | null; errors?: Array<Record<string, unknown>> };
  };
}

// The bench's whole-sweep read (bench/leaderboard.mjs), every Trial field it asks.
const TRIAL_FIELDS = `id index status params d_m heads d_h qk_tied paramCount flops metrics
  epochsCompleted history(first: 100) { rows { epoch metrics } next }`;
const WHOLE_SWEEP = `query ($id: ID!, $first: Int, $after: String) {
  sweep(id: $id) { id name status trialCount trials(first: $first, after: $after) { rows { ${TRIAL_FIELDS} } next } }
}`;

describe('compiled execution (graphql-jit)', () => {
  it('answers a whole sweep as graphql-js does, and a page after a cursor', async () => {
    const whole = await same(WHOLE_SWEEP, { id: SWEEP_A, first: 1000 });
    expect(whole.status).toBe(200);
    const sweep = whole.body.data!['sweep'] as {
      trials: {
        rows: Array<{ index: number; history: { rows: unknown[] }; d_m: number }>;
        next: string | null;
      };
    };
    expect(sweep.trials.rows).toHaveLength(TRIALS);
    expect(sweep.trials.rows[11]!.history.rows).toHaveLength(12);
    expect(sweep.trials.rows[24]!.history.rows).toEqual([]);
    expect(sweep.trials.rows[1]!.d_m).toBe(256);
    expect(sweep.trials.next).toBeNull();

    const first = await same(WHOLE_SWEEP, { id: SWEEP_A, first: 10 });
    const next = (first.body.data!['sweep'] as { trials: { next: string } }).trials.next;
    expect(next).toEqual(expect.any(String));
    const after = await same(WHOLE_SWEEP, { id: SWEEP_A, first: 10, after: next });
    expect(
      (after.body.data!['sweep'] as { trials: { rows: Array<{ index: number }> } }).trials.rows.map(
        (t) => t.index,
      ),
    ).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('answers fragments, aliases, variables, directives and nested pages as graphql-js does', async () => {
    const query = /* GraphQL */ `
      query Sweeps(
        $id: ID!
        $other: ID!
        $n: Int!
        $h: Int
        $withTrials: Boolean!
        $lean: Boolean!
      ) {
        a: sweep(id: $id) {
          ...SweepFields
        }
        b: sweep(id: $other) {
          id
          name
          trials(first: 1) @include(if: $withTrials) {
            rows {
              id
            }
          }
        }
        missing: sweep(id: "swnothinghere") {
          id
        }
        sweeps(limit: 10) {
          id
          name
          trialCount
        }
      }
      fragment SweepFields on Sweep {
        id
        name
        metric
        goal
        trials(first: $n, status: [succeeded]) {
          ...Page
        }
        running: trials(first: 5, status: [running, pending]) {
          rows {
            index
            status
            epochsCompleted
            last: history(first: 1) {
              rows {
                epoch
              }
            }
          }
          next
        }
      }
      fragment Page on TrialPage {
        next
        rows {
          ...TrialFields
          early: history(first: $h) {
            rows {
              e: epoch
              m: metrics
            }
            next
          }
        }
      }
      fragment TrialFields on Trial {
        id
        index
        d_m
        d_h
        heads
        qk_tied
        params
        metrics @skip(if: $lean)
        paramCount
        device
        __typename
      }
    `;
    const variables = {
      id: SWEEP_A,
      other: SWEEP_B,
      n: 7,
      h: 2,
      withTrials: true,
      lean: false,
    };
    const answer = await same(query, variables);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data!['missing']).toBeNull();
    await same(query, { ...variables, withTrials: false, lean: true, h: 20 });
  });

  it('reads only the trial columns a query asks, yet answers every field as with all of them', async () => {
    type Row = Record<string, unknown>;
    const rowsOf = (answer: { body: { data?: Record<string, unknown> | null } }) =>
      (answer.body.data!['sweep'] as { trials: { rows: Row[] } }).trials.rows;
    const page = (rows: string, fragments = '') =>
      `query ($id: ID!) { sweep(id: $id) { trials(first: 30) { rows { ${rows} } next } } } ${fragments}`;
    // Every Trial field, each read from the column(s) its resolver needs.
    const every = await same(
      page(`id index status params d_m heads d_h qk_tied epochs epochsCompleted paramCount flops
        metrics backend device error attempts resumedFromEpoch worker prunedAtRung artifactPath
        artifacts { name path bytes } updatedAt breakdown logTail { text end }
        history(first: 2) { rows { epoch metrics } next }`),
      { id: SWEEP_A },
    );
    expect(every.body.errors).toBeUndefined();
    const all = rowsOf(every);
    expect(all).toHaveLength(TRIALS);
    expect(all[3]).toMatchObject({
      d_m: 128,
      heads: 2,
      d_h: 64,
      qk_tied: false,
      device: 'cpu:1',
      logTail: { text: 'epoch 1\nepoch 2\n', end: 16 },
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const byIndex = (index: number) => all.find((t) => t['index'] === index)!;
    const pick = (row: Row, names: string[]) => Object.fromEntries(names.map((n) => [n, row[n]]));

    // Few fields: each the value the every-field answer holds.
    const few = rowsOf(await same(page('status metrics'), { id: SWEEP_A }));
    expect(few).toEqual(all.map((t) => pick(t, ['status', 'metrics'])));

    // Through a named and an inline fragment, aliased, beside fields whose resolvers read a
    // column no field names (d_m: dModel, logTail: sweepId, updatedAt) or only the id (history).
    const fields = ['n', 'd_m', 'qk_tied', 'logTail', 'updatedAt', 'history', 'heads', 'params'];
    const fragmented = rowsOf(
      await same(
        page(
          `n: index ...G ... on Trial { heads params }`,
          `fragment G on Trial { d_m qk_tied logTail(after: null) { text end } updatedAt history(first: 2) { rows { epoch metrics } next } }`,
        ),
        { id: SWEEP_A },
      ),
    );
    expect(fragmented).toEqual(all.map((t) => pick({ ...t, n: t['index'] }, fields)));
    expect(fragmented[3]!['logTail']).toEqual(byIndex(3)['logTail']);
    expect(fragmented.filter((t) => t['logTail'] !== null)).toHaveLength(1);

    // Only the page's cursor, no row field at all; and a status-filtered page of ids.
    await same(page('__typename'), { id: SWEEP_A });
    const succeeded = await same(
      `query ($id: ID!) { sweep(id: $id) { trials(first: 2, status: [succeeded]) { rows { id breakdown } next } } }`,
      { id: SWEEP_A },
    );
    expect(rowsOf(succeeded).map((t) => t['id'])).toEqual([
      trialId(SWEEP_A, 0),
      trialId(SWEEP_A, 1),
    ]);
  });

  it('pages a history after its cursor as graphql-js does', async () => {
    const query = /* GraphQL */ `
      query ($id: ID!, $after: String) {
        sweep(id: $id) {
          trials(first: 3, after: $after) {
            rows {
              id
              history(first: 2) {
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
    const page = await same(query, { id: SWEEP_A });
    const trials = (
      page.body.data!['sweep'] as {
        trials: { rows: Array<{ id: string; history: { next: string | null } }> };
      }
    ).trials.rows;
    expect(page.body.errors).toBeUndefined();
    const cursor = trials.find((t) => t.history.next)!.history.next!;
    const history = /* GraphQL */ `
      query ($id: ID!, $ids: [ID!]!, $after: String) {
        sweep(id: $id) {
          trialsByIds(ids: $ids) {
            id
            history(first: 2, after: $after) {
              rows {
                epoch
              }
              next
            }
          }
        }
      }
    `;
    await same(history, { id: SWEEP_A, ids: trials.map((t) => t.id), after: cursor });
  });

  it('refuses invalid arguments and variables with the same errors and status', async () => {
    // A resolver's refusal (history's `first` out of range), inside a non-null list of trials.
    const badFirst = await same(
      `query ($id: ID!) { sweep(id: $id) { id trials(first: 5) { rows { id history(first: 0) { rows { epoch } } } } } }`,
      { id: SWEEP_A },
    );
    expect(badFirst.body.errors?.[0]).toMatchObject({ extensions: { code: 'INVALID_INPUT' } });
    // A bad cursor, refused by Sweep.trials.
    const badCursor = await same(WHOLE_SWEEP, { id: SWEEP_A, first: 5, after: 'not-a-cursor' });
    expect(badCursor.body.errors?.[0]).toMatchObject({ extensions: { code: 'INVALID_INPUT' } });
    // Variables that do not coerce: graphql-js's messages and Apollo's 400.
    const badVariable = await same(WHOLE_SWEEP, { id: SWEEP_A, first: 'ten' });
    expect(badVariable.status).toBe(400);
    const badEnum = await same(
      `query ($id: ID!, $s: [TrialStatus!]) { sweep(id: $id) { trials(status: $s) { rows { id } } } }`,
      { id: SWEEP_A, s: ['finished'] },
    );
    expect(badEnum.body.errors?.[0]).toMatchObject({ extensions: { code: 'INVALID_INPUT' } });
    // A document that does not validate never reaches either executor.
    const unknownField = await same(`{ sweeps { nope } }`);
    expect(unknownField.status).toBe(400);
  });

  it('answers introspection as graphql-js does', async () => {
    await same(
      `{ __type(name: "Trial") { name fields { name args { name defaultValue } type { kind name ofType { kind name } } } } }`,
    );
  });

  it('still refuses a reader without a token, and an over-deep or costly query', async () => {
    // No token, and a token that is no token: refused by the access guard, as by graphql-js.
    for (const token of [null, 'hr_nope']) {
      const variables = { id: SWEEP_A, first: 10 };
      const [fromCompiled, fromInterpreted] = await Promise.all([
        post(compiled, WHOLE_SWEEP, variables, token),
        post(interpreted, WHOLE_SWEEP, variables, token),
      ]);
      expect(fromCompiled).toEqual(fromInterpreted);
      expect(fromCompiled.body).toMatchObject({
        data: { sweep: null },
        errors: [{ extensions: { code: 'UNAUTHENTICATED' } }],
      });
    }

    // Deeper than the limit (__type counts; only __schema is left out), and within it.
    const ofType = (depth: number): string =>
      depth === 0 ? 'name' : `ofType { ${ofType(depth - 1)} }`;
    const nested = (depth: number) =>
      `{ __type(name: "Trial") { fields { type { ${ofType(depth)} } } } }`;
    expect((await same(nested(3))).status).toBe(200);
    const tooDeep = await same(nested(GRAPHQL_LIMITS.maxDepth));
    expect(tooDeep.status).toBe(400);
    expect(JSON.stringify(tooDeep.body)).toMatch(/Query depth limit of 10 exceeded/);

    const costly = await same(
      '{ sweeps(limit: 1000) { trials(first: 1000) { rows { id history(first: 1000) { rows { epoch metrics } } } } } }',
    );
    expect(JSON.stringify(costly.body)).toMatch(/Query Cost limit of 50000 exceeded/);
  });
});
