import { basename, extname, join, resolve } from 'node:path';
import {
  materializeSyntheticChestXray14,
  openChestXray14,
  streamChestBatches,
  SYNTHETIC_CHESTXRAY14_DEFAULT_SIZE,
  writeHeatmapOverlay,
  type ChestBatch,
  type ChestSplit,
  type ChestXray14Dataset,
} from '@headroom/datasets';
import { HeadroomError } from '@headroom/errors';
import { meanAuc, rocAucPerClass } from '@headroom/metrics';
import {
  buildChestModel,
  chestGradCam,
  predictValues,
  tf,
  trainableVariables,
} from '@headroom/models';
import {
  CHEST_LABELS,
  CHESTXRAY14_FINDINGS,
  chestAucMetric,
  resolveGeometry,
  TASKS,
  type MetricValues,
  type TrialArtifact,
  type TrialParams,
} from '@headroom/sweep';
import {
  runEpochLoop,
  type EpochLoopTask,
  type EvaluationContext,
  type FinishContext,
} from './epoch-loop';
import type { TrainHooks } from './hooks';
import type { TrainTrialInput, TrainTrialResult } from '@headroom/sweep/temporal';

/**
 * `pos_weight` (negatives / positives of a class on the train split) is clipped to this and
 * its inverse: Hernia's ~500:1 would otherwise make a few images dominate every batch.
 */
export const MAX_POSITIVE_WEIGHT = 100;
/** Grad-CAM overlays after the last epoch: per class its highest-scoring validation positives… */
export const GRADCAM_PER_CLASS = 2;
/** …and at most this many in all, so the last step stays short. */
export const GRADCAM_MAX_IMAGES = 30;
/** Keras's `epsilon()`: probabilities are clipped to [ε, 1 − ε] before the log. */
const BCE_EPSILON = 1e-7;

/**
 * Trains the chest ViT (patches → flexible-head transformer → class token → one sigmoid per
 * label) on multi-label X-rays with class-weighted binary cross-entropy, evaluates ROC AUC per
 * label on the validation split after every epoch (`auc_<Label>`, `mean_auc`, `mean_auc_14`),
 * and after the last epoch writes Grad-CAM overlays of the best-scoring validation positives
 * of each label to `<trial>/gradcam/` as the trial's artifacts.
 */
export async function trainChest(
  input: TrainTrialInput,
  hooks: TrainHooks,
): Promise<TrainTrialResult> {
  return runEpochLoop(input, hooks, () => prepareChest(input, hooks));
}

/**
 * What the epoch loop trains for a chest trial: its splits, its ViT initialised from `seed`,
 * images ordered and augmented by (seed, epoch), the weighted-BCE step, the evaluation and
 * the Grad-CAM finish.
 */
export async function prepareChest(
  input: TrainTrialInput,
  hooks: TrainHooks,
): Promise<EpochLoopTask<ChestBatch>> {
  const { params } = input;
  const data = await loadChestData(input, hooks);
  const { dataset, imageSize, positiveWeights } = data;
  const labels = dataset.labels;
  const model = buildChestTrialModel(params, imageSize, labels.length);
  // The last evaluation's scores: Grad-CAM picks its images from them.
  let lastScores: Float32Array | undefined;
  const score = async (ctx: EvaluationContext) =>
    (lastScores = await scoreSplit(model, dataset.val, imageSize, ctx));
  return {
    model,
    stepsPerEpoch: (batchSize) => Math.ceil(dataset.train.count / batchSize),
    // Decoding, resizing and augmenting the next batches overlaps the current step (prefetch).
    batches: (epoch, batchSize) =>
      streamChestBatches(dataset.train, {
        batchSize,
        imageSize,
        seed: params.seed,
        epoch,
        shuffle: true,
        augment: true,
        prefetch: 2,
      }),
    step: (batch, optimizer) => trainStep(model, optimizer, batch, imageSize, positiveWeights),
    evaluate: async (ctx) => ({
      metrics: chestMetrics(labels, dataset.val.targets, await score(ctx)),
    }),
    finish: async (ctx) =>
      writeGradCams(model, dataset, imageSize, lastScores ?? (await score(ctx)), ctx),
    resultMetrics: Object.keys(TASKS.chest.metrics),
  };
}

