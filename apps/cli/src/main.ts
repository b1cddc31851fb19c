#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { isHeadroomError } from '@headroom/errors';
import { runDataSynth } from './commands/data';
import { runDemo } from './commands/demo';
import { runEval } from './commands/eval';
import { createSweepCommand, retryFailedCommand, showSweepCommand, sweepActionCommand, workersCommand } from './commands/sweep';
import { runUp } from './commands/up';
import { runWorker } from './commands/worker';
import { DEFAULT_API_URL, resolveApiUrl } from './stack-state';

const USAGE = `usage: headroom <command>

  demo [--verbose]                          a 4-trial sweep on an embedded stack, then the leaderboard
  up [--train-workers N] [--pool NAME] [--port P]
                                            the local control plane (state in HEADROOM_DATA_DIR, default ./.headroom)
  worker [--pool NAME] [--slots N]          a train worker on the pool's task queue (one per GPU)
  worker --control                          a control worker (needs DATABASE_URL)
  workers [--pool NAME] [--json]            train workers that registered, with their last-seen time

  sweep create FILE [--wait] [--json]       launch a sweep from a YAML/JSON file; --wait shows progress
  sweep show ID [--json]                    trials, attempts, resumed epochs, metrics, leaderboard
  sweep pause|resume|cancel ID
  trials retry-failed SWEEP_ID [--trial ID]…  run failed/cancelled trials again from their checkpoints

  eval pose3d --gt GT.json --pred PRED.json [--json]   MPJPE / P-MPJPE (mm), arrays [N][17][3]
  eval coco --gt GT.json --dt DT.json [--json]         COCO keypoint AP/AR, as pycocotools
  data synth coco --out DIR --images N [--seed S]      a synthetic COCO keypoints set (JSON + JPEG)

  --api URL    the GraphQL endpoint (default: HEADROOM_API_URL, else the running \`headroom up\`, else ${DEFAULT_API_URL})
`;

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      api: { type: 'string' },
      gt: { type: 'string' },
      pred: { type: 'string' },
      dt: { type: 'string' },
      json: { type: 'boolean', default: false },
      wait: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      control: { type: 'boolean', default: false },
      pool: { type: 'string' },
      slots: { type: 'string' },
      port: { type: 'string' },
      'train-workers': { type: 'string' },
      trial: { type: 'string', multiple: true },
      out: { type: 'string' },
      images: { type: 'string' },
      seed: { type: 'string' },
      width: { type: 'string' },
      height: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parse(argv);
  } catch (err) {
    // An unknown or malformed option is the user's to fix: say which, show the usage.
    process.stderr.write(`headroom: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  const common = { api: resolveApiUrl(values.api), json: values.json };
  switch (command) {
    case 'demo':
      return runDemo({ verbose: values.verbose });
    case 'up':
      return runUp({ trainWorkers: values['train-workers'], pool: values.pool, port: values.port, verbose: values.verbose });
    case 'worker':
      return runWorker({ pool: values.pool, slots: values.slots, control: values.control });
    case 'workers':
      return workersCommand(values.pool, common);
    case 'eval':
      return runEval(sub, values);
    case 'data':
      if (sub !== 'synth') break;
      return runDataSynth(arg, values);
    case 'sweep':
      if (sub === 'create') return createSweepCommand(arg, { ...common, wait: values.wait });
      if (sub === 'show') return showSweepCommand(arg, common);
      if (sub === 'pause' || sub === 'resume' || sub === 'cancel') return sweepActionCommand(sub, arg, common);
      break;
    case 'trials':
      if (sub === 'retry-failed') return retryFailedCommand(arg, values.trial ?? [], common);
      break;
  }
  process.stderr.write(`headroom: unknown command ${positionals.join(' ')}\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Bad input is the user's to fix (exit 2); anything else is ours or the environment's (exit 1).
    if (isHeadroomError(err)) {
      console.error(`headroom: ${err.message}`);
      process.exit(err.code === 'INVALID_INPUT' || err.code === 'INVALID_SPEC' ? 2 : 1);
    }
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
