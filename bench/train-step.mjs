#!/usr/bin/env node
// `pnpm bench:train`: milliseconds per training step (forward + backward + Adam, the loss read
// back every step as the trainer does) of each task model at the thesis configurations, on
// every TF.js backend, beside the same architectures in PyTorch CPU
// (bench/pytorch/train_step.py) run in the same invocation.
//
//   node bench/train-step.mjs [--quick] [--quiet-check] [--steps N] [--warmup N] [--rounds N]
//                             [--backends tensorflow,wasm,cpu] [--tasks pose3d,pose2d,chest]
//                             [--pytorch project,idiomatic] [--omp default,passive]
//                             [--budget-s S] [--no-pytorch] [--out NAME] [--baseline DIR]
//
// Needs the built models package (`pnpm build`) and, for the `tensorflow` rows, the native
// binding (`pnpm setup:native`). PyTorch runs from .cache/bench-venv, created here with
// `pip install torch==2.13.0` when missing (never part of the project's tests).
//
// Method: every configuration runs in long-lived worker processes, one per TF.js backend,
// and two PyTorch processes: one with PyTorch's default OpenMP settings, one with
// OMP_WAIT_POLICY=PASSIVE. Each serves two models: the project's own PyTorch port
// (`project`) and nn.TransformerEncoderLayer stacks (`idiomatic`) where that module can
// express the geometry. TF.js (tensorflow) and the four PyTorch measurements are taken in
// alternating chunks, the order rotated every round, so all see the same load on a shared
// machine; warm-up steps are excluded; ms/step is the median over all measured steps. wasm
// and cpu run a few steps, and are skipped with the reason printed when the estimate from the
// small reference row exceeds --budget-s. Every row carries the CPU model, the 1-minute load
// average when it ran and the thread settings of both sides. `--baseline DIR` adds a second
// native worker running another build of the models package (a copy with its package.json,
// dist/ and a node_modules link), interleaved too: before/after pairs under the same load.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cpuInfo } from './machine.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The models package resolves itself by name (its package.json has `exports`), and with it
// the one TF.js instance every backend registers into. HEADROOM_BENCH_MODELS points at another
// copy of the built package (its package.json, dist/ and a node_modules link) to measure a
// before/after pair in the same conditions.
const modelsDir = resolve(process.env.HEADROOM_BENCH_MODELS ?? join(root, 'packages', 'models'));
export const requireModels = createRequire(join(modelsDir, 'package.json'));

// ---------------------------------------------------------------- configurations

const pose3d = (dH, qkTied) => ({
  task: 'pose3d',
  config: { dModel: 512, heads: 8, dH, qkTied, layers: 4 },
  batch: 64,
});
/** The configuration measured in issue 5 (PyTorch 18.9 ms, tensorflow 80, wasm 990, cpu 4830). */
const REFERENCE = {
  task: 'pose3d',
  config: { dModel: 128, heads: 8, dH: 16, qkTied: false, layers: 2 },
  batch: 64,
  reference: true,
};
// TransPose-R-A4 geometry (d_m 256, 4 layers, FFN 1024) on 128×96 crops instead of 256×192:
// a 256×192 step at batch 64 is ~2.6 TFLOP, tens of seconds on two cores.
const pose2d = (dH) => ({
  task: 'pose2d',
  config: { dModel: 256, heads: 8, dH, qkTied: false, layers: 4, imageSize: [128, 96] },
  batch: 16,
});
// No geometry is given for the chest ViT in the thesis; a small ViT on 224×224 X-rays.
const chest = (dH, qkTied) => ({
  task: 'chest',
  config: { dModel: 256, heads: 8, dH, qkTied, layers: 4, imageSize: [224, 224], patchSize: 16 },
  batch: 16,
});

export const ROWS = [
  REFERENCE,
  pose3d(64, false),
  pose3d(64, true),
  pose3d(128, false),
  pose3d(128, true),
  pose2d(32),
  pose2d(48),
  chest(32, false),
];

