import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSweepSpec, type TaskSweepSpec } from '@headroom/sweep';
import {
  CONTROL_TASK_QUEUE,
  createSweepUpdate,
  SWEEP_WORKFLOW_TYPE,
  sweepWorkflowId,
  type SweepWorkflow,
} from '@headroom/sweep/temporal';
import {
  createTestDatabase,
  createTestWorkflowEnvironment,
  freePort,
  waitFor,
  type TestDatabase,
} from '@headroom/test-support';
import { exportedMetricName, WORKER_METRICS } from './metrics';

/**
 * The worker as a cluster runs it (dist/main.js, `control` and `train`, JSON logs, metrics on
 * HEADROOM_METRICS_ADDRESS) on a real Temporal dev server and PostgreSQL: after a small sweep's
 * trial, each serves Temporal's metrics and Headroom's on /metrics, every log line is one JSON
 * object, and the trial's lines carry its sweep, trial and attempt. Every worker metric the
 * Grafana dashboard queries is one these workers export.
 */
const MAIN = resolve(__dirname, '..', '..', 'dist', 'main.js');
const DASHBOARD = resolve(__dirname, '..', '..', '..', '..', 'infra', 'grafana', 'headroom.json');

/** absl's notice, then TensorFlow's own `I0000 00:00:… file.cc:N] …` lines. */
const TENSORFLOW_NATIVE =
  /^(WARNING: All log messages before absl::InitializeLog|[IWEF]\d{4} \d\d:\d\d:)/;

interface Running {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  metricsUrl: string;
}

let temporal: TestWorkflowEnvironment;
let db: TestDatabase;
let dir: string;
const running: Running[] = [];
let control: Running;
let train: Running;
const pool = `obs${process.pid}`;
const sweepId = `swobs${process.pid}`;
/** A sweep whose one trial fails for good: its data is not there. */
const failingSweepId = `swobsfail${process.pid}`;

async function startWorker(args: string[], env: NodeJS.ProcessEnv): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: 'default',
      HEADROOM_DATA_DIR: dir,
      HEADROOM_METRICS_ADDRESS: `127.0.0.1:${port}`,
      HEADROOM_LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r: Running = {
    child,
    stdout: [],
    stderr: [],
    metricsUrl: `http://127.0.0.1:${port}/metrics`,
  };
  running.push(r);
  createInterface({ input: child.stdout! }).on('line', (l) => r.stdout.push(l));
  createInterface({ input: child.stderr! }).on('line', (l) => r.stderr.push(l));
  await waitFor(
    `${args[0]} worker to be ready`,
    async () => {
      if (child.exitCode !== null)
        throw new Error(`${args[0]} worker exited:\n${[...r.stdout, ...r.stderr].join('\n')}`);
      return r.stdout.some((l) => l.includes('worker ready'));
    },
    60_000,
  );
  return r;
}

async function scrape(r: Running): Promise<string> {
  const res = await fetch(r.metricsUrl);
  expect(res.status).toBe(200);
  return res.text();
}

/** Metric families in a Prometheus text exposition (histograms by their base name). */
function families(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]!));
}

