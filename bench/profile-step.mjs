#!/usr/bin/env node
// `pnpm bench:profile`: where one training step's time goes, TF.js native beside PyTorch.
//
//   node bench/profile-step.mjs [--configs pose3d,chest,pose2d,reference] [--steps N]
//                               [--warmup N] [--omp default|passive] [--no-pytorch] [--out NAME]
//
// HEADROOM_BENCH_MODELS=DIR profiles another build of the models package (see bench/train-step.mjs),
// e.g. the one before a change, written to bench/results/NAME.json with --out.
//
// TF.js (tensorflow backend, in this process): the step of `pnpm bench:train` (the trainers'
// optimizer, `optimizer.minimize`, the loss read back), its phases timed apart — forward (the
// loss function), backward (the rest of `computeGradients`), optimizer (`applyGradients`),
// read (the loss read and tidy's disposal). Every native operation is counted and timed where
// tfjs-node hands it to TensorFlow (`binding.executeOp`, one TFE_Execute each): calls, time
// and bytes (inputs read + outputs written) per TensorFlow op type and per phase, tensors
// uploaded from JavaScript (`binding.createTensor`: constants made per step) and synchronous
// reads (`binding.tensorDataSync`). Step wall time minus the time inside TensorFlow is what
// JavaScript (tfjs-core's engine, tape, tidy, the binding) costs.
// PyTorch (bench/pytorch/train_step.py, `profile` request): the same phases timed apart, and
// torch.profiler's operators (calls, self CPU time, memory allocated) over the same steps.
//
// Prints both and writes bench/results/profile-step.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { cpuInfo } from './machine.mjs';
import {
  ROWS,
  describeConfig,
  median,
  prepareStep,
  pythonForTorch,
  requireModels,
  root,
  round,
  tensorflowWheel,
  tfThreadSettings,
  torchServer,
} from './train-step.mjs';

const CONFIGS = {
  reference: ROWS.find((r) => r.reference),
  pose3d: ROWS.find((r) => r.task === 'pose3d' && !r.reference),
  pose2d: ROWS.find((r) => r.task === 'pose2d'),
  chest: ROWS.find((r) => r.task === 'chest'),
};

function parseArgs(argv) {
  const opts = {
    configs: ['pose3d', 'chest'],
    steps: 5,
    warmup: 3,
    omp: 'default',
    pytorch: true,
    out: 'profile-step',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i];
    if (a === '--configs') opts.configs = value().split(',');
    else if (a === '--steps') opts.steps = Number(value());
    else if (a === '--warmup') opts.warmup = Number(value());
    else if (a === '--omp') opts.omp = value();
    else if (a === '--no-pytorch') opts.pytorch = false;
    else if (a === '--out') opts.out = value();
    else throw new Error(`unknown option ${a} (see the header of bench/profile-step.mjs)`);
  }
  if (!/^profile[\w.-]*$/.test(opts.out))
    throw new Error(`--out ${opts.out}: the name must start with profile`);
  for (const c of opts.configs) {
    if (!CONFIGS[c])
      throw new Error(`--configs ${c}: choose from ${Object.keys(CONFIGS).join(', ')}`);
  }
  return opts;
}

/** TensorFlow ops that make a view or move a handle, not data. */
const ALIASING = new Set(['Reshape', 'AssignVariableOp', 'ReadVariableOp', 'VarHandleOp']);

const BYTES = { 1: 4, 3: 4, 10: 1, 9: 8, 4: 1 }; // TF_FLOAT, TF_INT32, TF_BOOL, TF_INT64, TF_UINT8

/**
 * Wraps the native binding's entry points so every TensorFlow op, upload and read is counted
 * and timed, attributed to the phase set with `phase(name)` (none: not recorded).
 */
