#!/usr/bin/env node
// `pnpm bench:h36m-memory`: load time and peak memory of reading Human3.6M the way the pose3d
// trainer does (apps/worker/src/trainer/pose3d.trainer.ts, loadH36m: `readH36mNpzDataset` of
// the train + test subjects, then `buildPose3dSamples` for each split), on a synthetic set in
// VideoPose3D's files at the REAL size, in a fresh process. The issue's bound: 4 GB.
//
//   node bench/h36m-memory.mjs [--frames-per-action N] [--out bench/results/h36m-memory.json]
//
// Writes data_3d_h36m.npz + data_2d_h36m_gt.npz (`writeSyntheticH36mNpz`) into a temporary
// folder, removed afterwards. Needs `pnpm build` (packages/*/dist) and the native TF.js binding.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { cpuInfo } from './machine.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const requireWorker = createRequire(join(root, 'apps', 'worker', 'package.json'));
const datasets = requireWorker('@headroom/datasets');

/**
 * Human3.6M as VideoPose3D prepares it: 1,559,752 train pairs (S1,S5,S6,S7,S8 × 4 cameras) and
 * 543,344 test pairs (S9,S11), so (1,559,752 + 543,344) / 4 = 525,774 mocap frames in
 * data_3d_h36m.npz (32 joints × 3 float32) and 4 × that in data_2d_h36m_gt.npz (17 joints × 2
 * float32). Counts: github.com/hrhodin/UnsupervisedGeometryAwareRepresentationLearning/issues/5
 * (train, from the 3d-pose-baseline h5 files VideoPose3D converts) and
 * github.com/QitaoZhao/ContextAware-PoseFormer/issues/11 (train and test).
 * The synthetic set has 7 subjects × 15 actions (the real one 30 sequences a subject, 29 for S11),
 * so frames per action = ceil(525,774 / 105) gives the same total frames, hence the same sizes.
 */
const REAL_FRAMES = { train: 1_559_752 / 4, test: 543_344 / 4 };
const SYNTHETIC_SEQUENCES = 7 * 15;
const MiB = 2 ** 20;
const GB = 1e9;

const { values: args } = parseArgs({
  options: {
    'frames-per-action': { type: 'string' },
    child: { type: 'string' },
    write: { type: 'string' },
    out: { type: 'string', default: join(root, 'bench', 'results', 'h36m-memory.json') },
  },
});

// ---------------------------------------------------------------- child: load as the trainer

/** This process's peak resident set in bytes since exec (`VmHWM`; 0 where /proc is missing). */
function vmHwmBytes() {
  try {
    const kb = /VmHWM:\s*(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Resident set, V8 heap and ArrayBuffer bytes now (MiB), and the peak so far two ways:
 * `process.resourceUsage().maxRSS` (getrusage; on Linux it keeps the high-water mark of the
 * process image exec replaced, i.e. of the parent at fork, so the parent stays small) and
 * `VmHWM` (this image only).
 */
function memory() {
  const m = process.memoryUsage();
  return {
    rssMiB: Math.round(m.rss / MiB),
    heapUsedMiB: Math.round(m.heapUsed / MiB),
    arrayBuffersMiB: Math.round(m.arrayBuffers / MiB),
    externalMiB: Math.round(m.external / MiB),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    vmHwmMiB: Math.round(vmHwmBytes() / MiB),
  };
}

async function child(dir) {
  // The worker process has TF.js (native) loaded before any trial reads data.
  const models = requireWorker('@headroom/models');
  await models.selectBackend(process.env.HEADROOM_BACKEND || 'tensorflow');
  const phases = { baseline: memory() };
  const { H36M_TRAIN_SUBJECTS: trainSubjects, H36M_TEST_SUBJECTS: testSubjects } = datasets;
  const t0 = performance.now();
  // pose3d.trainer.ts loadH36m, with the spec's defaults (keypoints gt, VideoPose3D's split).
  const dataset = await datasets.readH36mNpzDataset(dir, {
    keypoints: 'gt',
    subjects: [...new Set([...trainSubjects, ...testSubjects])],
  });
  const t1 = performance.now();
  phases.afterRead = memory();
  const train = datasets.buildPose3dSamples(dataset, trainSubjects);
  phases.afterTrain = memory();
  const test = datasets.buildPose3dSamples(dataset, testSubjects);
  const t2 = performance.now();
  phases.afterTest = memory();
  const samplesBytes = (s) =>
    s.inputs.byteLength + s.targets.byteLength + (s.actionIndex?.byteLength ?? 0);
  process.stdout.write(
    `${JSON.stringify({
      readS: (t1 - t0) / 1000,
      buildS: (t2 - t1) / 1000,
      loadS: (t2 - t0) / 1000,
      trainCount: train.count,
      testCount: test.count,
      samplesMiB: Math.round((samplesBytes(train) + samplesBytes(test)) / MiB),
      phases,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      vmHwmBytes: vmHwmBytes(),
    })}\n`,
  );
}

/** Writes the synthetic set in its own process, so the parent stays small (see `memory`). */
async function writeSet(dir, framesPerAction) {
  const t = performance.now();
  await datasets.writeSyntheticH36mNpz(dir, { seed: 1, framesPerAction });
  process.stdout.write(`${JSON.stringify({ writeS: (performance.now() - t) / 1000 })}\n`);
}

/** Runs this script with `argv` in a fresh Node process; its last stdout line, parsed. */
function runSelf(argv) {
  const res = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...argv], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2' },
  });
  const line = res.stdout.trim().split('\n').at(-1) ?? '';
  if (res.status !== 0 || !line.startsWith('{')) {
    throw new Error(
      `${argv[0]} failed (${res.signal ? `killed by ${res.signal}` : `exit ${res.status}`})`,
    );
  }
  return JSON.parse(line);
}

