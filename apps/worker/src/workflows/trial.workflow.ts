import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import { CONTROL_TASK_QUEUE, trainTaskQueue } from '@headroom/sweep';
import type { ControlActivities } from '../activities/control.activities';
import type { TrainActivities } from '../activities/train.activities';
import type { EpochReport, TrialOutcome, TrialStarted, TrialWorkflowInput } from '../types';
import { epochCompletedSignal, trialStartedSignal } from './signals';

const control = proxyActivities<ControlActivities>({
  taskQueue: CONTROL_TASK_QUEUE,
  startToCloseTimeout: '1 minute',
  // Database writes retry until the database is back; they are idempotent.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** Heartbeats come every few seconds while training; a silent worker is declared dead after this. */
export const TRAIN_HEARTBEAT_TIMEOUT = '30 seconds';

/**
 * One trial: train on the pool's task queue, persist what the trainer reports as it
 * reports it (per-epoch metrics, checkpoints), then the final result or the failure.
 */
export async function trialWorkflow(input: TrialWorkflowInput): Promise<TrialOutcome> {
  const train = proxyActivities<TrainActivities>({
    taskQueue: trainTaskQueue(input.pool),
    startToCloseTimeout: '7 days',
    heartbeatTimeout: TRAIN_HEARTBEAT_TIMEOUT,
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5 },
  });

  const inbox: Array<{ kind: 'started'; s: TrialStarted } | { kind: 'epoch'; r: EpochReport }> = [];
  setHandler(trialStartedSignal, (s) => void inbox.push({ kind: 'started', s }));
  setHandler(epochCompletedSignal, (r) => void inbox.push({ kind: 'epoch', r }));

  let finished = false;
  const training = train
    .trainTrial({
      sweepId: input.sweepId,
      trialId: input.trialId,
      task: input.task,
      dataset: input.dataset,
      params: input.params,
    })
    .finally(() => {
      finished = true;
    });

  // Persist reports in the order they arrived, while training goes on. The activity
  // sends its signals before it returns, so they are all in history before its result.
  for (;;) {
    await condition(() => inbox.length > 0 || finished);
    for (let msg = inbox.shift(); msg; msg = inbox.shift()) {
      if (msg.kind === 'started') await control.markTrialRunning(msg.s);
      else await control.recordEpoch(msg.r);
    }
    if (finished) break;
  }

  try {
    const result = await training;
    await control.completeTrial({ trialId: input.trialId, result });
    return { trialId: input.trialId, status: 'succeeded', metrics: result.metrics };
  } catch (err) {
    const cancelled = isCancellation(err) || err instanceof CancelledFailure;
    const error = describeFailure(err);
    await control.failTrial({ trialId: input.trialId, status: cancelled ? 'cancelled' : 'failed', error });
    return { trialId: input.trialId, status: cancelled ? 'cancelled' : 'failed', error };
  }
}

/** The innermost message is the one a user can act on (e.g. "loss became NaN at epoch 3"). */
function describeFailure(err: unknown): string {
  let e: unknown = err;
  while (e instanceof ActivityFailure && e.cause) e = e.cause;
  if (e instanceof ApplicationFailure) return e.message;
  return e instanceof Error ? e.message : String(e);
}
