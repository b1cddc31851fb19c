import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  COCO_KEYPOINTS,
  cropToImage,
  findCocoSplit,
  materializeSyntheticCoco,
  openCocoKeypoints,
  PIXEL_STD,
  streamCocoBatches,
  type CocoBatch,
  type CocoKeypointsDataset,
} from '@headroom/datasets';
import { HeadroomError } from '@headroom/errors';
import {
  evaluateCocoKeypoints,
  oksNms,
  type CocoKeypointAnnotation,
  type CocoKeypointsGroundTruth,
} from '@headroom/metrics';
import {
  buildPose2dModel,
  decodeHeatmaps,
  predictValues,
  tf,
  trainableVariables,
} from '@headroom/models';
import { resolveGeometry, TASKS, type MetricName } from '@headroom/sweep';
import {
  runEpochLoop,
  type EpochLoopTask,
  type Evaluation,
  type EvaluationContext,
} from './epoch-loop';
import type { TrainHooks } from './hooks';
import type { TrainTrialInput, TrainTrialResult } from '@headroom/sweep/temporal';

/** `[height, width]` of the person crop when the dataset gives no `input_size` (TransPose, the thesis). */
export const POSE2D_DEFAULT_INPUT_SIZE: readonly [number, number] = [256, 192];
/** HRNet's `TEST.IN_VIS_THRE`: joints scoring above it make up a person's score. */
const IN_VIS_THRESHOLD = 0.2;

/**
 * Backbone channels for `d_m`: `[d_m/4, d_m/2, d_m]` (at least 8), three stride-2 stages, so
 * the thesis's d_m 256 gets the models package's default `[64, 128, 256]` and a small d_m a
 * backbone a CPU can train. Sweeping d_m therefore scales the backbone with it.
 */
export function pose2dBackbone(dModel: number): number[] {
  return [Math.max(8, Math.round(dModel / 4)), Math.max(8, Math.round(dModel / 2)), dModel];
}

/**
 * Trains the TransPose-like pose2d model (CNN backbone → feature tokens → flexible-head
 * transformer → 17 keypoint heatmaps) top-down on COCO person crops with HRNet's
 * augmentation and target-weighted heatmap MSE, evaluates COCO OKS AP/AR on the val split's
 * ground-truth boxes after every epoch and reports it, and saves the weights.
 */
export async function trainPose2d(
  input: TrainTrialInput,
  hooks: TrainHooks,
): Promise<TrainTrialResult> {
  return runEpochLoop(input, hooks, () => preparePose2d(input, hooks));
}

/**
 * What the epoch loop trains for a pose2d trial: its COCO splits, its model initialised from
 * `seed`, crops ordered and augmented by (seed, epoch), the heatmap step and the evaluation.
 */
export async function preparePose2d(
  input: TrainTrialInput,
  hooks: TrainHooks,
): Promise<EpochLoopTask<CocoBatch>> {
  const { params } = input;
  const geometry = resolveGeometry(params);
  const data = await loadPose2dData(input, hooks);
  const { inputSize } = data;
  const model = buildPose2dModel({
    ...geometry,
    layers: params.layers,
    dropout: params.dropout,
    imageSize: [inputSize.height, inputSize.width],
    backbone: pose2dBackbone(geometry.dModel),
    seed: params.seed,
  });
  return {
    model,
    stepsPerEpoch: (batchSize) => Math.ceil(data.train.length / batchSize),
    // Decoding and cropping of the next batches overlaps the current step (prefetch).
    batches: (epoch, batchSize) =>
      streamCocoBatches(data.train, {
        batchSize,
        seed: params.seed,
        epoch,
        shuffle: true,
        prefetch: 2,
      }),
    step: (batch, optimizer) => trainStep(model, optimizer, batch, data.train),
    evaluate: (ctx) => evaluatePose2d(model, data, ctx),
    resultMetrics: Object.keys(TASKS.pose2d.metrics),
  };
}

// ---------------------------------------------------------------- training