const BACKENDS = ['tensorflow', 'wasm', 'cpu'];
/** Native TensorFlow: measured interleaved with PyTorch (tensorflow-gpu only on GPU nodes). */
const NATIVE = ['tensorflow-gpu', 'tensorflow'];
export const LR = 5e-4;
/** `--quiet-check` refuses to start above this 1-minute load average. */
const QUIET_LOAD = 1.5;

// ---------------------------------------------------------------- worker (one backend)

/** A fixed batch and the task's training loss, as the trainers use them. */
export function taskBatch(tf, task, model, batch) {
  const inShape = [batch, ...model.inputs[0].shape.slice(1)];
  const outShape = [batch, ...model.outputs[0].shape.slice(1)];
  const x = tf.randomNormal(inShape, 0, 1, 'float32', 1);
  if (task === 'pose3d') {
    const y = tf.randomNormal(outShape, 0, 1, 'float32', 2);
    // MPJPE, the pose3d trainer's loss.
    const loss = (p) => tf.mean(tf.sqrt(tf.add(tf.sum(tf.square(tf.sub(p, y)), -1), 1e-12)));
    return { x, y, loss };
  }
  if (task === 'pose2d') {
    const y = tf.randomUniform(outShape, 0, 1, 'float32', 2);
    return { x, y, loss: (p) => tf.mean(tf.square(tf.sub(p, y))) };
  }
  const y = tf.cast(tf.greater(tf.randomUniform(outShape, 0, 1, 'float32', 2), 0.8), 'float32');
  const loss = (p) => {
    const q = tf.clipByValue(p, 1e-7, 1 - 1e-7);
    return tf.neg(
      tf.mean(tf.add(tf.mul(y, tf.log(q)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, q))))),
    );
  };
  return { x, y, loss };
}

/**
 * The model of a row, its fixed batch, the trainers' optimizer (`createOptimizer`: Adam as
 * torch.optim.Adam, the one every trial trains with) and one step as the trainers take it:
 * `optimizer.minimize` over the model's variables, the loss read back.
 */
export function prepareStep(models, req) {
  const { tf } = models;
  const model = models.buildTaskModel(req.task, { ...req.config, seed: 1 });
  const optimizer = models.createOptimizer(
    { optimizer: 'adam', lr: req.lr ?? LR, weight_decay: 0 },
    model,
  );
  const { x, y, loss } = taskBatch(tf, req.task, model, req.batch);
  const variables = models.trainableVariables(model);
  const step = () =>
    tf.tidy(() => {
      const l = optimizer.minimize(() => loss(model.apply(x, { training: true })), true, variables);
      return l.dataSync()[0];
    });
  const stats = models.describeModel(model);
  return {
    model,
    optimizer,
    x,
    y,
    loss,
    variables,
    step,
    params: stats.params,
    flops: stats.flops,
    dispose() {
      optimizer.dispose();
      model.dispose();
      tf.dispose([x, y]);
    },
  };
}

/** The TensorFlow threading a tfjs-node process runs with: its environment, read by libtensorflow. */
export function tfThreadSettings(env = process.env) {
  const cores = availableParallelism();
  return {
    tfIntraOpThreads: env.TF_NUM_INTRAOP_THREADS ?? `default (${cores})`,
    tfInterOpThreads: env.TF_NUM_INTEROP_THREADS ?? `default (${cores})`,
    tfOneDnn: env.TF_ENABLE_ONEDNN_OPTS ?? 'default (on)',
  };
}

