#!/usr/bin/env node
// Runs one trial of a sweep file through the worker's trainer in this process, without
// Temporal or a database, and prints every epoch's metrics with the wall time so far:
//
//   node apps/worker/scripts/train-trial.mjs examples/sweeps/pose2d-synthetic.yaml \
//     [--trial N] [--artifacts DIR] [--backend tensorflow|wasm|cpu] [--json]
//
// Needs the built packages (`pnpm exec turbo run build`). Artifacts (checkpoints, final
// weights; for pose2d synthetic data also `<DIR>/../datasets/`) go to DIR, default
// `.headroom/try/artifacts`; a second run of the same trial resumes from its checkpoints.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(resolve(here, '..', 'package.json'));
const { parseSweepText, trialAt, countTrials, describeTrial } = require('@headroom/sweep');
const { selectBackend } = require('@headroom/models');
const { TRAINERS } = require('./dist/trainer/trainers.js');
const { plainHooks } = require('./dist/trainer/hooks.js');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    trial: { type: 'string', default: '0' },
    artifacts: { type: 'string', default: '.headroom/try/artifacts' },
    backend: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const file = positionals[0];
if (!file) {
  console.error(
    'usage: train-trial.mjs SWEEP.yaml [--trial N] [--artifacts DIR] [--backend B] [--json]',
  );
  process.exit(2);
}
const spec = parseSweepText(readFileSync(file, 'utf8'), file);
const train = TRAINERS[spec.task];
if (!train) {
  console.error(
    `task ${spec.task} has no trainer yet; this script runs ${Object.keys(TRAINERS).join(', ')}`,
  );
  process.exit(2);
}
const index = Number(values.trial);
const count = countTrials(spec);
const params = trialAt(spec, index);
const backend = await selectBackend(values.backend);
const print = (line, obj) => console.log(values.json ? JSON.stringify(obj) : line);
print(
  `${spec.name} trial ${index} of ${count}: ${describeTrial(params)} on ${backend.backend}, ${backend.device}`,
  {
    event: 'start',
    sweep: spec.name,
    trial: index,
    params,
    backend: backend.backend,
    device: backend.device,
  },
);

const t0 = performance.now();
const seconds = () => Number(((performance.now() - t0) / 1000).toFixed(1));
const fmt = (metrics) =>
  Object.entries(metrics)
    .map(([k, v]) => `${k} ${v === null ? '—' : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(4)}`)
    .join(' · ');
const result = await train(
  {
    sweepId: 'try',
    trialId: `try-${spec.name}-${index}`,
    task: spec.task,
    dataset: spec.dataset,
    params,
  },
  plainHooks(resolve(values.artifacts), backend, {
    onStart: async ({ resumedFromEpoch }) =>
      print(
        `data ready after ${seconds()} s${resumedFromEpoch ? `; resumed after epoch ${resumedFromEpoch}` : ''}`,
        {
          event: 'started',
          seconds: seconds(),
          resumedFromEpoch,
        },
      ),
    onEpoch: async (r) =>
      print(`epoch ${r.epoch} at ${seconds()} s: ${fmt(r.metrics)}`, {
        event: 'epoch',
        epoch: r.epoch,
        seconds: seconds(),
        metrics: r.metrics,
      }),
    warn: (m) => console.error(`warning: ${m}`),
  }),
);
print(
  `done in ${seconds()} s: ${fmt(result.metrics)}; ${result.paramCount} parameters; weights ${result.artifactPath}` +
    (result.artifacts.length
      ? `; ${result.artifacts.length} artifacts in ${dirname(result.artifacts[0].path)}`
      : ''),
  {
    event: 'done',
    seconds: seconds(),
    ...result,
  },
);