function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  batch: CocoBatch,
  ds: CocoKeypointsDataset,
): number {
  const { size } = batch;
  const { inputSize: input, heatmapSize: hm } = ds;
  return tf.tidy(() => {
    const x = tf.tensor4d(batch.images, [size, input.height, input.width, 3]);
    // The batches are joint-major ([B][17][h][w]); the model's heatmaps are channels-last.
    const y = tf.transpose(
      tf.tensor4d(batch.heatmaps, [size, COCO_KEYPOINTS, hm.height, hm.width]),
      [0, 2, 3, 1],
    );
    const w = tf.tensor4d(batch.weights, [size, 1, 1, COCO_KEYPOINTS]);
    const loss = optimizer.minimize(
      () => jointsMseLoss(model.apply(x, { training: true }) as tf.Tensor, y, w),
      true,
      trainableVariables(model),
    );
    return loss ? loss.dataSync()[0]! : NaN;
  });
}

/**
 * HRNet's `JointsMSELoss` with `use_target_weight`: ½ · mean over joints of the MSE of
 * weight·prediction against weight·target, i.e. ½ · mean((w · (p − t))²).
 */
function jointsMseLoss(pred: tf.Tensor, target: tf.Tensor, weight: tf.Tensor): tf.Scalar {
  return tf.mul(0.5, tf.mean(tf.square(tf.mul(tf.sub(pred, target), weight))));
}

// ---------------------------------------------------------------- evaluation

/**
 * COCO keypoint AP/AR of the model on the val split, as HRNet's `validate` + `coco.evaluate`
 * with ground-truth boxes and no flip test: heatmap arg-max with the quarter-pixel shift,
 * mapped back through the crop; a person's score is the box score (1) times the mean peak of
 * its joints above 0.2; OKS NMS at 0.9 per image; pycocotools' `COCOeval` on the result.
 */
async function evaluatePose2d(
  model: tf.LayersModel,
  data: Pose2dData,
  ctx: EvaluationContext,
): Promise<Evaluation> {
  const { val, valGt } = data;
  const { inputSize: input, heatmapSize: hm } = val;
  const people: Array<{ imageId: number; keypoints: Float64Array; area: number; score: number }> =
    [];
  for await (const batch of streamCocoBatches(val, {
    batchSize: ctx.batchSize,
    seed: 0,
    epoch: 0,
    shuffle: false,
  })) {
    const n = batch.size;
    const heatmaps = predictValues(
      model,
      tf.tensor4d(batch.images, [n, input.height, input.width, 3]),
    );
    // In heatmap pixels (stride 1), then through the inverse crop transform at heatmap size.
    const peaks = decodeHeatmaps(heatmaps, {
      samples: n,
      joints: COCO_KEYPOINTS,
      rows: hm.height,
      cols: hm.width,
      stride: 1,
    });
    for (let s = 0; s < n; s++) {
      const meta = batch.meta[s]!;
      const keypoints = cropToImage(
        peaks.subarray(s * COCO_KEYPOINTS * 3, (s + 1) * COCO_KEYPOINTS * 3),
        meta.center,
        meta.scale,
        hm,
        { stride: 3 },
      );
      people.push({
        imageId: meta.imageId,
        keypoints,
        // HRNet's `area`: the crop's scale in pixels², the OKS scale of NMS.
        area: meta.scale[0] * meta.scale[1] * PIXEL_STD * PIXEL_STD,
        score: keypointScore(keypoints) * meta.score,
      });
    }
    await ctx.tick();
  }
  const results = oksNms(people).map((p) => ({
    image_id: p.imageId,
    category_id: data.personCategoryId,
    keypoints: Array.from(p.keypoints),
    score: p.score,
  }));
  // All ten stats, under the task's metric names.
  const metrics = evaluateCocoKeypoints(valGt, results) satisfies Record<
    MetricName<'pose2d'>,
    number
  >;
  return { metrics };
}

