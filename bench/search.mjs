// `pnpm bench:search`: how well Headroom's TPE searches, beside Headroom's random search and
// Optuna's TPESampler, on Branin (2-D), Hartmann-6 and a 10-dimensional mixed space (log,
// integer, stepped and categorical parameters), 20 seeds × 100 trials each. Reports the median
// (and interquartile range) of the simple regret — best value so far minus the known optimum —
// after 25, 50 and 100 trials.
//
//   pnpm --filter @headroom/sweep build && pnpm bench:search
//     [--seeds 20] [--trials 100] [--pending 4] [--no-optuna] [--out bench/results/search.json]
//     [--problems branin,hartmann6,mixed10] [--samplers headroom-tpe,optuna-tpe,…]
//
// Sequential runs suggest each trial from every earlier result. `--pending P` adds runs with P
// trials always running (a trial's result arrives P suggestions later, oldest first): Headroom
// passes them as pending observations (constant liar), Optuna keeps them RUNNING (its
// constant_liar=True default). The objectives live here only; Optuna (bench/.venv, a child
// answering ask/tell lines: bench/optuna/search_optuna.py) sees the same values.
import { spawn } from 'node:child_process';
import console from 'node:console';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pythonForOptuna } from './optuna-python.mjs';
import { cpuInfo } from './machine.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '20' },
    trials: { type: 'string', default: '100' },
    pending: { type: 'string', default: '4' },
    'no-optuna': { type: 'boolean', default: false },
    problems: { type: 'string', default: 'branin,hartmann6,mixed10' },
    samplers: { type: 'string' },
    out: { type: 'string', default: join(root, 'bench', 'results', 'search.json') },
  },
});
const SEEDS = Number(args.seeds);
const TRIALS = Number(args.trials);
const PENDING = Number(args.pending);
const CHECKPOINTS = [25, 50, 100].filter((n) => n <= TRIALS);

// The built package, as every other bench loads it (HEADROOM_BENCH_SWEEP_MODULE: another module
// exporting the same functions, e.g. while the package does not build).
const requireWorker = createRequire(join(root, 'apps', 'worker', 'package.json'));
const sweep = requireWorker(process.env.HEADROOM_BENCH_SWEEP_MODULE ?? '@headroom/sweep');
if (typeof sweep.suggestTpe !== 'function') {
  console.error('@headroom/sweep has no suggestTpe: run `pnpm --filter @headroom/sweep build`');
  process.exit(1);
}
const { suggestTpe, sampleTrialAt } = sweep;

// ---------------------------------------------------------------- problems

/** Branin-Hoo on [−5, 10] × [0, 15]; minimum 0.397887 at (−π, 12.275), (π, 2.275), (9.42478, 2.475). */
function branin({ x1, x2 }) {
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

const HARTMANN_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const HARTMANN_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));
const HARTMANN_ALPHA = [1, 1.2, 3, 3.2];

/** Hartmann-6 on [0, 1]⁶; minimum −3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573). */
function hartmann6(p) {
  let s = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++)
      inner += HARTMANN_A[i][j] * (p[`x${j + 1}`] - HARTMANN_P[i][j]) ** 2;
    s -= HARTMANN_ALPHA[i] * Math.exp(-inner);
  }
  return s;
}

const OPTIMIZER_PENALTY = { adamw: 0, adam: 0.3, rmsprop: 0.6, sgd: 1 };
const ACTIVATION_PENALTY = { gelu: 0, silu: 0.1, relu: 0.3, tanh: 0.8 };

/**
 * A 10-dimensional mixed space shaped like a training sweep: a sum of one bowl per parameter
 * (each scaled so its worst value costs about 1–2) plus one interaction (the best learning rate
 * is 10× higher with sgd), so the minimum is exactly 0 at lr = 3e-3, weight_decay = 1e-4,
 * dropout = 0.1, momentum = 0.9, layers = 4, width = 256, batch_size = 64, warmup = 0.3,
 * optimizer = adamw, activation = gelu.
 */
