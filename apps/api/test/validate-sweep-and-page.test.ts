import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeTrial,
  type DbHandle,
  insertSweep,
  markTrialRunning,
  openDatabase,
  recordEpochMetrics,
  sweepRegistration,
} from '@headroom/db';
import { parseSweepSpec, requireTaskSweep } from '@headroom/sweep';
import { createTestDatabase, freePort, type TestDatabase } from '@headroom/test-support';
import { type ApiProcess, startApi } from './helpers/api-process';
import { validSpec } from './helpers/specs';

// The page's helpers: validateSweep (createSweep's checks as data), the sweep fields the page
// lists (trialsDone, best, trialsByIds), and the page itself served at `/` beside /graphql.
let database: TestDatabase;
let handle: DbHandle;
let api: ApiProcess;
let bare: ApiProcess;
let webDir: string;
/** The artifact store the API may serve from (HEADROOM_ARTIFACTS_DIR). */
let artifactsDir: string;

const VALIDATE = /* GraphQL */ `
  query ($input: CreateSweepInput!) {
    validateSweep(input: $input) {
      valid
      violations {
        path
        message
      }
      trialCount
      name
      task
      method
      metric
      goal
    }
  }
`;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = await openDatabase({ url: database.url });
  webDir = mkdtempSync(join(tmpdir(), 'headroom-web-'));
  artifactsDir = mkdtempSync(join(tmpdir(), 'headroom-artifacts-'));
  mkdirSync(join(webDir, 'assets'));
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(webDir, 'assets', 'app-1234.js'), 'console.log(1)');
  const temporal = `127.0.0.1:${await freePort()}`;
  [api, bare] = await Promise.all([
    startApi({
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporal,
      HEADROOM_WEB_DIR: webDir,
      HEADROOM_ARTIFACTS_DIR: artifactsDir,
    }),
    startApi({
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporal,
      HEADROOM_WEB_DIR: join(webDir, 'missing'),
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([api?.stop(), bare?.stop()]);
  await handle?.close();
  await database?.drop();
  if (webDir) rmSync(webDir, { recursive: true, force: true });
  if (artifactsDir) rmSync(artifactsDir, { recursive: true, force: true });
});

describe('validateSweep', () => {
  it('counts the trials of a valid spec and names it, starting nothing', async () => {
    const res = await api.gql<{ validateSweep: Record<string, unknown> }>(VALIDATE, {
      input: { spec: validSpec({}, { seed: { values: [1, 2, 3] } }) },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.validateSweep).toEqual({
      valid: true,
      violations: [],
      trialCount: 6,
      name: 'api-test',
      task: 'pose3d',
      method: 'grid',
      metric: 'mpjpe',
      goal: 'minimize',
    });
    const sweeps = await api.gql<{ sweeps: unknown[] }>('{ sweeps { id } }');
    expect(sweeps.data?.sweeps).toEqual([]);
  });

  it("reports every violation at createSweep's paths, YAML syntax errors with their line", async () => {
    const yaml = [
      'name: x',
      'task: pose3d',
      'dataset: { kind: synthetic }',
      'method: grid',
      'parameters:',
      '  d_m: { value: 500 }',
      '  heads: { value: 8 }',
      '  d_h: { value: auto }',
      '  epochs: { value: 0 }',
    ].join('\n');
    const res = await api.gql<{
      validateSweep: { valid: boolean; trialCount: number | null; violations: unknown[] };
    }>(VALIDATE, { input: { yaml } });
    expect(res.errors).toBeUndefined();
    expect(res.data?.validateSweep.valid).toBe(false);
    expect(res.data?.validateSweep.trialCount).toBeNull();
    const paths = res.data?.validateSweep.violations.map((v) => (v as { path: string }).path);
    expect(paths).toContain('input.yaml.parameters.d_h.value');
    expect(paths).toContain('input.yaml.parameters.epochs.value');

    const syntax = await api.gql<{ validateSweep: { violations: Array<{ path: string }> } }>(
      VALIDATE,
      { input: { yaml: 'name: [1,' } },
    );
    expect(syntax.data?.validateSweep.violations[0]?.path).toMatch(/^input\.yaml:1:\d+$/);
  });

  it("answers a W&B program sweep without a metric with createSweep's refusal", async () => {
    const yaml =
      'program: train.py\nmethod: random\nrun_cap: 4\nparameters:\n  lr: {min: 1.0, max: 3.0}\n';
    const res = await api.gql<{
      validateSweep: {
        valid: boolean;
        trialCount: number | null;
        violations: Array<{ path: string }>;
      };
    }>(VALIDATE, { input: { yaml } });
    expect(res.errors).toBeUndefined();
    expect(res.data?.validateSweep.valid).toBe(false);
    expect(res.data?.validateSweep.violations.map((v) => v.path)).toEqual(['input.yaml.metric']);
    const valid = await api.gql<{
      validateSweep: { valid: boolean; trialCount: number | null; task: string | null };
    }>(VALIDATE, { input: { yaml: `${yaml}metric: {name: loss}\n` } });
    expect(valid.data?.validateSweep).toMatchObject({ valid: true, trialCount: 4, task: null });
  });

  it('names input when neither spec nor yaml is given', async () => {
    const res = await api.gql<{ validateSweep: { violations: Array<{ path: string }> } }>(
      VALIDATE,
      { input: {} },
    );
    expect(res.data?.validateSweep.violations.map((v) => v.path)).toEqual(['input']);
  });
});

describe('sweep fields for the page', () => {
  it('counts finished trials, reports the best value by the goal and reads trials by id', async () => {
    const spec = requireTaskSweep(
      parseSweepSpec(validSpec({ name: 'page-fields' }, { seed: { values: [1, 2] } })),
    );
    const reg = sweepRegistration('pagefields01', spec);
    await insertSweep(handle.db, reg);
    const ids = reg.trials.map((t) => `pagefields01-${t.index}`);
    for (const [i, value] of [
      [0, 80],
      [1, 60],
    ] as const) {
      await markTrialRunning(handle.db, ids[i]!, {
        attemptKey: `a${i}`,
        resumedFromEpoch: 0,
        worker: 'train@test/1',
        backend: 'cpu',
        device: 'cpu',
      });
      await recordEpochMetrics(handle.db, {
        trialId: ids[i]!,
        epoch: 1,
        metrics: { mpjpe: value, p_mpjpe: value / 2 },
      });
      await completeTrial(handle.db, {
        trialId: ids[i]!,
        metrics: { mpjpe: value, p_mpjpe: value / 2 },
        epochsCompleted: 1,
        artifacts: [
          { name: 'gradcam/x.png', path: join(artifactsDir, 'x.png'), bytes: 4 },
          // Recorded, but outside the store: directly, or through a link inside it.
          { name: 'index.html', path: join(webDir, 'index.html'), bytes: 37 },
          { name: 'link.html', path: join(artifactsDir, 'link.html'), bytes: 37 },
        ],
      });
    }
    const res = await api.gql<{
      sweep: {
        trialCount: number;
        trialsDone: number;
        best: number | null;
        trialsByIds: unknown[];
      };
    }>(
      `query ($ids: [ID!]!) { sweep(id: "pagefields01") {
        trialCount trialsDone best trialsByIds(ids: $ids) { id index status }
      } }`,
      { ids: [ids[1], 'othersweep-0', ids[3]] },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.sweep).toEqual({
      trialCount: 4,
      trialsDone: 2,
      best: 60,
      trialsByIds: [
        { id: ids[1], index: 1, status: 'succeeded' },
        { id: ids[3], index: 3, status: 'pending' },
      ],
    });
  });
});

describe('the page at /', () => {
  it('serves index.html at / and for any page path, files by name, and leaves /graphql alone', async () => {
    const origin = new URL(api.url).origin;
    for (const path of ['/', '/sweeps/abc', '/new']) {
      const res = await fetch(origin + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('<div id="root">');
    }
    const asset = await fetch(`${origin}/assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.text()).toBe('console.log(1)');
    const escape = await fetch(`${origin}/..%2f..%2fetc%2fpasswd`);
    expect(await escape.text()).toContain('<div id="root">');
    const gql = await api.gql<{ tasks: unknown[] }>('{ tasks { id } }');
    expect(gql.data?.tasks).toHaveLength(3);
  });

  it("serves a trial's listed artifacts by name from the artifact store, nothing else", async () => {
    writeFileSync(join(artifactsDir, 'x.png'), 'PNG!');
    symlinkSync(join(webDir, 'index.html'), join(artifactsDir, 'link.html'));
    const origin = new URL(api.url).origin;
    const asAdmin = { headers: { authorization: `Bearer ${api.adminToken}` } };
    const anonymous = await fetch(`${origin}/artifacts/pagefields01-0/gradcam/x.png`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
    const png = await fetch(`${origin}/artifacts/pagefields01-0/gradcam/x.png`, asAdmin);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(await png.text()).toBe('PNG!');
    for (const path of [
      'pagefields01-0/gradcam/y.png',
      'pagefields01-2/gradcam/x.png',
      'nope',
      'pagefields01-0/index.html',
      'pagefields01-0/link.html',
      'pagefields01-0/..%2f..%2fetc%2fpasswd',
    ]) {
      const res = await fetch(`${origin}/artifacts/${path}`, asAdmin);
      expect(res.status).toBe(404);
    }
  });

  it('says how to build the page when it is not built', async () => {
    const res = await fetch(new URL('/', bare.url));
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('pnpm --filter @headroom/web build');
  });
});
