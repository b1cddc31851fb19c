import { insertSweep, setSweepStatus, type Database } from '@headroom/db';
import { HeadroomError } from '@headroom/errors';
import type { SweepStatus } from '@headroom/sweep';
import { headroomFailure, type SweepWorkflowInput } from '@headroom/sweep/temporal';

/** What the control worker's registerSweep does (two fixed trials), or the error it would raise. */
export function fakeControlActivities(db: Database, seen: SweepWorkflowInput[]) {
  return {
    async registerSweep(input: SweepWorkflowInput): Promise<void> {
      seen.push(input);
      if (input.spec.name === 'rejected-by-worker') {
        throw headroomFailure(
          HeadroomError.invalid('INVALID_SPEC', 'the sweep spec', [
            { path: 'dataset.path', message: 'no COCO annotations under /data/coco' },
          ]),
        );
      }
      await insertSweep(db, {
        id: input.sweepId,
        name: input.spec.name,
        task: input.spec.task,
        method: input.spec.method,
        metricName: 'mpjpe',
        metricGoal: 'minimize',
        spec: input.spec,
        trials: [
          { index: 0, params: {}, dModel: 64, heads: 4, dH: 16, qkTied: false, epochs: 1 },
          { index: 1, params: {}, dModel: 64, heads: 4, dH: 32, qkTied: false, epochs: 1 },
        ],
      });
    },
    async setSweepStatus({
      sweepId,
      status,
    }: {
      sweepId: string;
      status: SweepStatus;
    }): Promise<void> {
      await setSweepStatus(db, sweepId, status);
    },
  };
}

export type FakeControlActivities = ReturnType<typeof fakeControlActivities>;
