import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isFinalSweepStatus } from '@headroom/sweep';
import { waitFor } from '@headroom/stack';
import { graphql } from '../graphql-client';
import { SWEEP_ACTIONS, type SweepView, type TrialView } from '../queries';
import { EXAMPLE_PROGRAMS, programStack } from './program-stack';

/**
 * Program trials through the whole stack (embedded PGlite, a real Temporal dev server, the API
 * over HTTP, train workers as child processes): the example programs of examples/programs run
 * from their sweep files. Python: progress lines recorded as epochs, the log, `trials logs`, and
 * exit 78 failing a trial for good. Node: cancel (SIGTERM to the program), and kill -9 of the worker
 * running a trial: retried on the other worker, resumed from HEADROOM_CHECKPOINT_DIR.
 */

/** An example's sweep file, its workdir made absolute (the workers run elsewhere), with changes. */
function exampleSpec(lang: 'python' | 'node', change: Record<string, unknown>) {
  const file = parse(readFileSync(join(EXAMPLE_PROGRAMS, lang, 'sweep.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  delete file.early_terminate;
  return { ...file, workdir: join(EXAMPLE_PROGRAMS, lang), ...change };
}

describe('program trials end to end', () => {
  const kit = programStack({
    name: 'programs',
    programRoots: EXAMPLE_PROGRAMS,
    trainWorkers: 2,
    slotsPerWorker: 2,
    waitMs: 180_000,
  });
  const { until, create, cli } = kit;
  let follower: ChildProcess | undefined;
  const seen: {
    python?: SweepView;
    cancelled?: SweepView;
    killed?: SweepView;
    killedWorker?: string;
    epochsAtKill?: number;
    followed?: string;
  } = {};

  beforeAll(async () => {
    // Node, its worker killed with SIGKILL mid-trial: the other worker resumes it once the
    // attempt's heartbeat times out (30 s); the other sweeps run meanwhile, on the other worker.
    const killed = await create(
      exampleSpec('node', {
        name: 'node-kill',
        method: 'grid',
        run_cap: undefined,
        parameters: { epochs: { value: 30 }, epoch_seconds: { value: 0.2 }, lr: { value: 0.1 } },
      }),
    );
    let followed = '';
    follower = kit.spawnCli('trials', 'logs', `${killed}-0`, '--follow');
    follower.stdout!.on('data', (chunk: Buffer) => void (followed += chunk.toString()));
    const running = await until(killed, '3 epochs of the node trial', (s) => {
      const t = s.trials[0]!;
      return t.status === 'running' && t.epochsCompleted >= 3;
    });
    const trial = running.trials[0]!;
    const victim = kit.stack.processes.find((p) => trial.worker?.endsWith(`/${p.child.pid}`))!;
    seen.killedWorker = trial.worker!;
    seen.epochsAtKill = trial.epochsCompleted;
    victim.child.kill('SIGKILL');

    // Python: two grid points train; `adam` is a configuration the program refuses with exit 78.
    const python = await create(
      exampleSpec('python', {
        parameters: {
          lr: { value: 0.2 },
          optimizer: { values: ['sgd', 'adam'] },
          epochs: { value: 4 },
        },
      }),
    );
    // Node, cancelled while it runs.
    const cancelled = await create(
      exampleSpec('node', {
        name: 'node-cancel',
        method: 'grid',
        run_cap: undefined,
        parameters: { epochs: { value: 1000 }, epoch_seconds: { value: 0.2 } },
      }),
    );
    seen.python = await until(python, 'the python sweep to end', (s) =>
      isFinalSweepStatus(s.status),
    );
    await until(cancelled, 'an epoch of the node trial', (s) => s.trials[0]!.epochsCompleted >= 1);
    await graphql(kit.stack.api, SWEEP_ACTIONS.cancel, { id: cancelled });
    seen.cancelled = await until(cancelled, 'the cancel', (s) => s.status === 'cancelled');

    seen.killed = await until(killed, 'the killed trial to finish elsewhere', (s) =>
      isFinalSweepStatus(s.status),
    );
    await waitFor('`trials logs --follow` to end', async () => follower!.exitCode !== null, 30_000);
    seen.followed = followed;
  }, 600_000);

  afterAll(() => void follower?.kill());

  const trialOf = (s: SweepView, optimizer: string): TrialView =>
    s.trials.find((t) => (t.params as Record<string, unknown>).optimizer === optimizer)!;

  it("records each progress line as an epoch; the final metrics are the program's last", () => {
    const sgd = trialOf(seen.python!, 'sgd');
    expect(sgd.status).toBe('succeeded');
    expect(sgd.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    const last = sgd.history.at(-1)!.metrics;
    expect(Object.keys(last).sort()).toEqual(['loss', 'val_loss']);
    expect(sgd.metrics).toEqual(last);
    // Gradient descent on y = 3x + 1: the loss falls every epoch.
    const losses = sgd.history.map((h) => h.metrics.val_loss as number);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1]!);
    expect(sgd.d_m).toBeNull();
    expect(sgd.artifacts.map((a) => a.name)).toEqual(['program.log']);
  });

  it('fails a trial whose program exits 78 at once, with the end of its log', () => {
    const adam = trialOf(seen.python!, 'adam');
    expect(adam.status).toBe('failed');
    expect(adam.attempts).toBe(1);
    expect(adam.error).toContain('exited with code 78');
    expect(adam.error).toContain("unknown optimizer 'adam'; use sgd or momentum");
    expect(seen.python!.status).toBe('failed');
  });

  it('`headroom trials logs` prints the log of a trial: the command line and every line', async () => {
    const sgd = trialOf(seen.python!, 'sgd');
    const { stdout } = await cli('trials', 'logs', sgd.id);
    expect(stdout).toContain(`python3 train.py --epochs=4 --lr=0.2 --optimizer=sgd`);
    expect(stdout).toContain('{"epoch": 4, "loss":');
    expect(stdout).toContain('the program exited with code 0');
  });

  it('`headroom sweep show` lists a program sweep by its parameters', async () => {
    const { stdout } = await cli('sweep', 'show', seen.python!.id);
    expect(stdout).toMatch(
      /#\d+ epochs=4 lr=0\.2 optimizer="sgd" .* 4\/\? {2}val_loss +\d\.\d{4} {2}succeeded/,
    );
    expect(stdout).toMatch(/optimizer="adam" .* failed {2}— program train\.py exited with code 78/);
  });

  it('cancel stops the program with SIGTERM; it checkpoints and exits', async () => {
    const t = seen.cancelled!.trials[0]!;
    expect(t.status).toBe('cancelled');
    // The trial is cancelled at once; its program hears of it at the attempt's next heartbeat.
    let stdout = '';
    await waitFor(
      'the program to stop',
      async () => (stdout = (await cli('trials', 'logs', t.id)).stdout).includes('exited'),
      30_000,
    );
    expect(stdout).toContain('stop requested; SIGTERM');
    expect(stdout).toMatch(
      /stopping after epoch \d+ \(SIGTERM\)\n.*the program exited with code 0/,
    );
  });

  it('a trial whose worker was killed resumes on another from its checkpoint directory', () => {
    const t = seen.killed!.trials[0]!;
    expect(t.status).toBe('succeeded');
    expect(t.attempts).toBe(2);
    expect(t.worker).not.toBe(seen.killedWorker);
    // The last epoch Headroom heard of (heartbeats) before the retry; the program's own checkpoint
    // may be newer, and it resumes from that.
    expect(t.resumedFromEpoch).toBeGreaterThan(0);
    const resumed = Number(/resuming from epoch (\d+)/.exec(seen.followed!)?.[1]);
    expect(resumed).toBeGreaterThanOrEqual(seen.epochsAtKill!);
    // Every epoch from the checkpoint on is recorded once, up to the last.
    const epochs = t.history.map((h) => h.epoch);
    expect(epochs).toEqual([...new Set(epochs)].sort((a, b) => a - b));
    expect(epochs.slice(epochs.indexOf(resumed))).toEqual(
      Array.from({ length: 30 - resumed + 1 }, (_, i) => resumed + i),
    );
    expect(seen.followed).toContain('attempt 2 (resume)');
    expect(seen.followed).toContain('"epoch":30');
  });
});
