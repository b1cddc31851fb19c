import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HeadroomError } from '@headroom/errors';
import { buildCommand, DEFAULT_COMMAND, type MetricValues } from '@headroom/sweep';
import {
  PROGRAM_CHECKPOINT_DIR_NAME,
  PROGRAM_EXIT_PERMANENT,
  PROGRAM_LOG_NAME,
  programTrialDir,
  type EpochReport,
  type RunProgramInput,
  type TrainHeartbeat,
  type TrainTrialResult,
} from '@headroom/sweep/temporal';
import { WorkerDraining } from '../trainer/hooks';
import { GUARD_SOURCE } from './guard';
import { parseProgressLine, ProgressTracker } from './progress';
import { resolveProgramPaths } from './roots';

/** How a program run talks to the outside world; the activity supplies Temporal-backed ones, tests plain ones. */
export interface ProgramHooks {
  artifactsDir: string;
  /** The worker's HEADROOM_PROGRAM_ROOTS, parsed; undefined: program trials are refused. */
  roots: readonly string[] | undefined;
  /** Temporal's attempt number of this run (1 first). */
  attempt: number;
  /** What an earlier attempt reported last (heartbeat details): where epochs and final metrics go on from. */
  previous?: TrainHeartbeat;
  /** The worker's identity and device, for the log and the result. */
  worker: string;
  device: string;
  /** The worker's environment, passed on to the program without the worker's own secrets. */
  env: NodeJS.ProcessEnv;
  /** The worker's working directory: the default workdir, and what a relative workdir is relative to. */
  cwd: string;
  /** SIGTERM to SIGKILL when stopping the program. */
  graceMs: number;
  /** How often to heartbeat while the program runs, whether or not it reports. */
  heartbeatEveryMs?: number;
  onStart(): Promise<void>;
  heartbeat(details: TrainHeartbeat): void;
  onEpoch(report: EpochReport): Promise<void>;
  cancelled: AbortSignal;
  draining?: AbortSignal;
}

/** The program ended with a non-zero exit (or a signal it was not sent by Headroom). */
export class ProgramFailed extends Error {
  constructor(
    message: string,
    /** Exit code PROGRAM_EXIT_PERMANENT: the program says a retry cannot help. */
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'ProgramFailed';
  }
}

/** Stopped on request (cancel, prune, pause): the activity reports a cancellation. */
export class ProgramStopped extends Error {
  constructor() {
    super('the program was stopped on request');
    this.name = 'ProgramStopped';
  }
}

/** Lines of the log a failure carries (and keeps in memory while the program runs). */
export const LOG_TAIL_LINES = 20;
const LOG_TAIL_CHARS = 4000;

/** The worker's own credentials, never handed to a user's program. */
const WORKER_SECRETS = /^(TEMPORAL_|DATABASE_URL$|HEADROOM_TOKEN$|PG[A-Z]+$)/;

/**
 * One attempt of a program trial (see docs/programs.md): the sweep's command line built from the
 * trial's parameters, run in its workdir in a process group of its own (behind `guard.js`, which
 * ends it if this worker dies), its stdout and stderr appended to the trial's log, each JSON-object
 * line of stdout reported as an epoch. Cancel and drain send SIGTERM to the group, SIGKILL after
 * the grace. Exit 0: the result (the latest value of each metric); else `ProgramFailed` with the
 * log's tail, permanent for exit PROGRAM_EXIT_PERMANENT.
 */
