#!/usr/bin/env node
// `pnpm bench:sweep`: what the control plane costs per trial — grid sweeps run through the real
// API, Temporal dev server, control worker (the only database writer) and database, with training
// taken out: an in-process train worker whose activity returns at once. Several sizes and two grid
// shapes on one stack, and in the same run the peers (Optuna on PostgreSQL in one and two
// processes, Ray Tune) on the same trivial trials.
//
//   node bench/sweep.mjs [--sizes 100,1000,10000] [--grids factorised,long-axis]
//                        [--concurrency 16] [--database postgres|pglite]
//                        [--peers optuna,optuna-2,optuna-random,optuna-random-2,ray|none]
//                        [--ray-max 1000]
//                        [--out bench/results/sweep.json]
//
// Needs `pnpm build` (the stack runs apps/api/dist and apps/worker/dist), the `temporal` CLI and,
// for the default `--database postgres`, PostgreSQL at DATABASE_URL (else the trust-auth
// postgres://postgres@127.0.0.1:5432/test), where it creates and drops a database of its own.
//
// Every Headroom run also checks what it must show and the bench fails loudly (exit 1, no result
// written) when not: every trial trained exactly once, the sweep and every trial `succeeded`, and
// the sweep workflow's runs a clean continue-as-new chain — more than one run once its history
// passed the workflow's threshold.
import console from 'node:console';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { graphql } from './graphql.mjs';
import { cpuInfo } from './machine.mjs';
import { pidsWithArgument, startCpuMeter, withDescendants } from './process-cpu.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The CLI's dependencies (stack, test-support, sweep, the Temporal SDK) resolve from its package.
const requireCli = createRequire(join(root, 'apps', 'cli', 'package.json'));
const { waitFor } = requireCli('@headroom/stack');
const { createTestDatabase } = requireCli('@headroom/test-support');
const { sweepWorkflowId, trainTaskQueue } = requireCli('@headroom/sweep/temporal');
const { Client, Connection } = requireCli('@temporalio/client');
const { DefaultLogger, NativeConnection, Runtime, Worker } = requireCli('@temporalio/worker');
// The in-process worker's state changes are INFO lines; only warnings belong in the bench output.
Runtime.install({ logger: new DefaultLogger('WARN') });

/** The sweep workflow continues as new past this many history events (apps/worker, sweep.workflow.ts). */
const HISTORY_EVENTS_BEFORE_CONTINUE = 10_000;
const POOL = 'bench-trivial';
const GRIDS = ['factorised', 'long-axis'];
/**
 * The peers, on the same trivial trials: Optuna on a PostgreSQL RDB study with the bench's grid
 * (GridSampler) or random draws (RandomSampler), in one process or two sharing the study, and Ray
 * Tune (bench/sweep-peers.mjs, bench/optuna/sweep_peers.py).
 */
// Optuna's GridSampler reads the whole study after every trial (its cost per trial grows with the
// study: about an hour for 10⁴ here), so its runs stop at 10³; the random sampler's go on.
const PEER_RUNS = {
  optuna: { peer: 'optuna', sampler: 'grid', processes: 1, maxTrials: 1000 },
  'optuna-2': { peer: 'optuna', sampler: 'grid', processes: 2, maxTrials: 1000 },
  'optuna-random': { peer: 'optuna', sampler: 'random', processes: 1 },
  'optuna-random-2': { peer: 'optuna', sampler: 'random', processes: 2 },
  ray: { peer: 'ray', sampler: 'grid' },
};
const PEERS = Object.keys(PEER_RUNS);

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000,10000' },
    grids: { type: 'string', default: GRIDS.join(',') },
    concurrency: { type: 'string', default: '16' },
    database: { type: 'string', default: 'postgres' },
    peers: { type: 'string', default: PEERS.join(',') },
    'ray-max': { type: 'string', default: '1000' },
    out: { type: 'string', default: join(root, 'bench', 'results', 'sweep.json') },
  },
});
const SIZES = args.sizes.split(',').map(Number);
const CONCURRENCY = Number(args.concurrency);
const RAY_MAX = Number(args['ray-max']);
const grids = args.grids.split(',');
const peers = args.peers === 'none' ? [] : args.peers.split(',');
for (const n of SIZES)
  if (!Number.isInteger(n) || n < 100 || n % 100 !== 0)
    fail(
      `--sizes: each size must be a multiple of 100 (the factorised grid is 10 d_h × 10 lr × n/100 seeds), got ${n}`,
    );
