import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildSchema, parse, specifiedRules, validate, NoUnusedFragmentsRule } from 'graphql';
import { createClient } from 'graphql-ws';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { armorValidationRules, GRAPHQL_LIMITS } from '../src/common/armor';
import { API_DIR, apiWithoutTemporal } from './helpers/api-process';

const schema = buildSchema(readFileSync(resolve(API_DIR, 'schema.gql'), 'utf8'));

/** The GraphQL documents a client file sends (`graphql(\`…\`)`), each with the file's fragments. */
function documentsOf(file: string): Array<{ name: string; text: string }> {
  const source = readFileSync(resolve(API_DIR, '..', file), 'utf8');
  const texts = [...source.matchAll(/graphql\(`([^`]*)`\)/g)].map((m) => m[1]!);
  const fragments = texts.filter((t) => /^\s*fragment /.test(t)).join('\n');
  return texts
    .filter((t) => !/^\s*fragment /.test(t))
    .map((t) => ({
      name: /(?:query|mutation|subscription)\s+(\w+)/.exec(t)?.[1] ?? t,
      text: `${t}\n${fragments}`,
    }));
}

describe("the armor's limits", () => {
  const own = [...documentsOf('cli/src/queries.ts'), ...documentsOf('web/src/queries.ts')];

  it('let every document the CLI and the page send through', () => {
    expect(own.length).toBeGreaterThan(20);
    const rules = [
      ...specifiedRules.filter((r) => r !== NoUnusedFragmentsRule),
      ...armorValidationRules,
    ];
    for (const doc of own) {
      const errors = validate(
        schema,
        parse(doc.text, { maxTokens: GRAPHQL_LIMITS.maxTokens }),
        rules,
      );
      expect(
        errors.map((e) => e.message),
        doc.name,
      ).toEqual([]);
    }
  });
});

describe('a hardened endpoint', () => {
  const stack = apiWithoutTemporal('headroom_api_hardening');

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(stack.api.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${stack.api.adminToken}`,
        ...headers,
      },
      body,
    });

  it('refuses 300 aliased sweeps(limit: 1000) before running it, and answers the next request', async () => {
    const aliases = Array.from(
      { length: 300 },
      (_, i) => `a${i}: sweeps(limit: 1000) { id trials { rows { id } } }`,
    ).join(' ');
    const started = Date.now();
    const res = await post(JSON.stringify({ query: `{ ${aliases} }` }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ message: string }> };
    expect(body.errors[0]!.message).toMatch(/more that 3000 tokens|Aliases limit of 10 exceeded/);
    expect(Date.now() - started).toBeLessThan(5_000);
    // Under the token limit, the alias limit names itself.
    const small = Array.from({ length: 30 }, (_, i) => `a${i}: tasks { id }`).join(' ');
    const refused = (await (await post(JSON.stringify({ query: `{ ${small} }` }))).json()) as {
      errors: Array<{ message: string }>;
    };
    expect(refused.errors[0]!.message).toBe(
      'Syntax Error: Aliases limit of 10 exceeded, found 30.',
    );
    expect((await stack.api.gql('{ tasks { id } }')).data).toEqual({
      tasks: [{ id: 'pose3d' }, { id: 'pose2d' }, { id: 'chest' }],
    });
  });

  it('refuses a costly read, an excess of tokens and batches, and hides field suggestions', async () => {
    const costly = await stack.api.gql(
      '{ sweeps(limit: 1000) { trials(first: 1000) { rows { id history(first: 1000) { rows { epoch metrics } } } } } }',
    );
    expect(costly.errors?.[0]?.message).toMatch(
      /^Syntax Error: Query Cost limit of 50000 exceeded, found \d+\.$/,
    );
    const tokens = await stack.api.gql(`{ tasks { ${'id '.repeat(GRAPHQL_LIMITS.maxTokens)} } }`);
    expect(tokens.errors?.[0]?.message).toMatch(/more that 3000 tokens/);
    const batch = await post(
      JSON.stringify([{ query: '{ tasks { id } }' }, { query: '{ tasks { id } }' }]),
    );
    expect(batch.status).toBe(400);
    const suggestion = await stack.api.gql('{ sweepz { id } }');
    expect(suggestion.errors?.[0]?.message).toBe(
      'Cannot query field "sweepz" on type "Query". [Suggestion hidden]?',
    );
  });

  it('answers 413 to a 20 MB body, and blocks a cross-site form post (CSRF)', async () => {
    const big = await post(
      JSON.stringify({ query: '{ tasks { id } }', variables: { x: 'a'.repeat(20_000_000) } }),
    );
    expect(big.status).toBe(413);
    const form = await fetch(stack.api.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ tasks { id } }' }),
    });
    expect(form.status).toBe(400);
    expect(await form.text()).toMatch(/Cross-Site Request Forgery/);
  });

  it('masks an internal error: no SQL reaches the client, the log has it under the request id the client got', async () => {
    // Break the database under the API: its next read of workers fails inside PostgreSQL.
    const admin = new pg.Client({ connectionString: stack.database.url });
    await admin.connect();
    try {
      await admin.query('alter table workers rename to workers_gone');
      const res = await post(JSON.stringify({ query: '{ workers { id } }' }), {
        'x-request-id': 'hardening-test-0001',
      });
      expect(res.headers.get('x-request-id')).toBe('hardening-test-0001');
      const body = (await res.json()) as {
        errors: Array<{ message: string; extensions: { code: string; requestId: string } }>;
      };
      const error = body.errors[0]!;
      expect(error.extensions.code).toBe('INTERNAL');
      expect(error.extensions.requestId).toBe('hardening-test-0001');
      expect(error.message).toBe(
        "internal error; the API's log has the details under request id hardening-test-0001",
      );
      // The path names the field; nothing of the SQL, PostgreSQL's words or a stack frame.
      expect(JSON.stringify(body)).not.toMatch(/select|relation|does not exist|at \w+ \(/i);
      // The log (JSON lines when stderr is not a terminal) keeps it all, cause included.
      const logged = stack.api
        .stderr()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: string; msg: string })
        .find((l) => l.msg.startsWith('internal error, request hardening-test-0001:'));
      expect(logged?.level).toBe('error');
      expect(logged?.msg).toMatch(/relation "workers" does not exist/);
    } finally {
      await admin.query('alter table workers_gone rename to workers');
      await admin.end();
    }
  });

  it('applies the same limits to subscriptions over graphql-ws', async () => {
    const client = createClient({
      url: stack.api.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${stack.api.adminToken}` },
    });
    try {
      const aliases = Array.from({ length: 11 }, (_, i) => `w${i}: workerUpdated { id }`).join(' ');
      const errors = await new Promise<unknown>((resolvePromise) => {
        client.subscribe(
          { query: `subscription { ${aliases} }` },
          { next: (r) => resolvePromise(r.errors), error: resolvePromise, complete: () => {} },
        );
      });
      expect(JSON.stringify(errors)).toMatch(/Aliases limit of 10 exceeded, found 11/);
    } finally {
      await client.dispose();
    }
  });

  it('serves Prometheus metrics: the process, GraphQL requests by operation and outcome, trials by status', async () => {
    const origin = new URL(stack.api.url).origin;
    await stack.api.gql('{ tasks { id } }');
    await stack.api.gql('{ sweepz { id } }');
    const res = await fetch(`${origin}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(
      /^headroom_graphql_requests_total\{operation="query",outcome="ok"\} [1-9]/m,
    );
    expect(text).toMatch(
      /^headroom_graphql_requests_total\{operation="unknown",outcome="GRAPHQL_VALIDATION_FAILED"\} [1-9]/m,
    );
    expect(text).toMatch(
      /^headroom_graphql_request_duration_seconds_count\{operation="query"\} [1-9]/m,
    );
    expect(text).toMatch(/^headroom_trials\{status="running"\} 0$/m);
    expect(text).toMatch(/^headroom_api_process_resident_memory_bytes [1-9]/m);
  });

  it('answers /healthz, and /readyz while its database answers (503 saying why once it is gone)', async () => {
    const origin = new URL(stack.api.url).origin;
    const live = await fetch(`${origin}/healthz`);
    expect([live.status, await live.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${origin}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ok' }]);
    // Last in this file: the database goes away under the API.
    await stack.database.drop();
    const gone = await fetch(`${origin}/readyz`);
    expect(gone.status).toBe(503);
    expect(((await gone.json()) as { status: string }).status).toBe('unavailable');
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });
});