function instrument(backend) {
  // The binding object is frozen: the backend gets a stand-in that forwards to it.
  const binding = backend.binding;
  const wrapped = Object.create(binding);
  backend.binding = wrapped;
  // The prototype's properties are read-only, so the stand-in's own are defined, not assigned.
  const define = (o, name, fn) =>
    Object.defineProperty(o, name, { value: fn, writable: true, configurable: true });
  const sizes = new Map(); // tensor handle id → bytes
  const bytesOf = (shape, dtype) => shape.reduce((a, b) => a * b, 1) * (BYTES[dtype] ?? 4);
  let current = null;
  let stats;
  const reset = () => {
    stats = { ops: new Map(), phases: new Map() };
  };
  reset();
  const phaseStats = (name) => {
    if (!stats.phases.has(name)) {
      stats.phases.set(name, {
        wallMs: 0,
        kernels: 0,
        kernelMs: 0,
        bytes: 0,
        uploads: 0,
        uploadBytes: 0,
        reads: 0,
        readMs: 0,
        ops: new Map(),
      });
    }
    return stats.phases.get(name);
  };
  const { executeOp, createTensor, tensorDataSync } = binding;
  define(wrapped, 'executeOp', function (name, attrs, inputs, numOutputs) {
    const t0 = performance.now();
    const out = executeOp.call(binding, name, attrs, inputs, numOutputs);
    const ms = performance.now() - t0;
    let bytes = 0;
    for (const id of inputs) bytes += sizes.get(id) ?? 0;
    for (const m of out) {
      const b = bytesOf(m.shape, m.dtype);
      sizes.set(m.id, b);
      bytes += b;
    }
    // Views and variable handles move nothing; the fused Adam reads value, moments and
    // gradient and writes the first three (its resource inputs have no size here).
    if (ALIASING.has(name)) bytes = 0;
    else if (name === 'ResourceApplyAdam') bytes = 7 * (sizes.get(inputs.at(-1)) ?? 0);
    if (current) {
      const op = stats.ops.get(name) ?? { calls: 0, ms: 0, bytes: 0 };
      op.calls += 1;
      op.ms += ms;
      op.bytes += bytes;
      stats.ops.set(name, op);
      const p = phaseStats(current);
      p.kernels += 1;
      p.kernelMs += ms;
      p.bytes += bytes;
      const po = p.ops.get(name) ?? { calls: 0, ms: 0 };
      po.calls += 1;
      po.ms += ms;
      p.ops.set(name, po);
    }
    return out;
  });
  define(wrapped, 'createTensor', function (shape, dtype, values) {
    const id = createTensor.call(binding, shape, dtype, values);
    const b = bytesOf(shape, dtype);
    sizes.set(id, b);
    if (current) {
      const p = phaseStats(current);
      p.uploads += 1;
      p.uploadBytes += b;
    }
    return id;
  });
  define(wrapped, 'tensorDataSync', function (id) {
    const t0 = performance.now();
    const out = tensorDataSync.call(binding, id);
    if (current) {
      const p = phaseStats(current);
      p.reads += 1;
      p.readMs += performance.now() - t0;
    }
    return out;
  });
  let phaseStart = 0;
  return {
    reset,
    /** Ends the running phase (adding its wall time) and starts `name` (null: none). */
    phase(name) {
      const now = performance.now();
      if (current) phaseStats(current).wallMs += now - phaseStart;
      current = name;
      phaseStart = now;
    },
    get stats() {
      return stats;
    },
  };
}

const PHASES = ['forward', 'backward', 'optimizer', 'read'];

/** Profiles `steps` TF.js steps of `row` after `warmup` unprofiled ones. */
function profileTfjs(models, probe, row, opts) {
  const { tf } = models;
  const s = prepareStep(models, row);
  try {
    const phased = () => {
      probe.phase('forward');
      const loss = tf.tidy(() => {
        const { value, grads } = s.optimizer.computeGradients(() => {
          const l = s.loss(s.model.apply(s.x, { training: true }));
          probe.phase('backward');
          return l;
        }, s.variables);
        probe.phase('optimizer');
        s.optimizer.applyGradients(grads);
        probe.phase('read');
        return value.dataSync()[0];
      });
      probe.phase(null);
      return loss;
    };
    for (let i = 0; i < opts.warmup; i++) s.step();
    // Plain steps (the bench's), for the wall time the phases must add up to.
    const plain = [];
    for (let i = 0; i < opts.steps; i++) {
      const t0 = performance.now();
      s.step();
      plain.push(performance.now() - t0);
    }
    probe.reset();
    const stepTimes = [];
    for (let i = 0; i < opts.steps; i++) {
      const t0 = performance.now();
      phased();
      stepTimes.push(performance.now() - t0);
    }
    const n = opts.steps;
    const { ops, phases } = probe.stats;
    const perStep = (v, d = 2) => round(v / n, d);
    const phaseRows = Object.fromEntries(
      PHASES.map((p) => {
        const v = phases.get(p) ?? {};
        return [
          p,
          {
            wallMs: perStep(v.wallMs ?? 0),
            kernels: perStep(v.kernels ?? 0, 1),
            kernelMs: perStep(v.kernelMs ?? 0),
            outsideKernelsMs: perStep((v.wallMs ?? 0) - (v.kernelMs ?? 0) - (v.readMs ?? 0)),
            bytesMoved: perStep(v.bytes ?? 0, 0),
            uploads: perStep(v.uploads ?? 0, 1),
            uploadBytes: perStep(v.uploadBytes ?? 0, 0),
            reads: perStep(v.reads ?? 0, 1),
            ops: [...(v.ops ?? new Map()).entries()]
              .map(([name, o]) => ({
                name,
                callsPerStep: perStep(o.calls, 1),
                msPerStep: perStep(o.ms),
              }))
              .sort((a, b) => b.msPerStep - a.msPerStep),
          },
        ];
      }),
    );
    const total = (k) => Object.values(phaseRows).reduce((a, p) => a + p[k], 0);
    return {
      paramCount: s.params,
      msPerStep: round(median(plain)),
      profiledMsPerStep: round(median(stepTimes)),
      kernelsPerStep: round(total('kernels'), 1),
      kernelMsPerStep: round(total('kernelMs')),
      outsideKernelsMsPerStep: round(total('outsideKernelsMs')),
      bytesMovedPerStep: round(total('bytesMoved'), 0),
      uploadsPerStep: round(total('uploads'), 1),
      readsPerStep: round(total('reads'), 1),
      phases: phaseRows,
      ops: [...ops.entries()]
        .map(([name, o]) => ({
          name,
          callsPerStep: perStep(o.calls, 1),
          msPerStep: perStep(o.ms),
          bytesPerStep: perStep(o.bytes, 0),
        }))
        .sort((a, b) => b.msPerStep - a.msPerStep),
    };
  } finally {
    s.dispose();
  }
}