/**
 * Patch side for square images of `imageSize`: ViT's 16 at 224 (a 14×14 grid), and for
 * smaller images the largest power of two up to 16 that divides the side and leaves at least
 * 8 patches a side, so a 32-pixel synthetic image still has an 8×8 grid of 4-pixel patches.
 */
export function chestPatchSize(imageSize: number): number {
  for (let p = 16; p > 1; p /= 2) if (imageSize % p === 0 && imageSize / p >= 8) return p;
  return 1;
}

/**
 * The ViT of one trial: its geometry, depth and dropout, initialised from the trial's seed,
 * on grey `imageSize`² images cut into `chestPatchSize(imageSize)` patches.
 */
export function buildChestTrialModel(
  params: TrialParams,
  imageSize: number,
  classes: number,
): tf.LayersModel {
  return buildChestModel({
    ...resolveGeometry(params),
    layers: params.layers,
    dropout: params.dropout,
    seed: params.seed,
    imageSize: [imageSize, imageSize],
    channels: 1,
    patchSize: chestPatchSize(imageSize),
    classes,
  });
}

// ---------------------------------------------------------------- training

function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  batch: ChestBatch,
  imageSize: number,
  positiveWeights: Float32Array,
): number {
  const { size } = batch;
  const classes = positiveWeights.length;
  return tf.tidy(() => {
    const x = tf.tensor4d(batch.images.subarray(0, size * imageSize * imageSize), [
      size,
      imageSize,
      imageSize,
      1,
    ]);
    const y = tf.tensor2d(batch.targets.subarray(0, size * classes), [size, classes]);
    const w = tf.tensor1d(positiveWeights);
    const loss = optimizer.minimize(
      () => weightedBinaryCrossEntropy(model.apply(x, { training: true }) as tf.Tensor, y, w),
      true,
      trainableVariables(model),
    );
    return loss ? loss.dataSync()[0]! : NaN;
  });
}

/**
 * PyTorch's `BCEWithLogitsLoss(pos_weight=w)` written on the model's probabilities:
 * `−mean(w_c · y · log p + (1 − y) · log(1 − p))` over images and classes, `p` clipped to
 * [1e-7, 1 − 1e-7] as Keras's `binaryCrossentropy` does (the model ends in a sigmoid).
 */
export function weightedBinaryCrossEntropy(
  probs: tf.Tensor,
  targets: tf.Tensor,
  positiveWeights: tf.Tensor,
): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.clipByValue(probs, BCE_EPSILON, 1 - BCE_EPSILON);
    const positive = tf.mul(tf.mul(targets, positiveWeights), tf.log(p));
    const negative = tf.mul(tf.sub(1, targets), tf.log(tf.sub(1, p)));
    return tf.neg(tf.mean(tf.add(positive, negative))) as tf.Scalar;
  });
}

/**
 * Per class, negatives / positives on `split` (PyTorch's recommended `pos_weight`), clipped to
 * [1/MAX_POSITIVE_WEIGHT, MAX_POSITIVE_WEIGHT]; 1 for a class with no positives or no negatives.
 */
export function positiveWeightsOf(split: ChestSplit, classes: number): Float32Array {
  return Float32Array.from(positivesPerClass(split, classes), (pos) => {
    const neg = split.count - pos;
    if (pos === 0 || neg === 0) return 1;
    return Math.min(MAX_POSITIVE_WEIGHT, Math.max(1 / MAX_POSITIVE_WEIGHT, neg / pos));
  });
}

function positivesPerClass(split: ChestSplit, classes: number): Float64Array {
  const positives = new Float64Array(classes);
  for (let i = 0; i < split.count * classes; i++) positives[i % classes]! += split.targets[i]!;
  return positives;
}

// ---------------------------------------------------------------- evaluation