for (const g of grids)
  if (!GRIDS.includes(g)) fail(`--grids: ${g} is not one of ${GRIDS.join(', ')}`);
for (const p of peers)
  if (!PEERS.includes(p)) fail(`--peers: ${p} is not one of ${PEERS.join(', ')} (or none)`);
if (!Number.isInteger(CONCURRENCY) || CONCURRENCY < 1)
  fail(`--concurrency must be an integer ≥ 1, got ${args.concurrency}`);
if (!Number.isInteger(RAY_MAX) || RAY_MAX < 0)
  fail(`--ray-max must be an integer ≥ 0, got ${args['ray-max']}`);
if (!['postgres', 'pglite'].includes(args.database))
  fail(`--database must be postgres or pglite, got ${args.database}`);

// The launcher `headroom up` uses; the CLI exports nothing, so its build output is loaded by path.
let localStack;
try {
  localStack = createRequire(import.meta.url)(
    join(root, 'apps', 'cli', 'dist', 'stack', 'local-stack.js'),
  );
} catch (err) {
  fail(`the CLI is not built (${err.message.split('\n')[0]}): run \`pnpm build\` first`);
}

function fail(message) {
  console.error(`\nbench:sweep FAILED: ${message}`);
  process.exit(1);
}

/**
 * A grid of `trials` trivial pose3d trials: `factorised` is 10 d_h × 10 lr × trials/100 seeds,
 * `long-axis` one axis of `trials` seeds (PRODUCT.md's own example of a long list).
 */
function specOf(grid, trials) {
  const axes =
    grid === 'factorised'
      ? {
          d_h: { values: [8, 16, 24, 32, 40, 48, 56, 64, 72, 80] },
          lr: { values: [1e-4, 2e-4, 3e-4, 4e-4, 5e-4, 6e-4, 7e-4, 8e-4, 9e-4, 1e-3] },
          seed: { values: Array.from({ length: trials / 100 }, (_, i) => i) },
        }
      : {
          d_h: { value: 8 },
          lr: { value: 1e-3 },
          seed: { values: Array.from({ length: trials }, (_, i) => i) },
        };
  return {
    name: `bench-${grid}-${trials}`,
    task: 'pose3d',
    dataset: { kind: 'synthetic' },
    method: 'grid',
    parameters: { d_m: { value: 32 }, heads: { value: 4 }, ...axes, epochs: { value: 1 } },
    resources: { pool: POOL, max_concurrent: CONCURRENCY },
  };
}

const saved = { db: process.env.DATABASE_URL, temporal: process.env.TEMPORAL_ADDRESS };
const cleanups = [];
const failures = [];
const rows = [];
const check = (ok, what) => {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'}  ${what}`);
  if (!ok) failures.push(what);
};
let result;

