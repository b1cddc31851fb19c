import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiToken, type DbHandle } from '@headroom/db';
import { freePort, type TestDatabase } from '@headroom/test-support';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FAILED_AUTH_LIMIT } from '../src/access/authenticator';
import { fakeControlActivities } from './fake-control/activities';
import {
  type ApiProcess,
  type GraphQLResponse,
  runApiToExit,
  startApi,
} from './helpers/api-process';
import { apiWithFakeControl } from './helpers/fake-control-stack';
import { validSpec } from './helpers/specs';

// Who may do what, through the real API on a real database, with a stand-in control worker on a
// real Temporal dev server (test/fake-control) so that an allowed mutation really runs.
const tokenDir = mkdtempSync(join(tmpdir(), 'headroom-access-'));
const stack = apiWithFakeControl({
  workflows: 'workflows.ts',
  activities: (db) => fakeControlActivities(db, []),
  apiEnv: { HEADROOM_ADMIN_TOKEN_FILE: join(tokenDir, 'token') },
});
// Short names for what the tests use most.
let database: TestDatabase;
let handle: DbHandle;
let env: TestWorkflowEnvironment;
let api: ApiProcess;

const tokens: Record<'viewer' | 'alice' | 'bob' | 'admin', string> = {
  viewer: '',
  alice: '',
  bob: '',
  admin: '',
};
/** alice's sweep and bob's (both researchers). */
const sweeps = { alice: '', bob: '' };

const CREATE = /* GraphQL */ `
  mutation ($input: CreateSweepInput!) {
    createSweep(input: $input) {
      id
      owner
    }
  }
`;
const CONTROL = (field: string, arg = 'id') =>
  field === 'updateSweep'
    ? /* GraphQL */ `
        mutation ($id: ID!) {
          updateSweep(id: $id, change: { stop: true }) {
            id
          }
        }
      `
    : /* GraphQL */ `
  mutation ($id: ID!) {
    ${field}(${arg}: $id) {
      id
    }
  }
`;
const CREATE_TOKEN = /* GraphQL */ `
  mutation ($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      token
      apiToken {
        id
        name
        owner
        role
        createdBy
        expiresAt
      }
    }
  }
`;
const REVOKE = /* GraphQL */ `
  mutation ($id: ID!) {
    revokeApiToken(id: $id) {
      id
      revokedAt
    }
  }
`;

type As = { token: string | null };
const as = (token: string | null): As => ({ token });
const codeOf = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code;

async function issue(role: string, name: string): Promise<string> {
  const res = await api.gql<{ createApiToken: { token: string } }>(CREATE_TOKEN, {
    input: { name, role },
  });
  expect(res.errors).toBeUndefined();
  return res.data!.createApiToken.token;
}

async function createSweepAs(token: string, name: string): Promise<string> {
  const res = await api.gql<{ createSweep: { id: string; owner: string } }>(
    CREATE,
    { input: { spec: validSpec({ name }) } },
    as(token),
  );
  expect(res.errors).toBeUndefined();
  return res.data!.createSweep.id;
}

beforeAll(async () => {
  ({ database, handle, env, api } = stack);
  tokens.admin = api.adminToken!;
  tokens.viewer = await issue('viewer', 'viewer');
  tokens.alice = await issue('researcher', 'alice');
  tokens.bob = await issue('researcher', 'bob');
  sweeps.alice = await createSweepAs(tokens.alice, 'alices');
  sweeps.bob = await createSweepAs(tokens.bob, 'bobs');
}, 120_000);

afterAll(() => rmSync(tokenDir, { recursive: true, force: true }));

