import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DbHandle,
  type EmbeddedDatabaseServer,
  insertSweep,
  markTrialRunning,
  openDatabase,
  recordEpochMetrics,
  serveEmbeddedDatabase,
  setSweepStatus,
  sweepRegistration,
  trialId,
} from '@headroom/db';
import { parseSweepSpec, requireTaskSweep } from '@headroom/sweep';
import { freePort, startProcess, type ManagedProcess } from '@headroom/stack';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { showSweepCommand } from './commands/sweep';
import type { SweepView } from './queries';
import type { ApiTarget } from './graphql-client';
import { appEntry } from './stack/local-stack';
import { readTokenFile } from './stack-state';
import { watchSweep } from './sweep-watch';

// The real API (dist/main.js) on the embedded PGlite served over the wire, as `headroom up` runs
// it; the database written with the control activities' writes. No Temporal: nothing here starts
// a workflow.
const dataDir = mkdtempSync(join(tmpdir(), 'headroom-watch-'));
let served: EmbeddedDatabaseServer;
let handle: DbHandle;
let apiProcess: ManagedProcess;
let api: ApiTarget;

beforeAll(async () => {
  served = await serveEmbeddedDatabase({ dataDir: join(dataDir, 'pglite') });
  handle = await openDatabase({ url: served.url, maxConnections: 2 });
  const { proc, match } = await startProcess({
    name: 'api',
    command: process.execPath,
    args: [appEntry('api')],
    env: {
      DATABASE_URL: served.url,
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      HOST: '127.0.0.1',
      PORT: '0',
      HEADROOM_ADMIN_TOKEN_FILE: join(dataDir, 'token'),
    },
    ready: /listening on (http:\/\/\S+)/,
    readyTimeoutMs: 60_000,
  });
  apiProcess = proc;
  api = { url: match[1]!, token: readTokenFile(join(dataDir, 'token')) };
});

afterAll(async () => {
  await apiProcess?.stop();
  await handle?.close();
  await served?.close();
  rmSync(dataDir, { recursive: true, force: true });
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

/**
 * A TCP proxy in front of the API whose connections can be cut (and new ones refused) for a while,
 * as a network drop would: the API stays up, so only a new read can show what changed meanwhile.
 */
async function cuttableProxy(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  let down = false;
  const server = net.createServer((client) => {
    if (down) return void client.destroy();
    const upstream = net.connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s)).on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore: () => void (down = false),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Resolves with the first view `onUpdate` gives that passes `test`; fails past a deadline. */
function viewWhere(test: (v: SweepView) => boolean, what: string, ms = 30_000) {
  let found: (v: SweepView) => void = () => undefined;
  let last: SweepView | undefined;
  const seen = new Promise<SweepView>((resolve, reject) => {
    found = resolve;
    setTimeout(
      () => reject(new Error(`no view with ${what}; last: ${JSON.stringify(last?.trials)}`)),
      ms,
    ).unref();
  });
  return {
    seen,
    onUpdate(v: SweepView) {
      last = structuredClone(v);
      if (test(v)) found(last);
    },
  };
}

describe('watchSweep (graphql-ws subscriptions)', () => {
  it('misses no write made while it subscribes and reads: every trial it ever sees running', async () => {
    const S = 'swwatchwatch';
    const N = 40;
    await newSweep(S, N);
    const allRunning = viewWhere(
      (v) => v.trials.length === N && v.trials.every((t) => t.status === 'running'),
      'every trial running',
    );
    const watching = watchSweep(api, S, (v) => allRunning.onUpdate(v));
    // One write per trial while the watcher subscribes, reads and follows: a write lost between
    // its read and its subscription would leave that trial pending for good.
    for (let i = 0; i < N; i++)
      await markTrialRunning(handle.db, trialId(S, i), { attemptKey: `run-${i}/1` });
    await allRunning.seen;
    await setSweepStatus(handle.db, S, 'cancelled');
    const ended = await watching;
    expect(ended.status).toBe('cancelled');
    expect(ended.trials.map((t) => t.status)).toEqual(Array(N).fill('running'));
  });

  it('reconnects after a dropped connection, and reads again what changed meanwhile', async () => {
    const S = 'swreconnect0';
    await newSweep(S, 1);
    const t0 = trialId(S, 0);
    const epochs = (n: number) =>
      viewWhere((v) => v.trials[0]?.history.length === n, `${n} epochs`);
    const one = epochs(1);
    const two = epochs(2);
    const proxy = await cuttableProxy(api.url);
    const watching = watchSweep({ ...api, url: proxy.url }, S, (v) => {
      one.onUpdate(v);
      two.onUpdate(v);
    });
    await markTrialRunning(handle.db, t0, { attemptKey: 'run/1' });
    await recordEpochMetrics(handle.db, { trialId: t0, epoch: 1, metrics: { mpjpe: 60 } });
    await one.seen;
    proxy.cut();
    // Written while the watcher is cut off: its event goes nowhere; only a new read can show it.
    await recordEpochMetrics(handle.db, { trialId: t0, epoch: 2, metrics: { mpjpe: 55 } });
    proxy.restore();
    try {
      expect((await two.seen).trials[0]!.history).toEqual([
        { epoch: 1, metrics: { mpjpe: 60 } },
        { epoch: 2, metrics: { mpjpe: 55 } },
      ]);
      await setSweepStatus(handle.db, S, 'succeeded');
      expect((await watching).status).toBe('succeeded');
    } finally {
      await proxy.close();
    }
  });

  it('`sweep show --watch` follows a sweep until it ends, then exits 0 only if it succeeded', async () => {
    const S = 'swshowwatch0';
    await newSweep(S, 1);
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
      printed.push(String(line));
    });
    try {
      const shown = showSweepCommand(S, { api, watch: true, json: true });
      await setSweepStatus(handle.db, S, 'running');
      await setSweepStatus(handle.db, S, 'failed');
      expect(await shown).toBe(1);
    } finally {
      log.mockRestore();
    }
    expect(JSON.parse(printed.at(-1)!)).toMatchObject({ id: S, status: 'failed' });
    await expect(
      showSweepCommand('swnosuchone0', { api, watch: true, json: true }),
    ).rejects.toThrow(/swnosuchone0/);
    const nowhere = `http://127.0.0.1:${await freePort()}/graphql`;
    await expect(watchSweep({ ...api, url: nowhere }, S, () => undefined)).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining(`ws://${nowhere.slice('http://'.length)}`),
    });
  });
});
