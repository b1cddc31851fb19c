// A stand-in for the control worker's sweep workflow, speaking the same contract
// (@headroom/sweep/temporal): the API test runs it instead of apps/worker (apps don't import apps).
import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import {
  createSweepUpdate,
  headroomErrorOf,
  headroomFailure,
  pauseSweepUpdate,
  sweepActionRefused,
  type SweepWorkflowInput,
} from '@headroom/sweep/temporal';
import type { FakeControlActivities } from './activities';

const control = proxyActivities<FakeControlActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 1 },
});

/** Registers the sweep, then waits for a pause (`ends-at-once`: ends right after registering). */
export async function sweepWorkflow(input: SweepWorkflowInput): Promise<void> {
  let registered = false;
  let failure: Error | undefined;
  let paused = false;
  setHandler(createSweepUpdate, async () => {
    await condition(() => registered || failure !== undefined);
    if (failure) throw failure;
    return { sweepId: input.sweepId, trials: 2 };
  });
  setHandler(
    pauseSweepUpdate,
    async () => {
      await control.setSweepStatus({ sweepId: input.sweepId, status: 'paused' });
      paused = true;
      return { status: 'paused' as const };
    },
    {
      // As the real workflow refuses to pause a sweep being cancelled.
      validator: () => {
        if (input.spec.name === 'being-cancelled')
          throw headroomFailure(sweepActionRefused(input.sweepId, 'pause', 'cancelling'));
      },
    },
  );
  try {
    await control.registerSweep(input);
    registered = true;
  } catch (err) {
    const reason = headroomErrorOf(err);
    failure = reason ? headroomFailure(reason) : (err as Error);
    await condition(allHandlersFinished);
    throw failure;
  }
  if (input.spec.name === 'ends-at-once') return;
  await condition(() => paused && allHandlersFinished());
}