export async function runProgram(
  input: RunProgramInput,
  hooks: ProgramHooks,
): Promise<TrainTrialResult> {
  const command = input.program.command ?? DEFAULT_COMMAND;
  if (!command.includes('${program}'))
    throw HeadroomError.invalid('INVALID_SPEC', 'sweep spec', [
      {
        path: 'command',
        message:
          'must run ${program} (e.g. [${env}, ${interpreter}, ${program}, ${args}]): a worker runs only programs inside its HEADROOM_PROGRAM_ROOTS',
      },
    ]);
  const paths = await resolveProgramPaths(input.program, hooks.roots, hooks.cwd);
  const trialDir = programTrialDir(hooks.artifactsDir, input.sweepId, input.trialId);
  const checkpointDir = join(trialDir, PROGRAM_CHECKPOINT_DIR_NAME);
  const logPath = join(trialDir, PROGRAM_LOG_NAME);
  await mkdir(checkpointDir, { recursive: true });

  const resume = hooks.attempt > 1 || input.resume === true;
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(hooks.env)) if (!WORKER_SECRETS.test(k)) env[k] = v;
  Object.assign(env, {
    HEADROOM_SWEEP_ID: input.sweepId,
    HEADROOM_TRIAL_ID: input.trialId,
    HEADROOM_ATTEMPT: String(hooks.attempt),
    HEADROOM_CHECKPOINT_DIR: checkpointDir,
    // Python buffers a pipe's output; progress must arrive as it is printed.
    PYTHONUNBUFFERED: '1',
  });
  if (resume) env.HEADROOM_RESUME = '1';
  else delete env.HEADROOM_RESUME;
  const built = buildCommand({ ...input.program, command: [...command] }, input.params, {
    env,
    argsJsonFile: join(trialDir, 'args.json'),
  });
  if (built.argsJsonFile) await writeFile(built.argsJsonFile.path, built.argsJsonFile.content);

  const log = createWriteStream(logPath, { flags: 'a' });
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > LOG_TAIL_LINES) tail.shift();
  };
  log.write(
    `── headroom: attempt ${hooks.attempt}${resume ? ' (resume)' : ''} on ${hooks.worker} at ${new Date().toISOString()}: ${built.argv.join(' ')} (in ${paths.workdir})\n`,
  );

  const progress = new ProgressTracker(hooks.previous);
  const beat = () => hooks.heartbeat({ epoch: progress.epoch, metrics: progress.metrics });
  beat();
  await hooks.onStart();

  const child = spawn(process.execPath, ['-e', GUARD_SOURCE, '--', ...built.argv], {
    cwd: paths.workdir,
    env: { ...env, HEADROOM_GUARD_GRACE_MS: String(hooks.graceMs) },
    // Its own process group: a stop signals the program and everything it started.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;

  // Epochs are reported one at a time, in the order printed; the result waits for all of them.
  let reports: Promise<void> = Promise.resolve();
  let reportError: unknown;
  const stdout = createInterface({ input: child.stdout! });
  stdout.on('line', (line) => {
    log.write(`${line}\n`);
    remember(line);
    const parsed = parseProgressLine(line);
    const epoch = parsed && progress.take(parsed);
    if (!epoch) return;
    beat();
    reports = reports.then(() =>
      hooks
        .onEpoch({ trialId: input.trialId, epoch: epoch.epoch, metrics: epoch.metrics })
        .catch((err: unknown) => void (reportError ??= err)),
    );
  });
  const stderr = createInterface({ input: child.stderr! });
  stderr.on('line', (line) => {
    log.write(`${line}\n`);
    remember(line);
  });
  const outputsClosed = Promise.all([once(stdout, 'close'), once(stderr, 'close')]);

  let stopping: 'cancelled' | 'draining' | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const stop = (why: 'cancelled' | 'draining') => {
    if (stopping) return;
    stopping = why;
    log.write(
      `── headroom: ${why === 'draining' ? 'the worker is shutting down' : 'stop requested'}; SIGTERM, SIGKILL after ${hooks.graceMs} ms\n`,
    );
    signalGroup('SIGTERM');
    killTimer = setTimeout(() => signalGroup('SIGKILL'), hooks.graceMs);
  };
  const onCancel = () => stop('cancelled');
  const onDrain = () => stop('draining');
  hooks.cancelled.addEventListener('abort', onCancel);
  hooks.draining?.addEventListener('abort', onDrain);
  if (hooks.cancelled.aborted) onCancel();
  else if (hooks.draining?.aborted) onDrain();
  const ticker = setInterval(beat, hooks.heartbeatEveryMs ?? 1000);

  let code: number | null;
  let signal: NodeJS.Signals | null;
  try {
    [code, signal] = await exited;
    await outputsClosed;
  } finally {
    clearInterval(ticker);
    clearTimeout(killTimer);
    hooks.cancelled.removeEventListener('abort', onCancel);
    hooks.draining?.removeEventListener('abort', onDrain);
  }
  // Anything still running in the group (a child the program left behind) ends with the attempt.
  signalGroup('SIGKILL');
  await reports;
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  log.end(`── headroom: the program ${how}\n`);
  await once(log, 'close');
  beat();
  if (reportError) throw reportError;

  if (stopping === 'cancelled') throw new ProgramStopped();
  if (stopping === 'draining') throw new WorkerDraining(progress.epoch);
  if (code !== 0) {
    const permanent = code === PROGRAM_EXIT_PERMANENT;
    const lines = tail.join('\n');
    const shown = lines.length > LOG_TAIL_CHARS ? `…${lines.slice(-LOG_TAIL_CHARS)}` : lines;
    throw new ProgramFailed(
      `program ${input.program.program} ${how}${permanent ? ' (permanent: not retried)' : ''}; the end of its log:\n${shown}`,
      permanent,
    );
  }
  const metrics: MetricValues = progress.metrics;
  const bytes = (await stat(logPath)).size;
  return {
    metrics,
    artifactPath: checkpointDir,
    artifacts: [{ name: PROGRAM_LOG_NAME, path: logPath, bytes }],
    epochsCompleted: progress.epoch,
    backend: 'program',
    device: hooks.device,
  };
}
