#!/usr/bin/env node
// `pnpm bench:leaderboard`: the leaderboard reads at 10⁵ trials (issue 10, item 6). Fills a fresh
// PostgreSQL database with succeeded pose3d trials through @headroom/db's own write path
// (insertSweep, markTrialRunning, recordEpochMetrics × 10 epochs, completeTrial, settleSweepStatus)
// in --fill-workers child processes, then times the reads through the real HTTP GraphQL API
// (apps/api/dist alone; it connects to Temporal only for mutations) beside the equivalent reads of
// an Optuna RDB study holding the same trials on the same server, measured by
// bench/optuna/leaderboard_optuna.py in a long-lived child, interleaved round by round.
//
//   node bench/leaderboard.mjs [--trials 100000] [--iterations 200] [--warmup 10]
//                              [--optuna-iterations 40] [--optuna-cold 3] [--fill-workers 2]
//                              [--concurrency 4]
//                              [--reuse] [--no-optuna] [--out bench/results/leaderboard.json]
//
// --trials is a multiple of 1,000 (sweeps of 200 geometries × 5 seeds). Databases, on the server
// of HEADROOM_BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres):
// headroom_bench_leaderboard and headroom_bench_optuna (suffixed _<trials> below 10⁵), dropped and
// created afresh; --reuse keeps them when they hold this run's trials and completes a partial
// Headroom fill (succeeded trials are skipped). They are left behind for the next --reuse.
// Needs `pnpm build`; Optuna comes from bench/.venv, created here when missing. It checks the
// answers (row counts, n per group, 10 epochs of history per trial, and the same best trial, best
// group and Pareto front on both sides) and fails loudly (exit 1, no result written) when not.
import console from 'node:console';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { graphql } from './graphql.mjs';
import { cpuInfo } from './machine.mjs';
import { pythonForOptuna } from './optuna-python.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The worker has every package the fill needs (db, sweep, models); pg and stack come from their users.
const requireWorker = createRequire(join(root, 'apps', 'worker', 'package.json'));
const requireDb = createRequire(join(root, 'packages', 'db', 'package.json'));
const requireCli = createRequire(join(root, 'apps', 'cli', 'package.json'));

const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '100000' },
    iterations: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '10' },
    'optuna-iterations': { type: 'string', default: '40' },
    'optuna-cold': { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '4' },
    'fill-workers': { type: 'string', default: '2' },
    'fill-part': { type: 'string' },
    reuse: { type: 'boolean', default: false },
    'no-optuna': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const TRIALS = Number(args.trials);
const ITERATIONS = Number(args.iterations);
const WARMUP = Number(args.warmup);
const OPTUNA_ITERATIONS = args['no-optuna'] ? 0 : Number(args['optuna-iterations']);
/** Fresh-process Optuna reads load the whole study (~1 min at 10⁴ trials here): a few, after the rounds. */
const OPTUNA_COLD = args['no-optuna'] ? 0 : Number(args['optuna-cold']);
const CONCURRENCY = Number(args.concurrency);
const FILL_WORKERS = Number(args['fill-workers']);
const TRIALS_PER_SWEEP = 1_000;
const SWEEPS = TRIALS / TRIALS_PER_SWEEP;
const EPOCHS = 10;
const FULL_SCALE = 100_000;
const OUT =
  args.out ??
  join(
    root,
    'bench',
    'results',
    TRIALS === FULL_SCALE
      ? 'leaderboard.json'
      : TRIALS >= 10_000
        ? `leaderboard-${TRIALS}.json`
        : `leaderboard.quick-${TRIALS}.json`,
  );
if (!Number.isInteger(SWEEPS) || SWEEPS < 1)
  fail(`--trials must be a positive multiple of ${TRIALS_PER_SWEEP}, got ${args.trials}`);
for (const [name, n] of [
  ['--iterations', ITERATIONS],
  ['--warmup', WARMUP],
  ['--optuna-iterations', OPTUNA_ITERATIONS],
  ['--optuna-cold', OPTUNA_COLD],
  ['--concurrency', CONCURRENCY],
  ['--fill-workers', FILL_WORKERS],
]) {
  if (
    !Number.isInteger(n) ||
    n < (['--iterations', '--concurrency', '--fill-workers'].includes(name) ? 1 : 0)
  )
    fail(`${name} must be a whole number, got ${n}`);
}

const ADMIN_URL =
  process.env.HEADROOM_BENCH_POSTGRES || 'postgres://postgres@127.0.0.1:5432/postgres';
// A smaller run (--trials 10000) gets databases of its own, so it never drops the full-scale ones.
const SCALE_SUFFIX = TRIALS === FULL_SCALE ? '' : `_${TRIALS}`;
const HEADROOM_DB = `headroom_bench_leaderboard${SCALE_SUFFIX}`;
const OPTUNA_DB = `headroom_bench_optuna${SCALE_SUFFIX}`;
const urlOf = (database) => Object.assign(new URL(ADMIN_URL), { pathname: `/${database}` }).href;

function fail(message) {
  console.error(`\nbench:leaderboard FAILED: ${message}`);
  process.exit(1);
}