try {
  const loadAtStart = loadavg();
  console.log(
    `bench:sweep — sizes ${SIZES.join(', ')}, grids ${grids.join(', ')}, max_concurrent ${CONCURRENCY}, database ${args.database}, peers ${peers.join(', ') || 'none'}`,
  );

  // The bench owns its whole stack: a fresh database (or embedded PGlite) and a fresh dev server.
  let databaseVersion = 'PGlite (embedded, served over the wire)';
  let databaseName;
  if (args.database === 'postgres') {
    const database = await createTestDatabase('headroom_bench_sweep');
    cleanups.push(() => database.drop());
    process.env.DATABASE_URL = database.url;
    databaseName = database.name;
  } else delete process.env.DATABASE_URL;
  delete process.env.TEMPORAL_ADDRESS;
  // createSweep answers once the sweep and its trial rows are written, or after 20 s with "still
  // being registered"; 10⁵ rows take longer than that here, so the stack's API waits for them.
  process.env.HEADROOM_REGISTRATION_TIMEOUT_SECONDS ??= '600';
  const dataDir = mkdtempSync(join(tmpdir(), 'headroom-bench-sweep-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const stackStart = Date.now();
  const stack = await localStack.startLocalStack({
    dataDir,
    trainWorkers: 0,
    log: (l) => console.log(`  [stack] ${l}`),
  });
  cleanups.push(() => stack.stop());
  console.log(`  stack up in ${((Date.now() - stackStart) / 1000).toFixed(1)} s`);
  const { Client: PgClient } = requireCli('pg');
  let pg;
  if (args.database === 'postgres') {
    pg = new PgClient({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
    cleanups.push(() => pg.end());
    databaseVersion = `PostgreSQL ${(await pg.query('show server_version')).rows[0].server_version}`;
  }
  // PostgreSQL's backends serving the bench's database (the pools of the API and control worker).
  let backends = [];
  const refreshBackends = async () => {
    if (!pg) return;
    const r = await pg.query(
      'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [databaseName],
    );
    backends = r.rows.map((x) => x.pid);
  };
  const pidOf = (name) => stack.processes.find((p) => p.name === name)?.child.pid;
  const cpuGroups = {
    temporal: () => withDescendants(pidsWithArgument(join(dataDir, 'temporal.db'))),
    controlWorker: () => withDescendants([pidOf('control-worker')].filter(Boolean)),
    api: () => [pidOf('api')].filter(Boolean),
    postgres: () => backends,
    // The bench itself: the scripted train worker, the Temporal client and, with pglite, the database.
    bench: () => [process.pid],
  };

  // The scripted train worker: returns at once, counting each trial it is asked to train.
  const trainedByTrial = new Map();
  const connection = await NativeConnection.connect({ address: stack.temporalAddress });
  cleanups.push(() => connection.close());
  const worker = await Worker.create({
    connection,
    taskQueue: trainTaskQueue(POOL),
    maxConcurrentActivityTaskExecutions: 200,
    activities: {
      async trainTrial(input) {
        trainedByTrial.set(input.trialId, (trainedByTrial.get(input.trialId) ?? 0) + 1);
        return {
          metrics: { mpjpe: 1 },
          paramCount: 1,
          artifactPath: '-',
          artifacts: [],
          epochsCompleted: 1,
          backend: 'none',
          device: 'none',
        };
      },
    },
  });
  const workerRun = worker.run();
  cleanups.push(async () => {
    worker.shutdown();
    await workerRun.catch(() => {});
  });
  const client = new Client({
    connection: await Connection.connect({ address: stack.temporalAddress }),
  });
  cleanups.push(() => client.connection.close());

  /** One sweep of `trials` trivial trials through the API, timed and checked. */
  async function runHeadroom(grid, trials) {
    console.log(`\nheadroom, ${grid} grid, ${trials.toLocaleString('en-US')} trials`);
    trainedByTrial.clear();
    await refreshBackends();
    const load = loadavg()[0];
    const meter = startCpuMeter(cpuGroups);
    const t0 = Date.now();
    const { createSweep } = await graphql(
      stack.api,
      `
        mutation ($input: CreateSweepInput!) {
          createSweep(input: $input) {
            id
            trialCount
          }
        }
      `,
      { input: { spec: specOf(grid, trials) } },
    );
    const registeredSeconds = (Date.now() - t0) / 1000;
    if (createSweep.trialCount !== trials)
      throw new Error(`createSweep made ${createSweep.trialCount} trials, not ${trials}`);
    console.log(
      `  sweep ${createSweep.id} registered (${trials} trial rows) in ${registeredSeconds.toFixed(1)} s`,
    );

    // Follows the chain of continue-as-new runs to the last one's result.
    const handle = client.workflow.getHandle(sweepWorkflowId(createSweep.id));
    const progress = setInterval(() => {
      const s = (Date.now() - t0) / 1000;
      console.log(
        `  … ${trainedByTrial.size.toLocaleString('en-US')} / ${trials.toLocaleString('en-US')} trained after ${s.toFixed(0)} s`,
      );
    }, 30_000);
    try {
      await handle.result();
    } finally {
      clearInterval(progress);
    }
    const wallSeconds = (Date.now() - t0) / 1000;
    await refreshBackends();
    const cpu = meter.stop();

    const counts = [...trainedByTrial.values()];
    check(
      trainedByTrial.size === trials,
      `every trial trained: ${trainedByTrial.size} of ${trials}`,
    );
    const twice = counts.filter((n) => n > 1).length;
    check(twice === 0, `no trial trained twice: ${twice} were`);

    // The database may lag the workflow's last activity by a moment; wait on it with a deadline.
    let sweep;
    await waitFor(
      'the sweep row to say succeeded',
      async () => {
        ({ sweep } = await graphql(
          stack.api,
          `
            query ($id: ID!) {
              sweep(id: $id) {
                status
                trialCount
                unfinished: trials(
                  first: 10
                  status: [pending, running, paused, failed, cancelled, pruned]
                ) {
                  rows {
                    id
                    status
                  }
                }
              }
            }
          `,
          { id: createSweep.id },
        ));
        return String(sweep.status).toLowerCase() === 'succeeded';
      },
      30_000,
      500,
    ).catch(() => {});
    if (!sweep) throw new Error(`sweep ${createSweep.id} could not be read back through the API`);
    check(
      String(sweep.status).toLowerCase() === 'succeeded',
      `sweep status succeeded: ${sweep.status}`,
    );
    check(sweep.trialCount === trials, `trial rows: ${sweep.trialCount}`);
    const notSucceeded = sweep.unfinished.rows;
    check(
      notSucceeded.length === 0,
      `every trial succeeded: ${notSucceeded.map((t) => `${t.id} ${t.status}`).join(', ') || 'yes'}`,
    );

    // Visibility lags the workflow by a moment: wait until it shows the last run closed.
    let runs = [];
    await waitFor(
      "visibility to show the sweep's last run closed",
      async () => {
        runs = [];
        for await (const w of client.workflow.list({
          query: `WorkflowId = '${sweepWorkflowId(createSweep.id)}'`,
        }))
          runs.push(w);
        runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
        return runs.at(-1)?.status.name !== 'RUNNING';
      },
      30_000,
      200,
    ).catch(() => {});
    const events = runs.reduce((sum, r) => sum + (r.historyLength ?? 0), 0);
    const chained =
      runs.slice(0, -1).every((r) => r.status.name === 'CONTINUED_AS_NEW') &&
      runs.at(-1)?.status.name === 'COMPLETED';
    check(chained, `runs: ${runs.map((r) => r.status.name).join(' → ')}`);
    if (events > HISTORY_EVENTS_BEFORE_CONTINUE)
      check(
        runs.length > 1,
        `continued as new: ${runs.length} runs for ${events.toLocaleString('en-US')} history events`,
      );

    const msPerTrial = (wallSeconds * 1000) / trials;
    const cpuMsPerTrial = Object.fromEntries(
      Object.entries(cpu).map(([k, v]) => [k, Number(((v * 1000) / trials).toFixed(1))]),
    );
    const row = {
      system: 'headroom',
      grid,
      trials,
      maxConcurrent: CONCURRENCY,
      wallSeconds: Number(wallSeconds.toFixed(1)),
      trialsPerSecond: Number((trials / wallSeconds).toFixed(2)),
      msPerTrial: Number(msPerTrial.toFixed(1)),
      registerSeconds: Number(registeredSeconds.toFixed(1)),
      cpuMsPerTrial,
      workflowRuns: runs.length,
      sweepHistoryEvents: events,
      loadAverageAtStart: Number(load.toFixed(2)),
    };
    console.log(
      `  ${trials.toLocaleString('en-US')} trials in ${wallSeconds.toFixed(1)} s: ${row.trialsPerSecond} trials/s, ${row.msPerTrial} ms per trial; ` +
        `CPU ms per trial ${Object.entries(cpuMsPerTrial)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}; sweep history ${events} events in ${runs.length} run(s)`,
    );
    return row;
  }

  async function runPeers(trials) {
    const { runPeer } = await import('./sweep-peers.mjs');
    for (const peer of peers) {
      if (peer === 'ray' && trials > RAY_MAX) {
        console.log(`\nray: ${trials} trials skipped (over --ray-max ${RAY_MAX})`);
        continue;
      }
      console.log(`\n${peer}, ${trials.toLocaleString('en-US')} trials`);
      const load = loadavg()[0];
      const r = await runPeer({ ...PEER_RUNS[peer], trials, concurrency: CONCURRENCY });
      console.log(
        r.skipped
          ? `  skipped: ${r.skipped}`
          : `  ${trials.toLocaleString('en-US')} trials in ${r.wallSeconds} s: ${r.msPerTrial} ms per trial, ${(
              (r.cpuSeconds * 1000) /
              trials
            ).toFixed(1)} ms CPU per trial in its processes`,
      );
      rows.push({ system: peer, ...r, loadAverageAtStart: Number(load.toFixed(2)) });
    }
  }

  // A first sweep warms the stack (JIT, the workflow bundle, connection pools); not recorded.
  console.log('\nwarm-up: 100 trials, not recorded');
  await runHeadroom('factorised', 100);
  // Sizes in order, and within a size every system one after the other: each sees the same machine.
  for (const trials of SIZES) {
    for (const grid of grids) rows.push(await runHeadroom(grid, trials));
    if (peers.length > 0) await runPeers(trials);
  }

  result = {
    date: new Date().toISOString(),
    cpu: cpuInfo().model,
    cores: cpuInfo().cpus,
    node: process.version,
    database: args.database,
    databaseVersion,
    maxConcurrent: CONCURRENCY,
    rows,
    loadAverageAtStart: loadAtStart.map((x) => Number(x.toFixed(2))),
    loadAverageAtEnd: loadavg().map((x) => Number(x.toFixed(2))),
  };
} catch (err) {
  failures.push(err instanceof Error ? (err.stack ?? err.message) : String(err));
} finally {
  for (const cleanup of cleanups.reverse())
    await cleanup().catch((e) => console.error(`cleanup: ${e.message}`));
  if (saved.db === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = saved.db;
  if (saved.temporal !== undefined) process.env.TEMPORAL_ADDRESS = saved.temporal;
}

if (failures.length > 0) fail(failures.join('\n'));
console.log(
  '\n| system | trials (grid or sampler) | ms per trial | trials/s | CPU ms per trial | load |',
);
console.log('|---|---|---:|---:|---|---:|');
const cpuOf = (r) =>
  r.cpuMsPerTrial
    ? Object.entries(r.cpuMsPerTrial)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')
    : r.cpuSeconds !== undefined
      ? `its processes ${((r.cpuSeconds * 1000) / r.trials).toFixed(1)} (PostgreSQL not counted)`
      : '–';
for (const r of rows)
  console.log(
    r.skipped
      ? `| ${r.system} | ${r.trials} | skipped: ${r.skipped} | | | |`
      : `| ${r.system} | ${r.trials} (${r.grid ?? r.sampler}) | ${r.msPerTrial} | ${r.trialsPerSecond} | ${cpuOf(r)} | ${r.loadAverageAtStart} |`,
  );
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${args.out}`);
process.exit(0);
