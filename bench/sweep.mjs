#!/usr/bin/env node
// `pnpm bench:sweep`: how fast the control plane runs a large grid sweep — trials per second
// through the real API, Temporal dev server, control worker (the only database writer) and
// database, with training taken out: an in-process train worker whose activity returns at once.
//
//   node bench/sweep.mjs [--trials 10000] [--concurrency 25] [--database postgres|pglite]
//                        [--out bench/results/sweep.json]
//
// Needs `pnpm build` (the stack runs apps/api/dist and apps/worker/dist), the `temporal` CLI and,
// for the default `--database postgres`, PostgreSQL at DATABASE_URL (else the trust-auth
// postgres://postgres@127.0.0.1:5432/test), where it creates and drops a database of its own.
//
// It also checks what the run must show and fails loudly (exit 1, no result written) when not:
// every trial trained exactly once, the sweep and every trial `succeeded`, and the sweep
// workflow's runs a clean continue-as-new chain — more than one run once its history passed
// the workflow's threshold (10,000 events, at ~6 events a trial: from ~1,700 trials on).
import console from 'node:console';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { graphql } from './graphql.mjs';
import { cpuInfo } from './machine.mjs';

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

const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '25' },
    database: { type: 'string', default: 'postgres' },
    out: { type: 'string', default: join(root, 'bench', 'results', 'sweep.json') },
  },
});
const TRIALS = Number(args.trials);
const CONCURRENCY = Number(args.concurrency);
if (!Number.isInteger(TRIALS) || TRIALS < 100 || TRIALS % 100 !== 0) {
  fail(
    `--trials must be a multiple of 100 (the grid is 10 d_h × 10 lr × trials/100 seeds), got ${args.trials}`,
  );
}
if (!Number.isInteger(CONCURRENCY) || CONCURRENCY < 1)
  fail(`--concurrency must be an integer ≥ 1, got ${args.concurrency}`);
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

const spec = {
  name: `bench-${TRIALS}`,
  task: 'pose3d',
  dataset: { kind: 'synthetic' },
  method: 'grid',
  parameters: {
    d_m: { value: 32 },
    heads: { value: 4 },
    d_h: { values: [8, 16, 24, 32, 40, 48, 56, 64, 72, 80] },
    lr: { values: [1e-4, 2e-4, 3e-4, 4e-4, 5e-4, 6e-4, 7e-4, 8e-4, 9e-4, 1e-3] },
    seed: { values: Array.from({ length: TRIALS / 100 }, (_, i) => i) },
    epochs: { value: 1 },
  },
  resources: { pool: POOL, max_concurrent: CONCURRENCY },
};

const saved = { db: process.env.DATABASE_URL, temporal: process.env.TEMPORAL_ADDRESS };
const cleanups = [];
const failures = [];
const check = (ok, what) => {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'}  ${what}`);
  if (!ok) failures.push(what);
};
let result;