/** HRNet's rescoring: the mean peak of the joints above `IN_VIS_THRESHOLD`, 0 when none is. */
function keypointScore(keypoints: Float64Array): number {
  let sum = 0;
  let count = 0;
  for (let j = 0; j < COCO_KEYPOINTS; j++) {
    const v = keypoints[j * 3 + 2]!;
    if (v > IN_VIS_THRESHOLD) {
      sum += v;
      count++;
    }
  }
  return count > 0 ? sum / count : 0;
}

// ---------------------------------------------------------------- data

interface Pose2dData {
  train: CocoKeypointsDataset;
  val: CocoKeypointsDataset;
  /** The val annotation file as the evaluation reads it (segmentations dropped). */
  valGt: CocoKeypointsGroundTruth;
  personCategoryId: number;
  inputSize: { width: number; height: number };
}

/** Opened sets per folder and input size, shared by the trials of this process. */
const dataCache = new Map<string, Promise<Pose2dData>>();

async function loadPose2dData(input: TrainTrialInput, hooks: TrainHooks): Promise<Pose2dData> {
  const ds = input.dataset;
  let root: string;
  if (ds.kind === 'synthetic') {
    // Written once per machine, beside the artifacts (`<artifacts>/../datasets`).
    root = await materializeSyntheticCoco({
      parentDir: resolve(hooks.artifactsDir, '..', 'datasets'),
      seed: ds.seed,
      images: ds.images,
    });
  } else if (ds.kind === 'coco') {
    root = resolve(ds.path);
  } else {
    throw new HeadroomError(
      'DATA',
      `dataset.kind ${ds.kind}: task pose2d reads COCO person keypoints; use dataset: { kind: coco, path } or { kind: synthetic, images }`,
    );
  }
  const [height, width] = ds.input_size ?? POSE2D_DEFAULT_INPUT_SIZE;
  const key = JSON.stringify([root, height, width]);
  let data = dataCache.get(key);
  if (!data) {
    data = openPose2dData(root, { width, height }, hooks.warn);
    dataCache.set(key, data);
    // A failed load is not remembered: the next attempt may find the files fixed.
    data.catch(() => dataCache.delete(key));
  }
  return data;
}

async function openPose2dData(
  root: string,
  inputSize: { width: number; height: number },
  warn: (message: string) => void,
): Promise<Pose2dData> {
  const trainFiles = await findCocoSplit(root, 'train', warn);
  const valFiles = await findCocoSplit(root, 'val', warn);
  const [train, val, gt] = await Promise.all([
    openCocoKeypoints({ ...trainFiles, split: 'train', inputSize }),
    openCocoKeypoints({ ...valFiles, split: 'val', inputSize }),
    readGroundTruth(valFiles.annotationFile),
  ]);
  return { train, val, valGt: gt.valGt, personCategoryId: gt.personCategoryId, inputSize };
}

/** The val annotations for `evaluateCocoKeypoints`: only the fields it reads, so the rest can be freed. */
async function readGroundTruth(
  file: string,
): Promise<{ valGt: CocoKeypointsGroundTruth; personCategoryId: number }> {
  let json: {
    images?: Array<{ id: number }>;
    annotations?: Array<CocoKeypointAnnotation & { segmentation?: unknown }>;
    categories?: Array<{ id: number; name?: string }>;
  };
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as typeof json;
  } catch (err) {
    throw new HeadroomError(
      'DATA',
      `${file}: cannot read the val annotations (${(err as Error).message})`,
    );
  }
  const categories = (json.categories ?? []).map((c) => ({ id: c.id, name: c.name }));
  const person = categories.find((c) => c.name === 'person') ?? categories[0];
  if (!person)
    throw new HeadroomError('DATA', `${file} has no categories; expected COCO's person category`);
  return {
    valGt: {
      images: (json.images ?? []).map((i) => ({ id: i.id })),
      annotations: (json.annotations ?? []).map((a) => ({
        id: a.id,
        image_id: a.image_id,
        category_id: a.category_id,
        keypoints: a.keypoints,
        num_keypoints: a.num_keypoints,
        area: a.area,
        bbox: a.bbox,
        iscrowd: a.iscrowd,
      })),
      categories,
    },
    personCategoryId: person.id,
  };
}
