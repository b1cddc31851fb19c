import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFinalSweepStatus } from '@headroom/sweep';
import { findTemporalCli, waitFor } from '@headroom/stack';
import { graphql } from '../graphql-client';
import { CREATE_SWEEP, type SweepView } from '../queries';
import { fetchSweep } from '../sweep-pages';
import { startLocalStack, type LocalStack } from './local-stack';

/**
 * Bayes and updateSweep through the whole stack (embedded PGlite, a real Temporal dev server, the
 * API over HTTP, a train worker, the real control activities), with the Node example program:
 * a bayes sweep registers its trials as it runs them, and `headroom sweep update` changes a
 * random sweep without run_cap, then stops it.
 */
const NODE = resolve(__dirname, '..', '..', '..', '..', 'examples', 'programs', 'node');
const CLI = resolve(__dirname, '..', '..', 'dist', 'main.js');

const program = (change: Record<string, unknown>) => ({
  name: 'node-program',
  program: 'train.mjs',
  workdir: NODE,
  command: ['node', '${program}', '${args}'],
  metric: { name: 'val_loss', goal: 'minimize' },
  ...change,
});

describe('bayes and updateSweep end to end', () => {
  let stack: LocalStack;
  let dataDir: string;
  const saved = {
    db: process.env.DATABASE_URL,
    temporal: process.env.TEMPORAL_ADDRESS,
    roots: process.env.HEADROOM_PROGRAM_ROOTS,
  };
  const sweepNow = async (id: string) => (await fetchSweep(stack.api, id))!;
  const until = async (id: string, what: string, done: (s: SweepView) => boolean) => {
    let last: SweepView | undefined;
    await waitFor(what, async () => done((last = await sweepNow(id))), 120_000, 200);
    return last!;
  };
  const create = async (spec: unknown) =>
    (await graphql(stack.api, CREATE_SWEEP, { input: { spec } })).createSweep.id;
  const cli = (...args: string[]) =>
    promisify(execFile)(process.execPath, [
      CLI,
      ...args,
      '--api',
      stack.api.url,
      '--token',
      stack.api.token ?? '',
    ]);

  beforeAll(async () => {
    expect(findTemporalCli(), 'the `temporal` CLI must be installed').toBeTruthy();
    delete process.env.DATABASE_URL;
    delete process.env.TEMPORAL_ADDRESS;
    process.env.HEADROOM_PROGRAM_ROOTS = NODE;
    dataDir = mkdtempSync(join(tmpdir(), 'headroom-bayes-'));
    stack = await startLocalStack({ dataDir, trainWorkers: 1, slotsPerWorker: 4 });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    for (const [name, value] of [
      ['DATABASE_URL', saved.db],
      ['TEMPORAL_ADDRESS', saved.temporal],
      ['HEADROOM_PROGRAM_ROOTS', saved.roots],
    ] as const)
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('runs a bayes sweep: each trial registered as it starts, every one with its value', async () => {
    const id = await create(
      program({
        method: 'bayes',
        run_cap: 12,
        resources: { max_concurrent: 4 },
        parameters: {
          lr: { distribution: 'log_uniform_values', min: 0.01, max: 0.5 },
          epochs: { value: 2 },
        },
      }),
    );
    const done = await until(id, 'the bayes sweep to end', (s) => isFinalSweepStatus(s.status));
    expect(done.status).toBe('succeeded');
    expect(done.trialCount).toBe(12);
    expect(done.trials.map((t) => t.index)).toEqual([...Array(12).keys()]);
    for (const t of done.trials) {
      expect(t.status).toBe('succeeded');
      expect(Object.keys(t.params as object).sort()).toEqual(['epochs', 'lr']);
      expect(t.history.at(-1)?.metrics.val_loss).toEqual(expect.any(Number));
    }
  });

  it('`sweep update` changes a random sweep without run_cap while it runs, then stops it', async () => {
    const id = await create(
      program({
        method: 'random',
        resources: { max_concurrent: 2 },
        parameters: {
          lr: { distribution: 'log_uniform_values', min: 0.01, max: 0.5 },
          epochs: { value: 4 },
          epoch_seconds: { value: 0.1 },
        },
      }),
    );
    await until(id, 'three trials of the unbounded sweep', (s) => s.trialCount >= 3);
    const refused = await cli('sweep', 'update', id, '--run-cap', '1').catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused).toMatchObject({ code: 2 });
    expect((refused as { stderr: string }).stderr).toContain('run_cap must be at least');

    const changed = await cli('sweep', 'update', id, '--max-concurrent', '1', '--json');
    expect(JSON.parse(changed.stdout)).toMatchObject({ id, status: 'running' });
    const stopped = await cli('sweep', 'update', id, '--stop', '--json');
    const count = (JSON.parse(stopped.stdout) as { trialCount: number }).trialCount;
    const done = await until(id, 'the stopped sweep to end', (s) => isFinalSweepStatus(s.status));
    // Running trials finished; none started after the stop.
    expect(done.status).toBe('succeeded');
    expect(done.trialCount).toBe(count);
    expect(done.trials.every((t) => t.status === 'succeeded')).toBe(true);
  });
});
