import { executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import {
  CONTROL_TASK_QUEUE,
  countGridTrials,
  gridTrialAt,
  trialId,
  trialWorkflowId,
  type SweepWorkflowInput,
} from '@headroom/sweep';
import type { ControlActivities } from '../activities/control.activities';
import type { TrialOutcome } from '../types';
import { trialWorkflow } from './trial.workflow';

const control = proxyActivities<ControlActivities>({
  taskQueue: CONTROL_TASK_QUEUE,
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** Trials run at once when the spec sets no `resources.max_concurrent`. */
export const DEFAULT_MAX_CONCURRENT = 4;

/**
 * A sweep: register it and its trials, run each trial as a child workflow (ids
 * `trial-<sweepId>-<index>`, so a replayed or restarted sweep never runs a trial twice),
 * at most `resources.max_concurrent` at a time, then record how it ended.
 */
export async function sweepWorkflow({ sweepId, spec }: SweepWorkflowInput): Promise<TrialOutcome[]> {
  const total = await control.registerSweep({ sweepId, spec });
  await control.setSweepStatus({ sweepId, status: 'running' });

  const pool = spec.resources?.pool ?? 'default';
  const lanes = Math.max(1, Math.min(spec.resources?.max_concurrent ?? DEFAULT_MAX_CONCURRENT, total));
  const outcomes: TrialOutcome[] = new Array<TrialOutcome>(total);
  let next = 0;

  // Each lane takes the next trial when its previous one ends: deterministic order,
  // never more than `lanes` trials in flight.
  const lane = async () => {
    while (next < countGridTrials(spec)) {
      const index = next++;
      const params = gridTrialAt(spec, index);
      outcomes[index] = await executeChild(trialWorkflow, {
        workflowId: trialWorkflowId(sweepId, index),
        taskQueue: workflowInfo().taskQueue,
        args: [
          {
            sweepId,
            trialId: trialId(sweepId, index),
            index,
            task: spec.task,
            dataset: spec.dataset,
            params,
            pool,
          },
        ],
      });
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));

  const allSucceeded = outcomes.every((o) => o.status === 'succeeded');
  await control.setSweepStatus({ sweepId, status: allSucceeded ? 'succeeded' : 'failed' });
  return outcomes;
}
