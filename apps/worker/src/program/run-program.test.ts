import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HeadroomError, isHeadroomError } from '@headroom/errors';
import { headroomErrorOf, waitFor } from '@headroom/test-support';
import {
  PROGRAM_EXIT_PERMANENT,
  type EpochReport,
  type RunProgramInput,
  type TrainHeartbeat,
} from '@headroom/sweep/temporal';
import { WorkerDraining } from '../trainer/hooks';
import { GUARD_SOURCE } from './guard';
import { parseProgressLine, ProgressTracker } from './progress';
import { parseProgramRoots } from './roots';
import { ProgramFailed, ProgramStopped, runProgram, type ProgramHooks } from './run-program';

const root = mkdtempSync(join(tmpdir(), 'headroom-programs-'));
const work = join(root, 'work');
const store = join(root, 'artifacts');
mkdirSync(work);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A Node program in the work directory; run as `node NAME ${args}`. */
function program(name: string, source: string): RunProgramInput['program'] {
  writeFileSync(join(work, name), source);
  return { program: name, command: [process.execPath, '${program}', '${args}'], workdir: work };
}

function hooks(overrides: Partial<ProgramHooks> = {}) {
  const epochs: EpochReport[] = [];
  const beats: TrainHeartbeat[] = [];
  const h: ProgramHooks = {
    artifactsDir: store,
    roots: [root],
    attempt: 1,
    worker: 'train@test/1',
    device: 'cpu',
    env: { ...process.env, TEMPORAL_API_KEY: 'secret', DATABASE_URL: 'postgres://x' },
    cwd: work,
    graceMs: 500,
    heartbeatEveryMs: 50,
    onStart: async () => {},
    heartbeat: (d) => void beats.push(d),
    onEpoch: async (r) => void epochs.push(r),
    cancelled: new AbortController().signal,
    ...overrides,
  };
  return { h, epochs, beats };
}

let trials = 0;
const input = (run: RunProgramInput['program'], params = {}): RunProgramInput => ({
  sweepId: 'swp',
  trialId: `swp-${trials++}`,
  program: run,
  params,
});

/** The HeadroomError a run fails with. */
async function failure(run: Promise<unknown>): Promise<HeadroomError> {
  const err = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isHeadroomError(err)) throw new Error(`expected a HeadroomError, got ${String(err)}`);
  return err;
}

const logOf = (i: RunProgramInput) =>
  readFileSync(join(store, 'swp', i.trialId, 'program.log'), 'utf8');

describe('progress lines', () => {
  it('reads JSON-object lines as metrics with epoch or _step, and nothing else', () => {
    expect(parseProgressLine('{"epoch": 3, "val_loss": 0.21, "note": "x", "acc": null}')).toEqual({
      epoch: 3,
      metrics: { val_loss: 0.21, acc: null },
    });
    expect(parseProgressLine('{"_step": 7, "loss": 1}')).toEqual({
      epoch: 7,
      metrics: { loss: 1 },
    });
    expect(parseProgressLine('{"loss": 1, "epoch": 1.5}')).toEqual({ metrics: { loss: 1 } });
    expect(parseProgressLine('epoch 3 loss 0.2')).toBeUndefined();
    expect(parseProgressLine('[1, 2]')).toBeUndefined();
    expect(parseProgressLine('{not json}')).toBeUndefined();
  });

  it('numbers lines without an epoch after the last one, and keeps the latest value of each metric', () => {
    const p = new ProgressTracker({ epoch: 4, metrics: { loss: 9, acc: 0.5 } });
    expect(p.take({ metrics: { loss: 1 } })).toEqual({ epoch: 5, metrics: { loss: 1 } });
    expect(p.take({ epoch: 9, metrics: { loss: 0.5 } })?.epoch).toBe(9);
    expect(p.take({ epoch: 10, metrics: {} })).toBeUndefined();
    expect(p.metrics).toEqual({ loss: 0.5, acc: 0.5 });
    expect(p.epoch).toBe(9);
  });
});