describe('the admin token made at first start', () => {
  it('is written to HEADROOM_ADMIN_TOKEN_FILE with mode 0600, and kept by the next start', async () => {
    const file = join(tokenDir, 'token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(tokens.admin);
    expect(tokens.admin).toMatch(/^hr_[0-9A-Za-z]{10}_[0-9A-Za-z]{32}$/);
    const again = await startApi({
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: env.address,
      HEADROOM_ADMIN_TOKEN_FILE: file,
    });
    await again.stop();
    expect(again.stderr()).toContain('is still good');
    expect(readFileSync(file, 'utf8').trim()).toBe(tokens.admin);
  });
});

describe("a cluster's first admin token", () => {
  it('is printed once by `main.js create-admin-token --owner`, and works', async () => {
    const made = await runApiToExit({ DATABASE_URL: database.url }, [
      'create-admin-token',
      '--owner',
      'ops',
    ]);
    expect(made.code).toBe(0);
    const token = made.stdout.trim();
    expect(token).toMatch(/^hr_[0-9A-Za-z]{10}_[0-9A-Za-z]{32}$/);
    expect(made.stderr).toContain('it is shown only now');
    const me = await api.gql<{ me: { owner: string; role: string } }>(
      '{ me { owner role } }',
      {},
      as(token),
    );
    expect(me.data?.me).toEqual({ owner: 'ops', role: 'admin' });
    const refused = await runApiToExit({ DATABASE_URL: database.url }, ['create-admin-token']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('create-admin-token needs --owner NAME');
  });
});

describe('the authorization matrix', () => {
  type Who = 'nobody' | 'viewer' | 'alice' | 'admin';
  type Outcome = 'allowed' | 'UNAUTHENTICATED' | 'FORBIDDEN';
  const control = [
    ['pauseSweep', 'id'],
    ['resumeSweep', 'id'],
    ['cancelSweep', 'id'],
    ['retryFailedTrials', 'sweepId'],
    ['updateSweep', 'id'],
  ] as const;
  // alice is a researcher: her own sweep is sweeps.alice, bob's is someone else's.
  const expected: Record<Who, { create: Outcome; own: Outcome; other: Outcome; tokens: Outcome }> =
    {
      nobody: {
        create: 'UNAUTHENTICATED',
        own: 'UNAUTHENTICATED',
        other: 'UNAUTHENTICATED',
        tokens: 'UNAUTHENTICATED',
      },
      viewer: { create: 'FORBIDDEN', own: 'FORBIDDEN', other: 'FORBIDDEN', tokens: 'FORBIDDEN' },
      alice: { create: 'allowed', own: 'allowed', other: 'FORBIDDEN', tokens: 'FORBIDDEN' },
      admin: { create: 'allowed', own: 'allowed', other: 'allowed', tokens: 'allowed' },
    };
  const tokenOf = (who: Who) => (who === 'nobody' ? null : tokens[who]);
  const outcomeOf = (res: GraphQLResponse): Outcome | string => {
    const code = codeOf(res);
    // Allowed: past the guard, whatever the sweep's workflow then says (the fake has no resume).
    return code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' ? code : 'allowed';
  };

  const rows = (Object.keys(expected) as Who[]).flatMap((who) => [
    { who, mutation: 'createSweep', target: '-', want: expected[who].create },
    ...control.flatMap(([mutation]) => [
      { who, mutation, target: 'own', want: expected[who].own },
      { who, mutation, target: 'other', want: expected[who].other },
    ]),
    { who, mutation: 'createApiToken', target: '-', want: expected[who].tokens },
    { who, mutation: 'revokeApiToken', target: '-', want: expected[who].tokens },
  ]);

  it.each(rows)(
    '$who $mutation ($target sweep) → $want',
    async ({ who, mutation, target, want }) => {
      const token = tokenOf(who);
      let res: GraphQLResponse;
      if (mutation === 'createSweep') {
        res = await api.gql(
          CREATE,
          { input: { spec: validSpec({ name: `by-${who}` }) } },
          as(token),
        );
      } else if (mutation === 'createApiToken') {
        res = await api.gql(CREATE_TOKEN, { input: { name: 'x', role: 'viewer' } }, as(token));
      } else if (mutation === 'revokeApiToken') {
        // A token of its own, so the matrix never revokes one it uses.
        const victim = (await issue('viewer', 'victim')).split('_')[1]!;
        res = await api.gql(REVOKE, { id: victim }, as(token));
      } else {
        const arg = control.find(([m]) => m === mutation)![1];
        // "own" for alice is her sweep; an admin owns neither, and may act on both.
        const sweep = target === 'own' ? sweeps.alice : sweeps.bob;
        res = await api.gql(CONTROL(mutation, arg), { id: sweep }, as(token));
      }
      expect(outcomeOf(res), JSON.stringify(res.errors)).toBe(want);
      if (who === 'alice' && target === 'other')
        expect(res.errors?.[0]?.message).toContain(`belongs to bob, not alice`);
    },
  );

  it('reads need a token unless HEADROOM_PUBLIC_READ; token management needs an admin', async () => {
    const sweepsQuery = '{ sweeps { id owner } }';
    expect(codeOf(await api.gql(sweepsQuery, {}, as(null)))).toBe('UNAUTHENTICATED');
    const read = await api.gql<{ sweeps: Array<{ id: string; owner: string | null }> }>(
      sweepsQuery,
      {},
      as(tokens.viewer),
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.sweeps).toContainEqual({ id: sweeps.alice, owner: 'alice' });
    expect(read.data!.sweeps).toContainEqual({ id: sweeps.bob, owner: 'bob' });
    for (const query of ['{ apiTokens { id } }', '{ auditLog { rows { id } } }'])
      expect(codeOf(await api.gql(query, {}, as(tokens.alice)))).toBe('FORBIDDEN');
    const me = await api.gql<{ me: { owner: string; role: string } }>(
      '{ me { owner role } }',
      {},
      as(tokens.alice),
    );
    expect(me.data?.me).toEqual({ owner: 'alice', role: 'researcher' });
  });

  it('refuses a subscription without a token, and serves one with a token', async () => {
    const first = (token: string | null) => {
      const client = createClient({
        url: api.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      });
      return new Promise<unknown>((resolve) => {
        const stop = client.subscribe(
          {
            query: 'subscription ($id: ID!) { sweepUpdated(id: $id) { id } }',
            variables: { id: sweeps.alice },
          },
          {
            next: (value) => resolve(value),
            error: (err) => resolve({ errors: err }),
            complete: () => undefined,
          },
        );
        void stop;
      }).finally(() => client.dispose());
    };
    const refused = (await first(null)) as { errors: Array<{ extensions: { code: string } }> };
    expect(refused.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(await first(tokens.viewer)).toEqual({ data: { sweepUpdated: { id: sweeps.alice } } });
  });
});

describe('tokens', () => {
  it('are shown once, listed without their secret, and fail at once when revoked', async () => {
    const made = await api.gql<{
      createApiToken: { token: string; apiToken: { id: string; owner: string; createdBy: string } };
    }>(CREATE_TOKEN, { input: { name: 'carol laptop', owner: 'carol', role: 'researcher' } });
    const { token, apiToken } = made.data!.createApiToken;
    expect(apiToken.owner).toBe('carol');
    expect(apiToken.createdBy).toBe(tokens.admin.split('_')[1]);
    const listed = await api.gql<{ apiTokens: Array<Record<string, unknown>> }>(
      '{ apiTokens { id name owner role } }',
    );
    expect(listed.data!.apiTokens).toContainEqual({
      id: apiToken.id,
      name: 'carol laptop',
      owner: 'carol',
      role: 'researcher',
    });
    expect(JSON.stringify(listed)).not.toContain(token.split('_')[2]);
    expect((await api.gql('{ me { id } }', {}, as(token))).errors).toBeUndefined();
    expect((await api.gql(REVOKE, { id: apiToken.id })).errors).toBeUndefined();
    const after = await api.gql('{ me { id } }', {}, as(token));
    expect(codeOf(after)).toBe('UNAUTHENTICATED');
    expect(after.errors?.[0]?.message).toContain(`hr_${apiToken.id}_… has been revoked`);
    expect(after.errors?.[0]?.message).not.toContain(token);
  });

  it('refuse an expired token, a malformed header and an unknown token, each saying why', async () => {
    const expired = await createApiToken(handle.db, {
      name: 'old',
      owner: 'dave',
      role: 'admin',
      expiresAt: new Date(Date.now() - 1000),
    });
    const cases: Array<[string | null, string]> = [
      [expired.token, 'has expired'],
      [`hr_${'A'.repeat(10)}_${'b'.repeat(32)}`, 'is not known to this API'],
    ];
    for (const [token, why] of cases) {
      const res = await api.gql('{ sweeps { id } }', {}, as(token));
      expect(codeOf(res)).toBe('UNAUTHENTICATED');
      expect(res.errors?.[0]?.message).toContain(why);
    }
    const res = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwdw==' },
      body: JSON.stringify({ query: '{ sweeps { id } }' }),
    });
    const body = (await res.json()) as GraphQLResponse;
    expect(codeOf(body)).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.message).toContain('"Bearer <token>"');
  });

  it('checks its input, naming the field, and writes nothing when it is invalid', async () => {
    const count = async () =>
      (await handle.db.execute('select count(*)::int as n from api_tokens')).rows[0]!['n'];
    const before = await count();
    const res = await api.gql(CREATE_TOKEN, {
      input: { name: 'x', owner: 'no spaces', role: 'viewer', expiresAt: '2001-01-01T00:00:00Z' },
    });
    expect(codeOf(res)).toBe('INVALID_INPUT');
    expect(res.errors?.[0]?.extensions?.violations?.map((v) => v.path)).toEqual([
      'input.owner',
      'input.expiresAt',
    ]);
    expect(await count()).toBe(before);
  });
});

