// Published numbers a leaderboard shows beside the measured rows (`withReferences: true`). They
// are labelled rows, never trials: nothing here may enter a ranking's statistics.
import { HeadroomError } from '@headroom/errors';
import type { GeometryField } from './geometry';
import {
  chestAucMetric,
  isTaskId,
  TASKS,
  type CHESTXRAY14_FINDINGS,
  type MetricName,
  type TaskId,
} from './tasks';

/** Where a number was printed. `url` is the repository whose README prints it, when there is one. */
export interface ReferenceSource {
  citation: string;
  url?: string;
}

/**
 * The head geometry of the published model, by sweep-file name, where the source states it (or it
 * follows from the standard layer, `d_h = d_m / heads`). Absent: unknown, or no attention at all
 * (VideoPose3D and the chest CNNs are convolutional).
 */
export type ReferenceGeometry = {
  [F in GeometryField]?: F extends 'qk_tied' ? boolean : number;
};

/** One published row of task `T`: its numbers keyed by the task's own metric names. */
export interface ReferenceRowOf<T extends TaskId> {
  /** Stable within the task (`thesis-t2-base`); GraphQL can serve `ref:<task>:<id>`. */
  id: string;
  task: T;
  /** What a table prints in its Model column, e.g. `thesis Table 2 · Base`. */
  label: string;
  source: ReferenceSource;
  geometry: ReferenceGeometry;
  /**
   * In the task's units: millimetres for pose3d, fractions 0–1 for AP, AR and AUC (a source
   * printing percentages is converted). Only what the source prints, or derives as `note` says.
   */
  metrics: Partial<Record<MetricName<T>, number>>;
  /** Why a number is not comparable as is, or how a metric was derived from what is printed. */
  note?: string;
}

/** A reference row of any task, discriminated by `task`. */
export type ReferenceRow = { [T in TaskId]: ReferenceRowOf<T> }[TaskId];

const TRANSPOSE: ReferenceSource = {
  citation: 'yangsenius/TransPose README, COCO val2017 results',
  url: 'https://github.com/yangsenius/TransPose',
};
const VITPOSE: ReferenceSource = {
  citation: 'ViTPose README, COCO val2017, 256×192',
  url: 'https://github.com/ViTAE-Transformer/ViTPose',
};
const VIDEOPOSE3D: ReferenceSource = {
  citation: 'VideoPose3D README, Human3.6M',
  url: 'https://github.com/facebookresearch/VideoPose3D',
};
const POSEFORMER: ReferenceSource = {
  citation: 'PoseFormer README, Human3.6M',
  url: 'https://github.com/zczcwh/PoseFormer',
};
const CHEXNET: ReferenceSource = {
  citation: 'arnoweng/CheXNet README (reimplementation of CheXNet), ChestX-ray14 test split',
  url: 'https://github.com/arnoweng/CheXNet',
};
/** The seed slides: Esaú Peralta, "Avance de Tesis", CIMAT, July 2021 (no public URL). */
const thesis = (table: 1 | 2 | 3, slide: number): ReferenceSource => ({
  citation: `Peralta, Avance de Tesis (CIMAT, July 2021), slide ${slide}/19, Table ${table}`,
});

// ViT's published sizes (Dosovitskiy et al. 2021, Table 1), the backbones of ViTPose-B/L/H.
const VIT_B = { d_m: 768, heads: 12, d_h: 64, qk_tied: false };
const VIT_L = { d_m: 1024, heads: 16, d_h: 64, qk_tied: false };
const VIT_H = { d_m: 1280, heads: 16, d_h: 80, qk_tied: false };
const VIT_NOTE =
  'AP printed as a percentage (75.8), stored as a fraction; geometry from ViT Table 1';

/**
 * Thesis Table 1 (COCO val2017). "Base" is the standard layer, so heads = d_m / d_h = 8; the
 * "Propio" (the thesis's own, flexible-head) rows do not say their heads. Only the last row ties
 * Q = K, so the others are taken as untied.
 */
