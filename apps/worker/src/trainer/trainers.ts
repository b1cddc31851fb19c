import type { TrainTrialInput, TrainTrialResult } from '@headroom/sweep/temporal';
import { trainChest } from './chest.trainer';
import type { TrainHooks } from './hooks';
import { trainPose2d } from './pose2d.trainer';
import { trainPose3d } from './pose3d.trainer';

/**
 * The trainer of each task (the type makes a new task name its trainer); the train activity
 * and apps/worker/scripts/train-trial.mjs both run trials through it.
 */
export const TRAINERS: Record<
  TrainTrialInput['task'],
  (input: TrainTrialInput, hooks: TrainHooks) => Promise<TrainTrialResult>
> = {
  pose3d: trainPose3d,
  pose2d: trainPose2d,
  chest: trainChest,
};