let dbPkg, sweepPkg, models, pg, stack;
try {
  dbPkg = requireWorker('@headroom/db');
  sweepPkg = requireWorker('@headroom/sweep');
  models = requireWorker('@headroom/models');
  pg = requireDb('pg');
  stack = requireCli('@headroom/stack');
} catch (err) {
  fail(`the packages are not built (${err.message.split('\n')[0]}): run \`pnpm build\` first`);
}
const API_MAIN = join(root, 'apps', 'api', 'dist', 'main.js');
if (!existsSync(API_MAIN)) fail('apps/api is not built: run `pnpm build` first');

// ---------------------------------------------------------------- the trials

/** The grid of every sweep: 5 d_m × 4 heads × 5 d_h × Q=K or not = 200 geometries, × 5 seeds. */
const D_M = [128, 192, 256, 384, 512];
const HEADS = [2, 4, 8, 16];
const D_H = [16, 32, 48, 64, 96];
/** Sweeps differ in their learning rate (sweep k: LRS[k % 10]) and seeds (5 new every 10 sweeps). */
const LRS = [1e-4, 2e-4, 3e-4, 5e-4, 7e-4, 1e-3, 1.5e-3, 2e-3, 3e-3, 5e-3];
const LAYERS = 4;
const JOINTS = 17;

function specOf(k) {
  const firstSeed = 1 + 5 * Math.floor(k / LRS.length);
  return sweepPkg.parseSweepSpec({
    name: `bench-leaderboard-${String(k).padStart(3, '0')}`,
    task: 'pose3d',
    dataset: { kind: 'synthetic' },
    method: 'grid',
    metric: { name: 'mpjpe', goal: 'minimize' },
    parameters: {
      d_m: { values: D_M },
      heads: { values: HEADS },
      d_h: { values: D_H },
      qk_tied: { values: [false, true] },
      layers: { value: LAYERS },
      lr: { value: LRS[k % LRS.length] },
      batch_size: { value: 256 },
      epochs: { value: EPOCHS },
      seed: { values: Array.from({ length: 5 }, (_, i) => firstSeed + i) },
    },
    resources: { pool: 'cpu', max_concurrent: 4 },
  });
}

/** mulberry32 seeded by an FNV-1a hash of a string: every value is a pure function of its key. */
function rngOf(key) {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const gauss = (rng) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
const round4 = (x) => Math.round(x * 1e4) / 1e4;

/**
 * A trial's metrics per epoch: a geometry- and lr-dependent floor in mm (d_h away from d_m/heads
 * costs, wider d_m helps, Q=K costs a little, lr off 7e-4 costs), a per-seed offset, a curve that
 * falls over the epochs and per-epoch noise (so the best epoch is not always the last).
 */
function epochMetrics(p) {
  const floor =
    38 +
    6 * Math.abs(Math.log2(p.d_h / (p.d_m / p.heads))) -
    2.5 * Math.log2(p.d_m / 128) +
    (p.qk_tied ? 0.9 : 0) +
    4 * Math.log10(p.lr / 7e-4) ** 2 +
    0.4 * Math.log2(p.heads);
  const rng = rngOf(`${p.d_m}/${p.heads}/${p.d_h}/${p.qk_tied}/${p.lr}/${p.seed}`);
  const seedOffset = 0.8 * gauss(rng);
  return Array.from({ length: p.epochs }, (_, i) => {
    const mpjpe = (floor + seedOffset) * (1 + 1.5 * Math.exp(-0.5 * i)) + 0.6 * gauss(rng);
    return {
      loss: round4((mpjpe / 1000) * (1.1 + 0.05 * gauss(rng))),
      mpjpe: round4(mpjpe),
      p_mpjpe: round4(0.71 * mpjpe + 0.3 * gauss(rng)),
    };
  });
}

/** Trainable parameters and forward FLOPs per sample of the pose3d lifter, from packages/models. */
const countsByGeometry = new Map();
function countsOf(g) {
  const key = `${g.dModel}/${g.heads}/${g.dH}/${g.qkTied}`;
  let c = countsByGeometry.get(key);
  if (!c) {
    const d = g.dModel;
    const paramCount = models.pose3dParamCount({ ...g, layers: LAYERS });
    // Matrix products as describeModel counts them: joint embedding, per layer attention
    // (attentionFlopCount) and the FFN's two Dense (d → 4d → d), the output head.
    const flops =
      2 * 2 * d * JOINTS +
      LAYERS * (models.attentionFlopCount(g, JOINTS) + 2 * (2 * d * 4 * d * JOINTS)) +
      2 * d * 3 * JOINTS;
    c = { paramCount, flops };
    countsByGeometry.set(key, c);
  }
  return c;
}

/** The formula above against a built model's own count, for two geometries: loud if they drift. */
function checkCounts() {
  for (const g of [
    { dModel: 128, heads: 4, dH: 48, qkTied: false },
    { dModel: 192, heads: 8, dH: 16, qkTied: true },
  ]) {
    const model = models.buildPose3dModel({ ...g, layers: LAYERS, seed: 1 });
    const real = models.describeModel(model);
    model.dispose();
    const mine = countsOf(g);
    if (real.params !== mine.paramCount || real.flops !== mine.flops) {
      fail(
        `counts for ${JSON.stringify(g)}: describeModel says ${real.params} params / ${real.flops} FLOPs, ` +
          `the bench ${mine.paramCount} / ${mine.flops}`,
      );
    }
  }
}

/** Sweep k as the control worker registers it (`sweepRegistration`, as registerSweep does). */
function sweepOf(k) {
  const spec = specOf(k);
  const rng = rngOf(`sweep-${k}`);
  const id = sweepPkg.newSweepId(rng);
  const sweep = dbPkg.sweepRegistration(id, spec);
  if (sweep.trials.length !== TRIALS_PER_SWEEP)
    fail(`sweep ${k} has ${sweep.trials.length} trials, not ${TRIALS_PER_SWEEP}`);
  return sweep;
}

// ---------------------------------------------------------------- databases

async function admin(run, url = ADMIN_URL) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function recreate(database) {
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${database}"`);
  });
}