/** A sample's value: the line `name{…labels including each of `labels`…} value`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const line = text
    .split('\n')
    .find(
      (l) =>
        (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) &&
        Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const spec = parseSweepSpec({
  name: 'observability',
  task: 'pose3d',
  dataset: { kind: 'synthetic', samples: 600, seed: 3 },
  method: 'grid',
  parameters: {
    d_m: { value: 8 },
    heads: { value: 2 },
    layers: { value: 1 },
    epochs: { value: 2 },
    batch_size: { value: 64 },
  },
  resources: { pool },
}) as TaskSweepSpec;

describe('worker metrics and logs', () => {
  beforeAll(async () => {
    expect(existsSync(MAIN), `${MAIN} is missing: pnpm --filter @headroom/worker build`).toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'headroom-obs-'));
    [temporal, db] = await Promise.all([
      createTestWorkflowEnvironment(),
      createTestDatabase('headroom_obs'),
    ]);
    [control, train] = await Promise.all([
      startWorker(['control'], { DATABASE_URL: db.url }),
      startWorker(['train', '--pool', pool], {
        DATABASE_URL: '',
        HEADROOM_ARTIFACTS_DIR: join(dir, 'artifacts'),
      }),
    ]);
    const client = temporal.client;
    const run = async (id: string, s: TaskSweepSpec) => {
      await client.workflow.executeUpdateWithStart(createSweepUpdate, {
        updateId: `create-${id}`,
        startWorkflowOperation: new WithStartWorkflowOperation<SweepWorkflow>(SWEEP_WORKFLOW_TYPE, {
          workflowId: sweepWorkflowId(id),
          taskQueue: CONTROL_TASK_QUEUE,
          args: [{ sweepId: id, spec: s }],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      });
      await client.workflow.getHandle(sweepWorkflowId(id)).result();
    };
    await run(sweepId, spec);
    await run(failingSweepId, {
      ...spec,
      dataset: { kind: 'h36m', path: join(dir, 'no-such-h36m') },
    } as TaskSweepSpec);
  }, 120_000);

  afterAll(async () => {
    for (const r of running) r.child.kill('SIGKILL');
    await temporal?.teardown();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("serves Temporal's metrics and Headroom's trial counters on the train worker's /metrics", async () => {
    const text = await scrape(train);
    const names = families(text);
    // Temporal's, from Core's exporter: the activity it ran and its slots.
    expect(names).toContain('temporal_activity_execution_latency');
    expect(names).toContain('temporal_activity_schedule_to_start_latency');
    expect(names).toContain('temporal_worker_task_slots_available');
    const tags = { task: 'pose3d', task_queue: `headroom-train-${pool}` };
    // Two attempts began (this sweep's trial and the failing sweep's), one finished.
    expect(sample(text, exportedMetricName(WORKER_METRICS.trialsStarted), tags)).toBe(2);
    expect(sample(text, exportedMetricName(WORKER_METRICS.trialsSucceeded), tags)).toBe(1);
    expect(sample(text, `${WORKER_METRICS.queueWait.name}_count`, tags)).toBe(2);
    expect(sample(text, `${WORKER_METRICS.queueWait.name}_sum`, tags)).toBeGreaterThanOrEqual(0);
    // The trained trial's two epochs, each over the 600 synthetic training samples.
    expect(sample(text, `${WORKER_METRICS.epochDuration.name}_count`, tags)).toBe(2);
    expect(sample(text, `${WORKER_METRICS.epochDuration.name}_sum`, tags)).toBeGreaterThan(0);
    expect(sample(text, exportedMetricName(WORKER_METRICS.samplesTrained), tags)).toBe(1200);
    // Never retried: that counter is not exported until it counts.
    expect(names).not.toContain(exportedMetricName(WORKER_METRICS.trialsRetried));
    // CPU here: no GPU memory gauge.
    expect(names).not.toContain(WORKER_METRICS.gpuMemory.name);
  });

  it('counts a trial that failed for good by its failure code', async () => {
    const text = await scrape(train);
    const failed = exportedMetricName(WORKER_METRICS.trialsFailed);
    expect(sample(text, failed, { type: 'DATA', retryable: 'false' })).toBe(1);
  });

  it("serves Temporal's workflow and activity metrics on the control worker's /metrics", async () => {
    const names = families(await scrape(control));
    expect(names).toContain('temporal_workflow_task_execution_latency');
    expect(names).toContain('temporal_workflow_task_schedule_to_start_latency');
    expect(names).toContain('temporal_activity_execution_latency');
    expect(names).toContain('temporal_workflow_completed_total');
  });

  it('writes every log line as one JSON object; the trial’s carry its sweep, trial and attempt', async () => {
    for (const r of [control, train]) {
      // TensorFlow's C++ library writes two start-up lines to stderr itself, before any format applies.
      const lines = [...r.stdout, ...r.stderr].filter((l) => !TENSORFLOW_NATIVE.test(l));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        const event = JSON.parse(line) as Record<string, unknown>;
        expect(event, line).toMatchObject({
          time: expect.any(String),
          level: expect.stringMatching(/^(trace|debug|info|warn|error)$/),
          msg: expect.any(String),
          service: 'headroom-worker',
        });
      }
    }
    const events = train.stderr
      .filter((l) => !TENSORFLOW_NATIVE.test(l))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const epochs = events.filter((e) => /^epoch \d+\/2 done/.test(String(e.msg)));
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    for (const e of epochs) {
      expect(e).toMatchObject({
        sweepId,
        trialId: `${sweepId}-0`,
        attempt: 1,
        role: 'train',
        activityType: 'trainTrial',
        samplesPerSecond: expect.any(Number),
      });
    }
    // The SDK's own line for the failed attempt, with its ids and the error.
    // (The Runtime's log collector holds lines ~100 ms to order them: wait for it.)
    const isFailure = (l: string) => l.includes('"msg":"Activity failed"');
    await waitFor(
      'the failed attempt to be logged',
      async () => train.stderr.some(isFailure),
      5000,
    );
    const failed = JSON.parse(train.stderr.find(isFailure)!) as Record<string, unknown>;
    expect(failed).toMatchObject({
      level: 'warn',
      sweepId: failingSweepId,
      trialId: `${failingSweepId}-0`,
      attempt: 1,
      error: { message: expect.stringContaining('no-such-h36m') },
    });
    const ready = JSON.parse(train.stdout.find((l) => l.includes('worker ready'))!) as {
      msg: string;
    };
    expect(ready.msg).toMatch(/^headroom train worker ready on headroom-train-/);
  });

  it('exports every worker metric the Grafana dashboard queries', async () => {
    const exported = new Set([
      ...families(await scrape(train)),
      ...families(await scrape(control)),
      // Counters that count only on failures, declared once in WORKER_METRICS.
      ...Object.values(WORKER_METRICS).map(exportedMetricName),
    ]);
    const queried = dashboardMetricNames(JSON.parse(readFileSync(DASHBOARD, 'utf8')));
    const worker = queried.filter((n) => n.startsWith('temporal_') || isWorkerMetric(n));
    expect(worker.length).toBeGreaterThan(5);
    for (const name of worker) expect(exported, name).toContain(name);
  });
});

function isWorkerMetric(name: string): boolean {
  return Object.values(WORKER_METRICS).some((m) => name.startsWith(m.name));
}

/** Metric names in the dashboard's PromQL (histogram series by their family name). */
function dashboardMetricNames(dashboard: unknown): string[] {
  const exprs = JSON.stringify(dashboard).match(/"expr":"(?:[^"\\]|\\.)*"/g) ?? [];
  const names = exprs.flatMap((e) => [...e.matchAll(/\b((?:temporal|headroom)_[a-z0-9_]+)/g)]);
  return [...new Set(names.map((m) => m[1]!.replace(/_(bucket|sum|count)$/, '')))];
}

describe('HEADROOM_METRICS_ADDRESS', () => {
  const run = (address: string) =>
    spawnSync(process.execPath, [MAIN, 'train', '--pool', 'p'], {
      encoding: 'utf8',
      // Nothing connects: the address is checked first.
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        HEADROOM_METRICS_ADDRESS: address,
        HEADROOM_LOG_FORMAT: 'text',
      },
      timeout: 30_000,
    });

  it('refuses a port another process holds, as a CONFIG error a supervisor does not restart', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const r = run(`127.0.0.1:${port}`);
      expect(r.status).toBe(78);
      expect(r.stderr).toContain(
        `cannot serve metrics at HEADROOM_METRICS_ADDRESS=127.0.0.1:${port} (`,
      );
    } finally {
      server.close();
    }
  });

  it('refuses a hostname, saying what would bind', () => {
    const r = run('localhost:9464');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('HEADROOM_METRICS_ADDRESS: must be IP:port, e.g. 0.0.0.0:9464');
  });
});
