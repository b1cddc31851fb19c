import { Command, CommanderError, Help, Option } from 'commander';
import { runDataCheck, runDataSynth, type DataSynthOptions } from './commands/data';
import { runEval } from './commands/eval';
import { leaderboardCommand, type LeaderboardOptions } from './commands/leaderboard';
import {
  createSweepCommand,
  exportSweepCommand,
  retryFailedCommand,
  showSweepCommand,
  sweepActionCommand,
  workersCommand,
} from './commands/sweep';
import { DEFAULT_API_URL, resolveApi } from './stack-state';
import type { WorkerOptions } from './commands/worker';

export const USAGE = `usage: headroom <command>

  demo [--verbose]                          a 4-trial sweep on an embedded stack, then the leaderboard
  up [--train-workers N] [--pool NAME] [--port P] [--verbose]
                                            the local control plane (state in HEADROOM_DATA_DIR, default ./.headroom)
  worker [--pool NAME] [--slots N]          a train worker on the pool's task queue (one per GPU)
  worker --gpus all|0,2 [--allow-cpu]       one train worker per GPU, restarted when one crashes
  worker --control                          a control worker (needs DATABASE_URL)
  workers [--pool NAME] [--json]            train workers that registered, with their last-seen time

  sweep validate FILE [--json] [--sample K] check a sweep file (W&B's format) and show K of its trials; exit 2 if invalid
  sweep create FILE [--wait] [--json]       launch a sweep from a YAML/JSON file; --wait follows it live
  sweep show ID [--watch] [--json]          trials, attempts, resumed epochs, metrics, leaderboard; --watch follows it live
  sweep pause|resume|cancel ID [--json]
  sweep update ID [--run-cap N] [--max-concurrent N] [--add 'd_h=[96,128]']… [--stop] [--json]
                                            change a running sweep: trial count, concurrency, grid values, stop early
  leaderboard --task T [--metric M] [--group-by geometry|trial] [--sweep ID]… [--epoch final|best] [--json]
  leaderboard --task T [--pareto params|flops] [--with-references] [--limit N] [--format table|markdown|csv|json]
                                            a results table: a row per head geometry (mean ± std over seeds) or per trial
  export SWEEP_ID [--format csv|jsonl] [--per-epoch] [--out FILE]
                                            every trial with its parameters and metrics, for pandas or a spreadsheet
  trials retry-failed SWEEP_ID [--trial ID]… [--json]
                                            run failed/cancelled trials again from their checkpoints
  trials logs TRIAL_ID [--lines N] [--follow]
                                            a program trial's log (stdout and stderr); --follow until it ends

  token create --role viewer|researcher|admin --name N [--owner O] [--expires 30d] [--json]
                                            a new API token (admins), printed once
  token list [--json]                       every token, without its secret (admins)
  token revoke ID [--json]                  the token fails from the next request on (admins)
  audit [--sweep ID] [--limit N] [--json]   who did what, newest first (admins)

  eval pose3d --gt GT.json --pred PRED.json [--json]   MPJPE / P-MPJPE (mm), arrays [N][17][3]
  eval coco --gt GT.json --dt DT.json [--json]         COCO keypoint AP/AR, as pycocotools
  eval auc --labels LABELS.json --scores SCORES.json [--classes A,B,…] [--json]
                                                       per-class ROC AUC and mean, arrays [N][C]
  data synth coco --out DIR --images N [--seed S] [--width W] [--height H]
                                                       a synthetic COCO keypoints set (JSON + JPEG)
  data synth h36m --out DIR [--frames N] [--seed S]
                                                       a synthetic Human3.6M as VideoPose3D's .npz files
  data synth chestxray14 --out DIR [--images N] [--seed S] [--size PX]
                                                       a synthetic ChestX-ray14 set (CSV, split lists, grey PNGs)
  data check coco|h36m|chestxray14 PATH [--json] [--extra CSV]…
                                                       read a data folder as the trainer will: a summary, exit 2 if broken

  --help       this page; after a command, that command's options
  --api URL    the GraphQL endpoint (default: HEADROOM_API_URL, else the running \`headroom up\`, else ${DEFAULT_API_URL})
  --token T    the API token (default: HEADROOM_TOKEN, else for an API on this machine the one \`headroom up\` wrote to HEADROOM_DATA_DIR/token)
`;

/** Help as the user reads it: the overview above for `headroom --help`, commander's per command. */
const help: Partial<Help> = {
  showGlobalOptions: true,
  styleTitle: (title) => title.toLowerCase(),
  formatHelp: (cmd, helper) =>
    cmd.parent ? Help.prototype.formatHelp.call(helper, cmd, helper) : USAGE,
};

const jsonOption = () => new Option('--json', 'print JSON, for scripts');
const poolOption = (what: string) => new Option('--pool <NAME>', what);