/** The model's probabilities for every image of `split`, `[count][labels]`, heartbeating per batch. */
async function scoreSplit(
  model: tf.LayersModel,
  split: ChestSplit,
  imageSize: number,
  ctx: EvaluationContext,
): Promise<Float32Array> {
  const classes = split.count === 0 ? 0 : split.targets.length / split.count;
  const scores = new Float32Array(split.count * classes);
  for await (const batch of streamChestBatches(split, {
    batchSize: ctx.batchSize,
    imageSize,
    seed: 0,
    epoch: 0,
    shuffle: false,
    augment: false,
  })) {
    const n = batch.size;
    const probs = predictValues(
      model,
      tf.tensor4d(batch.images.subarray(0, n * imageSize * imageSize), [
        n,
        imageSize,
        imageSize,
        1,
      ]),
    );
    for (let k = 0; k < n; k++) {
      scores.set(probs.subarray(k * classes, (k + 1) * classes), batch.indices[k]! * classes);
    }
    await ctx.tick();
  }
  return scores;
}

/**
 * The chest task's metrics from `[N][labels]` 0/1 targets and scores: `auc_<Label>` per label
 * (scikit-learn's `roc_auc_score`; null when the label's targets are all equal), `mean_auc`
 * over the labels that have one, `mean_auc_14` over the 14 ChestX-ray14 findings that have one
 * (the thesis's "Average-14"); a mean over none is null.
 */
export function chestMetrics(
  labels: readonly string[],
  targets: ArrayLike<number>,
  scores: ArrayLike<number>,
): MetricValues {
  const perClass = rocAucPerClass(targets, scores, labels.length);
  const findings: readonly string[] = CHESTXRAY14_FINDINGS;
  const metrics: MetricValues = {};
  labels.forEach((label, c) => (metrics[chestAucMetric(label)] = perClass[c] ?? null));
  metrics.mean_auc = meanAuc(perClass);
  metrics.mean_auc_14 = meanAuc(perClass.filter((_, c) => findings.includes(labels[c]!)));
  return metrics;
}

// ---------------------------------------------------------------- Grad-CAM

/**
 * The validation images Grad-CAM explains, as `[class, image]` pairs: for each class its
 * positives with the highest scores (up to `perClass`, ties by index), at most `max` in all,
 * taken class by class.
 */
export function pickGradCamImages(
  targets: ArrayLike<number>,
  scores: ArrayLike<number>,
  classes: number,
  perClass = GRADCAM_PER_CLASS,
  max = GRADCAM_MAX_IMAGES,
): Array<{ classIndex: number; images: number[] }> {
  const count = targets.length / classes;
  const picks: Array<{ classIndex: number; images: number[] }> = [];
  let left = max;
  for (let c = 0; c < classes && left > 0; c++) {
    const positives: number[] = [];
    for (let i = 0; i < count; i++) if (targets[i * classes + c] === 1) positives.push(i);
    positives.sort((a, b) => scores[b * classes + c]! - scores[a * classes + c]! || a - b);
    const images = positives.slice(0, Math.min(perClass, left));
    if (images.length > 0) picks.push({ classIndex: c, images });
    left -= images.length;
  }
  return picks;
}

/** Grad-CAM overlays of `pickGradCamImages`' images as `<trialDir>/gradcam/<Label>-<image>.png`. */
async function writeGradCams(
  model: tf.LayersModel,
  dataset: ChestXray14Dataset,
  imageSize: number,
  scores: Float32Array,
  ctx: FinishContext,
): Promise<TrialArtifact[]> {
  const { val, labels } = dataset;
  const artifacts: TrialArtifact[] = [];
  for (const { classIndex, images } of pickGradCamImages(val.targets, scores, labels.length)) {
    const split = subsetSplit(val, images, labels.length);
    for await (const batch of streamChestBatches(split, {
      batchSize: images.length,
      imageSize,
      seed: 0,
      epoch: 0,
      shuffle: false,
      augment: false,
      prefetch: 0,
    })) {
      const x = tf.tensor4d(batch.images.subarray(0, batch.size * imageSize * imageSize), [
        batch.size,
        imageSize,
        imageSize,
        1,
      ]);
      let cam;
      try {
        cam = chestGradCam(model, x, classIndex);
      } finally {
        x.dispose();
      }
      const cells = cam.grid[0] * cam.grid[1];
      for (let k = 0; k < batch.size; k++) {
        const source = split.images[batch.indices[k]!]!;
        const name = `gradcam/${labels[classIndex]}-${basename(source, extname(source))}.png`;
        const path = join(ctx.trialDir, name);
        const written = await writeHeatmapOverlay({
          image: source,
          heatmap: cam.maps.subarray(k * cells, (k + 1) * cells),
          grid: cam.grid,
          out: path,
        });
        artifacts.push({ name, path, bytes: written.bytes });
      }
    }
    await ctx.tick();
  }
  return artifacts;
}

