// The peers of `pnpm bench:sweep` (issue 15): the same trivial trials run by Optuna on a
// PostgreSQL RDB study (one process, or several sharing the study) and by Ray Tune, each measured
// by bench/optuna/sweep_peers.py in a child process of its own. bench/sweep.mjs imports runPeer.
//
//   const r = await runPeer({ peer: 'optuna', trials: 1000, processes: 2 });
//   const r = await runPeer({ peer: 'ray', trials: 1000, concurrency: 16 });
//   // -> { peer, trials, processes, concurrency, wallSeconds, msPerTrial, trialsPerSecond,
//   //      version, sampler, cpuSeconds, checks: { completed, duplicates }, ... }
//
// Python comes from bench/.venv (bench/optuna-python.mjs): psycopg2 is added for Optuna and
// ray[tune] for Ray only when that peer runs. Each Optuna run gets a fresh database, dropped after.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { pythonForOptuna } from './optuna-python.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// As in bench/sweep.mjs: test-support and pg resolve from the CLI's package.
const requireCli = createRequire(join(root, 'apps', 'cli', 'package.json'));
const SCRIPT = join(root, 'bench', 'optuna', 'sweep_peers.py');

export const RAY_VERSION = '2.60.0';

/**
 * What each peer runs, and the largest trial count runPeer attempts by default (`maxTrials`):
 * Optuna's GridSampler scans every trial of the study after each one (quadratic: 10⁵ would take
 * days), and Ray Tune costs hundreds of ms a trial here.
 */
export const PEERS = {
  optuna: {
    label: 'Optuna (PostgreSQL RDB storage)',
    describe: ({ processes = 1, sampler = 'grid' }) =>
      `Optuna, ${sampler === 'grid' ? 'GridSampler' : 'RandomSampler'}, RDBStorage on PostgreSQL, ` +
      `${processes} process${processes === 1 ? '' : 'es'} sharing the study`,
    imports: ['psycopg2', 'sqlalchemy'],
    packages: ['psycopg2-binary'],
    maxTrials: { grid: 10_000, random: 100_000 },
  },
  ray: {
    label: `Ray Tune ${RAY_VERSION}`,
    describe: ({ concurrency = 16, reuseActors = true }) =>
      `Ray Tune ${RAY_VERSION}, local ray.init, max_concurrent_trials ${concurrency}, ` +
      `reuse_actors ${reuseActors ? 'on' : 'off'}`,
    imports: ['ray.tune'],
    packages: [`ray[tune]==${RAY_VERSION}`],
    maxTrials: { grid: 10_000, random: 10_000 },
  },
};

/** The stderr lines kept for an error message. */
const STDERR_TAIL_LINES = 40;

/**
 * Runs `trials` trivial trials on one peer and returns the script's result (its JSON line), or
 * `{ peer, trials, skipped }` when the run would pass `maxTrials` or, extrapolated linearly from
 * `estimateFrom` (an earlier result of the same peer), `budgetSeconds`: a floor for Optuna's
 * grid, whose cost per trial grows with the study (~26 ms CPU a trial at 10², ~43 at 10³ here).
 * Throws when the script fails, prints no result or its checks fail (not every trial completed, a
 * grid point run twice).
 *
 * @param {object} o
 * @param {'optuna' | 'ray'} o.peer
 * @param {number} o.trials a multiple of 100 with the grid sampler (10 d_h × 10 lr × trials/100 seeds)
 * @param {number} [o.processes] Optuna: processes sharing the study (default 1)
 * @param {number} [o.concurrency] Ray: max_concurrent_trials (default 16)
 * @param {string} [o.postgresAdminUrl] Optuna: the server the study's database is created on
 *   (default: @headroom/test-support's, DATABASE_URL or the local trust-auth server)
 * @param {'grid' | 'random'} [o.sampler] default 'grid', the trials of bench/sweep.mjs
 * @param {boolean} [o.reuseActors] Ray: TuneConfig.reuse_actors (default true; Tune's own is false)
 * @param {number} [o.rayCpus] Ray: ray.init(num_cpus) (default 2); each trial asks rayCpus/concurrency
 * @param {number} [o.maxTrials] default PEERS[peer].maxTrials[sampler]
 * @param {number} [o.budgetSeconds] with `estimateFrom`: skip a run expected to take longer
 * @param {object} [o.estimateFrom] an earlier result of this peer, to extrapolate from
 * @param {number} [o.timeoutMs] kill the run (and Ray's processes) after this long (default none)
 * @param {(line: string) => void} [o.onStderr] each stderr line of the script (default: dropped)
 */
