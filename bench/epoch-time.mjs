#!/usr/bin/env node
// `pnpm bench:epoch`: time per training step of each task at the THESIS configurations (the
// sweep files in examples/sweeps/), through the trainers' own code — `preparePose3d`,
// `preparePose2d`, `prepareChest` from apps/worker/dist, their batches and `task.step(batch,
// optimizer)` with the optimizer of `createOptimizer(params, model)` — on synthetic data in the
// real file formats at the real input sizes; then forward-only (evaluation) time per sample.
// Both are extrapolated to one epoch of the real sets (sizes and sources below).
//
//   node bench/epoch-time.mjs [--tasks pose3d,pose2d,chest] [--warmup N] [--steps N]
//                             [--eval-reps N] [--batch B] [--dh auto,32,...]
//                             [--out bench/results/epoch-time.json]
//
// Each task runs in its own Node process (its peak memory its own; an out-of-memory kill ends
// only that task). Needs `pnpm build` (apps/worker/dist, packages/*/dist) and the native
// TF.js binding (`pnpm setup:native`). Prints a table and one JSON line; writes the JSON to
// --out too. ~7 minutes on 2 cores.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { cpuInfo } from './machine.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The worker's dist and the packages it resolves (one TF.js instance for all of them).
const requireWorker = createRequire(join(root, 'apps', 'worker', 'package.json'));
const datasets = requireWorker('@headroom/datasets');
const models = requireWorker('@headroom/models');
const sweep = requireWorker('@headroom/sweep');
const trainerOf = (file) => requireWorker(join(root, 'apps', 'worker', 'dist', 'trainer', file));
const { tf } = models;

/**
 * The real sets, one epoch each (samples the trainer steps through) and the split evaluated.
 * - Human3.6M: 2D–3D pairs of S1,S5,S6,S7,S8 × 4 cameras = 1,559,752 (test S9,S11: 543,344),
 *   the counts of the 3d-pose-baseline h5 files VideoPose3D's `prepare_data_h36m.py
 *   --from-archive` converts (per-split sums quoted in
 *   github.com/hrhodin/UnsupervisedGeometryAwareRepresentationLearning/issues/5 and
 *   github.com/QitaoZhao/ContextAware-PoseFormer/issues/11).
 * - COCO train2017: 149,813 person instances with keypoints (HRNet's COCO loader logs
 *   "=> load 149813 samples", val2017 with ground-truth boxes "=> load 6352 samples", as
 *   quoted in an HRNet-based public repository's README; not recounted here).
 * - ChestX-ray14: train_val_list.txt has 86,524 images, 0.1 of them (by patient) go to
 *   validation (CHESTXRAY14_DEFAULT_VAL_FRACTION); test_list.txt 25,596.
 */
const REAL = {
  pose3d: { train: 1_559_752, eval: 543_344, evalName: 'H36M test S9+S11' },
  pose2d: { train: 149_813, eval: 6_352, evalName: 'COCO val2017 GT boxes' },
  chest: {
    train: Math.round(86_524 * 0.9),
    eval: Math.round(86_524 * 0.1),
    evalName: 'val (0.1 of train_val)',
  },
};

/**
 * The configurations: the sweep file's trials at seed 1, Q≠K, for these d_h, at `batch`.
 * pose3d runs at its sweep's 256. The sweeps say 64 for pose2d and 32 for chest; on a 24 GB
 * CPU machine pose2d at 256×192 runs at 8 (a process training at 8 peaks at ~12 GB resident;
 * 32 was killed for lack of memory) and chest at 16 (~6.5 GB resident).
 */
const TASKS = {
  pose3d: { sweep: 'pose3d-h36m-dh.yaml', dH: ['auto', 32, 128], batch: 256 },
  pose2d: { sweep: 'pose2d-coco-dh.yaml', dH: ['auto', 48, 64], batch: 8 },
  chest: { sweep: 'chest-chestxray14-dh.yaml', dH: ['auto', 128], batch: 16 },
};

const { values: args } = parseArgs({
  options: {
    tasks: { type: 'string', default: 'pose3d,pose2d,chest' },
    warmup: { type: 'string' },
    steps: { type: 'string' },
    'eval-reps': { type: 'string', default: '3' },
    batch: { type: 'string' },
    dh: { type: 'string' },
    child: { type: 'string' },
    out: { type: 'string', default: join(root, 'bench', 'results', 'epoch-time.json') },
  },
});
/** Warm-up and measured steps per task: the slow pose2d step gets fewer to keep the run < 15 min. */
const STEPS = {
  pose3d: { warmup: 3, steps: 10 },
  pose2d: { warmup: 2, steps: 5 },
  chest: { warmup: 3, steps: 8 },
};

