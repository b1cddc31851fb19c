import {
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import {
  CONTROL_TASK_QUEUE,
  WORKER_LOST_AFTER_REPORTS,
  WORKER_REPORT_EVERY_MS,
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

/** Patch id: a worker silent for WORKER_LOST_AFTER_REPORTS reports is marked `lost`. */
const MARK_LOST = 'mark-worker-lost';

/** Liveness reports of one run before continue-as-new keeps the history small. */
const REPORTS_PER_RUN = 500;

/**
 * One per train worker (`worker-<identity>`), signalled-with-start by the worker itself:
 * train workers hold no database credentials, so their registration and last-seen time
 * reach the database through this workflow's control activities. A worker that misses
 * WORKER_LOST_AFTER_REPORTS reports (killed, cut off, its host gone) is marked `lost` (a timer
 * here, so the page hears of it without anyone polling) until it reports again.
 */
export async function workerWorkflow(info: WorkerInfo, registered = false): Promise<void> {
  let lastSeen: string | undefined;
  let stoppedAt: string | undefined;
  let reports = 0;
  setHandler(workerSeenSignal, ({ at }) => void ((lastSeen = at), reports++));
  setHandler(workerStoppedSignal, ({ at }) => void (stoppedAt = at));
  const lostAfterMs = WORKER_LOST_AFTER_REPORTS * (info.reportEveryMs ?? WORKER_REPORT_EVERY_MS);
  let lastAt = info.startedAt;
  let lost = false;

  if (!registered) await control.registerWorker(info);
  for (;;) {
    const heard = () => lastSeen !== undefined || stoppedAt !== undefined;
    if (patched(MARK_LOST)) {
      if (!(await condition(heard, lostAfterMs))) {
        if (!lost) await control.markWorkerSeen({ id: info.id, at: lastAt, status: 'lost' });
        lost = true;
        continue;
      }
    } else await condition(heard);
    lost = false;
    if (stoppedAt !== undefined) {
      await control.markWorkerSeen({ id: info.id, at: stoppedAt, status: 'stopped' });
      return;
    }
    const at = lastSeen!;
    lastAt = at;
    lastSeen = undefined;
    await control.markWorkerSeen({ id: info.id, at, status: 'running' });
    if (reports >= REPORTS_PER_RUN) await continueAsNew<typeof workerWorkflow>(info, true);
  }
}

// Train workers signal-with-start this workflow by type name with the contract's input.
workerWorkflow satisfies WorkerWorkflow;