export async function runPeer({
  peer,
  trials,
  processes = 1,
  concurrency = 16,
  postgresAdminUrl,
  sampler = 'grid',
  reuseActors = true,
  rayCpus = 2,
  maxTrials,
  budgetSeconds,
  estimateFrom,
  timeoutMs,
  onStderr,
}) {
  const desc = PEERS[peer];
  if (!desc)
    throw new Error(`runPeer: peer must be one of ${Object.keys(PEERS).join(', ')}, got ${peer}`);
  if (!['grid', 'random'].includes(sampler))
    throw new Error(`runPeer: sampler must be grid or random, got ${sampler}`);
  if (!Number.isInteger(trials) || trials < 1 || (sampler === 'grid' && trials % 100 !== 0))
    throw new Error(
      `runPeer: trials must be a positive integer${sampler === 'grid' ? ', a multiple of 100 with the grid sampler' : ''}, got ${trials}`,
    );
  if (!Number.isInteger(processes) || processes < 1 || processes > trials)
    throw new Error(`runPeer: processes must be an integer from 1 to trials, got ${processes}`);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`runPeer: concurrency must be an integer ≥ 1, got ${concurrency}`);

  const cap = maxTrials ?? desc.maxTrials[sampler];
  if (trials > cap)
    return { peer, trials, processes, concurrency, skipped: `above maxTrials ${cap}` };
  if (budgetSeconds !== undefined && estimateFrom?.msPerTrial) {
    const expected = (estimateFrom.msPerTrial * trials) / 1000;
    if (expected > budgetSeconds)
      return {
        peer,
        trials,
        processes,
        concurrency,
        skipped: `expected ${Math.round(expected)} s at ${estimateFrom.msPerTrial} ms/trial, over the ${budgetSeconds} s budget`,
      };
  }

  const python = pythonForOptuna({ imports: desc.imports, packages: desc.packages });
  const args = [SCRIPT, '--peer', peer, '--trials', String(trials), '--sampler', sampler];
  let database;
  let tempDir;
  try {
    if (peer === 'optuna') {
      database = await createDatabase(postgresAdminUrl);
      args.push('--processes', String(processes), '--storage', database.url);
    } else {
      args.push('--concurrency', String(concurrency), '--ray-cpus', String(rayCpus));
      args.push(reuseActors ? '--reuse-actors' : '--no-reuse-actors');
      // Ray's session (sockets: a short path) and results; removed here even after a timeout.
      tempDir = mkdtempSync(join(tmpdir(), 'hr-ray-'));
      args.push('--temp-dir', tempDir);
    }
    const result = await runScript(python, args, {
      timeoutMs,
      onStderr,
      what: desc.describe({ processes, concurrency, sampler, reuseActors }),
    });
    const problems = [];
    if (result.checks?.completed !== trials)
      problems.push(`${result.checks?.completed} of ${trials} trials completed`);
    if (sampler === 'grid' && result.checks?.duplicates !== 0)
      problems.push(`${result.checks?.duplicates} grid points run more than once`);
    if (result.checks?.errors)
      problems.push(`${result.checks.errors} trials failed: ${result.checks.firstError}`);
    if (problems.length > 0)
      throw new Error(`${desc.label}, ${trials} trials: checks failed: ${problems.join('; ')}`);
    return {
      ...result,
      description: desc.describe({ processes, concurrency, sampler, reuseActors }),
    };
  } finally {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    await database?.drop();
  }
}

/** A fresh database on test-support's server, or on `adminUrl`'s when that is another one. */
async function createDatabase(adminUrl) {
  const { createTestDatabase, TEST_POSTGRES_URL } = requireCli('@headroom/test-support');
  const server = (url) => {
    const u = new URL(url);
    return `${u.username}@${u.hostname}:${u.port || 5432}`;
  };
  if (!adminUrl || server(adminUrl) === server(TEST_POSTGRES_URL))
    return createTestDatabase('headroom_bench_peer');
  // Another server: the same create-and-drop, on a connection to it.
  const { Client } = requireCli('pg');
  const admin = async (sql) => {
    const c = new Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  const name = `headroom_bench_peer_${Date.now().toString(36)}_${process.pid}`;
  await admin(`CREATE DATABASE "${name}"`);
  const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).href;
  return { url, name, drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** Runs the script in a process group of its own (Ray starts many) and parses its one JSON line. */
function runScript(python, args, { timeoutMs, onStderr, what }) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, args, {
      cwd: root,
      detached: true, // its own group, so a timeout ends Ray's raylet and workers too
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONWARNINGS: 'ignore' },
    });
    let stdout = '';
    const tail = [];
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => {
      const lines = (partial + d).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        onStderr?.(line);
        tail.push(line);
        if (tail.length > STDERR_TAIL_LINES) tail.shift();
      }
    });
    let timedOut = false;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            try {
              process.kill(-child.pid, 'SIGKILL');
            } catch {
              // Already gone.
            }
          }, timeoutMs);
    const failed = (why) => {
      if (partial) tail.push(partial);
      reject(
        new Error(
          `${what}: ${why}\n  command: ${python} ${args.join(' ')}\n  stderr (last ${tail.length} lines):\n${tail.map((l) => `    ${l}`).join('\n')}`,
        ),
      );
    };
    child.on('error', (err) => {
      clearTimeout(timer);
      failed(`could not start: ${err.message}`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return failed(`timed out after ${timeoutMs} ms`);
      if (code !== 0) return failed(`exited with ${code ?? signal}`);
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolvePromise(JSON.parse(line));
      } catch {
        failed(`printed no JSON result (stdout: ${JSON.stringify(stdout.slice(0, 500))})`);
      }
    });
  });
}
