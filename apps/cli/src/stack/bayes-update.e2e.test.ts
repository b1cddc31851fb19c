import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isFinalSweepStatus } from '@headroom/sweep';
import { EXAMPLE_PROGRAMS, programStack } from './program-stack';

/**
 * Bayes and updateSweep through the whole stack (embedded PGlite, a real Temporal dev server, the
 * API over HTTP, a train worker, the real control activities), with the Node example program:
 * a bayes sweep registers its trials as it runs them, and `headroom sweep update` changes a
 * random sweep without run_cap, then stops it.
 */
const NODE = join(EXAMPLE_PROGRAMS, 'node');

const program = (change: Record<string, unknown>) => ({
  name: 'node-program',
  program: 'train.mjs',
  workdir: NODE,
  command: ['node', '${program}', '${args}'],
  metric: { name: 'val_loss', goal: 'minimize' },
  ...change,
});

describe('bayes and updateSweep end to end', () => {
  const { until, create, cli } = programStack({
    name: 'bayes',
    programRoots: NODE,
    trainWorkers: 1,
    slotsPerWorker: 4,
    waitMs: 120_000,
  });

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