async function exists(database) {
  return admin(
    async (c) =>
      (await c.query('select 1 from pg_database where datname = $1', [database])).rowCount === 1,
  );
}

/** What a complete fill leaves: every sweep, every trial succeeded, 3 values × epochs each. */
async function headroomCounts() {
  return admin(async (c) => {
    const has = (await c.query("select to_regclass('public.trials') is not null as t")).rows[0].t;
    if (!has) return { sweeps: 0, succeeded: 0, values: 0 };
    const q = async (sql) => Number((await c.query(sql)).rows[0].n);
    return {
      sweeps: await q("select count(*) as n from sweeps where status = 'succeeded'"),
      succeeded: await q("select count(*) as n from trials where status = 'succeeded'"),
      values: await q('select count(*) as n from trial_metric_values'),
    };
  }, urlOf(HEADROOM_DB));
}

function progress(label, trials) {
  let total = trials;
  const t0 = performance.now();
  let done = 0;
  let last = 0;
  const print = (force) => {
    const now = performance.now();
    if (!force && now - last < 2000) return;
    last = now;
    const s = (now - t0) / 1000;
    const rate = done / s;
    const eta = rate > 0 ? (total - done) / rate : Infinity;
    process.stderr.write(
      `  ${label}: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} trials, ` +
        `${rate.toFixed(0)}/s, ${s.toFixed(0)} s, ETA ${Number.isFinite(eta) ? eta.toFixed(0) : '?'} s\n`,
    );
  };
  return {
    add(n) {
      done += n;
      print(false);
    },
    skip(n) {
      total -= n;
    },
    end() {
      print(true);
      return (performance.now() - t0) / 1000;
    },
  };
}

/**
 * The write path a trial's workflow drives, per trial: running, each epoch, completed — for the
 * sweeps k ≡ part (mod parts). Resumable: trials already succeeded are skipped, the rest written
 * (again; every write is an idempotent upsert). Reports each trial done as a line on stdout.
 */
async function fillPart(part, parts) {
  // synchronous_commit off for the fill's own connections only (what is written is the same).
  const url = `${urlOf(HEADROOM_DB)}?options=${encodeURIComponent('-c synchronous_commit=off')}`;
  const handle = await dbPkg.openDatabase({ url, maxConnections: CONCURRENCY });
  const { db } = handle;
  let reported = 0;
  const report = setInterval(() => {
    if (reported > 0) process.stdout.write(`done ${reported}\n`);
    reported = 0;
  }, 500);
  try {
    for (let k = part; k < SWEEPS; k += parts) {
      const sweep = sweepOf(k);
      await dbPkg.insertSweep(db, sweep);
      const succeeded = new Set(
        (await dbPkg.listTrials(db, sweep.id))
          .filter((t) => t.status === 'succeeded')
          .map((t) => t.index),
      );
      const todo = sweep.trials.filter((t) => !succeeded.has(t.index));
      if (todo.length < sweep.trials.length)
        process.stdout.write(`skip ${sweep.trials.length - todo.length}\n`);
      if (todo.length === 0 && (await dbPkg.getSweep(db, sweep.id))?.status === 'succeeded')
        continue;
      await dbPkg.setSweepStatus(db, sweep.id, 'running');
      let next = 0;
      const runner = async () => {
        while (next < todo.length) {
          const t = todo[next++];
          const trialId = dbPkg.trialId(sweep.id, t.index);
          const { paramCount, flops } = countsOf(t);
          await dbPkg.markTrialRunning(db, trialId, {
            attemptKey: `bench-${trialId}-1`,
            resumedFromEpoch: 0,
            backend: 'tensorflow',
            device: 'cpu',
            worker: 'bench-leaderboard',
            paramCount,
            flops,
          });
          const epochs = epochMetrics(t.params);
          for (let e = 0; e < epochs.length; e++)
            await dbPkg.recordEpochMetrics(db, { trialId, epoch: e + 1, metrics: epochs[e] });
          await dbPkg.completeTrial(db, {
            trialId,
            metrics: epochs.at(-1),
            paramCount,
            flops,
            artifactPath: `/artifacts/${sweep.id}/${trialId}/final`,
            artifacts: [],
            epochsCompleted: epochs.length,
            backend: 'tensorflow',
            device: 'cpu',
          });
          reported++;
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, runner));
      const status = await dbPkg.settleSweepStatus(db, sweep.id);
      if (status !== 'succeeded') throw new Error(`sweep ${sweep.id} settled as ${status}`);
    }
  } finally {
    clearInterval(report);
    if (reported > 0) process.stdout.write(`done ${reported}\n`);
    await handle.close();
  }
}

