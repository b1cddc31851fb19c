// A stand-in for the control worker's sweep workflow with the updateSweep update
// (@headroom/sweep/temporal): registers the sweep, takes changes until one stops it.
import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import { HeadroomError } from '@headroom/errors';
import {
  createSweepUpdate,
  headroomFailure,
  updateSweepUpdate,
  type SweepChange,
  type SweepWorkflowInput,
} from '@headroom/sweep/temporal';
import type { FakeControlActivities } from './activities';

type Activities = FakeControlActivities & { recordChange(change: SweepChange): Promise<void> };

const control = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 1 },
});

export async function sweepWorkflow(input: SweepWorkflowInput): Promise<void> {
  let registered = false;
  let stopped = false;
  setHandler(createSweepUpdate, async () => {
    await condition(() => registered);
    return { sweepId: input.sweepId, trials: 2 };
  });
  setHandler(
    updateSweepUpdate,
    async (change: SweepChange) => {
      await control.recordChange(change);
      if (change.stop) stopped = true;
      return { status: 'running' as const };
    },
    {
      // As the real workflow refuses a run_cap below the trials started (two here).
      validator: (change: SweepChange) => {
        if (change.runCap !== undefined && change.runCap < 2)
          throw headroomFailure(
            new HeadroomError('INVALID_INPUT', 'run_cap below the trials started', [
              { path: 'change.runCap', message: '2 trials have started already' },
            ]),
          );
      },
    },
  );
  await control.registerSweep(input);
  registered = true;
  await condition(() => stopped && allHandlersFinished());
}