const POSE2D: ReadonlyArray<ReferenceRowOf<'pose2d'>> = [
  {
    id: 'transpose-r-a4',
    task: 'pose2d',
    label: 'TransPose-R-A4',
    source: TRANSPOSE,
    geometry: { d_m: 256, heads: 8, d_h: 32, qk_tied: false },
    metrics: { ap: 0.726, ar: 0.78 },
  },
  {
    id: 'transpose-h-a6',
    task: 'pose2d',
    label: 'TransPose-H-A6',
    source: TRANSPOSE,
    // The README's model table: d 96, 1 head (HRNet-W48 backbone, 6 encoder layers).
    geometry: { d_m: 96, heads: 1, d_h: 96, qk_tied: false },
    metrics: { ap: 0.758, ar: 0.808 },
  },
  ...(
    [
      ['vitpose-b', 'ViTPose-B', VIT_B, 0.758],
      ['vitpose-l', 'ViTPose-L', VIT_L, 0.783],
      ['vitpose-h', 'ViTPose-H', VIT_H, 0.791],
    ] as const
  ).map(([id, label, geometry, ap]): ReferenceRowOf<'pose2d'> => ({
    id,
    task: 'pose2d',
    label: `${label} (256×192)`,
    source: VITPOSE,
    geometry,
    metrics: { ap },
    note: VIT_NOTE,
  })),
  {
    id: 'thesis-t1-base',
    task: 'pose2d',
    label: 'thesis Table 1 · Base',
    source: thesis(1, 16),
    geometry: { d_m: 256, heads: 8, d_h: 32, qk_tied: false },
    metrics: { ap: 0.726, ar: 0.78 },
    note: 'the TransPose-R-A4 numbers, as the thesis prints its baseline',
  },
  ...(
    [
      [16, false, 0.737, 0.766],
      [32, false, 0.741, 0.771],
      [48, false, 0.748, 0.776],
      [64, true, 0.748, 0.776],
    ] as const
  ).map(([dH, qkTied, ap, ar]): ReferenceRowOf<'pose2d'> => ({
    id: `thesis-t1-propio-dh${dH}${qkTied ? '-qk' : ''}`,
    task: 'pose2d',
    label: `thesis Table 1 · Propio${qkTied ? ' Q = K' : ''} d_h ${dH}`,
    source: thesis(1, 16),
    geometry: { d_m: 256, d_h: dH, qk_tied: qkTied },
    metrics: { ap, ar },
  })),
];

/** Thesis Table 2 (Human3.6M, Protocols 1 and 2). "Base" is the standard layer: 512 / 64 = 8 heads. */
const POSE3D: ReadonlyArray<ReferenceRowOf<'pose3d'>> = [
  {
    id: 'videopose3d-gt',
    task: 'pose3d',
    label: 'VideoPose3D · ground-truth 2D',
    source: VIDEOPOSE3D,
    geometry: {},
    metrics: { mpjpe: 37.2, p_mpjpe: 27.2 },
    note: 'temporal convolutions, no attention',
  },
  {
    id: 'videopose3d-cpn-243',
    task: 'pose3d',
    label: 'VideoPose3D · CPN, 243 frames',
    source: VIDEOPOSE3D,
    geometry: {},
    metrics: { mpjpe: 46.8, p_mpjpe: 36.5 },
    note: 'temporal convolutions, no attention; detected (CPN) 2D input',
  },
  {
    id: 'poseformer-cpn-81',
    task: 'pose3d',
    label: 'PoseFormer · CPN, 81 frames',
    source: POSEFORMER,
    geometry: {},
    metrics: { mpjpe: 44.3 },
    note: 'spatial and temporal transformers of different widths: no one geometry; detected 2D input',
  },
  {
    id: 'thesis-t2-base',
    task: 'pose3d',
    label: 'thesis Table 2 · Base',
    source: thesis(2, 16),
    geometry: { d_m: 512, heads: 8, d_h: 64, qk_tied: false },
    metrics: { mpjpe: 37.7, p_mpjpe: 27.6 },
  },
  ...(
    [
      [32, 46.2, 33.7],
      [64, 45.15, 32.96],
      [128, 45.11, 32.84],
    ] as const
  ).map(([dH, mpjpe, pMpjpe]): ReferenceRowOf<'pose3d'> => ({
    id: `thesis-t2-propio-dh${dH}`,
    task: 'pose3d',
    label: `thesis Table 2 · Propio d_h ${dH}`,
    source: thesis(2, 16),
    geometry: { d_m: 512, d_h: dH, qk_tied: false },
    metrics: { mpjpe, p_mpjpe: pMpjpe },
  })),
];

/**
 * Thesis Table 3 as the slide prints it: a row per finding, a column per model. "Pleural-Thick."
 * is Pleural_Thickening. The "Healthy" row (0.731 / 0.873 for the thesis) is left out: "No
 * Finding" is not a class of the task, and no metric name holds it.
 */
const TABLE3_COLUMNS = ['CheXNeXt', 'CRAL', 'DR-CNN', 'TSNC', 'Original', 'Relabeled'] as const;
type Table3Column = (typeof TABLE3_COLUMNS)[number];
type ChestXray14Finding = (typeof CHESTXRAY14_FINDINGS)[number];
const TABLE3: ReadonlyArray<readonly [ChestXray14Finding, readonly number[]]> = [
  ['Cardiomegaly', [0.885, 0.88, 0.801, 0.887, 0.869, 0.92]],
  ['Emphysema', [0.906, 0.908, 0.773, 0.93, 0.931, 0.959]],
  ['Effusion', [0.825, 0.829, 0.797, 0.831, 0.834, 0.903]],
  ['Hernia', [0.901, 0.917, 0.748, 0.921, 0.856, 0.961]],
  ['Infiltration', [0.694, 0.702, 0.751, 0.703, 0.712, 0.817]],
  ['Mass', [0.824, 0.834, 0.76, 0.833, 0.818, 0.874]],
  ['Nodule', [0.759, 0.773, 0.741, 0.798, 0.795, 0.88]],
  ['Atelectasis', [0.769, 0.781, 0.766, 0.785, 0.773, 0.859]],
  ['Pneumothorax', [0.715, 0.729, 0.778, 0.731, 0.895, 0.949]],
  ['Pleural_Thickening', [0.766, 0.778, 0.759, 0.782, 0.803, 0.913]],
  ['Pneumonia', [0.852, 0.857, 0.8, 0.881, 0.856, 0.925]],
  ['Fibrosis', [0.821, 0.83, 0.765, 0.833, 0.854, 0.943]],
  ['Edema', [0.842, 0.85, 0.82, 0.849, 0.866, 0.949]],
  ['Consolidation', [0.745, 0.754, 0.787, 0.754, 0.752, 0.886]],
];

