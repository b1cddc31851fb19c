// A Headroom program trial in Node.js (docs/programs.md): fits y = 3x + 1 by gradient descent.
//
// Headroom runs it as `node train.mjs --epochs=8 --lr=0.05 ...` (the sweep's `command`), in the
// sweep's `workdir`, with HEADROOM_CHECKPOINT_DIR (this trial's directory, the same for every
// attempt), HEADROOM_RESUME=1 when an earlier attempt ran (pick up from the checkpoint there),
// HEADROOM_SWEEP_ID, HEADROOM_TRIAL_ID and HEADROOM_ATTEMPT.
//
// Each JSON-object line on stdout is one epoch's metrics; anything else is only logged. Exit 0:
// succeeded; exit 78: a configuration no retry can fix (the trial fails at once); any other
// non-zero exit is retried. No dependencies.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const PERMANENT = 78; // EX_CONFIG: Headroom does not retry it

// `--name=value` as W&B's ${args} writes them.
const args = { lr: 0.05, epochs: 8, seed: 0, epoch_seconds: 0 };
for (const arg of process.argv.slice(2)) {
  const m = /^--([^=]+)=(.*)$/.exec(arg);
  if (!m || !(m[1] in args)) {
    console.error(`unknown argument ${arg}; this program takes ${Object.keys(args).join(', ')}`);
    process.exit(PERMANENT);
  }
  args[m[1]] = Number(m[2]);
}

// SIGTERM (cancel, pause, a worker shutting down): finish the epoch, checkpoint, stop.
let stopping = false;
process.on('SIGTERM', () => (stopping = true));

// A seeded generator (mulberry32), so every attempt sees the same data.
let s = args.seed >>> 0;
const random = () => {
  s = (s + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const data = Array.from({ length: 256 }, () => {
  const x = random() * 2 - 1;
  return [x, 3 * x + 1 + (random() - 0.5) * 0.2];
});
const train = data.slice(0, 200);
const val = data.slice(200);
const loss = (points, w, b) =>
  points.reduce((sum, [x, y]) => sum + (w * x + b - y) ** 2, 0) / points.length;

const statePath = join(process.env.HEADROOM_CHECKPOINT_DIR ?? '.', 'state.json');
let state = { epoch: 0, w: 0, b: 0 };
if (process.env.HEADROOM_RESUME === '1' && existsSync(statePath)) {
  state = JSON.parse(readFileSync(statePath, 'utf8'));
  console.log(`resuming from epoch ${state.epoch}`);
}
const report = (epoch) =>
  console.log(
    JSON.stringify({
      epoch,
      loss: loss(train, state.w, state.b),
      val_loss: loss(val, state.w, state.b),
    }),
  );
// The checkpoint's epoch again: the killed attempt may have died before Headroom heard of it
// (an epoch reported twice is recorded once).
if (state.epoch > 0) report(state.epoch);

for (let epoch = state.epoch + 1; epoch <= args.epochs; epoch++) {
  const gw = train.reduce((g, [x, y]) => g + 2 * (state.w * x + state.b - y) * x, 0) / train.length;
  const gb = train.reduce((g, [x, y]) => g + 2 * (state.w * x + state.b - y), 0) / train.length;
  state = { epoch, w: state.w - args.lr * gw, b: state.b - args.lr * gb };
  await sleep(args.epoch_seconds * 1000);
  // Checkpoint atomically (write, then rename), then report the epoch.
  writeFileSync(`${statePath}.tmp`, JSON.stringify(state));
  renameSync(`${statePath}.tmp`, statePath);
  report(epoch);
  if (stopping) {
    console.log(`stopping after epoch ${epoch} (SIGTERM)`);
    process.exit(0);
  }
}
