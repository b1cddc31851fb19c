import { HeadroomError } from '@headroom/errors';

export const TASK_IDS = ['pose3d', 'pose2d', 'chest'] as const;
export type TaskId = (typeof TASK_IDS)[number];
export const METRIC_GOALS = ['minimize', 'maximize'] as const;
export type MetricGoal = (typeof METRIC_GOALS)[number];
export type RealDatasetKind = 'h36m' | 'coco' | 'chestxray14';

/** The 14 ChestX-ray14 findings, in the order of the dataset's paper and of CheXNet's tables. */
export const CHESTXRAY14_FINDINGS = [
  'Atelectasis',
  'Cardiomegaly',
  'Effusion',
  'Infiltration',
  'Mass',
  'Nodule',
  'Pneumonia',
  'Pneumothorax',
  'Consolidation',
  'Edema',
  'Emphysema',
  'Fibrosis',
  'Pleural_Thickening',
  'Hernia',
] as const;

/** The chest task's classes: the 14 findings, then COVID-19 (the thesis merges a COVID-19 set). */
export const CHEST_LABELS = [...CHESTXRAY14_FINDINGS, 'COVID-19'] as const;
export type ChestLabel = (typeof CHEST_LABELS)[number];

/** The metric holding one class's ROC AUC: `auc_Cardiomegaly`, `auc_COVID-19`. */
export function chestAucMetric<L extends string>(label: L): `auc_${L}` {
  return `auc_${label}`;
}

/** Every chest metric maximises: the per-class AUCs, their mean, and the mean over the 14 findings. */
const CHEST_METRICS = Object.fromEntries(
  ['mean_auc', 'mean_auc_14', ...CHEST_LABELS.map(chestAucMetric)].map((m) => [m, 'maximize']),
) as Record<'mean_auc' | 'mean_auc_14' | `auc_${ChestLabel}`, 'maximize'>;

/**
 * Every metric of every task, by the one name it has everywhere (sweep files, GraphQL, the
 * database's jsonb keys, CLI output), with the direction that makes it better.
 */
const TASK_METRICS = {
  pose3d: { mpjpe: 'minimize', p_mpjpe: 'minimize' },
  // pycocotools' ten keypoint stats, in its order (AP, AP50, AP75, APm, APl, AR, …).
  pose2d: {
    ap: 'maximize',
    ap50: 'maximize',
    ap75: 'maximize',
    apm: 'maximize',
    apl: 'maximize',
    ar: 'maximize',
    ar50: 'maximize',
    ar75: 'maximize',
    arm: 'maximize',
    arl: 'maximize',
  },
  // mean_auc over the classes that have an AUC; mean_auc_14 over the 14 ChestX-ray14 findings.
  chest: CHEST_METRICS,
} as const satisfies Record<TaskId, Record<string, MetricGoal>>;

/** The metric names of a task (of every task when none is given). */
export type MetricName<T extends TaskId = TaskId> = T extends TaskId
  ? keyof (typeof TASK_METRICS)[T] & string
  : never;

export interface TaskInfo {
  /** Every metric the task reports, with the direction that makes it better. */
  metrics: Readonly<Record<string, MetricGoal>>;
  defaultMetric: string;
  description: string;
  /** The real-format dataset the task reads (`synthetic` works for every task). */
  datasetKind: RealDatasetKind;
}

export const TASKS: Readonly<Record<TaskId, TaskInfo>> = {
  pose3d: {
    metrics: TASK_METRICS.pose3d,
    defaultMetric: 'mpjpe' satisfies MetricName<'pose3d'>,
    description: '3D pose lifting from 2D keypoints (Human3.6M, MPJPE / P-MPJPE in mm)',
    datasetKind: 'h36m',
  },
  pose2d: {
    metrics: TASK_METRICS.pose2d,
    defaultMetric: 'ap' satisfies MetricName<'pose2d'>,
    description: '2D human pose on images (COCO person keypoints, OKS AP / AR)',
    datasetKind: 'coco',
  },
  chest: {
    metrics: TASK_METRICS.chest,
    defaultMetric: 'mean_auc' satisfies MetricName<'chest'>,
    description:
      'multi-label chest X-ray classification (ChestX-ray14 + COVID-19, ROC AUC per class and mean)',
    datasetKind: 'chestxray14',
  },
};

export function isTaskId(value: unknown): value is TaskId {
  return typeof value === 'string' && (TASK_IDS as readonly string[]).includes(value);
}

/**
 * The metric a sweep optimises: the spec's, else the task's default, with the task's goal. A
 * program sweep (no task) names its own (W&B's goal default: minimize); without one it is an
 * INVALID_SPEC error, since Headroom ranks a sweep's trials by its metric.
 */
export function resolveMetric(spec: {
  task?: TaskId;
  metric?: { name: string; goal?: MetricGoal };
}): {
  name: string;
  goal: MetricGoal;
} {
  if (spec.task === undefined) {
    if (spec.metric === undefined)
      throw HeadroomError.invalid('INVALID_SPEC', 'sweep spec', [
        {
          path: 'metric',
          message:
            'a program sweep needs the metric its program reports, to rank its trials; e.g. metric: { name: val_loss, goal: minimize }',
        },
      ]);
    return { name: spec.metric.name, goal: spec.metric.goal ?? 'minimize' };
  }
  const task = TASKS[spec.task];
  const name = spec.metric?.name ?? task.defaultMetric;
  const goal = spec.metric?.goal ?? task.metrics[name] ?? 'minimize';
  return { name, goal };
}