// ---------------------------------------------------------------- the machine

function machine() {
  const { model, cpus: cores, avx2, fma, avx512 } = cpuInfo();
  return {
    cpu: model,
    cores,
    memGiB: Math.round(totalmem() / 2 ** 30),
    avx2,
    fma,
    avx512,
    node: process.version,
    tfjs: tf.version.tfjs,
  };
}

// ---------------------------------------------------------------- data in the real formats

/** Training batches needed: warm-up + measured. */
const batchesNeeded = (task) => STEPS[task].warmup + STEPS[task].steps;

/** pose3d: VideoPose3D's .npz files (synthetic), written by the trainer's own `kind: synthetic` path. */
function pose3dDataset(batch) {
  // 5 train subjects × 15 actions × 4 cameras samples per frame per action.
  const framesPerAction = Math.ceil((batchesNeeded('pose3d') * batch) / 300) + 1;
  return { kind: 'synthetic', seed: 1, frames_per_action: framesPerAction };
}

/** pose2d: COCO's layout (annotation JSON + JPEGs) at COCO's usual 640×480, cropped to 256×192. */
async function pose2dDataset(dir, batch) {
  // Several people per synthetic image; 0.2 of the images are val.
  const images = Math.ceil((batchesNeeded('pose2d') * batch) / 1.5 / 0.8);
  await datasets.synthesizeCoco({ outDir: dir, images, seed: 1, width: 640, height: 480 });
  return { kind: 'coco', path: dir, input_size: [256, 192] };
}

/** chest: the NIH layout (CSV, lists, grey PNGs) at the real 1024×1024, resized to 224 by the trainer. */
async function chestDataset(dir, batch) {
  const images = Math.ceil((batchesNeeded('chest') * batch) / 0.8 / 0.9) + 16;
  await datasets.synthesizeChestXray14({
    outDir: dir,
    images,
    seed: 1,
    labels: sweep.CHEST_LABELS,
    imageSize: 1024,
  });
  return { kind: 'chestxray14', path: dir, image_size: 224 };
}

// ---------------------------------------------------------------- measuring

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** The input tensor of a batch as the trainer builds it, for forward-only timing. */
function inputOf(task, batch, batchSize) {
  if (task === 'pose3d')
    return tf.tensor3d(batch.inputs.subarray(0, batchSize * 34), [batchSize, 17, 2]);
  if (task === 'pose2d') return tf.tensor4d(batch.images, [batchSize, 256, 192, 3]);
  return tf.tensor4d(batch.images.subarray(0, batchSize * 224 * 224), [batchSize, 224, 224, 1]);
}

async function measure(taskName, params, dataset, backend, artifactsDir) {
  const { batch: batchSize } = TASKS[taskName];
  const { warmup, steps } = STEPS[taskName];
  const input = { sweepId: 'bench', trialId: 'bench-0', task: taskName, dataset, params };
  const hooks = trainerOf('hooks.js').plainHooks(artifactsDir, backend, {
    warn: (m) => console.error(`  warn: ${m}`),
  });
  const t0 = performance.now();
  const task =
    taskName === 'pose3d'
      ? await trainerOf('pose3d.trainer.js').preparePose3d(input, hooks)
      : taskName === 'pose2d'
        ? await trainerOf('pose2d.trainer.js').preparePose2d(input, hooks)
        : await trainerOf('chest.trainer.js').prepareChest(input, hooks);
  const prepareMs = performance.now() - t0;
  const optimizer = models.createOptimizer(params, task.model);
  optimizer.setLearningRate(params.lr);
  const stepMs = [];
  // Step plus waiting for the next batch, as the epoch loop sees it (decoding overlaps the
  // step through the stream's prefetch; tfjs-node kernels hold the JavaScript thread).
  const batchMs = [];
  let first;
  let n = 0;
  let last = performance.now();
  for await (const batch of task.batches(1, batchSize)) {
    if (batch.size !== batchSize) continue;
    first ??= batch;
    const s = performance.now();
    const loss = task.step(batch, optimizer);
    const e = performance.now();
    if (!Number.isFinite(loss)) throw new Error(`${taskName}: loss ${loss}`);
    if (n >= warmup) {
      stepMs.push(e - s);
      batchMs.push(e - last);
    }
    // The loop's tick: lets the prefetching stream and timers run between steps.
    await new Promise((r) => setImmediate(r));
    last = performance.now();
    if (++n >= warmup + steps) break;
  }
  if (stepMs.length < steps) {
    throw new Error(
      `${taskName}: only ${n} full batches of ${batchSize}; make the synthetic set larger`,
    );
  }
  // Forward only at the training batch size (the evaluations run at it): model.predict and
  // the read-back. `fwdMs` reads the output outside tf.tidy; `evalFwdMs` as the trainers'
  // evaluations do, `tf.tidy(() => model.predict(x).dataSync())`: tidy then walks the
  // returned typed array element by element looking for tensors (tfjs-core's
  // walkTensorContainer), which costs in proportion to the output's size.
  const x = inputOf(taskName, first, batchSize);
  const fwdMs = [];
  const evalFwdMs = [];
  for (let r = 0; r < 1 + Number(args['eval-reps']); r++) {
    let s = performance.now();
    const y = task.model.predict(x);
    y.dataSync();
    y.dispose();
    if (r > 0) fwdMs.push(performance.now() - s);
    s = performance.now();
    tf.tidy(() => task.model.predict(x).dataSync());
    if (r > 0) evalFwdMs.push(performance.now() - s);
  }
  x.dispose();
  const params_ = models.countParams(task.model);
  optimizer.dispose();
  task.model.dispose();
  return { prepareMs, stepMs, batchMs, fwdMs, evalFwdMs, params: params_ };
}

