#!/usr/bin/env node
// `pnpm bench:train`: milliseconds per training step (forward + backward + Adam, the loss read
// back every step as the trainer does) of each task model at the thesis configurations, on
// every TF.js backend, beside the same architectures in PyTorch CPU
// (bench/pytorch/train_step.py) run in the same invocation.
//
//   node bench/train-step.mjs [--quick] [--steps N] [--warmup N] [--rounds N]
//                             [--backends tensorflow,wasm,cpu] [--tasks pose3d,pose2d,chest]
//                             [--budget-s S] [--no-pytorch]
//
// Needs the built models package (`pnpm build`) and, for the `tensorflow` rows, the native
// binding (`pnpm setup:native`). PyTorch runs from .cache/bench-venv, created here with
// `pip install torch==2.13.0` when missing (never part of the project's tests).
//
// Method: every configuration runs in long-lived worker processes, one per TF.js backend,
// and one PyTorch process. TF.js (tensorflow) and PyTorch steps are measured in alternating
// chunks, so both see the same load on a shared machine; warm-up steps are excluded; ms/step
// is the median over all measured steps. wasm and cpu run a few steps, and are skipped with
// the reason printed when the estimate from the small reference row exceeds --budget-s.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The models package resolves itself by name (its package.json has `exports`), and with it
// the one TF.js instance every backend registers into.
const requireModels = createRequire(join(root, 'packages', 'models', 'package.json'));

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

const ROWS = [
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
const LR = 5e-4;

// ---------------------------------------------------------------- worker (one backend)

/** A fixed batch and the task's training loss, as the trainers use them. */
function taskBatch(tf, task, model, batch) {
  const inShape = [batch, ...model.inputs[0].shape.slice(1)];
  const outShape = [batch, ...model.outputs[0].shape.slice(1)];
  const x = tf.randomNormal(inShape, 0, 1, 'float32', 1);
  if (task === 'pose3d') {
    const y = tf.randomNormal(outShape, 0, 1, 'float32', 2);
    // MPJPE, the pose3d trainer's loss.
    const loss = (p) => tf.mean(tf.sqrt(tf.add(tf.sum(tf.square(tf.sub(p, y)), -1), 1e-12)));
    return { x, loss };
  }
  if (task === 'pose2d') {
    const y = tf.randomUniform(outShape, 0, 1, 'float32', 2);
    return { x, loss: (p) => tf.mean(tf.square(tf.sub(p, y))) };
  }
  const y = tf.cast(tf.greater(tf.randomUniform(outShape, 0, 1, 'float32', 2), 0.8), 'float32');
  const loss = (p) => {
    const q = tf.clipByValue(p, 1e-7, 1 - 1e-7);
    return tf.neg(
      tf.mean(tf.add(tf.mul(y, tf.log(q)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, q))))),
    );
  };
  return { x, loss };
}

