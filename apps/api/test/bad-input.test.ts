import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { apiWithoutTemporal } from './helpers/api-process';
import { validSpec } from './helpers/specs';

/**
 * The bad-input battery: 10⁴ generated sweep files sent to the running API's createSweep, each
 * one malformed (a definite violation — an unknown key — plus random damage: wrong types, missing
 * keys, numbers out of range, unknown distributions, huge and deeply nested documents, alias bombs,
 * bytes that are not UTF-8). Every one must be refused as INVALID_SPEC with violations at paths,
 * never INTERNAL, quickly; the API must answer a normal query afterwards; nothing is written.
 */
const RUNS = 10_000;
const IN_FLIGHT = 4;

const KEYS = [
  'name',
  'task',
  'dataset',
  'method',
  'metric',
  'parameters',
  'run_cap',
  'early_terminate',
];
const PARAMS = ['d_m', 'heads', 'd_h', 'qk_tied', 'layers', 'lr', 'epochs', 'seed', 'dropout'];
const DISTRIBUTIONS = [
  'uniform',
  'int_uniform',
  'log_uniform',
  'q_normal',
  'beta',
  'categorical',
  'constant',
  'nope',
  '',
];

/** Any JSON-ish value, small: what a wrong type looks like. */
const junk = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  fc.constantFrom(2 ** 31, 2 ** 53 + 1, -1, 0, 1e308, -1e-308),
);

/** One random change to a valid spec (as an object). */
const damage = fc.oneof(
  fc.record({ kind: fc.constant('set'), key: fc.constantFrom(...KEYS), value: junk }),
  fc.record({ kind: fc.constant('drop'), key: fc.constantFrom(...KEYS) }),
  fc.record({ kind: fc.constant('param'), name: fc.constantFrom(...PARAMS), value: junk }),
  fc.record({
    kind: fc.constant('distribution'),
    name: fc.constantFrom(...PARAMS),
    distribution: fc.constantFrom(...DISTRIBUTIONS),
    min: junk,
    max: junk,
  }),
  fc.record({
    kind: fc.constant('dataset'),
    field: fc.constantFrom('samples', 'images', 'image_size', 'frames_per_action', 'seed', 'kind'),
    value: junk,
  }),
);

type Damage = typeof damage extends fc.Arbitrary<infer T> ? T : never;

function damaged(changes: Damage[], unknownKey: string): Record<string, unknown> {
  // The definite violation first, so a truncated file keeps it: every file is malformed whatever
  // the damage leaves valid.
  const spec: Record<string, unknown> = { [unknownKey]: 1, ...structuredClone(validSpec()) };
  const parameters = spec.parameters as Record<string, unknown>;
  for (const c of changes) {
    if (c.kind === 'set') spec[c.key] = c.value;
    else if (c.kind === 'drop') delete spec[c.key];
    else if (c.kind === 'param') parameters[c.name] = c.value;
    else if (c.kind === 'distribution')
      parameters[c.name] = { distribution: c.distribution, min: c.min, max: c.max };
    else spec.dataset = { ...(spec.dataset as object), [c.field]: c.value };
  }
  return spec;
}

/** Text-level damage of the YAML: what a hostile or broken file looks like before it parses. */
const textDamage = fc.oneof(
  { weight: 6, arbitrary: fc.constant((t: string) => t) },
  { weight: 2, arbitrary: fc.nat().map((n) => (t: string) => t.slice(0, n % (t.length + 1))) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 50, max: 3000 })
      .map((d) => (t: string) => `deep: ${'['.repeat(d)}${']'.repeat(d)}\n${t}`),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 3, max: 9 }).map((levels) => (t: string) => {
      let bomb = 'l0: &l0 [x, x, x, x, x, x, x, x, x]\n';
      for (let i = 1; i < levels; i++)
        bomb += `l${i}: &l${i} [${Array.from({ length: 9 }, () => `*l${i - 1}`).join(', ')}]\n`;
      return bomb + t;
    }),
  },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }).map(
      // Bytes decoded as Latin-1: invalid UTF-8 sequences arrive as odd characters.
      (bytes) => (t: string) => `${Buffer.from(bytes).toString('latin1')}\n${t}`,
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: 'binary', maxLength: 200 })
      .map((s) => (t: string) => `${t}\n${s}`),
  },
  { weight: 1, arbitrary: fc.constant((t: string) => `${t}\nname: again\n`) },
  { weight: 1, arbitrary: fc.constant((t: string) => `${t}\nnote: ${'😀'.repeat(20_000)}\n`) },
);