function mixed(p) {
  const bestLr = p.optimizer === 'sgd' ? 3e-2 : 3e-3;
  return (
    0.5 * Math.log10(p.lr / bestLr) ** 2 +
    0.25 * Math.log10(p.weight_decay / 1e-4) ** 2 +
    8 * (p.dropout - 0.1) ** 2 +
    4 * (p.momentum - 0.9) ** 2 +
    0.1 * (p.layers - 4) ** 2 +
    0.1 * Math.log2(p.width / 256) ** 2 +
    0.5 * Math.log2(p.batch_size / 64) ** 2 +
    2 * (p.warmup - 0.3) ** 2 +
    OPTIMIZER_PENALTY[p.optimizer] +
    ACTIVATION_PENALTY[p.activation]
  );
}

// Each problem's parameters are written as a W&B sweep file writes them: random search samples
// them as a `method: random` sweep does (`sampleTrialAt`), TPE searches the dimensions
// `dimensionFromWandb` makes of them, and Optuna gets the same dimensions as its distributions.
const uniform = (min, max) => ({ distribution: 'uniform', min, max });
const PROBLEMS = [
  {
    name: 'branin',
    optimum: 0.39788735772973816,
    f: branin,
    parameters: { x1: uniform(-5, 10), x2: uniform(0, 15) },
  },
  {
    name: 'hartmann6',
    optimum: -3.3223680114155147,
    f: hartmann6,
    parameters: Object.fromEntries([1, 2, 3, 4, 5, 6].map((j) => [`x${j}`, uniform(0, 1)])),
  },
  {
    name: 'mixed10',
    optimum: 0,
    f: mixed,
    parameters: {
      lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1 },
      weight_decay: { distribution: 'log_uniform_values', min: 1e-6, max: 1e-1 },
      dropout: { distribution: 'q_uniform', min: 0, max: 0.5, q: 0.05 },
      momentum: uniform(0.5, 0.99),
      layers: { distribution: 'int_uniform', min: 1, max: 8 },
      width: { distribution: 'q_log_uniform_values', min: 16, max: 1024, q: 1 },
      batch_size: { distribution: 'q_uniform', min: 16, max: 256, q: 16 },
      warmup: uniform(0, 1),
      optimizer: { values: ['sgd', 'adam', 'adamw', 'rmsprop'] },
      activation: { values: ['relu', 'gelu', 'tanh', 'silu'] },
    },
  },
];

/** A problem as a W&B random sweep (a program sweep: any parameter names), seeded. */
function randomSpec(problem, seed) {
  return sweep.parseSweepSpec({
    method: 'random',
    program: 'bench/search.mjs',
    metric: { name: problem.name, goal: 'minimize' },
    run_cap: TRIALS,
    sampler_seed: seed,
    parameters: problem.parameters,
  });
}
for (const problem of PROBLEMS) {
  const { parameters } = randomSpec(problem, 0);
  problem.space = sweep
    .parameterLeaves(parameters)
    .map((leaf) => sweep.dimensionFromWandb(leaf.path.join('.'), leaf.spec));
}

// The known optima, checked so a typo in an objective cannot pass unnoticed.
const checks = [
  [branin({ x1: Math.PI, x2: 2.275 }), PROBLEMS[0].optimum, 1e-9],
  [
    hartmann6({ x1: 0.20169, x2: 0.150011, x3: 0.476874, x4: 0.275332, x5: 0.311652, x6: 0.6573 }),
    PROBLEMS[1].optimum,
    1e-5,
  ],
  [
    mixed({
      lr: 3e-3,
      weight_decay: 1e-4,
      dropout: 0.1,
      momentum: 0.9,
      layers: 4,
      width: 256,
      batch_size: 64,
      warmup: 0.3,
      optimizer: 'adamw',
      activation: 'gelu',
    }),
    0,
    1e-12,
  ],
];
for (const [got, want, tol] of checks) {
  if (Math.abs(got - want) > tol) throw new Error(`objective check: ${got} ≠ ${want}`);
}

// ---------------------------------------------------------------- samplers

/**
 * Runs `trials` trials with `pending` of them always running: trial i is suggested with trials
 * i−pending … i−1 still pending, then the oldest running trial completes.
 */
async function runLoop({ trials, pending, suggest, complete }) {
  const running = [];
  const values = [];
  for (let i = 0; i < trials; i++) {
    running.push(await suggest(i));
    if (running.length > pending) values.push(await complete(running.shift()));
  }
  while (running.length > 0) values.push(await complete(running.shift()));
  return values;
}

