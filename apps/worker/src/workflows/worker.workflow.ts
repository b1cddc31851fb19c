import { condition, continueAsNew, proxyActivities, setHandler } from '@temporalio/workflow';
import {
  CONTROL_TASK_QUEUE,
  workerSeenSignal,
  workerStoppedSignal,
  type WorkerInfo,
  type WorkerWorkflow,
} from '@headroom/sweep/temporal';
import type { ControlActivities } from '../activities/control.activities';

const control = proxyActivities<ControlActivities>({
  taskQueue: CONTROL_TASK_QUEUE,
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** Liveness reports of one run before continue-as-new keeps the history small. */
const REPORTS_PER_RUN = 500;

/**
 * One per train worker (`worker-<identity>`), signalled-with-start by the worker itself:
 * train workers hold no database credentials, so their registration and last-seen time
 * reach the database through this workflow's control activities.
 */
export async function workerWorkflow(info: WorkerInfo, registered = false): Promise<void> {
  let lastSeen: string | undefined;
  let stoppedAt: string | undefined;
  let reports = 0;
  setHandler(workerSeenSignal, ({ at }) => void ((lastSeen = at), reports++));
  setHandler(workerStoppedSignal, ({ at }) => void (stoppedAt = at));

  if (!registered) await control.registerWorker(info);
  for (;;) {
    await condition(() => lastSeen !== undefined || stoppedAt !== undefined);
    if (stoppedAt !== undefined) {
      await control.markWorkerSeen({ id: info.id, at: stoppedAt, status: 'stopped' });
      return;
    }
    const at = lastSeen!;
    lastSeen = undefined;
    await control.markWorkerSeen({ id: info.id, at, status: 'running' });
    if (reports >= REPORTS_PER_RUN) await continueAsNew<typeof workerWorkflow>(info, true);
  }
}

// Train workers signal-with-start this workflow by type name with the contract's input.
workerWorkflow satisfies WorkerWorkflow;