// ---------------------------------------------------------------- parent

async function main() {
  if (args.child) return child(args.child);
  if (args.write) return writeSet(args.write, Number(args['frames-per-action']));
  const framesPerAction = args['frames-per-action']
    ? Number(args['frames-per-action'])
    : Math.ceil((REAL_FRAMES.train + REAL_FRAMES.test) / SYNTHETIC_SEQUENCES);
  const { model, avx512 } = cpuInfo();
  const env = {
    cpu: model,
    avx512,
    cores: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
  };
  const loadAtStart = loadavg().map((l) => Math.round(l * 100) / 100);
  console.log(
    `${env.cpu}, ${env.cores} cores, ${env.memGiB} GiB, AVX-512 ${env.avx512.join(' ') || 'none'}; load average ${loadAtStart.join(' ')}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'headroom-h36m-'));
  try {
    const { writeS } = runSelf(['--write', dir, '--frames-per-action', String(framesPerAction)]);
    const files = Object.fromEntries(
      ['data_3d_h36m.npz', 'data_2d_h36m_gt.npz'].map((f) => [f, statSync(join(dir, f)).size]),
    );
    console.log(
      `wrote ${framesPerAction} frames per action × ${SYNTHETIC_SEQUENCES} sequences in ${writeS.toFixed(1)} s: ${Object.entries(
        files,
      )
        .map(([f, b]) => `${f} ${(b / MiB).toFixed(1)} MiB`)
        .join(', ')}`,
    );

    const t = performance.now();
    const loaded = runSelf(['--child', dir]);
    const wallS = (performance.now() - t) / 1000;
    const peakGB = Math.max(loaded.maxRssBytes, loaded.vmHwmBytes) / GB;
    const result = {
      date: new Date().toISOString(),
      ...env,
      node: process.version,
      loadAtStart,
      loadAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
      framesPerAction,
      frames3d: framesPerAction * SYNTHETIC_SEQUENCES,
      fileBytes: files,
      parentRssMiBAtSpawn: Math.round(process.memoryUsage().rss / MiB),
      ...loaded,
      childWallS: wallS,
      peakRssGB: Math.round(peakGB * 100) / 100,
      withinLimit: peakGB <= 4,
    };
    const p = loaded.phases;
    console.log(
      `train ${loaded.trainCount} samples, test ${loaded.testCount}; samples ${loaded.samplesMiB} MiB`,
    );
    console.log(
      `load ${loaded.loadS.toFixed(1)} s (read ${loaded.readS.toFixed(1)} s + build ${loaded.buildS.toFixed(1)} s); peak RSS ${(loaded.maxRssBytes / MiB).toFixed(0)} MiB (maxRSS), ${(loaded.vmHwmBytes / MiB).toFixed(0)} MiB (VmHWM) = ${peakGB.toFixed(2)} GB (limit 4 GB: ${result.withinLimit ? 'within' : 'EXCEEDED'})`,
    );
    console.log(
      '| phase | RSS MiB | peak: maxRSS MiB | peak: VmHWM MiB | V8 heap MiB | ArrayBuffers MiB |',
    );
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const [name, m] of Object.entries(p)) {
      console.log(
        `| ${name} | ${m.rssMiB} | ${m.maxRssMiB} | ${m.vmHwmMiB} | ${m.heapUsedMiB} | ${m.arrayBuffersMiB} |`,
      );
    }
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