describe('runProgram', () => {
  it('runs the command with the trial parameters and environment, reports each line as an epoch, keeps the log', async () => {
    const run = program(
      'report.js',
      `console.log('starting with', process.argv.slice(2).join(' '));
       console.error('env', JSON.stringify({
         sweep: process.env.HEADROOM_SWEEP_ID, trial: process.env.HEADROOM_TRIAL_ID,
         attempt: process.env.HEADROOM_ATTEMPT, dir: process.env.HEADROOM_CHECKPOINT_DIR,
         resume: process.env.HEADROOM_RESUME ?? null, key: process.env.TEMPORAL_API_KEY ?? null,
         db: process.env.DATABASE_URL ?? null, cwd: process.cwd() }));
       console.log(JSON.stringify({ epoch: 1, loss: 2, acc: 0.5 }));
       console.log(JSON.stringify({ epoch: 2, loss: 1 }));`,
    );
    const i = input(run, { lr: 0.1, layers: 2 });
    const { h, epochs } = hooks();
    const result = await runProgram(i, h);
    expect(epochs).toEqual([
      { trialId: i.trialId, epoch: 1, metrics: { loss: 2, acc: 0.5 } },
      { trialId: i.trialId, epoch: 2, metrics: { loss: 1 } },
    ]);
    expect(result.metrics).toEqual({ loss: 1, acc: 0.5 });
    expect(result.epochsCompleted).toBe(2);
    const checkpointDir = join(store, 'swp', i.trialId, 'checkpoint');
    expect(result.artifactPath).toBe(checkpointDir);
    const log = logOf(i);
    expect(result.artifacts).toEqual([
      {
        name: 'program.log',
        path: join(store, 'swp', i.trialId, 'program.log'),
        bytes: Buffer.byteLength(log),
      },
    ]);
    expect(log).toContain('starting with --layers=2 --lr=0.1');
    const env = JSON.parse(/env (\{.*\})/.exec(log)![1]!) as Record<string, unknown>;
    expect(env).toEqual({
      sweep: 'swp',
      trial: i.trialId,
      attempt: '1',
      dir: checkpointDir,
      resume: null,
      key: null,
      db: null,
      cwd: work,
    });
  });

  it('tells a retried attempt to resume, and goes on from what the last attempt reported', async () => {
    const run = program(
      'resume.js',
      `console.log('resume=' + process.env.HEADROOM_RESUME + ' attempt=' + process.env.HEADROOM_ATTEMPT);
       console.log(JSON.stringify({ acc: 0.9 }));`,
    );
    const i = input(run);
    const { h, epochs } = hooks({ attempt: 2, previous: { epoch: 4, metrics: { loss: 0.3 } } });
    const result = await runProgram(i, h);
    expect(logOf(i)).toContain('resume=1 attempt=2');
    expect(epochs.map((e) => e.epoch)).toEqual([5]);
    expect(result.metrics).toEqual({ loss: 0.3, acc: 0.9 });
  });

  it('fails with the end of the log; exit 78 for good, any other code to be retried', async () => {
    const run = program(
      'fail.js',
      `for (let i = 0; i < 30; i++) console.log('line ' + i);
       console.error('bad config');
       process.exit(Number(process.argv[2].split('=')[1]));`,
    );
    for (const code of [PROGRAM_EXIT_PERMANENT, 3]) {
      const err = await runProgram(input(run, { code }), hooks().h).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProgramFailed);
      const failed = err as ProgramFailed;
      expect(failed.permanent).toBe(code === PROGRAM_EXIT_PERMANENT);
      expect(failed.message).toContain(`exited with code ${code}`);
      expect(failed.message).toContain('line 29\nbad config');
      expect(failed.message).not.toContain('line 5\n');
    }
  });

  it('stops the whole process group on cancel: SIGTERM, then SIGKILL after the grace', async () => {
    const pidFile = join(root, 'grandchild.pid');
    const run = program(
      'stubborn.js',
      `const { spawn } = require('node:child_process');
       const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
       require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));
       process.on('SIGTERM', () => console.log('got SIGTERM, ignoring it'));
       console.log(JSON.stringify({ epoch: 1, loss: 1 }));
       setInterval(() => {}, 1000);`,
    );
    const cancel = new AbortController();
    const { h, epochs } = hooks({ cancelled: cancel.signal });
    const i = input(run);
    const running = runProgram(i, h).catch((e: unknown) => e);
    await waitFor('the first epoch', async () => epochs.length === 1, 10_000, 20);
    cancel.abort();
    expect(await running).toBeInstanceOf(ProgramStopped);
    const log = logOf(i);
    expect(log).toContain('got SIGTERM, ignoring it');
    expect(log).toContain('was killed by SIGKILL');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(() => process.kill(grandchild, 0)).toThrow();
  });

  it('stops for a draining worker with WorkerDraining at the last epoch reported', async () => {
    const run = program(
      'drain.js',
      `let epoch = 0;
       process.on('SIGTERM', () => { console.log('checkpointed at ' + epoch); process.exit(0); });
       setInterval(() => console.log(JSON.stringify({ epoch: ++epoch, loss: 1 / epoch })), 20);`,
    );
    const drain = new AbortController();
    const { h, epochs } = hooks({ draining: drain.signal });
    const running = runProgram(input(run), h).catch((e: unknown) => e);
    await waitFor('two epochs', async () => epochs.length >= 2, 10_000, 20);
    drain.abort();
    const err = await running;
    expect(err).toBeInstanceOf(WorkerDraining);
    expect((err as WorkerDraining).epoch).toBe(epochs.at(-1)!.epoch);
  });
});