const mb = (b) => `${round(b / 2 ** 20, 1)} MiB`;

function printTfjs(r) {
  console.log(
    `  TF.js tensorflow: ${r.msPerStep} ms/step (${r.profiledMsPerStep} profiled), ` +
      `${r.kernelsPerStep} TensorFlow ops/step taking ${r.kernelMsPerStep} ms, ` +
      `${r.outsideKernelsMsPerStep} ms outside them (JavaScript, dispatch), ${mb(r.bytesMovedPerStep)} moved, ` +
      `${r.uploadsPerStep} uploads, ${r.readsPerStep} reads`,
  );
  for (const [name, p] of Object.entries(r.phases)) {
    console.log(
      `    ${name.padEnd(10)} ${String(p.wallMs).padStart(8)} ms  ${String(p.kernels).padStart(6)} ops ${String(p.kernelMs).padStart(8)} ms in TF  ${String(p.outsideKernelsMs).padStart(7)} ms outside  ${mb(p.bytesMoved).padStart(10)}  uploads ${p.uploads}`,
    );
    if (p.ops.length) {
      console.log(
        `               ${p.ops
          .slice(0, 6)
          .map((o) => `${o.name} ${o.callsPerStep}× ${o.msPerStep} ms`)
          .join(', ')}`,
      );
    }
  }
  console.log('    top TensorFlow ops (calls/step, ms/step, bytes/step):');
  for (const o of r.ops.slice(0, 15)) {
    console.log(
      `      ${o.name.padEnd(28)} ${String(o.callsPerStep).padStart(7)} ${String(o.msPerStep).padStart(9)} ${mb(o.bytesPerStep).padStart(11)}`,
    );
  }
}

function printTorch(r) {
  const phases = Object.entries(r.phasesMs)
    .map(([k, v]) => `${k} ${round(v)}`)
    .join(', ');
  console.log(
    `  PyTorch ${r.torch} (${r.threads} threads, OMP_WAIT_POLICY ${r.ompWaitPolicy}): ` +
      `${phases} ms; ${r.operatorsPerStep} operators/step (${r.topLevelOperatorsPerStep} top-level)`,
  );
  console.log('    top operators (calls/step, self ms/step, allocated/step):');
  for (const o of r.ops.slice(0, 15)) {
    console.log(
      `      ${o.name.slice(0, 48).padEnd(48)} ${String(round(o.callsPerStep, 1)).padStart(7)} ${String(round(o.selfMsPerStep, 2)).padStart(9)} ${mb(o.bytesAllocatedPerStep).padStart(11)}`,
    );
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  const machine = cpuInfo();
  const models = requireModels('@headroom/models');
  await models.selectBackend('tensorflow');
  const probe = instrument(models.tf.backend());
  let torch;
  if (opts.pytorch) {
    torch = torchServer(pythonForTorch(), opts.omp);
    const hello = await torch.ready;
    if (hello.error) throw new Error(hello.error);
  }
  console.log(
    `[profile] CPU ${machine.model}, ${machine.cpus} CPUs, load ${loadavg()
      .map((l) => round(l, 2))
      .join(' ')}`,
  );
  const results = [];
  for (const key of opts.configs) {
    const row = CONFIGS[key];
    const label = describeConfig(row);
    console.log(`\n${row.task} ${label}`);
    const loadAverage1m = round(loadavg()[0], 2);
    const tfjs = profileTfjs(models, probe, row, opts);
    printTfjs(tfjs);
    let pytorch = null;
    if (torch) {
      pytorch = await torch.ask({
        task: row.task,
        config: row.config,
        batch: row.batch,
        steps: opts.steps,
        warmup: opts.warmup,
        profile: true,
      });
      if (pytorch.error) console.log(`  PyTorch failed: ${pytorch.error}`);
      else printTorch(pytorch);
    }
    results.push({
      task: row.task,
      config: row.config,
      batch: row.batch,
      label,
      cpu: machine.model,
      loadAverage1m: round(Math.max(loadAverage1m, loadavg()[0]), 2),
      threads: tfThreadSettings(),
      tfjs,
      pytorch,
    });
  }
  torch?.close();
  const out = {
    date: new Date().toISOString(),
    command: `node bench/profile-step.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    models: process.env.HEADROOM_BENCH_MODELS ?? 'packages/models',
    cpu: machine,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    tfjs: models.tf.version.tfjs,
    tensorflowWheel: tensorflowWheel(),
    steps: opts.steps,
    warmup: opts.warmup,
    loadAverageAtEnd: loadavg().map((l) => round(l, 2)),
    results,
  };
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${opts.out}.json`), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwrote bench/results/${opts.out}.json`);
}

main().catch((err) => {
  console.error(`[profile] ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