/**
 * Fills (or completes) the Headroom database with FILL_WORKERS child processes, each a part of
 * the sweeps with CONCURRENCY trials in flight: the write path costs ~25 ms of Node CPU a trial
 * (drizzle + pg, ~70 statements), so one process cannot keep PostgreSQL busy.
 */
async function fillHeadroom() {
  const bar = progress('headroom fill', TRIALS);
  const children = Array.from({ length: FILL_WORKERS }, (_, part) => {
    const child = spawn(
      process.execPath,
      [
        fileURLToPath(import.meta.url),
        '--fill-part',
        `${part}/${FILL_WORKERS}`,
        '--trials',
        String(TRIALS),
        '--concurrency',
        String(CONCURRENCY),
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    createInterface({ input: child.stdout }).on('line', (l) => {
      const m = /^(done|skip) (\d+)$/.exec(l);
      if (m?.[1] === 'done') bar.add(Number(m[2]));
      else if (m) bar.skip(Number(m[2]));
    });
    return new Promise((res, rej) =>
      child.on('exit', (code) =>
        code === 0 ? res() : rej(new Error(`fill part ${part} exited with ${code}`)),
      ),
    );
  });
  await Promise.all(children);
  return bar.end();
}

/** The same trials as JSON lines for the Optuna side: ids, parameters, counts, every epoch. */
function writeTrialsFile(dir) {
  const file = join(dir, 'trials.jsonl');
  const lines = [];
  for (let k = 0; k < SWEEPS; k++) {
    const sweep = sweepOf(k);
    for (const t of sweep.trials) {
      lines.push(
        JSON.stringify({
          id: dbPkg.trialId(sweep.id, t.index),
          sweepId: sweep.id,
          params: t.params,
          ...countsOf(t),
          epochs: epochMetrics(t.params),
        }),
      );
    }
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

// ---------------------------------------------------------------- Optuna child

/** A child answering one JSON line per JSON line; its stderr (fill progress) goes to ours. */
function optunaChild() {
  const child = spawn(
    pythonForOptuna({
      imports: ['pandas', 'psycopg2', 'sqlalchemy'],
      packages: ['psycopg2-binary', 'pandas', 'sqlalchemy'],
    }),
    [
      join(root, 'bench', 'optuna', 'leaderboard_optuna.py'),
      urlOf(OPTUNA_DB).replace(/^postgres:/, 'postgresql+psycopg2:'),
    ],
    { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const waiting = [];
  createInterface({ input: child.stdout }).on('line', (l) => {
    let msg;
    try {
      msg = JSON.parse(l);
    } catch {
      return; // a library printing to stdout
    }
    waiting.shift()?.resolve(msg);
  });
  child.on('exit', (code) => {
    for (const w of waiting.splice(0))
      w.resolve({ error: `the Optuna process exited with ${code}` });
  });
  const next = () => new Promise((res) => waiting.push({ resolve: res }));
  return {
    ready: next(),
    async ask(req) {
      const answer = next();
      child.stdin.write(`${JSON.stringify(req)}\n`);
      const msg = await answer;
      if (msg.error) throw new Error(`optuna ${req.op} ${req.kind ?? ''}: ${msg.error}`);
      return msg;
    },
    close() {
      child.stdin.end();
    },
  };
}

// ---------------------------------------------------------------- GraphQL

const ROW = `rank key d_m heads d_h qk_tied params n mean std min max paramCount flops metrics
  trials { id sweepId value epoch }`;

const LEADERBOARD = `query ($task: Task!, $metric: String!, $groupBy: LeaderboardGroupBy!, $epoch: LeaderboardEpoch!, $pareto: ParetoCost, $limit: Int) {
  page: leaderboard(task: $task, metric: $metric, groupBy: $groupBy, epoch: $epoch, pareto: $pareto, limit: $limit) {
    rows { ${ROW} }
    next
  }
}`;

const TRIAL_FIELDS = `id index status params d_m heads d_h qk_tied paramCount flops metrics
  epochsCompleted history(first: 100) { rows { epoch metrics } next }`;
const SWEEP = `query ($id: ID!, $first: Int, $after: String) {
  sweep(id: $id) { id name status trialCount trials(first: $first, after: $after) { rows { ${TRIAL_FIELDS} } next } }
}`;

// ---------------------------------------------------------------- statistics

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  const r = (x) => Number(x.toFixed(1));
  return {
    samples: s.length,
    p50: r(at(0.5)),
    p95: r(at(0.95)),
    p99: r(at(0.99)),
    min: r(s[0]),
    max: r(s.at(-1)),
  };
}

// ---------------------------------------------------------------- run

if (args['fill-part']) {
  const [part, parts] = args['fill-part'].split('/').map(Number);
  try {
    await fillPart(part, parts);
    process.exit(0);
  } catch (err) {
    console.error(
      `fill part ${args['fill-part']}: ${err instanceof Error ? (err.stack ?? err.message) : err}`,
    );
    process.exit(1);
  }
}

const cleanups = [];
let result;
try {
  const loadAtStart = loadavg();
  console.log(
    `bench:leaderboard — ${TRIALS.toLocaleString('en-US')} trials (${SWEEPS} sweeps × ${TRIALS_PER_SWEEP}, ${EPOCHS} epochs), ` +
      `${ITERATIONS} rounds (+${WARMUP} warm-up), Optuna ${OPTUNA_ITERATIONS ? `every ~${Math.max(1, Math.round(ITERATIONS / OPTUNA_ITERATIONS))} rounds` : 'off'}`,
  );
  checkCounts();

  // ------------------------------------------------------------ Headroom fill
  let fill = { reused: false };
  const expected = { sweeps: SWEEPS, succeeded: TRIALS, values: TRIALS * EPOCHS * 3 };
  const have = args.reuse && (await exists(HEADROOM_DB)) ? await headroomCounts() : undefined;
  if (have && JSON.stringify(have) === JSON.stringify(expected)) {
    console.log(
      `  --reuse: ${HEADROOM_DB} holds ${TRIALS.toLocaleString('en-US')} succeeded trials`,
    );
    fill = { reused: true };
  } else {
    if (have) {
      console.log(
        `  --reuse: ${HEADROOM_DB} holds ${JSON.stringify(have)}, not ${JSON.stringify(expected)}: completing it`,
      );
    } else await recreate(HEADROOM_DB);
    const seconds = await fillHeadroom();
    const t0 = performance.now();
    await admin((c) => c.query('VACUUM ANALYZE'), urlOf(HEADROOM_DB));
    const vacuumSeconds = (performance.now() - t0) / 1000;
    const got = await headroomCounts();
    if (JSON.stringify(got) !== JSON.stringify(expected))
      fail(
        `after the fill the database holds ${JSON.stringify(got)}, not ${JSON.stringify(expected)}`,
      );
    fill = {
      reused: false,
      resumedFrom: have ? have.succeeded : 0,
      seconds: Number(seconds.toFixed(1)),
      trialsPerSecond: Number(((TRIALS - (have?.succeeded ?? 0)) / seconds).toFixed(1)),
      vacuumAnalyzeSeconds: Number(vacuumSeconds.toFixed(1)),
      processes: FILL_WORKERS,
      concurrencyPerProcess: CONCURRENCY,
      synchronousCommit: 'off (fill connections only)',
    };
    console.log(
      `  filled in ${seconds.toFixed(0)} s (${fill.trialsPerSecond} trials/s, ${FILL_WORKERS} processes × ${CONCURRENCY} in flight), VACUUM ANALYZE ${vacuumSeconds.toFixed(1)} s`,
    );
  }
  const dbSize = await admin(
    async (c) =>
      (await c.query('select pg_size_pretty(pg_database_size(current_database())) as s')).rows[0].s,
    urlOf(HEADROOM_DB),
  );

  // ------------------------------------------------------------ Optuna fill
  let optuna;
  let optunaInfo;
  let optunaFill;
  if (OPTUNA_ITERATIONS > 0) {
    optuna = optunaChild();
    cleanups.push(async () => optuna.close());
    optunaInfo = await optuna.ready;
    if (optunaInfo.error) fail(optunaInfo.error);
    let complete = 0;
    let sweepComplete = 0;
    if (args.reuse && (await exists(OPTUNA_DB))) {
      complete = (await optuna.ask({ op: 'count' })).complete;
      sweepComplete = (await optuna.ask({ op: 'count', study: 'sweep' })).complete;
    }
    let trialsFile;
    const trialsFileOnce = () => {
      if (trialsFile) return trialsFile;
      const dir = mkdtempSync(join(tmpdir(), 'headroom-bench-leaderboard-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      return (trialsFile = writeTrialsFile(dir));
    };
    if (complete === TRIALS) {
      console.log(
        `  --reuse: ${OPTUNA_DB} holds ${TRIALS.toLocaleString('en-US')} complete trials`,
      );
      optunaFill = { reused: true };
    } else {
      await recreate(OPTUNA_DB);
      sweepComplete = 0;
      const filled = await optuna.ask({ op: 'fill', file: trialsFileOnce(), batch: 2000 });
      const t0 = performance.now();
      await admin((c) => c.query('VACUUM ANALYZE'), urlOf(OPTUNA_DB));
      optunaFill = {
        reused: false,
        seconds: Number(filled.seconds.toFixed(1)),
        trialsPerSecond: Number((filled.written / filled.seconds).toFixed(1)),
        vacuumAnalyzeSeconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
      };
      console.log(
        `  Optuna study filled in ${filled.seconds.toFixed(0)} s (first trial by add_trial, the rest written to its tables in batches of 2,000)`,
      );
      if ((await optuna.ask({ op: 'count' })).complete !== TRIALS)
        fail(`the Optuna study does not hold ${TRIALS} complete trials`);
    }
    // One sweep as a study of its own, as an Optuna user would keep a sweep.
    if (sweepComplete !== TRIALS_PER_SWEEP) {
      await optuna.ask({ op: 'fill', file: trialsFileOnce(), batch: 2000, study: 'sweep' });
      await admin((c) => c.query('VACUUM ANALYZE'), urlOf(OPTUNA_DB));
      if ((await optuna.ask({ op: 'count', study: 'sweep' })).complete !== TRIALS_PER_SWEEP)
        fail(`the Optuna sweep study does not hold ${TRIALS_PER_SWEEP} complete trials`);
    }
  }

  // ------------------------------------------------------------ the API, alone
  const tokenDir = mkdtempSync(join(tmpdir(), 'headroom-bench-token-'));
  cleanups.push(() => rmSync(tokenDir, { recursive: true, force: true }));
  const tokenPath = join(tokenDir, 'token');
  const { proc: api, match } = await stack.startProcess({
    name: 'api',
    command: process.execPath,
    args: [API_MAIN],
    env: {
      DATABASE_URL: urlOf(HEADROOM_DB),
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      // Reads need a token: the API makes an admin one here at start.
      HEADROOM_ADMIN_TOKEN_FILE: tokenPath,
    },
    ready: /headroom api listening on (http:\/\/\S+)/,
  });
  cleanups.push(() => api.stop());
  const target = { url: match[1], token: readFileSync(tokenPath, 'utf8').trim() };
  console.log(`  api at ${target.url}`);
  const sweepIds = (
    await graphql(
      target,
      `
        query ($n: Int) {
          sweeps(limit: $n) {
            id
          }
        }
      `,
      { n: 100 },
    )
  ).sweeps.map((s) => s.id);
  if (sweepIds.length !== Math.min(SWEEPS, 100))
    fail(`sweeps() returned ${sweepIds.length} sweeps`);

  const base = { task: 'pose3d', metric: 'mpjpe', epoch: 'final', pareto: null, limit: 20 };
  const leaderboardRead = (vars) => async () =>
    (await graphql(target, LEADERBOARD, { ...base, ...vars })).page;

  /** Walks one sweep's trials `first` at a time; each page's time is a sample of its own. */
  let sweepTurn = 0;
  const pageSamples = [];
  const walk = async (record, first = 100) => {
    const id = sweepIds[sweepTurn++ % sweepIds.length];
    const trials = [];
    let after = null;
    let sweep;
    do {
      const t0 = performance.now();
      ({ sweep } = await graphql(target, SWEEP, { id, first, after }));
      if (record && first === 100) pageSamples.push(performance.now() - t0);
      trials.push(...sweep.trials.rows);
      after = sweep.trials.next;
    } while (after);
    return { sweep, trials };
  };

  const headroomReads = {
    trialTop20: leaderboardRead({ groupBy: 'trial' }),
    geometryTop20: leaderboardRead({ groupBy: 'geometry' }),
    geometryBestTop20: leaderboardRead({ groupBy: 'geometry', epoch: 'best' }),
    paretoParams: leaderboardRead({ groupBy: 'geometry', pareto: 'params', limit: 100 }),
    sweepWalk: walk,
    sweepWhole: (record) => walk(record, TRIALS_PER_SWEEP),
  };
  const optunaReads = {
    best_trial: () => optuna.ask({ op: 'read', kind: 'best_trial' }),
    best_trial_cold: () => optuna.ask({ op: 'read', kind: 'best_trial_cold' }),
    top20: () => optuna.ask({ op: 'read', kind: 'top20' }),
    grouped: () => optuna.ask({ op: 'read', kind: 'grouped' }),
    grouped_best: () => optuna.ask({ op: 'read', kind: 'grouped_best' }),
    pareto: () => optuna.ask({ op: 'read', kind: 'pareto' }),
    sweep: () =>
      optuna.ask({ op: 'read', kind: 'sweep', arg: sweepIds[sweepTurn % sweepIds.length] }),
    sweep_study_cached: () => optuna.ask({ op: 'read', kind: 'sweep_study_cached' }),
    sweep_study_cold: () => optuna.ask({ op: 'read', kind: 'sweep_study_cold' }),
  };

  // ------------------------------------------------------------ checks on the answers
  console.log('\nchecks:');
  const failures = [];
  const check = (ok, what) => {
    console.log(`  ${ok ? 'ok  ' : 'FAIL'}  ${what}`);
    if (!ok) failures.push(what);
  };
  // Groups are geometry × lr: 5 seeds from each sweep of that lr (sweep k has LRS[k % 10]).
  const groupSize =
    SWEEPS % LRS.length === 0 ? 5 * (SWEEPS / LRS.length) : SWEEPS < LRS.length ? 5 : null;
  const top = await headroomReads.trialTop20();
  check(
    top.rows.length === 20 && top.rows.every((r) => r.n === 1),
    `trial top 20: ${top.rows.length} rows of one trial`,
  );
  const geo = await headroomReads.geometryTop20();
  check(
    geo.rows.length === 20 &&
      geo.rows.every((r) => (groupSize === null || r.n === groupSize) && r.std !== null),
    `geometry top 20: ${geo.rows.length} rows, n = ${[...new Set(geo.rows.map((r) => r.n))].join(', ')} (expected ${groupSize}: seeds × sweeps of one lr), std given`,
  );
  check(
    geo.rows.every((r) => r.metrics?.p_mpjpe?.mean !== undefined),
    'geometry rows carry p_mpjpe as mean ± std',
  );
  const best = await headroomReads.geometryBestTop20();
  check(
    best.rows[0].mean <= geo.rows[0].mean,
    `best-epoch top mean ${best.rows[0].mean.toFixed(3)} ≤ final ${geo.rows[0].mean.toFixed(3)}`,
  );
  const front = await headroomReads.paretoParams();
  const costs = front.rows.map((r) => r.paramCount);
  check(
    front.rows.length > 1 && costs.every((c, i) => i === 0 || c >= costs[i - 1]),
    `Pareto front: ${front.rows.length} rows in order of parameter count`,
  );
  for (const first of [100, TRIALS_PER_SWEEP]) {
    const walked = await walk(false, first);
    check(
      walked.trials.length === TRIALS_PER_SWEEP &&
        walked.trials.every((t) => t.history.rows.length === EPOCHS),
      `sweep(id), ${first} at a time: ${walked.trials.length} trials, each with ${EPOCHS} epochs of history`,
    );
  }
  if (optuna) {
    const ob = await optuna.ask({ op: 'read', kind: 'best_trial' });
    const og = await optuna.ask({ op: 'read', kind: 'grouped' });
    const op = await optuna.ask({ op: 'read', kind: 'pareto' });
    check(
      Math.abs(ob.check - top.rows[0].mean) < 1e-9,
      `best trial: Headroom ${top.rows[0].mean}, Optuna ${ob.check}`,
    );
    check(
      Math.abs(og.check[0] - geo.rows[0].mean) < 1e-6 && og.check[1] === geo.rows[0].n,
      `best geometry: Headroom ${geo.rows[0].mean.toFixed(4)} (n ${geo.rows[0].n}), Optuna ${og.check[0].toFixed(4)} (n ${og.check[1]})`,
    );
    check(
      JSON.stringify(op.check) === JSON.stringify(costs),
      `Pareto front: Headroom ${front.rows.length} rows, Optuna ${op.n}, same parameter counts`,
    );
  }
  if (failures.length > 0) throw new Error(`checks failed:\n${failures.join('\n')}`);

  // ------------------------------------------------------------ measured, interleaved
  const samples = Object.fromEntries(
    [...Object.keys(headroomReads), ...Object.keys(optunaReads)].map((k) => [k, []]),
  );
  const optunaCold = {};
  const every = OPTUNA_ITERATIONS > 0 ? Math.max(1, Math.round(ITERATIONS / OPTUNA_ITERATIONS)) : 0;
  const order = rngOf('order');
  const tBench = performance.now();
  for (let round = -WARMUP; round < ITERATIONS; round++) {
    const record = round >= 0;
    const kinds = Object.keys(headroomReads).map((k) => ['headroom', k]);
    if (optuna && (round < 0 ? round === -WARMUP || round === -1 : round % every === 0))
      kinds.push(...Object.keys(optunaReads).map((k) => ['optuna', k]));
    for (let i = kinds.length - 1; i > 0; i--) {
      const j = Math.floor(order() * (i + 1));
      [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
    }
    for (const [side, kind] of kinds) {
      if (side === 'optuna') {
        const { ms } = await optunaReads[kind]();
        if (record) samples[kind].push(ms);
        else optunaCold[kind] ??= Number(ms.toFixed(1));
        continue;
      }
      const t0 = performance.now();
      await headroomReads[kind](record);
      if (record) samples[kind].push(performance.now() - t0);
    }
    if (record && (round + 1) % 20 === 0)
      process.stderr.write(
        `  … ${round + 1} / ${ITERATIONS} rounds, ${((performance.now() - tBench) / 1000).toFixed(0)} s\n`,
      );
  }
  samples.sweepPage = pageSamples;
  samples.grouped_cold = [];
  for (let i = 0; i < OPTUNA_COLD && optuna; i++) {
    process.stderr.write(`  … Optuna from a fresh load_study, ${i + 1} / ${OPTUNA_COLD}\n`);
    samples.grouped_cold.push((await optuna.ask({ op: 'read', kind: 'grouped_cold' })).ms);
  }

  const READS = [
    ['trial leaderboard, top 20', 'trialTop20', '`best_trial` (top 1)', 'best_trial'],
    ['', null, '`load_study` + `best_trial` (a fresh process)', 'best_trial_cold'],
    ['', null, 'top 20: `get_trials(COMPLETE)` sorted', 'top20'],
    [
      'geometry-grouped, mean ± std, top 20 (final epoch)',
      'geometryTop20',
      '`trials_dataframe()` + pandas groupby mean/std',
      'grouped',
    ],
    ['', null, 'the same from a fresh `load_study` (no cached trials)', 'grouped_cold'],
    [
      'geometry-grouped, best epoch, top 20',
      'geometryBestTop20',
      "trials' min intermediate value + pandas groupby",
      'grouped_best',
    ],
    [
      'Pareto front, parameters (geometry rows)',
      'paretoParams',
      'grouped frame + non-dominated scan',
      'pareto',
    ],
    ['sweep(id), one page of 100 trials + history', 'sweepPage', '', null],
    [
      `sweep(id), all ${TRIALS_PER_SWEEP} trials (10 pages of 100)`,
      'sweepWalk',
      "the 10⁵-trial study's trials of one sweep (user attr) + intermediate values",
      'sweep',
    ],
    [
      '',
      null,
      'a sweep as its own 1,000-trial study: `get_trials()` (cached in the process)',
      'sweep_study_cached',
    ],
    ['', null, 'the same from a fresh `load_study`', 'sweep_study_cold'],
    [
      `sweep(id), all ${TRIALS_PER_SWEEP} trials in one request (first: ${TRIALS_PER_SWEEP})`,
      'sweepWhole',
      "the 10⁵-trial study's trials of one sweep (user attr) + intermediate values",
      'sweep',
    ],
    [
      '',
      null,
      'a sweep as its own 1,000-trial study: `get_trials()` (cached in the process)',
      'sweep_study_cached',
    ],
    ['', null, 'the same from a fresh `load_study`', 'sweep_study_cold'],
  ];
  const reads = READS.map(([label, h, olabel, o]) => ({
    read: label,
    headroom: h ? { kind: h, ...stats(samples[h]) } : null,
    optuna:
      o && samples[o]?.length
        ? { kind: o, label: olabel, ...stats(samples[o]), firstWarmupCallMs: optunaCold[o] }
        : null,
  }));

  const cpu = cpuInfo();
  const postgres = await admin(
    async (c) => (await c.query('show server_version')).rows[0].server_version,
  );
  result = {
    date: new Date().toISOString(),
    cpu: cpu.model,
    cores: cpu.cpus,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    postgres: `PostgreSQL ${postgres}`,
    optuna: optunaInfo?.optuna ?? null,
    pandas: optunaInfo?.pandas ?? null,
    trials: TRIALS,
    sweeps: SWEEPS,
    epochs: EPOCHS,
    databaseSize: dbSize,
    iterations: ITERATIONS,
    warmup: WARMUP,
    optunaEvery: every,
    optunaColdReads: OPTUNA_COLD,
    fill,
    optunaFill: optunaFill ?? null,
    reads,
    loadAverageAtStart: loadAtStart.map((x) => Number(x.toFixed(2))),
    loadAverageAtEnd: loadavg().map((x) => Number(x.toFixed(2))),
  };

  const fmt = (s) => (s ? `${s.p50} / ${s.p95} / ${s.p99}` : '–');
  const lines = [
    '| read | Headroom p50 / p95 / p99 ms | Optuna equivalent | Optuna p50 / p95 / p99 ms | Headroom p95 < 50 ms | faster (p95) |',
    '|---|---:|---|---:|---|---|',
  ];
  // A row without a Headroom read is another Optuna equivalent of the row above it (″).
  let above;
  for (const r of reads) {
    const h = r.headroom;
    const o = r.optuna;
    const vs = h ?? above;
    if (h) above = h;
    const faster =
      vs && o
        ? vs.p95 < o.p95
          ? `yes (${(o.p95 / vs.p95).toFixed(1)}×)`
          : `no (${(vs.p95 / o.p95).toFixed(1)}× slower)`
        : '';
    lines.push(
      `| ${r.read || '″'} | ${h ? fmt(h) : '″'} | ${o?.label ?? '–'} | ${fmt(o)} | ${h ? (h.p95 < 50 ? 'yes' : 'no') : ''} | ${faster} |`,
    );
  }
  result.table = lines;
  console.log(`\n${lines.join('\n')}`);
  console.log(
    `\n${cpu.model}, ${cpu.cpus} cores, ${result.postgres}, Node ${process.version}, Optuna ${result.optuna ?? '–'}; ` +
      `load ${result.loadAverageAtStart.join(' ')} → ${result.loadAverageAtEnd.join(' ')}`,
  );
} catch (err) {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  result = undefined;
} finally {
  for (const cleanup of cleanups.reverse())
    // Some cleanups are synchronous (they return undefined): await them all as promises.
    await Promise.resolve()
      .then(cleanup)
      .catch((e) => console.error(`cleanup: ${e.message}`));
}

if (!result) fail('see above');
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${OUT}`);
process.exit(0);
