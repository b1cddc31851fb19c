export type TaskId = 'pose3d' | 'pose2d' | 'chest';
export type MetricGoal = 'minimize' | 'maximize';
export type RealDatasetKind = 'h36m' | 'coco' | 'chestxray14';

export interface TaskInfo {
  /** Every metric the task reports, with the direction that makes it better. */
  metrics: Record<string, MetricGoal>;
  defaultMetric: string;
  description: string;
  /** The real-format dataset the task reads (`synthetic` works for every task). */
  datasetKind: RealDatasetKind;
}

export const TASK_IDS = ['pose3d', 'pose2d', 'chest'] as const satisfies readonly TaskId[];
export const METRIC_GOALS = ['minimize', 'maximize'] as const satisfies readonly MetricGoal[];

export const TASKS: Record<TaskId, TaskInfo> = {
  pose3d: {
    metrics: { mpjpe: 'minimize', p_mpjpe: 'minimize' },
    defaultMetric: 'mpjpe',
    description: '3D pose lifting from 2D keypoints (Human3.6M, MPJPE / P-MPJPE in mm)',
    datasetKind: 'h36m',
  },
  pose2d: {
    metrics: {
      ap: 'maximize',
      ap50: 'maximize',
      ap75: 'maximize',
      apm: 'maximize',
      apl: 'maximize',
      ar: 'maximize',
    },
    defaultMetric: 'ap',
    description: '2D human pose on images (COCO person keypoints, OKS AP / AR)',
    datasetKind: 'coco',
  },
  chest: {
    metrics: { mean_auc: 'maximize' },
    defaultMetric: 'mean_auc',
    description: 'multi-label chest X-ray classification (ChestX-ray14, mean ROC AUC)',
    datasetKind: 'chestxray14',
  },
};

/** The metric a sweep optimises: the spec's, else the task's default, with the task's goal. */
export function resolveMetric(spec: {
  task: TaskId;
  metric?: { name: string; goal?: MetricGoal };
}): {
  name: string;
  goal: MetricGoal;
} {
  const task = TASKS[spec.task];
  const name = spec.metric?.name ?? task.defaultMetric;
  const goal = spec.metric?.goal ?? task.metrics[name] ?? 'minimize';
  return { name, goal };
}
