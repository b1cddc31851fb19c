import { HeadroomError } from '@headroom/errors';
import { isTaskId, TASK_IDS, type TaskId } from '@headroom/sweep';
import { buildChestModel, type ChestModelConfig } from './chest';
import { buildPose2dModel, type Pose2dModelConfig } from './pose2d';
import { buildPose3dModel, type Pose3dModelConfig } from './pose3d';
import type { tf } from './tf';

export interface TaskModelConfigs {
  pose2d: Pose2dModelConfig;
  pose3d: Pose3dModelConfig;
  chest: ChestModelConfig;
}

/** One model family per task. */
const BUILDERS: { [T in TaskId]: (config: TaskModelConfigs[T]) => tf.LayersModel } = {
  pose2d: buildPose2dModel,
  pose3d: buildPose3dModel,
  chest: buildChestModel,
};

/** Builds the task's model; throws `HeadroomError('INVALID_SPEC')` naming every bad field. */
export function buildTaskModel<T extends TaskId>(
  task: T,
  config: TaskModelConfigs[T],
): tf.LayersModel {
  if (!isTaskId(task)) {
    throw HeadroomError.invalid('INVALID_SPEC', 'model', [
      {
        path: 'task',
        message: `must be one of ${TASK_IDS.join(', ')}, got ${JSON.stringify(task)}`,
      },
    ]);
  }
  return (BUILDERS[task] as (config: TaskModelConfigs[T]) => tf.LayersModel)(config);
}