/** One column's `auc_<finding>` for the 14 findings. */
function findingAucs(column: Table3Column): Partial<Record<MetricName<'chest'>, number>> {
  const at = TABLE3_COLUMNS.indexOf(column);
  return Object.fromEntries(
    TABLE3.map(([finding, values]) => [chestAucMetric(finding), values[at]]),
  );
}

const COMPARED_NOTE =
  'reports only the 14 findings, so its mean_auc (mean over the classes it has) is its printed Average-14';

const CHEST: ReadonlyArray<ReferenceRowOf<'chest'>> = [
  {
    id: 'chexnet-reimpl',
    task: 'chest',
    label: 'CheXNet (reimplementation)',
    source: CHEXNET,
    geometry: {},
    metrics: { mean_auc_14: 0.847, mean_auc: 0.847 },
    note: 'DenseNet-121, no attention; the mean over the 14 findings, so both mean_auc and mean_auc_14',
  },
  ...(
    [
      ['chexnext', 'CheXNeXt', 0.807],
      ['cral', 'CRAL', 0.816],
      ['dr-cnn', 'DR-CNN', 0.775],
      ['tsnc', 'TSNC', 0.823],
    ] as const
  ).map(([id, column, average14]): ReferenceRowOf<'chest'> => ({
    id: `thesis-t3-${id}`,
    task: 'chest',
    label: `thesis Table 3 · ${column}`,
    source: thesis(3, 17),
    geometry: {},
    metrics: { ...findingAucs(column), mean_auc_14: average14, mean_auc: average14 },
    note: COMPARED_NOTE,
  })),
  // The REFERENCES row "thesis, ViT flexible heads 0.834 (0.915 relabelled)" cites these same
  // slides, so it is these two rows, not a third. Their printed Average-14 is not the mean of the
  // printed classes (0.830 and 0.910): the slide's, kept as printed.
  {
    id: 'thesis-t3-original',
    task: 'chest',
    label: 'thesis Table 3 · Original',
    source: thesis(3, 17),
    geometry: {},
    metrics: {
      ...findingAucs('Original'),
      'auc_COVID-19': 0.999,
      mean_auc_14: 0.834,
      mean_auc: 0.841,
    },
    note: 'ViT with flexible heads (geometry not on the slide); Average = the 15 classes',
  },
  {
    id: 'thesis-t3-relabeled',
    task: 'chest',
    label: 'thesis Table 3 · Relabeled',
    source: thesis(3, 17),
    geometry: {},
    metrics: {
      ...findingAucs('Relabeled'),
      'auc_COVID-19': 0.999,
      mean_auc_14: 0.915,
      mean_auc: 0.916,
    },
    note: 'scored against relabelled test labels: not comparable with runs on the official labels',
  },
];

/** Every reference row, by task. */
export const REFERENCE_ROWS: { readonly [T in TaskId]: ReadonlyArray<ReferenceRowOf<T>> } = {
  pose2d: POSE2D,
  pose3d: POSE3D,
  chest: CHEST,
};

/**
 * The reference rows of a task, in the order above (published, then the thesis's tables); with
 * `metric`, only the rows that print it. Throws INVALID_INPUT for a task or metric that does not
 * exist, so a misspelt metric is not mistaken for "no published number".
 */
export function referenceRows<T extends TaskId>(
  task: T,
  metric?: string,
): ReadonlyArray<ReferenceRowOf<T>> {
  if (!isTaskId(task))
    throw new HeadroomError(
      'INVALID_INPUT',
      `task: ${JSON.stringify(task)} is not a task; valid: ${Object.keys(TASKS).join(', ')}`,
    );
  const rows = REFERENCE_ROWS[task] as ReadonlyArray<ReferenceRowOf<T>>;
  if (metric === undefined) return rows;
  const metrics = Object.keys(TASKS[task].metrics);
  if (!metrics.includes(metric))
    throw new HeadroomError(
      'INVALID_INPUT',
      `metric: ${JSON.stringify(metric)} is not a metric of task ${task}; valid: ${metrics.join(', ')}`,
    );
  return rows.filter(
    (r) => (r.metrics as Record<string, number | undefined>)[metric] !== undefined,
  );
}