async function worker() {
  const models = requireModels('@headroom/models');
  const { tf } = models;
  const info = await models.selectBackend(process.env.HEADROOM_BACKEND);
  let current; // { key, model, optimizer, step, params, flops }
  const send = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
  send({ ready: true, backend: info.backend, device: info.device, tfjs: tf.version.tfjs });
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    const req = JSON.parse(line);
    try {
      const key = JSON.stringify([req.task, req.config, req.batch]);
      if (current?.key !== key) {
        if (current) {
          current.optimizer.dispose();
          current.model.dispose();
          tf.dispose([current.x]);
        }
        const model = models.buildTaskModel(req.task, { ...req.config, seed: 1 });
        const optimizer = tf.train.adam(req.lr ?? LR);
        const { x, loss } = taskBatch(tf, req.task, model, req.batch);
        const variables = model.trainableWeights.map((w) => w.read());
        const step = () =>
          tf.tidy(() => {
            const l = optimizer.minimize(
              () => loss(model.apply(x, { training: true })),
              true,
              variables,
            );
            return l.dataSync()[0];
          });
        const stats = models.describeModel(model);
        current = { key, model, optimizer, x, step, params: stats.params, flops: stats.flops };
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
function lineClient(command, args, env, name) {
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

// ---------------------------------------------------------------- PyTorch environment

function pythonForTorch() {
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
 * PyTorch's OpenMP threads spin at every barrier by default. On a machine where other
 * processes also run, a descheduled thread makes the other spin away its time slice: we
 * measured the reference row at 265–465 ms/step with the default and 43–67 ms with
 * OMP_WAIT_POLICY=PASSIVE at a load average of 6–8 on two cores (18.9 ms on a quiet one).
 * TensorFlow's thread pool blocks instead of spinning, so PASSIVE keeps the comparison fair;
 * set OMP_WAIT_POLICY yourself to override it.
 */
function torchEnv() {
  return { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' };
}

// ---------------------------------------------------------------- main

function parseArgs(argv) {
  const opts = {
    quick: false,
    steps: 15,
    warmup: 3,
    rounds: 5,
    backends: BACKENDS,
    tasks: ['pose3d', 'pose2d', 'chest'],
    budgetS: 60,
    pytorch: true,
    worker: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--steps') opts.steps = Number(value());
    else if (a === '--warmup') opts.warmup = Number(value());
    else if (a === '--rounds') opts.rounds = Number(value());
    else if (a === '--backends') opts.backends = value().split(',');
    else if (a === '--tasks') opts.tasks = value().split(',');
    else if (a === '--budget-s') opts.budgetS = Number(value());
    else if (a === '--no-pytorch') opts.pytorch = false;
    else if (a === '--worker') opts.worker = true;
    else throw new Error(`unknown option ${a} (see the header of bench/train-step.mjs)`);
  }
  if (opts.quick) Object.assign(opts, { steps: 4, warmup: 1, rounds: 2 });
  return opts;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function describeConfig({ task, config: c, batch }) {
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

/** Lets one side's thread pools go idle before the other side measures. */
const SWITCH_PAUSE_MS = 300;

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.worker) return worker();
  const loadAverageAtStart = loadavg().map((l) => round(l, 2));
  if (loadAverageAtStart[0] > availableParallelism() / 2) {
    console.log(
      `[bench] load average ${loadAverageAtStart[0]} on ${availableParallelism()} cores: other processes share the CPU, expect noisy numbers`,
    );
  }

  if (!existsSync(join(root, 'packages', 'models', 'dist', 'index.js'))) {
    throw new Error('packages/models is not built; run `pnpm build` first');
  }
  const rows = ROWS.filter((r) => opts.tasks.includes(r.task) || r.reference);

  let torch;
  if (opts.pytorch) {
    try {
      const python = pythonForTorch();
      torch = lineClient(
        python,
        ['-u', join(root, 'bench', 'pytorch', 'train_step.py')],
        torchEnv(),
        'pytorch',
      );
      const hello = await torch.ready;
      if (hello.error) throw new Error(hello.error);
    } catch (err) {
      console.log(`[bench] PyTorch unavailable, its columns stay empty: ${err.message}`);
    }
  }

  const workers = {};
  const workerFor = async (backend) => {
    if (!workers[backend]) {
      const env = { ...process.env, HEADROOM_BACKEND: backend, TF_CPP_MIN_LOG_LEVEL: '2' };
      const client = lineClient(
        process.execPath,
        [fileURLToPath(import.meta.url), '--worker'],
        env,
        backend,
      );
      const hello = await client.ready;
      workers[backend] = { client, hello };
      if (hello.error) console.log(`[bench] backend ${backend} cannot start: ${hello.error}`);
    }
    return workers[backend];
  };

  const results = [];
  const reference = {}; // backend → ms per sample-FLOP of the reference row
  let torchVersion;
  let tfjsVersion;
  for (const row of rows) {
    const label = describeConfig(row);
    const base = {
      task: row.task,
      config: row.config,
      batch: row.batch,
      label,
      loadAverage1m: round(loadavg()[0], 2),
    };
    // TF.js native and PyTorch, interleaved.
    const tfTimes = [];
    const ptTimes = [];
    let tfInfo;
    let ptInfo;
    const native = opts.backends.find((b) => NATIVE.includes(b));
    const tf = native ? await workerFor(native) : undefined;
    const perRound = Math.max(1, Math.ceil(opts.steps / opts.rounds));
    for (let r = 0; r < opts.rounds; r++) {
      const warmup = r === 0 ? opts.warmup : 0;
      if (tf && !tf.hello.error && !tfInfo?.error) {
        tfInfo = await tf.client.ask({ ...row, steps: perRound, warmup, lr: LR });
        if (!tfInfo.error) tfTimes.push(...tfInfo.times);
        await sleep(SWITCH_PAUSE_MS);
      }
      if (torch && !ptInfo?.error) {
        ptInfo = await torch.ask({
          task: row.task,
          config: row.config,
          batch: row.batch,
          steps: perRound,
          warmup,
          lr: LR,
        });
        if (!ptInfo.error) {
          ptTimes.push(...ptInfo.times);
          torchVersion = ptInfo.torch;
        }
        await sleep(SWITCH_PAUSE_MS);
      }
    }
    if (ptInfo?.error)
      console.log(`[bench] PyTorch failed on ${row.task} ${label}: ${ptInfo.error}`);
    const pytorchMs = ptTimes.length ? median(ptTimes) : null;
    if (
      tfInfo &&
      !tfInfo.error &&
      ptInfo &&
      !ptInfo.error &&
      tfInfo.paramCount !== ptInfo.paramCount
    ) {
      throw new Error(
        `${row.task} ${label}: TF.js has ${tfInfo.paramCount} trainable parameters, PyTorch ${ptInfo.paramCount}; ` +
          'bench/pytorch/train_step.py no longer mirrors packages/models',
      );
    }
    const params = tfInfo?.paramCount ?? ptInfo?.paramCount ?? null;
    if (tfInfo?.paramCount && ptInfo?.paramCount) {
      console.log(
        `        ${row.task} ${label}: trainable parameters TF.js ${tfInfo.paramCount} = PyTorch ${ptInfo.paramCount}`,
      );
    }
    const flops = tfInfo?.flopsPerSample;
    const record = (backend, times, extra = {}) => {
      const ms = times.length ? median(times) : null;
      const out = {
        ...base,
        backend,
        msPerStep: ms === null ? null : round(ms),
        samplesPerSec: ms === null ? null : round((row.batch * 1000) / ms),
        pytorchMsPerStep: pytorchMs === null ? null : round(pytorchMs),
        ratio: ms === null || pytorchMs === null ? null : round(ms / pytorchMs, 2),
        params,
        steps: times.length,
        msPerStepMin: times.length ? round(Math.min(...times)) : null,
        pytorchMsPerStepMin: ptTimes.length ? round(Math.min(...ptTimes)) : null,
        ...extra,
      };
      results.push(out);
      printRow(out);
      return out;
    };
    if (tf) {
      if (tf.hello.error) record(native, [], { skipped: tf.hello.error });
      else if (tfInfo?.error) record(native, [], { skipped: tfInfo.error });
      else {
        record(native, tfTimes);
        tfjsVersion = tf.hello.tfjs;
      }
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
      const answer = await w.client.ask({ ...row, steps, warmup, lr: LR });
      if (answer.error) {
        record(backend, [], { skipped: answer.error });
        continue;
      }
      record(backend, answer.times);
      if (row.reference)
        reference[backend] = median(answer.times) / (answer.flopsPerSample * row.batch);
    }
  }
  torch?.close();
  for (const w of Object.values(workers)) w.client.close();

  const environment = {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    tfjs: tfjsVersion ?? null,
    tensorflowWheel: tensorflowWheel(),
    torch: torchVersion ?? null,
    steps: opts.steps,
    warmup: opts.warmup,
    rounds: opts.rounds,
    torchOmpWaitPolicy: torchEnv().OMP_WAIT_POLICY,
    loadAverageAtStart,
    loadAverageAtEnd: loadavg().map((l) => round(l, 2)),
  };
  const outDir = join(root, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  // A smoke run (--quick) must not replace the full run's results.
  const name = opts.quick ? 'train-step.quick' : 'train-step';
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, `${name}.env.json`), `${JSON.stringify(environment, null, 2)}\n`);
  console.log('\n' + markdownTable(results));
  console.log(`\n${JSON.stringify(environment)}`);
  console.log(`wrote bench/results/${name}.json and ${name}.env.json`);
}

function tensorflowWheel() {
  const dir = join(root, '.cache', 'tensorflow-wheel');
  if (!existsSync(dir)) return null;
  return readdirSync(dir).find((f) => f.endsWith('.whl')) ?? null;
}

function round(x, digits = 1) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

let headerPrinted = false;
function printRow(r) {
  if (!headerPrinted) {
    console.log(
      `${'task'.padEnd(7)} ${'config'.padEnd(56)} ${'backend'.padEnd(11)} ${'ms/step'.padStart(9)} ${'samples/s'.padStart(9)} ${'torch ms'.padStart(9)} ${'ratio'.padStart(6)}`,
    );
    headerPrinted = true;
  }
  const cell = (v, n) => String(v ?? '–').padStart(n);
  console.log(
    `${r.task.padEnd(7)} ${r.label.padEnd(56)} ${r.backend.padEnd(11)} ${cell(r.msPerStep, 9)} ${cell(r.samplesPerSec, 9)} ${cell(r.pytorchMsPerStep, 9)} ${cell(r.ratio, 6)}` +
      (r.skipped ? `  skipped: ${r.skipped}` : ''),
  );
}

function markdownTable(results) {
  const lines = [
    '| task | config | params | backend | ms/step (min) | samples/s | PyTorch ms/step (min) | ratio |',
    '|---|---|---:|---|---:|---:|---:|---:|',
  ];
  const v = (x) => (x === null || x === undefined ? '–' : String(x));
  const withMin = (median, min) => (median === null ? '–' : `${median} (${min})`);
  for (const r of results) {
    const estimate = /^estimated ([\d.]+ s\/step)/.exec(r.skipped ?? '');
    const cell = r.skipped
      ? estimate
        ? `not run: ~${estimate[1]} est.`
        : `not run: ${r.skipped}`
      : withMin(r.msPerStep, r.msPerStepMin);
    lines.push(
      `| ${r.task} | ${r.label} | ${v(r.params)} | ${r.backend} | ${cell} | ${v(r.samplesPerSec)} | ${withMin(r.pytorchMsPerStep, r.pytorchMsPerStepMin)} | ${v(r.ratio)} |`,
    );
  }
  return lines.join('\n');
}

main().catch((err) => {
  console.error(`[bench] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