function headroomRun(problem, seed, { pending, random, multivariate }) {
  const history = [];
  const t0 = performance.now();
  const spec = random ? randomSpec(problem, seed) : undefined;
  const options = { seed, goal: 'minimize', multivariate };
  return runLoop({
    trials: TRIALS,
    pending,
    suggest: (i) => {
      const params = random
        ? sampleTrialAt(spec, i)
        : suggestTpe(problem.space, history, { ...options, trialIndex: i });
      const observation = { index: i, params, value: null, state: 'pending' };
      history.push(observation);
      return observation;
    },
    complete: (observation) => {
      observation.value = problem.f(observation.params);
      observation.state = 'complete';
      return observation.value;
    },
  }).then((values) => ({ values, seconds: (performance.now() - t0) / 1000 }));
}

function optunaChild() {
  const child = spawn(pythonForOptuna(), [join(root, 'bench', 'optuna', 'search_optuna.py')], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting = [];
  let ready;
  const readyPromise = new Promise((r) => (ready = r));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const msg = JSON.parse(line);
    if (msg.ready) return ready(msg);
    waiting.shift()(msg);
  });
  child.on('exit', (code) => {
    for (const w of waiting.splice(0)) w({ error: `the Optuna process exited with ${code}` });
  });
  const ask = (req) =>
    new Promise((res, rej) => {
      waiting.push((msg) =>
        msg.error ? rej(new Error(`optuna ${req.op}: ${msg.error}`)) : res(msg),
      );
      child.stdin.write(`${JSON.stringify(req)}\n`);
    });
  return { ready: readyPromise, ask, close: () => child.stdin.end() };
}

async function optunaRun(optuna, problem, seed, { pending, multivariate }) {
  const study = `${problem.name}-${seed}-${pending}-${multivariate}`;
  await optuna.ask({ op: 'create', study, seed, space: problem.space, multivariate });
  const values = await runLoop({
    trials: TRIALS,
    pending,
    suggest: (i) => optuna.ask({ op: 'ask', study, i }),
    complete: async ({ trial, params }) => {
      const value = problem.f(params);
      await optuna.ask({ op: 'tell', study, trial, value });
      return value;
    },
  });
  const { seconds } = await optuna.ask({ op: 'drop', study });
  return { values, seconds };
}

// ---------------------------------------------------------------- statistics

function bestSoFar(values, n) {
  let best = Infinity;
  for (let i = 0; i < n; i++) best = Math.min(best, values[i]);
  return best;
}

function quantile(sorted, q) {
  // numpy's default (linear) interpolation.
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? 0) - sorted[lo]);
}

function summarise(runs, optimum) {
  const at = {};
  for (const n of CHECKPOINTS) {
    const regrets = runs.map((r) => bestSoFar(r.values, n) - optimum).sort((a, b) => a - b);
    at[n] = {
      median: quantile(regrets, 0.5),
      q1: quantile(regrets, 0.25),
      q3: quantile(regrets, 0.75),
    };
  }
  return {
    at,
    regrets: runs.map((r) => CHECKPOINTS.map((n) => bestSoFar(r.values, n) - optimum)),
    seconds: runs.reduce((s, r) => s + r.seconds, 0),
  };
}

/**
 * The Mann–Whitney U statistic over all pairs: the probability that a run of `a` ends with a
 * lower regret than a run of `b` (ties count half); 0.5 is a draw.
 */
function winRate(a, b) {
  let wins = 0;
  for (const x of a) for (const y of b) wins += x < y ? 1 : x === y ? 0.5 : 0;
  return wins / (a.length * b.length);
}

// ---------------------------------------------------------------- run

const SAMPLERS = [
  { id: 'headroom-tpe', label: 'Headroom TPE (default: multivariate)', side: 'headroom' },
  {
    id: 'headroom-tpe-indep',
    label: 'Headroom TPE (multivariate: false)',
    side: 'headroom',
    multivariate: false,
  },
  {
    id: 'headroom-random',
    label: 'Headroom random (sampleTrialAt)',
    side: 'headroom',
    random: true,
  },
  { id: 'optuna-tpe', label: 'Optuna TPESampler() (5.0 default: multivariate)', side: 'optuna' },
  {
    id: 'optuna-tpe-indep',
    label: 'Optuna TPESampler(multivariate=False)',
    side: 'optuna',
    multivariate: false,
  },
];
const chosen = (list, key) =>
  args[key] === undefined
    ? list
    : list.filter((x) => args[key].split(',').includes(x.id ?? x.name));