const file = fc.record({
  changes: fc.array(damage, { maxLength: 4 }),
  unknownKey: fc.stringMatching(/^zz_[a-z]{1,8}$/),
  text: textDamage,
  asText: fc.boolean(),
});

describe('the bad-input battery', () => {
  const stack = apiWithoutTemporal('headroom_api_bad_input');

  it(`refuses ${RUNS.toLocaleString('en-US')} malformed sweep files as INVALID_SPEC at paths, never INTERNAL, and writes nothing`, async () => {
    const samples = fc.sample(file, { numRuns: RUNS, seed: 20261201 });
    const codes = new Map<string, number>();
    const slow: Array<{ ms: number; input: string }> = [];
    let worst = 0;
    const send = async (s: (typeof samples)[number]) => {
      const spec = damaged(s.changes, s.unknownKey);
      const input = s.asText ? { yaml: s.text(stringify(spec)) } : { spec };
      const started = performance.now();
      const res = await fetch(stack.api.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${stack.api.adminToken}`,
        },
        body: JSON.stringify({
          query: 'mutation ($input: CreateSweepInput!) { createSweep(input: $input) { id } }',
          variables: { input },
        }),
      });
      const ms = performance.now() - started;
      worst = Math.max(worst, ms);
      const body = (await res.json().catch(() => undefined)) as
        | {
            errors?: Array<{
              extensions?: { code?: string; violations?: Array<{ path: string }> };
            }>;
          }
        | undefined;
      const error = body?.errors?.[0];
      const code = res.status === 413 ? 'PAYLOAD_TOO_LARGE' : (error?.extensions?.code ?? 'NONE');
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (ms > 1000) slow.push({ ms: Math.round(ms), input: JSON.stringify(input).slice(0, 200) });
      if (code === 'INVALID_SPEC') {
        const paths = error!.extensions!.violations!.map((v) => v.path);
        expect(paths.length, JSON.stringify(input).slice(0, 300)).toBeGreaterThan(0);
        expect(paths.every((p) => p.length > 0)).toBe(true);
      }
    };
    for (let i = 0; i < samples.length; i += IN_FLIGHT)
      await Promise.all(samples.slice(i, i + IN_FLIGHT).map(send));
    console.log(
      `bad-input battery: ${JSON.stringify(Object.fromEntries(codes))}, slowest ${Math.round(worst)} ms, ${slow.length} over 1 s`,
    );
    // Bodies past 1 MB (the 😀 padding of a large file) are refused before parsing, as 413.
    expect([...codes.keys()].sort()).toEqual(
      [...codes.keys()].filter((c) => c === 'INVALID_SPEC' || c === 'PAYLOAD_TOO_LARGE').sort(),
    );
    expect(codes.get('INVALID_SPEC')).toBeGreaterThan(RUNS * 0.9);
    expect(slow, 'requests slower than 1 s').toEqual([]);

    // The server still answers, and no sweep, trial or owner was written.
    expect((await stack.api.gql('{ tasks { id } }')).data).toEqual({
      tasks: [{ id: 'pose3d' }, { id: 'pose2d' }, { id: 'chest' }],
    });
    const admin = new pg.Client({ connectionString: stack.database.url });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        'select (select count(*) from sweeps) as sweeps, (select count(*) from trials) as trials, (select count(*) from sweep_owners) as owners',
      );
      expect(rows[0]).toEqual({ sweeps: '0', trials: '0', owners: '0' });
    } finally {
      await admin.end();
    }
  }, 600_000);
});