/**
 * The command tree. Each command declares the options and positionals it takes and no other,
 * so an option meant for another command is a usage error naming both. `exit` receives the
 * command's exit code.
 */
export function buildProgram(exit: (code: number) => void): Command {
  const program = new Command('headroom')
    .option(
      '--api <URL>',
      `the GraphQL endpoint (default: HEADROOM_API_URL, else the running \`headroom up\`, else ${DEFAULT_API_URL})`,
    )
    .option(
      '--token <T>',
      'the API token (default: HEADROOM_TOKEN, else for an API on this machine the one `headroom up` wrote to HEADROOM_DATA_DIR/token)',
    )
    .configureHelp(help)
    .showHelpAfterError()
    .exitOverride();
  const api = (cmd: Command) => resolveApi(cmd.optsWithGlobals<{ api?: string; token?: string }>());

  program
    .command('demo')
    .description('a 4-trial sweep on an embedded stack, then the leaderboard')
    .option('--verbose', "echo the stack's own output")
    .action(async (opts: { verbose?: boolean }) => {
      // The local stack takes a second to load: only the commands that start it pay for it.
      const { runDemo } = await import('./commands/demo.js');
      exit(await runDemo({ verbose: opts.verbose }));
    });

  program
    .command('up')
    .description('the local control plane (state in HEADROOM_DATA_DIR, default ./.headroom)')
    .option('--train-workers <N>', 'train workers to start (default 1)')
    .addOption(poolOption('their pool (default: default)'))
    .option('--port <P>', 'the API port (default 4000, else a free one)')
    .option('--verbose', "echo the stack's own output")
    .action(
      async (opts: { trainWorkers?: string; pool?: string; port?: string; verbose?: boolean }) => {
        const { runUp } = await import('./commands/up.js');
        exit(await runUp(opts));
      },
    );

  program
    .command('worker')
    .description(
      "a train worker on the pool's task queue (one per GPU), or with --control a control worker (needs DATABASE_URL)",
    )
    .addOption(poolOption('the pool whose task queue it polls (default: default)'))
    .option('--slots <N>', 'trials it trains at once (default 1)')
    .option('--control', 'run a control worker instead')
    .addOption(
      new Option(
        '--gpus <all|0,2>',
        "one train worker per GPU (nvidia-smi's indices), each restarted when it crashes",
      ).conflicts('control'),
    )
    .addOption(
      new Option(
        '--allow-cpu',
        'with --gpus: train on the CPU when the CUDA libraries do not load',
      ).conflicts('control'),
    )
    .action(async (opts: WorkerOptions) => {
      const { runWorker } = await import('./commands/worker.js');
      exit(await runWorker(opts));
    });

  program
    .command('workers')
    .description('train workers that registered, with their last-seen time')
    .addOption(poolOption('only this pool'))
    .addOption(jsonOption())
    .action(async (opts: { pool?: string; json?: boolean }, cmd: Command) =>
      exit(await workersCommand(opts.pool, { api: api(cmd), json: opts.json })),
    );

  const sweep = program.command('sweep').description('launch, show and steer sweeps');
  sweep
    .command('validate')
    .description(
      "parse, check and expand a sweep file (W&B's format) without launching it or reaching the API",
    )
    .argument('<FILE>', 'the sweep file')
    .option('--sample <K>', 'trials to show (default 3)')
    .addOption(jsonOption())
    .action(async (file: string, opts: { json?: boolean; sample?: string }) => {
      const { validateSweepCommand } = await import('./commands/validate.js');
      exit(validateSweepCommand(file, opts));
    });
  sweep
    .command('create')
    .description('launch a sweep from a YAML/JSON file')
    .argument('<FILE>', 'the sweep file')
    .option('--wait', 'show progress until the sweep ends; exit 0 only if it succeeded')
    .addOption(jsonOption())
    .action(async (file: string, opts: { wait?: boolean; json?: boolean }, cmd: Command) =>
      exit(await createSweepCommand(file, { api: api(cmd), json: opts.json, wait: opts.wait })),
    );
  sweep
    .command('show')
    .description('trials, attempts, resumed epochs, metrics, leaderboard')
    .argument('<ID>', 'the sweep id')
    .option('--watch', 'follow it live until it ends; exit 0 only if it succeeded')
    .addOption(jsonOption())
    .action(async (id: string, opts: { watch?: boolean; json?: boolean }, cmd: Command) =>
      exit(await showSweepCommand(id, { api: api(cmd), json: opts.json, watch: opts.watch })),
    );
  for (const [action, description] of [
    ['pause', 'running trials finish their epoch and stop; no new trial starts'],
    ['resume', 'paused trials continue from their checkpoints'],
    ['cancel', 'stop every trial; the sweep ends cancelled'],
  ] as const) {
    sweep
      .command(action)
      .description(description)
      .argument('<ID>', 'the sweep id')
      .addOption(jsonOption())
      .action(async (id: string, opts: { json?: boolean }, cmd: Command) =>
        exit(await sweepActionCommand(action, id, { api: api(cmd), json: opts.json })),
      );
  }

  sweep
    .command('update')
    .description(
      'change a running sweep: run_cap, max_concurrent, values added to a grid parameter, or stop (running trials finish)',
    )
    .argument('<ID>', 'the sweep id')
    .option('--run-cap <N>', 'the number of trials (at least those started)')
    .option('--max-concurrent <N>', 'trials at once')
    .option(
      '--add <NAME=[VALUES]>',
      "values for a grid parameter, e.g. 'd_h=[96,128]' (repeatable): new trials for the new points only",
      (text: string, all: string[] = []) => [...all, text],
    )
    .option('--stop', 'start no new trial; running ones finish, then the sweep ends')
    .addOption(jsonOption())
    .action(
      async (
        id: string,
        opts: {
          runCap?: string;
          maxConcurrent?: string;
          add?: string[];
          stop?: boolean;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const { updateSweepCommand } = await import('./commands/sweep-update.js');
        exit(await updateSweepCommand(id, { ...opts, api: api(cmd) }));
      },
    );

  program
    .command('leaderboard')
    .description(
      "a task's results table: a row per head geometry (mean ± std over seeds) or per trial",
    )
    .option('--task <TASK>', 'pose3d, pose2d or chest')
    .option('--metric <NAME>', "the metric to rank by (default: the task's)")
    .option('--group-by <HOW>', 'geometry (default) or trial')
    .option(
      '--sweep <ID>',
      'only this sweep (repeatable; default: every sweep of the task)',
      (id: string, all: string[] = []) => [...all, id],
    )
    .option('--epoch <WHICH>', "final (default) or best: each trial's last or best epoch")
    .option('--pareto <COST>', 'params or flops: only the rows no cheaper row beats')
    .option(
      '--with-references',
      'published rows (papers, the thesis tables) beside the measured ones',
    )
    .option('--limit <N>', 'rows (default 20)')
    .option('--format <FORMAT>', 'table (default), markdown, csv or json')
    .addOption(jsonOption())
    .action(async (opts: Omit<LeaderboardOptions, 'api'>, cmd: Command) =>
      exit(await leaderboardCommand({ api: api(cmd), ...opts })),
    );

  program
    .command('export')
    .description('every trial of a sweep with its parameters and metrics, as CSV or JSON lines')
    .argument('<SWEEP_ID>', 'the sweep id')
    .option('--format <FORMAT>', 'csv (default) or jsonl')
    .option('--per-epoch', 'csv: a line per trial and epoch instead of per trial')
    .option('--out <FILE>', 'write to FILE instead of standard output')
    .action(
      async (
        id: string,
        opts: { format?: string; perEpoch?: boolean; out?: string },
        cmd: Command,
      ) => exit(await exportSweepCommand(id, { api: api(cmd), ...opts })),
    );

  const trials = program.command('trials').description('act on the trials of a sweep');
  trials
    .command('retry-failed')
    .description('run failed/cancelled trials again from their checkpoints')
    .argument('<SWEEP_ID>', 'the sweep id')
    .option(
      '--trial <ID>',
      'only this trial (repeatable); default: every failed or cancelled one',
      (id: string, ids: string[] = []) => [...ids, id],
    )
    .addOption(jsonOption())
    .action(async (sweepId: string, opts: { trial?: string[]; json?: boolean }, cmd: Command) =>
      exit(await retryFailedCommand(sweepId, opts.trial ?? [], { api: api(cmd), json: opts.json })),
    );
  trials
    .command('logs')
    .description("a program trial's log (stdout and stderr of every attempt)")
    .argument('<TRIAL_ID>', 'the trial id, SWEEP_ID-INDEX')
    .option('--lines <N>', 'lines of the end to print (default 50, at most 1000)')
    .option('--follow', 'then print what the program writes, until the trial ends')
    .action(async (trialId: string, opts: { lines?: string; follow?: boolean }, cmd: Command) => {
      const { trialLogsCommand } = await import('./commands/trial-logs.js');
      exit(
        await trialLogsCommand(trialId, { api: api(cmd), lines: opts.lines, follow: opts.follow }),
      );
    });

  const token = program.command('token').description('API tokens (admins)');
  token
    .command('create')
    .description('a new API token, printed once')
    .option('--role <ROLE>', 'viewer, researcher or admin')
    .option('--name <N>', 'who or what it is for, e.g. alice; also its owner unless --owner')
    .option('--owner <O>', 'who it acts for: the sweeps it creates are theirs')
    .option('--expires <LIFETIME>', 'e.g. 90m, 12h, 30d, 2w (default: never)')
    .addOption(jsonOption())
    .action(
      async (
        opts: { role?: string; name?: string; owner?: string; expires?: string; json?: boolean },
        cmd: Command,
      ) => {
        const { createTokenCommand } = await import('./commands/access.js');
        exit(await createTokenCommand({ api: api(cmd), ...opts }));
      },
    );
  token
    .command('list')
    .description('every token, without its secret')
    .addOption(jsonOption())
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { listTokensCommand } = await import('./commands/access.js');
      exit(await listTokensCommand({ api: api(cmd), json: opts.json }));
    });
  token
    .command('revoke')
    .description('the token fails from the next request on')
    .argument('<ID>', 'the token id (hr_<id>_…), as `token list` shows it')
    .addOption(jsonOption())
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const { revokeTokenCommand } = await import('./commands/access.js');
      exit(await revokeTokenCommand(id, { api: api(cmd), json: opts.json }));
    });

  program
    .command('audit')
    .description('who did what, newest first (admins)')
    .option('--sweep <ID>', 'only this sweep')
    .option('--limit <N>', 'entries (default 100)')
    .addOption(jsonOption())
    .action(async (opts: { sweep?: string; limit?: string; json?: boolean }, cmd: Command) => {
      const { auditCommand } = await import('./commands/access.js');
      exit(await auditCommand({ api: api(cmd), ...opts }));
    });

  const evaluate = program.command('eval').description('score predictions against ground truth');
  evaluate
    .command('pose3d')
    .description('MPJPE / P-MPJPE (mm), arrays [N][17][3]')
    .option('--gt <GT.json>', 'ground-truth poses')
    .option('--pred <PRED.json>', 'predicted poses')
    .addOption(jsonOption())
    .action((opts: { gt?: string; pred?: string; json?: boolean }) =>
      exit(runEval('pose3d', opts)),
    );
  evaluate
    .command('coco')
    .description('COCO keypoint AP/AR, as pycocotools')
    .option('--gt <GT.json>', 'COCO keypoint annotations')
    .option('--dt <DT.json>', 'COCO results list')
    .addOption(jsonOption())
    .action((opts: { gt?: string; dt?: string; json?: boolean }) => exit(runEval('coco', opts)));
  evaluate
    .command('auc')
    .description('per-class ROC AUC (as scikit-learn) and their mean, arrays [N][C]')
    .option('--labels <LABELS.json>', 'labels 0/1, one row per example, one column per class')
    .option('--scores <SCORES.json>', 'scores, the same shape')
    .option('--classes <A,B,…>', 'class names, one per column')
    .addOption(jsonOption())
    .action((opts: { labels?: string; scores?: string; classes?: string; json?: boolean }) =>
      exit(runEval('auc', opts)),
    );

  const data = program.command('data').description('data sets for sweeps and benchmarks');
  data
    .command('synth')
    .description('a synthetic data set in the real format, for tests and demos')
    .argument('<KIND>', 'the kind of set: coco, h36m, chestxray14')
    .option('--out <DIR>', 'where to write it')
    .option('--images <N>', 'images in the set (chestxray14: default 600)')
    .option('--seed <S>', 'the random seed (default 1)')
    .option('--width <W>', 'coco: image width in pixels')
    .option('--height <H>', 'coco: image height in pixels')
    .option('--size <PX>', 'chestxray14: side of the square images in pixels (default 64)')
    .option('--frames <N>', 'h36m: frames per subject and action (default 100)')
    .action(async (kind: string, opts: DataSynthOptions) => exit(await runDataSynth(kind, opts)));
  data
    .command('check')
    .description('read a data folder as the trainer will and summarise it; exit 2 if broken')
    .argument('<KIND>', 'the kind of set: coco, h36m, chestxray14')
    .argument('<PATH>', "the folder, as the sweep's dataset.path")
    .option(
      '--extra <CSV>',
      "chestxray14: an extra CSV, as the sweep's dataset.extra (repeatable)",
      (csv: string, all: string[] = []) => [...all, csv],
    )
    .addOption(jsonOption())
    .action(async (kind: string, path: string, opts: { json?: boolean; extra?: string[] }) =>
      exit(await runDataCheck(kind, path, opts)),
    );

  nameErrors(program, 'headroom');
  return program;
}

/** Usage errors say which command refused what, as `headroom sweep create: unknown option '--gt'`. */
function nameErrors(cmd: Command, path: string): void {
  cmd.configureOutput({
    outputError: (message, write) => write(`${path}: ${message.replace(/^error: /, '')}`),
  });
  for (const sub of cmd.commands) nameErrors(sub, `${path} ${sub.name()}`);
}

/** Runs one command line; resolves to its exit code (2: usage error). */
export async function runCli(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    // Commander has printed the message and the command's usage; asked-for help is a success.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
  return code;
}