describe('the guard', () => {
  it('stops the program when the worker that started it dies', async () => {
    const pidFile = join(root, 'orphan.pid');
    // A stand-in worker: starts the guard as the runner does (its own process group), and once
    // the program runs, dies without a word, as a worker killed with SIGKILL does.
    const program = `require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`;
    const worker = `
      const { spawn } = require('node:child_process');
      const fs = require('node:fs');
      spawn(process.execPath, ['-e', ${JSON.stringify(GUARD_SOURCE)}, '--', process.execPath, '-e', ${JSON.stringify(program)}],
        { detached: true, stdio: 'ignore' });
      const started = setInterval(() => {
        if (!fs.existsSync(${JSON.stringify(pidFile)})) return;
        clearInterval(started);
        process.kill(process.pid, 'SIGKILL');
      }, 20);`;
    const { spawnSync } = await import('node:child_process');
    spawnSync(process.execPath, ['-e', worker]);
    await waitFor('the program to start', async () => existsSync(pidFile), 10_000, 20);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitFor('the orphaned program to be stopped', async () => !alive(), 10_000, 50);
    expect(alive()).toBe(false);
  });
});

describe('program roots', () => {
  const run = (over: Partial<RunProgramInput['program']>) =>
    input({ ...program('ok.js', 'console.log("ok")'), ...over });

  it('refuses every program when HEADROOM_PROGRAM_ROOTS is unset, saying to set it', async () => {
    const err = await failure(runProgram(run({}), hooks({ roots: undefined }).h));
    expect(err.code).toBe('CONFIG');
    expect(err.message).toContain('set HEADROOM_PROGRAM_ROOTS');
    expect(parseProgramRoots(undefined)).toBeUndefined();
    expect(parseProgramRoots('/a:/b')).toEqual(['/a', '/b']);
    expect(headroomErrorOf(() => parseProgramRoots('/a:rel')).message).toContain('rel is relative');
  });

  it('refuses a program or workdir outside the roots, through .. or a symlink', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'headroom-outside-'));
    writeFileSync(join(outside, 'evil.js'), 'console.log("evil")');
    symlinkSync(join(outside, 'evil.js'), join(work, 'link.js'));
    try {
      for (const [over, path] of [
        [{ program: join(outside, 'evil.js') }, 'program'],
        [{ program: '../../' + join(outside, 'evil.js') }, 'program'],
        [{ program: 'link.js' }, 'program'],
        [{ workdir: outside, program: 'evil.js' }, 'workdir'],
        [{ program: 'missing.js' }, 'program'],
      ] as const) {
        const err = await failure(runProgram(run(over), hooks().h));
        expect(err.code).toBe('INVALID_SPEC');
        expect(err.violations[0]!.path).toBe(path);
      }
      const noProgram = await failure(
        runProgram(run({ command: ['/bin/sh', '-c', 'echo hi'] }), hooks().h),
      );
      expect(noProgram.violations[0]!.path).toBe('command');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