/**
 * GFLOP/s of one float32 matrix product, [1088 × 512] · [512 × 2048] (the d_m 512 FFN at batch
 * 64, the shape bench/README.md quotes), median of 20: how fast this machine is right now.
 */
function gemmGflops() {
  const [m, k, n] = [1088, 512, 2048];
  const a = tf.randomNormal([m, k]);
  const b = tf.randomNormal([k, n]);
  const ms = [];
  for (let i = 0; i < 23; i++) {
    const s = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
    if (i >= 3) ms.push(performance.now() - s);
  }
  tf.dispose([a, b]);
  return round((2 * m * k * n) / median(ms) / 1e6, 0);
}

// ---------------------------------------------------------------- main

/** One task's d_h values in this (child) process; prints one JSON line of rows. */
async function runTask(taskName) {
  const cfg = TASKS[taskName];
  if (args.batch) cfg.batch = Number(args.batch);
  if (args.dh) cfg.dH = args.dh.split(',').map((d) => (d === 'auto' ? d : Number(d)));
  if (args.warmup) STEPS[taskName].warmup = Number(args.warmup);
  if (args.steps) STEPS[taskName].steps = Number(args.steps);
  const backend = await models.selectBackend(process.env.HEADROOM_BACKEND || 'tensorflow');
  const spec = sweep.parseSweepText(
    readFileSync(join(root, 'examples', 'sweeps', cfg.sweep), 'utf8'),
    cfg.sweep,
  );
  const work = mkdtempSync(join(tmpdir(), 'headroom-epoch-'));
  const rows = [];
  try {
    const dataDir = join(work, `${taskName}-data`);
    const dataset =
      taskName === 'pose3d'
        ? pose3dDataset(cfg.batch)
        : taskName === 'pose2d'
          ? await pose2dDataset(dataDir, cfg.batch)
          : await chestDataset(dataDir, cfg.batch);
    const trials = Array.from({ length: sweep.countGridTrials(spec) }, (_, i) =>
      sweep.gridTrialAt(spec, i),
    );
    for (const dH of cfg.dH) {
      const base = trials.find((p) => p.d_h === dH && !p.qk_tied && p.seed === 1);
      if (!base) throw new Error(`${cfg.sweep} has no trial with d_h ${dH}, Q≠K, seed 1`);
      const params = { ...base, batch_size: cfg.batch };
      const load = round(loadavg()[0], 2);
      const m = await measure(taskName, params, dataset, backend, join(work, 'artifacts'));
      const real = REAL[taskName];
      const batchMedian = median(m.batchMs);
      const fwdPerSample = median(m.fwdMs) / cfg.batch;
      const evalPerSample = median(m.evalFwdMs) / cfg.batch;
      const stepsPerEpoch = Math.ceil(real.train / cfg.batch);
      const row = {
        task: taskName,
        config: `d_m ${params.d_m}, h ${params.heads}, d_h ${dH}${dH === 'auto' ? ` (${params.d_m / params.heads})` : ''}, L ${params.layers}`,
        batch: cfg.batch,
        params: m.params,
        optimizer: params.optimizer ?? 'adam',
        steps: m.stepMs.length,
        msPerStep: round(median(m.stepMs)),
        msPerStepMin: round(Math.min(...m.stepMs)),
        msPerStepMax: round(Math.max(...m.stepMs)),
        msPerBatchWithData: round(batchMedian),
        trainSamples: real.train,
        stepsPerEpoch,
        epochHours: round((stepsPerEpoch * batchMedian) / 3.6e6, 2),
        fwdMsPerSample: round(fwdPerSample, 3),
        evalFwdMsPerSample: round(evalPerSample, 3),
        evalSamples: real.eval,
        evalSplit: real.evalName,
        evalMinutes: round((real.eval * evalPerSample) / 6e4, 1),
        evalMinutesFwdOnly: round((real.eval * fwdPerSample) / 6e4, 1),
        prepareS: round(m.prepareMs / 1000, 1),
        loadAverage1m: load,
      };
      rows.push(row);
      console.error(
        `  ${row.task} ${row.config} B ${row.batch}: ${row.msPerStep} ms/step (${row.msPerStepMin}–${row.msPerStepMax}), with data ${row.msPerBatchWithData}; forward ${row.fwdMsPerSample} ms/sample (${row.evalFwdMsPerSample} as the evaluation reads it)`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  // Peak resident memory of this process (MiB): what the batch needs. VmHWM counts this
  // process image only; getrusage's maxRSS on Linux also keeps the parent's at fork.
  const hwmKiB = /VmHWM:\s*(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  const maxRssMiB = Math.round((hwmKiB ? Number(hwmKiB) : process.resourceUsage().maxRSS) / 1024);
  process.stdout.write(`${JSON.stringify({ rows: rows.map((r) => ({ ...r, maxRssMiB })) })}\n`);
}

/** Runs one task in a fresh Node process (its peak memory its own; an OOM kill ends only it). */
function runChild(taskName) {
  const argv = [fileURLToPath(import.meta.url), '--child', taskName];
  for (const k of ['warmup', 'steps', 'eval-reps', 'batch', 'dh']) {
    if (args[k] !== undefined) argv.push(`--${k}`, args[k]);
  }
  const res = spawnSync(process.execPath, argv, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2' },
    maxBuffer: 64 * 2 ** 20,
  });
  const line = res.stdout.trim().split('\n').at(-1) ?? '';
  if (res.status !== 0 || !line.startsWith('{')) {
    const why = res.signal ? `killed by ${res.signal} (out of memory?)` : `exit ${res.status}`;
    return [{ task: taskName, skipped: why }];
  }
  return JSON.parse(line).rows;
}

async function main() {
  if (args.child) return runTask(args.child);
  const env = machine();
  const date = new Date().toISOString();
  const loadAtStart = loadavg().map((l) => round(l, 2));
  console.log(
    `${env.cpu}, ${env.cores} cores, ${env.memGiB} GiB; AVX2 ${env.avx2}, FMA ${env.fma}, AVX-512 ${env.avx512.join(' ') || 'none'}; Node ${env.node}, tfjs ${env.tfjs}`,
  );
  console.log(`load average at start ${loadAtStart.join(' ')}`);
  const backend = await models.selectBackend(process.env.HEADROOM_BACKEND || 'tensorflow');
  console.log(`backend ${backend.backend} (${backend.device})`);
  const gemmAtStart = gemmGflops();
  console.log(`float32 GEMM [1088×512]·[512×2048]: ${gemmAtStart} GFLOP/s`);

  const rows = [];
  for (const taskName of args.tasks.split(',')) {
    if (!TASKS[taskName]) {
      throw new Error(`--tasks: ${taskName}; valid: ${Object.keys(TASKS).join(', ')}`);
    }
    rows.push(...runChild(taskName));
  }

  const loadAtEnd = loadavg().map((l) => round(l, 2));
  const gemmAtEnd = gemmGflops();
  console.log('');
  console.log(
    '| task | config | B | params | ms/step median (min–max) | ms/batch with data | steps/epoch | epoch (h) | forward ms/sample (as evaluated) | eval split: min | peak RSS MiB |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|');
  for (const r of rows) {
    if (r.skipped) {
      console.log(`| ${r.task} | – | – | – | not run: ${r.skipped} | | | | | | |`);
      continue;
    }
    console.log(
      `| ${r.task} | ${r.config} | ${r.batch} | ${r.params} | ${r.msPerStep} (${r.msPerStepMin}–${r.msPerStepMax}) | ${r.msPerBatchWithData} | ${r.stepsPerEpoch} | ${r.epochHours} | ${r.fwdMsPerSample} (${r.evalFwdMsPerSample}) | ${r.evalSplit} ${r.evalSamples}: ${r.evalMinutes} | ${r.maxRssMiB} |`,
    );
  }
  console.log(`load average at end ${loadAtEnd.join(' ')}; GEMM ${gemmAtEnd} GFLOP/s`);
  const result = {
    date,
    ...env,
    backend: backend.backend,
    loadAtStart,
    loadAtEnd,
    gemmGflops: [gemmAtStart, gemmAtEnd],
    steps: STEPS,
    rows,
  };
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
}

await main();