async function worker() {
  const models = requireModels('@headroom/models');
  const { tf } = models;
  const info = await models.selectBackend(process.env.HEADROOM_BACKEND);
  let current; // prepareStep(…) and its key
  const send = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
  send({
    ready: true,
    backend: info.backend,
    device: info.device,
    tfjs: tf.version.tfjs,
    ...tfThreadSettings(),
  });
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    const req = JSON.parse(line);
    try {
      const key = JSON.stringify([req.task, req.config, req.batch]);
      if (current?.key !== key) {
        current?.dispose();
        current = { key, ...prepareStep(models, req) };
      }
      for (let i = 0; i < (req.warmup ?? 0); i++) current.step();
      const times = [];
      let loss = NaN;
      for (let i = 0; i < req.steps; i++) {
        const t0 = performance.now();
        loss = current.step();
        times.push(performance.now() - t0);
      }
      send({ paramCount: current.params, flopsPerSample: current.flops, times, loss });
    } catch (err) {
      send({ error: (err instanceof Error ? err.message : String(err)).split('\n')[0] });
    }
  }
}

// ---------------------------------------------------------------- line-protocol clients

/** A child process answering one JSON line per JSON line; `ask` resolves with the answer. */
export function lineClient(command, args, env, name) {
  const child = spawn(command, args, { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const waiting = [];
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (l) => {
    let msg;
    try {
      msg = JSON.parse(l);
    } catch {
      return; // a library printing to stdout
    }
    waiting.shift()?.resolve(msg);
  });
  child.on('exit', (code) => {
    for (const w of waiting.splice(0)) {
      w.resolve({
        error: `${name} exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
      });
    }
  });
  const next = () => new Promise((resolve) => waiting.push({ resolve }));
  return {
    ready: next(),
    ask(req) {
      const answer = next();
      child.stdin.write(`${JSON.stringify(req)}\n`);
      return answer;
    },
    close() {
      child.stdin.end();
    },
  };
}

/** A TF.js worker process on `backend` (this file with `--worker`). */
export function tfWorker(backend, extraEnv = {}) {
  const env = {
    ...process.env,
    HEADROOM_BACKEND: backend,
    TF_CPP_MIN_LOG_LEVEL: '2',
    ...extraEnv,
  };
  return lineClient(process.execPath, [fileURLToPath(import.meta.url), '--worker'], env, backend);
}

// ---------------------------------------------------------------- PyTorch environment

export function pythonForTorch() {
  if (process.env.HEADROOM_BENCH_PYTHON) return process.env.HEADROOM_BENCH_PYTHON;
  const venv = join(root, '.cache', 'bench-venv');
  const python = join(venv, 'bin', 'python');
  const hasTorch = () =>
    existsSync(python) &&
    (() => {
      try {
        execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
  if (!hasTorch()) {
    console.log(
      '[bench] creating .cache/bench-venv with torch==2.13.0 (CPU wheel; pinned so pip does not pull CUDA)',
    );
    if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', 'torch==2.13.0', 'numpy'], {
      stdio: 'inherit',
    });
  }
  return python;
}

/**
 * The two PyTorch settings measured. `default`: PyTorch as installed — its OpenMP threads
 * spin at every barrier, the fastest on a quiet machine. `passive`: OMP_WAIT_POLICY=PASSIVE —
 * threads sleep at barriers as TensorFlow's pool does; on a machine shared with other
 * processes the spinning costs PyTorch up to 7× (reference row, load average 6–8: 265–465
 * ms/step default vs 43–67 ms passive). Neither is "the" fair one, so both are reported.
 */
export const OMP_SETTINGS = {
  default: () => {
    const env = { ...process.env };
    delete env.OMP_WAIT_POLICY;
    return env;
  },
  passive: () => ({ ...process.env, OMP_WAIT_POLICY: 'PASSIVE' }),
};

/** A PyTorch server process (bench/pytorch/train_step.py) with the OpenMP setting `omp`. */
export function torchServer(python, omp) {
  return lineClient(
    python,
    ['-u', join(root, 'bench', 'pytorch', 'train_step.py')],
    OMP_SETTINGS[omp](),
    `pytorch (${omp})`,
  );
}

// ---------------------------------------------------------------- main

function parseArgs(argv) {
  const opts = {
    quick: false,
    quietCheck: false,
    steps: 15,
    warmup: 3,
    rounds: 5,
    backends: BACKENDS,
    tasks: ['pose3d', 'pose2d', 'chest'],
    variants: ['project', 'idiomatic'],
    omp: ['default', 'passive'],
    budgetS: 60,
    pytorch: true,
    worker: false,
    out: undefined,
    baseline: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--quiet-check') opts.quietCheck = true;
    else if (a === '--steps') opts.steps = Number(value());
    else if (a === '--warmup') opts.warmup = Number(value());
    else if (a === '--rounds') opts.rounds = Number(value());
    else if (a === '--backends') opts.backends = value().split(',');
    else if (a === '--tasks') opts.tasks = value().split(',');
    else if (a === '--pytorch') opts.variants = value().split(',');
    else if (a === '--omp') opts.omp = value().split(',');
    else if (a === '--budget-s') opts.budgetS = Number(value());
    else if (a === '--no-pytorch') opts.pytorch = false;
    else if (a === '--out') opts.out = value();
    else if (a === '--baseline') opts.baseline = resolve(value());
    else if (a === '--worker') opts.worker = true;
    else throw new Error(`unknown option ${a} (see the header of bench/train-step.mjs)`);
  }
  for (const v of opts.variants) {
    if (!['project', 'idiomatic'].includes(v))
      throw new Error(`--pytorch ${v}: use project, idiomatic or both (comma-separated)`);
  }
  for (const o of opts.omp) {
    if (!(o in OMP_SETTINGS))
      throw new Error(`--omp ${o}: use default, passive or both (comma-separated)`);
  }
  if (opts.quick) Object.assign(opts, { steps: 4, warmup: 1, rounds: 2 });
  return opts;
}

/**
 * `--quiet-check`: stop before measuring anything when other processes load the machine,
 * so a run meant for the README cannot silently record a contended machine.
 */
export function checkQuiet(limit = QUIET_LOAD) {
  const load = round(loadavg()[0], 2);
  if (load > limit) {
    console.error(
      `[bench] --quiet-check: the 1-minute load average is ${load} on ${availableParallelism()} cores, over ${limit}; ` +
        'other processes are using the CPU and would skew the comparison. Wait until `uptime` shows ' +
        `a 1-minute load average under ${limit}, or run without --quiet-check (every row records its load).`,
    );
    process.exit(2);
  }
  return load;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function describeConfig({ task, config: c, batch }) {
  const parts = [
    `d_m ${c.dModel}`,
    `h ${c.heads}`,
    `d_h ${c.dH}`,
    c.qkTied ? 'Q=K' : 'Q≠K',
    `L ${c.layers}`,
  ];
  if (task === 'pose3d') parts.push('17 tok');
  if (c.imageSize) parts.push(`${c.imageSize.join('×')}`);
  parts.push(`B ${batch}`);
  return parts.join(', ');
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Lets one side's thread pools go idle (and spinning OpenMP threads stop) before the next measures. */
const SWITCH_PAUSE_MS = 300;
/** nn.TransformerEncoderLayer's parameter count must match the project's within this fraction. */
const PARAM_TOLERANCE = 1e-4;

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.worker) return worker();
  const machine = cpuInfo();
  const loadAverageAtStart = loadavg().map((l) => round(l, 2));
  if (opts.quietCheck) checkQuiet();
  else if (loadAverageAtStart[0] > QUIET_LOAD) {
    console.log(
      `[bench] load average ${loadAverageAtStart[0]} on ${availableParallelism()} cores: other processes share the CPU, expect noisy numbers (--quiet-check refuses to run like this)`,
    );
  }
  console.log(`[bench] CPU ${machine.model}, ${machine.cpus} CPUs`);

  if (!existsSync(join(modelsDir, 'dist', 'index.js'))) {
    throw new Error(`${modelsDir} is not built; run \`pnpm build\` first`);
  }
  const rows = ROWS.filter((r) => opts.tasks.includes(r.task) || r.reference);

  /** omp setting → { client, hello } */
  const torch = {};
  if (opts.pytorch) {
    try {
      const python = pythonForTorch();
      for (const omp of opts.omp) {
        const client = torchServer(python, omp);
        const hello = await client.ready;
        if (hello.error) throw new Error(hello.error);
        torch[omp] = { client, hello };
      }
    } catch (err) {
      console.log(`[bench] PyTorch unavailable, its columns stay empty: ${err.message}`);
    }
  }

  const workers = {};
  const workerFor = async (backend) => {
    if (!workers[backend]) {
      const client = tfWorker(backend);
      const hello = await client.ready;
      workers[backend] = { client, hello };
      if (hello.error) console.log(`[bench] backend ${backend} cannot start: ${hello.error}`);
    }
    return workers[backend];
  };

  const results = [];
  const reference = {}; // backend → ms per sample-FLOP of the reference row
  let tfjsVersion;
  const native = opts.backends.find((b) => NATIVE.includes(b));
  const nativeWorker = native ? await workerFor(native) : undefined;
  let baselineWorker;
  if (native && opts.baseline) {
    if (!existsSync(join(opts.baseline, 'dist', 'index.js')))
      throw new Error(
        `--baseline ${opts.baseline}: no dist/index.js there (a built copy of packages/models)`,
      );
    const client = tfWorker(native, { HEADROOM_BENCH_MODELS: opts.baseline });
    baselineWorker = { client, hello: await client.ready };
    if (baselineWorker.hello.error) throw new Error(`--baseline: ${baselineWorker.hello.error}`);
  }
  const threads = {
    ...(nativeWorker && !nativeWorker.hello.error
      ? pickThreads(nativeWorker.hello)
      : tfThreadSettings()),
    ...Object.fromEntries(
      Object.entries(torch).map(([omp, { hello }]) => [
        `torch${omp === 'default' ? 'Default' : 'Passive'}`,
        {
          threads: hello.threads,
          interopThreads: hello.interopThreads,
          OMP_WAIT_POLICY: hello.ompWaitPolicy,
        },
      ]),
    ),
  };
  console.log(`[bench] threads ${JSON.stringify(threads)}`);

  for (const row of rows) {
    const label = describeConfig(row);
    const loadBefore = loadavg()[0];
    // TF.js native and every PyTorch measurement, interleaved, the order rotated per round.
    const tfTimes = [];
    let tfInfo;
    const pt = []; // { omp, variant, times, info, unsupported }
    for (const variant of opts.variants) {
      for (const omp of Object.keys(torch)) pt.push({ omp, variant, times: [] });
    }
    const perRound = Math.max(1, Math.ceil(opts.steps / opts.rounds));
    const request = { task: row.task, config: row.config, batch: row.batch, lr: LR };
    const chunks = [];
    if (nativeWorker && !nativeWorker.hello.error) {
      chunks.push(async (warmup) => {
        if (tfInfo?.error) return;
        tfInfo = await nativeWorker.client.ask({ ...request, steps: perRound, warmup });
        if (!tfInfo.error) tfTimes.push(...tfInfo.times);
      });
    }
    const baseTimes = [];
    let baseInfo;
    if (baselineWorker) {
      chunks.push(async (warmup) => {
        if (baseInfo?.error) return;
        baseInfo = await baselineWorker.client.ask({ ...request, steps: perRound, warmup });
        if (!baseInfo.error) baseTimes.push(...baseInfo.times);
      });
    }
    for (const p of pt) {
      chunks.push(async (warmup) => {
        if (p.info?.error || p.unsupported) return;
        p.info = await torch[p.omp].client.ask({
          ...request,
          variant: p.variant,
          steps: perRound,
          warmup,
        });
        if (p.info.unsupported) p.unsupported = p.info.unsupported;
        else if (!p.info.error) p.times.push(...p.info.times);
      });
    }
    for (let r = 0; r < opts.rounds; r++) {
      for (let i = 0; i < chunks.length; i++) {
        const chunk = chunks[(i + r) % chunks.length];
        // Each side warms up in its first chunk, whichever position it has.
        await chunk(r === 0 ? opts.warmup : 0);
        await sleep(SWITCH_PAUSE_MS);
      }
    }
    for (const p of pt) {
      if (p.info?.error)
        console.log(
          `[bench] PyTorch ${p.variant} (${p.omp}) failed on ${row.task} ${label}: ${p.info.error}`,
        );
    }

    // Same architecture: the project port exactly, nn.TransformerEncoderLayer within 0.01 %.
    const tfParams = tfInfo && !tfInfo.error ? tfInfo.paramCount : undefined;
    const ptParams = (variant) =>
      pt.find((p) => p.variant === variant && p.info && !p.info.error && !p.unsupported)?.info
        .paramCount;
    const projectParams = ptParams('project');
    const idiomaticParams = ptParams('idiomatic');
    if (tfParams !== undefined && projectParams !== undefined && tfParams !== projectParams) {
      throw new Error(
        `${row.task} ${label}: TF.js has ${tfParams} trainable parameters, PyTorch ${projectParams}; ` +
          'bench/pytorch/train_step.py no longer mirrors packages/models',
      );
    }
    let idiomaticParamDiff;
    if (tfParams !== undefined && idiomaticParams !== undefined) {
      idiomaticParamDiff = (idiomaticParams - tfParams) / tfParams;
      if (Math.abs(idiomaticParamDiff) > PARAM_TOLERANCE) {
        throw new Error(
          `${row.task} ${label}: nn.TransformerEncoderLayer model has ${idiomaticParams} trainable parameters, ` +
            `TF.js ${tfParams} (${(idiomaticParamDiff * 100).toFixed(4)} %, over 0.01 %)`,
        );
      }
    }
    if (tfParams !== undefined) {
      console.log(
        `        ${row.task} ${label}: trainable parameters TF.js ${tfParams}` +
          (projectParams !== undefined ? ` = PyTorch project ${projectParams}` : '') +
          (idiomaticParams !== undefined
            ? `; nn.TransformerEncoderLayer ${idiomaticParams} (${(idiomaticParamDiff * 100).toFixed(4)} %)`
            : ''),
      );
    }

    const pytorch = {};
    for (const variant of opts.variants) {
      const mine = pt.filter((p) => p.variant === variant);
      const unsupported = mine.find((p) => p.unsupported)?.unsupported;
      if (unsupported) {
        pytorch[variant] = { unsupported };
        continue;
      }
      pytorch[variant] = {
        paramCount: variant === 'project' ? projectParams : idiomaticParams,
        ...(variant === 'idiomatic' && idiomaticParamDiff !== undefined
          ? { paramDiffPercent: round(idiomaticParamDiff * 100, 4) }
          : {}),
      };
      for (const p of mine) {
        pytorch[variant][p.omp] = p.times.length
          ? {
              msPerStep: round(median(p.times)),
              msPerStepMin: round(Math.min(...p.times)),
              steps: p.times.length,
            }
          : { error: p.info?.error ?? 'not measured' };
      }
    }
    const measured = Object.values(pytorch)
      .flatMap((v) => Object.values(v))
      .filter((m) => typeof m === 'object' && m?.msPerStep !== undefined)
      .map((m) => m.msPerStep);
    const fastestPytorch = measured.length ? Math.min(...measured) : null;

    const params = tfParams ?? projectParams ?? null;
    const flops = tfInfo?.flopsPerSample;
    const base = {
      task: row.task,
      config: row.config,
      batch: row.batch,
      label,
      cpu: machine.model,
      loadAverage1m: round(Math.max(loadBefore, loadavg()[0]), 2),
      threads,
    };
    const record = (backend, times, extra = {}) => {
      const ms = times.length ? median(times) : null;
      const ratios = {};
      for (const [variant, v] of Object.entries(pytorch)) {
        for (const omp of ['default', 'passive']) {
          const m = v[omp]?.msPerStep;
          if (ms !== null && m) ratios[`${variant}_${omp}`] = round(ms / m, 2);
        }
      }
      const out = {
        ...base,
        backend,
        msPerStep: ms === null ? null : round(ms),
        msPerStepMin: times.length ? round(Math.min(...times)) : null,
        samplesPerSec: ms === null ? null : round((row.batch * 1000) / ms),
        steps: times.length,
        params,
        pytorch,
        ratios,
        // The fastest PyTorch measurement of the row, and msPerStep against it.
        pytorchMsPerStep: fastestPytorch,
        ratio: ms === null || fastestPytorch === null ? null : round(ms / fastestPytorch, 2),
        ...extra,
      };
      results.push(out);
      printRow(out);
      return out;
    };
    if (nativeWorker) {
      if (nativeWorker.hello.error) record(native, [], { skipped: nativeWorker.hello.error });
      else if (tfInfo?.error) record(native, [], { skipped: tfInfo.error });
      else {
        record(native, tfTimes);
        tfjsVersion = nativeWorker.hello.tfjs;
      }
    }

    if (baselineWorker) {
      if (baseInfo?.error) record(`${native} (baseline)`, [], { skipped: baseInfo.error });
      else record(`${native} (baseline)`, baseTimes, { models: opts.baseline });
    }

    // wasm and cpu: a few steps where they finish within the budget.
    for (const backend of opts.backends.filter((b) => !NATIVE.includes(b))) {
      if (backend === 'wasm' && row.task === 'pose2d') {
        record(backend, [], {
          skipped:
            'TF.js 4.22 wasm has no Conv2DBackpropFilter kernel: it cannot train the convolutional backbone',
        });
        continue;
      }
      const w = await workerFor(backend);
      if (w.hello.error) {
        record(backend, [], { skipped: w.hello.error });
        continue;
      }
      const [steps, warmup] = row.reference ? [opts.quick ? 2 : 4, 1] : [2, 1];
      if (!row.reference) {
        const perFlop = reference[backend];
        const estimate = perFlop && flops ? perFlop * flops * row.batch : undefined;
        if (!estimate || (estimate * (steps + warmup)) / 1000 > opts.budgetS) {
          const why = estimate
            ? `estimated ${(estimate / 1000).toFixed(1)} s/step from the reference row; ${steps + warmup} steps exceed --budget-s ${opts.budgetS}`
            : 'no reference measurement on this backend to estimate from';
          record(backend, [], { skipped: why });
          continue;
        }
      }
      const answer = await w.client.ask({ ...request, steps, warmup });
      if (answer.error) {
        record(backend, [], { skipped: answer.error });
        continue;
      }
      record(backend, answer.times);
      if (row.reference)
        reference[backend] = median(answer.times) / (answer.flopsPerSample * row.batch);
    }
  }
  for (const { client } of Object.values(torch)) client.close();
  for (const w of Object.values(workers)) w.client.close();
  baselineWorker?.client.close();

  const environment = {
    date: new Date().toISOString(),
    command: `node bench/train-step.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    models: modelsDir === join(root, 'packages', 'models') ? 'packages/models' : modelsDir,
    baseline: opts.baseline ?? null,
    cpu: machine,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    tfjs: tfjsVersion ?? null,
    tensorflowWheel: tensorflowWheel(),
    torch: Object.values(torch)[0]?.hello.torch ?? null,
    threads,
    steps: opts.steps,
    warmup: opts.warmup,
    rounds: opts.rounds,
    quietCheck: opts.quietCheck,
    loadAverageAtStart,
    loadAverageAtEnd: loadavg().map((l) => round(l, 2)),
  };
  const outDir = join(root, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  // A smoke run (--quick) must not replace the full run's results.
  const name = opts.out ?? (opts.quick ? 'train-step.quick' : 'train-step');
  if (!/^train-step[\w.-]*$/.test(name))
    throw new Error(`--out ${name}: the name must start with train-step`);
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, `${name}.env.json`), `${JSON.stringify(environment, null, 2)}\n`);
  console.log('\n' + markdownTable(results));
  console.log(`\n${JSON.stringify(environment)}`);
  console.log(`wrote bench/results/${name}.json and ${name}.env.json`);
}

function pickThreads(hello) {
  return {
    tfIntraOpThreads: hello.tfIntraOpThreads,
    tfInterOpThreads: hello.tfInterOpThreads,
    tfOneDnn: hello.tfOneDnn,
  };
}

export function tensorflowWheel() {
  const dir = join(root, '.cache', 'tensorflow-wheel');
  if (!existsSync(dir)) return null;
  return readdirSync(dir).find((f) => f.endsWith('.whl')) ?? null;
}

export function round(x, digits = 1) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const ptCell = (v, omp) => {
  if (!v) return '–';
  if (v.unsupported) return 'n/a';
  return v[omp]?.msPerStep ?? '–';
};

let headerPrinted = false;
function printRow(r) {
  if (!headerPrinted) {
    console.log(
      `${'task'.padEnd(7)} ${'config'.padEnd(48)} ${'backend'.padEnd(21)} ${'ms/step'.padStart(8)} ` +
        `${'pt proj d/P'.padStart(15)} ${'pt idiom d/P'.padStart(15)} ${'ratio vs fastest'.padStart(16)} ${'load'.padStart(5)}`,
    );
    headerPrinted = true;
  }
  const cell = (v, n) => String(v ?? '–').padStart(n);
  const pair = (v) => `${ptCell(v, 'default')} / ${ptCell(v, 'passive')}`;
  console.log(
    `${r.task.padEnd(7)} ${r.label.padEnd(48)} ${r.backend.padEnd(21)} ${cell(r.msPerStep, 8)} ` +
      `${pair(r.pytorch.project).padStart(15)} ${pair(r.pytorch.idiomatic).padStart(15)} ${cell(r.ratio, 16)} ${cell(r.loadAverage1m, 5)}` +
      (r.skipped ? `  skipped: ${r.skipped}` : '') +
      (r.pytorch.idiomatic?.unsupported && r.backend !== 'wasm' && r.backend !== 'cpu'
        ? `\n        idiomatic: ${r.pytorch.idiomatic.unsupported}`
        : ''),
  );
}

export function markdownTable(results) {
  const lines = [
    '| task | config | params | backend | ms/step (min) | PyTorch project: default / PASSIVE | nn.TransformerEncoderLayer: default / PASSIVE | ratio vs project: default / PASSIVE | ratio vs idiomatic: default / PASSIVE | load 1m |',
    '|---|---|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  const v = (x) => (x === null || x === undefined ? '–' : String(x));
  const withMin = (m) => (m?.msPerStep === undefined ? '–' : `${m.msPerStep} (${m.msPerStepMin})`);
  const pair = (p) =>
    !p
      ? '–'
      : p.unsupported
        ? 'cannot express it¹'
        : `${withMin(p.default)} / ${withMin(p.passive)}`;
  const ratios = (r, variant) =>
    r.pytorch[variant]?.unsupported
      ? '–'
      : `${v(r.ratios[`${variant}_default`])} / ${v(r.ratios[`${variant}_passive`])}`;
  for (const r of results) {
    const estimate = /^estimated ([\d.]+ s\/step)/.exec(r.skipped ?? '');
    const cell = r.skipped
      ? estimate
        ? `not run: ~${estimate[1]} est.`
        : `not run: ${r.skipped}`
      : `${r.msPerStep} (${r.msPerStepMin})`;
    lines.push(
      `| ${r.task} | ${r.label} | ${v(r.params)} | ${r.backend} | ${cell} | ${pair(r.pytorch.project)} | ${pair(r.pytorch.idiomatic)} | ${ratios(r, 'project')} | ${ratios(r, 'idiomatic')} | ${v(r.loadAverage1m)} |`,
    );
  }
  lines.push(
    '',
    '¹ nn.TransformerEncoderLayer cannot express Q=K tied or heads·d_h ≠ d_m; the project script is the idiomatic PyTorch model there.',
  );
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`[bench] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