const problems = chosen(PROBLEMS, 'problems');
const samplers = chosen(SAMPLERS, 'samplers');
const settings = [{ pending: 0 }, ...(PENDING > 0 ? [{ pending: PENDING }] : [])];

const t0 = performance.now();
let optuna;
let optunaVersion = null;
if (!args['no-optuna']) {
  optuna = optunaChild();
  optunaVersion = (await optuna.ready).optuna;
}
const results = [];
for (const { pending } of settings) {
  for (const problem of problems) {
    for (const s of samplers) {
      if (s.side === 'optuna' && !optuna) continue;
      // Random search has no history to lie about: one sequential run serves both settings.
      if (s.random && pending > 0) continue;
      const runs = [];
      for (let seed = 0; seed < SEEDS; seed++) {
        runs.push(
          s.side === 'optuna'
            ? await optunaRun(optuna, problem, seed, { pending, multivariate: s.multivariate })
            : await headroomRun(problem, seed, {
                pending,
                random: s.random,
                multivariate: s.multivariate,
              }),
        );
      }
      const summary = summarise(runs, problem.optimum);
      results.push({ problem: problem.name, sampler: s.id, label: s.label, pending, ...summary });
      const cells = CHECKPOINTS.map((n) => summary.at[n].median.toPrecision(3)).join('  ');
      console.log(
        `  ${problem.name.padEnd(9)} pending ${pending}  ${s.id.padEnd(17)} median regret @${CHECKPOINTS.join('/')}: ${cells}  (${summary.seconds.toFixed(1)} s)`,
      );
    }
  }
}
optuna?.close();

// Head-to-head at 100 trials: the fraction of (seed, seed′) pairs where Headroom's TPE is better.
const last = CHECKPOINTS.length - 1;
const regretsOf = (problem, sampler, pending) =>
  results
    .find((r) => r.problem === problem && r.sampler === sampler && r.pending === pending)
    ?.regrets.map((r) => r[last]);
const comparisons = [];
for (const { pending } of settings) {
  for (const problem of problems) {
    // Each Headroom variant against random search and against the same Optuna variant.
    const pairs = [
      ['headroom-tpe', 'headroom-random'],
      ['headroom-tpe', 'optuna-tpe'],
      ['headroom-tpe-indep', 'headroom-random'],
      ['headroom-tpe-indep', 'optuna-tpe-indep'],
    ];
    for (const [ours, other] of pairs) {
      const mine = regretsOf(problem.name, ours, pending);
      const theirs = regretsOf(problem.name, other, other === 'headroom-random' ? 0 : pending);
      if (mine && theirs) {
        comparisons.push({
          problem: problem.name,
          pending,
          sampler: ours,
          versus: other,
          headroomBetter: winRate(mine, theirs),
        });
      }
    }
  }
}

const out = {
  command: `pnpm bench:search --seeds ${SEEDS} --trials ${TRIALS} --pending ${PENDING}${args['no-optuna'] ? ' --no-optuna' : ''}`,
  date: new Date().toISOString(),
  machine: {
    cpu: cpuInfo(),
    node: process.version,
    optuna: optunaVersion,
  },
  seeds: SEEDS,
  trials: TRIALS,
  checkpoints: CHECKPOINTS,
  metric:
    'simple regret: best value among the first n trials minus the known optimum (lower is better)',
  problems: problems.map(({ name, optimum, parameters, space }) => ({
    name,
    optimum,
    parameters,
    space,
  })),
  results,
  comparisons,
  seconds: (performance.now() - t0) / 1000,
};
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, `${JSON.stringify(out, null, 1)}\n`);
console.log(`\nwrote ${args.out} in ${out.seconds.toFixed(0)} s`);
for (const c of comparisons) {
  console.log(
    `  ${c.problem.padEnd(9)} pending ${c.pending}  P(${c.sampler} beats ${c.versus}) at ${CHECKPOINTS[last]} trials: ${c.headroomBetter.toFixed(2)}`,
  );
}