/** The images `indices` of `split` as a split of their own. */
function subsetSplit(split: ChestSplit, indices: readonly number[], classes: number): ChestSplit {
  const targets = new Uint8Array(indices.length * classes);
  indices.forEach((i, k) =>
    targets.set(split.targets.subarray(i * classes, (i + 1) * classes), k * classes),
  );
  return {
    count: indices.length,
    images: indices.map((i) => split.images[i]!),
    patients: Int32Array.from(indices, (i) => split.patients[i]!),
    targets,
  };
}

// ---------------------------------------------------------------- data

interface ChestData {
  dataset: ChestXray14Dataset;
  /** Side of the square images the model sees. */
  imageSize: number;
  positiveWeights: Float32Array;
}

/** Opened sets per folder and extra CSVs, shared by the trials of this process. */
const dataCache = new Map<string, Promise<Omit<ChestData, 'imageSize'>>>();

async function loadChestData(input: TrainTrialInput, hooks: TrainHooks): Promise<ChestData> {
  const ds = input.dataset;
  let root: string;
  let imageSize: number;
  if (ds.kind === 'synthetic') {
    imageSize = ds.image_size ?? SYNTHETIC_CHESTXRAY14_DEFAULT_SIZE;
    // Written once per machine, beside the artifacts (`<artifacts>/../datasets`), at the size
    // the model sees, so no trial pays for resizing.
    root = await materializeSyntheticChestXray14({
      parentDir: resolve(hooks.artifactsDir, '..', 'datasets'),
      labels: CHEST_LABELS,
      seed: ds.seed,
      images: ds.images,
      imageSize,
    });
  } else if (ds.kind === 'chestxray14') {
    root = resolve(ds.path);
    imageSize = ds.image_size;
  } else {
    throw new HeadroomError(
      'DATA',
      `dataset.kind ${ds.kind}: task chest reads ChestX-ray14; use dataset: { kind: chestxray14, path } or { kind: synthetic, images }`,
    );
  }
  const extra = ds.kind === 'synthetic' ? undefined : ds.extra?.map((f) => resolve(root, f));
  const key = JSON.stringify([root, extra ?? []]);
  let data = dataCache.get(key);
  if (!data) {
    data = openChestData(root, extra, hooks.warn);
    dataCache.set(key, data);
    // A failed read is not remembered: the next attempt may find the files fixed.
    data.catch(() => dataCache.delete(key));
  }
  return { ...(await data), imageSize };
}

async function openChestData(
  root: string,
  extra: string[] | undefined,
  warn: (message: string) => void,
): Promise<Omit<ChestData, 'imageSize'>> {
  const dataset = await openChestXray14(root, { labels: CHEST_LABELS, extra });
  if (dataset.train.count === 0 || dataset.val.count === 0) {
    throw new HeadroomError(
      'DATA',
      `${root}: ${dataset.train.count} training and ${dataset.val.count} validation images; the chest task needs both`,
    );
  }
  const classes = dataset.labels.length;
  const positives = positivesPerClass(dataset.train, classes);
  const missing = dataset.labels.filter((_, c) => positives[c] === 0);
  if (missing.length > 0)
    warn(`${root}: no training image has ${missing.join(', ')}; their AUC cannot improve`);
  return { dataset, positiveWeights: positiveWeightsOf(dataset.train, classes) };
}