try {
  const loadAtStart = loadavg();
  console.log(
    `bench:sweep — ${TRIALS.toLocaleString('en-US')} trials, max_concurrent ${CONCURRENCY}, database ${args.database}`,
  );

  // The bench owns its whole stack: a fresh database (or embedded PGlite) and a fresh dev server.
  let databaseVersion = 'PGlite (embedded, served over the wire)';
  if (args.database === 'postgres') {
    const database = await createTestDatabase('headroom_bench_sweep');
    cleanups.push(() => database.drop());
    process.env.DATABASE_URL = database.url;
  } else delete process.env.DATABASE_URL;
  delete process.env.TEMPORAL_ADDRESS;
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
  if (args.database === 'postgres') {
    const { Client: PgClient } = requireCli('pg');
    const pg = new PgClient({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
    databaseVersion = `PostgreSQL ${(await pg.query('show server_version')).rows[0].server_version}`;
    await pg.end();
  }

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
    {
      input: { spec },
    },
  );
  const registeredSeconds = (Date.now() - t0) / 1000;
  if (createSweep.trialCount !== TRIALS)
    throw new Error(`createSweep made ${createSweep.trialCount} trials, not ${TRIALS}`);
  console.log(
    `  sweep ${createSweep.id} registered (${TRIALS} trial rows) in ${registeredSeconds.toFixed(1)} s`,
  );

  // Follows the chain of continue-as-new runs to the last one's result.
  const handle = client.workflow.getHandle(sweepWorkflowId(createSweep.id));
  const progress = setInterval(() => {
    const s = (Date.now() - t0) / 1000;
    console.log(
      `  … ${trainedByTrial.size.toLocaleString('en-US')} / ${TRIALS.toLocaleString('en-US')} trained after ${s.toFixed(0)} s`,
    );
  }, 30_000);
  try {
    await handle.result();
  } finally {
    clearInterval(progress);
  }
  const wallSeconds = (Date.now() - t0) / 1000;

  // ---------------------------------------------------------------- checks
  console.log('\nchecks:');
  const counts = [...trainedByTrial.values()];
  check(trainedByTrial.size === TRIALS, `every trial trained: ${trainedByTrial.size} of ${TRIALS}`);
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
  check(sweep.trialCount === TRIALS, `trial rows: ${sweep.trialCount}`);
  const notSucceeded = sweep.unfinished.rows;
  check(
    notSucceeded.length === 0,
    `every trial succeeded: ${notSucceeded.map((t) => `${t.id} ${t.status}`).join(', ') || 'yes'}`,
  );

  const runs = [];
  for await (const w of client.workflow.list({
    query: `WorkflowId = '${sweepWorkflowId(createSweep.id)}'`,
  }))
    runs.push(w);
  runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  const events = runs.reduce((sum, r) => sum + (r.historyLength ?? 0), 0);
  const chained =
    runs.slice(0, -1).every((r) => r.status.name === 'CONTINUED_AS_NEW') &&
    runs.at(-1)?.status.name === 'COMPLETED';
  check(chained, `runs: ${runs.map((r) => r.status.name).join(' → ')}`);
  if (events > HISTORY_EVENTS_BEFORE_CONTINUE) {
    check(
      runs.length > 1,
      `continued as new: ${runs.length} runs for ${events.toLocaleString('en-US')} history events`,
    );
  } else {
    console.log(
      `  —     continue-as-new not reached: ${events.toLocaleString('en-US')} history events in 1 run (threshold ${HISTORY_EVENTS_BEFORE_CONTINUE.toLocaleString('en-US')})`,
    );
  }
  const longest = Math.max(...runs.map((r) => r.historyLength ?? 0));

  const trialsPerSecond = TRIALS / wallSeconds;
  result = {
    date: new Date().toISOString(),
    cpu: cpuInfo().model,
    cores: availableParallelism(),
    node: process.version,
    database: args.database,
    databaseVersion,
    trials: TRIALS,
    maxConcurrent: CONCURRENCY,
    wallSeconds: Number(wallSeconds.toFixed(1)),
    trialsPerSecond: Number(trialsPerSecond.toFixed(2)),
    msPerTrial: Number(((wallSeconds * 1000) / TRIALS).toFixed(1)),
    registerSeconds: Number(registeredSeconds.toFixed(1)),
    workflowRuns: runs.length,
    historyEvents: events,
    longestRunHistoryEvents: longest,
    loadAverageAtStart: loadAtStart.map((x) => Number(x.toFixed(2))),
    loadAverageAtEnd: loadavg().map((x) => Number(x.toFixed(2))),
  };
  console.log(
    `\n${TRIALS.toLocaleString('en-US')} trials in ${wallSeconds.toFixed(1)} s: ${trialsPerSecond.toFixed(1)} trials/s, ` +
      `${result.msPerTrial} ms per trial (createSweep to the last run's completion; ${runs.length} workflow run(s))`,
  );
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
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${args.out}`);
process.exit(0);