describe('the audit log', () => {
  it('has every mutation: who, what, which sweep and how it ended, allowed or refused', async () => {
    await api.gql(CONTROL('pauseSweep'), { id: sweeps.bob }, as(tokens.alice));
    await api.gql(CONTROL('pauseSweep'), { id: sweeps.alice }, as(tokens.alice));
    const page = await api.gql<{
      auditLog: {
        rows: Array<{
          owner: string;
          role: string;
          action: string;
          sweepId: string;
          outcome: string;
        }>;
      };
    }>(
      'query ($id: ID) { auditLog(first: 1000, sweepId: $id) { rows { owner role action sweepId outcome } next } }',
      { id: sweeps.bob },
    );
    expect(page.errors).toBeUndefined();
    const rows = page.data!.auditLog.rows;
    expect(rows[0]).toEqual({
      owner: 'alice',
      role: 'researcher',
      action: 'pauseSweep',
      sweepId: sweeps.bob,
      outcome: 'FORBIDDEN',
    });
    expect(rows).toContainEqual({
      owner: 'bob',
      role: 'researcher',
      action: 'createSweep',
      sweepId: sweeps.bob,
      outcome: 'ok',
    });
    const all = await api.gql<{ auditLog: { rows: Array<Record<string, unknown>> } }>(
      '{ auditLog(first: 1000) { rows { owner action sweepId outcome message } } }',
    );
    expect(all.data!.auditLog.rows).toContainEqual({
      owner: null,
      action: 'createSweep',
      sweepId: null,
      outcome: 'UNAUTHENTICATED',
      message: expect.stringContaining('needs an API token') as unknown,
    });
    expect(
      all.data!.auditLog.rows.filter(
        (r) => r['action'] === 'createApiToken' && r['outcome'] === 'ok',
      )[0]?.['message'],
    ).toMatch(/^token [0-9A-Za-z]{10}: \w+ for \S+$/);
  });
});

