// A stand-in for the control worker's sweep workflow that cannot make progress, in the ways a
// real one can wedge (sweep-problem.test.ts): by the spec's name, its workflow task fails before
// or after registering, an activity fails on every attempt, or it waits for trial 0 (`trial-lost`),
// whose workflow the test ends without a word to the sweep. Any other sweep registers and waits.
import { condition, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import {
  createSweepUpdate,
  sweepProgressQuery,
  type SweepWorkflowInput,
} from '@headroom/sweep/temporal';

export interface StallingActivities {
  /** Writes the sweep and its trials as the real registration does (sweepRegistration). */
  registerSweep(input: SweepWorkflowInput): Promise<number>;
  /** A database write that is refused every time. */
  refusedWrite(input: { sweepId: string }): Promise<void>;
}

const control = proxyActivities<StallingActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '1 second' },
});

export const TASK_FAILURE = 'the sweep workflow cannot read its spec (a bug in workflow code)';

export async function sweepWorkflow(input: SweepWorkflowInput): Promise<void> {
  let trials: number | undefined = undefined;
  setHandler(createSweepUpdate, async () => {
    await condition(() => trials !== undefined);
    return { sweepId: input.sweepId, trials: trials! };
  });
  // As the real workflow answers it: the trials it counts as running.
  setHandler(sweepProgressQuery, () => ({
    registered: trials !== undefined,
    total: trials ?? 0,
    next: 1,
    running: input.spec.name === 'trial-lost' ? [0] : [],
    retryQueue: [],
    paused: false,
    cancelled: false,
    stopped: false,
    maxConcurrent: 1,
  }));
  // A plain Error (not an ApplicationFailure) fails the workflow task: Temporal retries it.
  if (input.spec.name === 'task-fails-before-registering') throw new Error(TASK_FAILURE);
  trials = await control.registerSweep(input);
  if (input.spec.name === 'task-fails-after-registering') {
    // In a later task than the one that answers createSweep, so the sweep is created first.
    await sleep('100 milliseconds');
    throw new Error(TASK_FAILURE);
  }
  if (input.spec.name === 'write-refused') await control.refusedWrite({ sweepId: input.sweepId });
  await condition(() => false);
}