describe('with public reads, and after too many bad tokens', () => {
  it('serves queries without a token, still refuses mutations, and limits failed attempts per address', async () => {
    const open = await startApi({
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      HEADROOM_PUBLIC_READ: 'true',
    });
    try {
      const read = await open.gql<{ sweeps: unknown[] }>('{ sweeps { id } }', {}, as(null));
      expect(read.errors).toBeUndefined();
      expect(read.data!.sweeps.length).toBeGreaterThan(0);
      expect(codeOf(await open.gql('{ apiTokens { id } }', {}, as(null)))).toBe('UNAUTHENTICATED');
      expect(codeOf(await open.gql(CREATE, { input: { spec: validSpec() } }, as(null)))).toBe(
        'UNAUTHENTICATED',
      );
      const bad = `hr_${'Z'.repeat(10)}_${'z'.repeat(32)}`;
      for (let i = 0; i < FAILED_AUTH_LIMIT.attempts; i++)
        expect(codeOf(await open.gql('{ sweeps { id } }', {}, as(bad)))).toBe('UNAUTHENTICATED');
      // Now every token from this address waits, the valid one too: no oracle for guesses.
      const limited = await open.gql('{ sweeps { id } }', {}, as(open.adminToken!));
      expect(codeOf(limited)).toBe('RATE_LIMITED');
      expect(limited.errors?.[0]?.message).toMatch(/try again in \d+ s/);
    } finally {
      await open.stop();
    }
  });
});
