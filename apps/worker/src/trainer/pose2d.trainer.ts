import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  COCO_KEYPOINTS,
  cropToImage,
  openCocoKeypoints,
  PIXEL_STD,
  streamCocoBatches,
  synthesizeCoco,
  type CocoBatch,
  type CocoKeypointsDataset,
  type CocoSplit,
} from '@headroom/datasets';
import { HeadroomError } from '@headroom/errors';
import {
  COCO_KEYPOINT_SIGMAS,
  evaluateCocoKeypoints,
  type CocoKeypointAnnotation,
  type CocoKeypointResult,
  type CocoKeypointsGroundTruth,
} from '@headroom/metrics';
import { buildPose2dModel, decodeHeatmaps, tf, trainableVariables } from '@headroom/models';
import { resolveGeometry, TASKS } from '@headroom/sweep';
import { runEpochLoop, type EvaluationContext } from './epoch-loop';
import type { TrainHooks } from './hooks';
import type { TrainTrialInput, TrainTrialResult } from '../types';

/** `[height, width]` of the person crop when the dataset gives no `input_size` (TransPose, the thesis). */
export const POSE2D_DEFAULT_INPUT_SIZE: readonly [number, number] = [256, 192];
/** Images of a synthetic COCO set when the dataset gives no `images`. */
export const SYNTHETIC_COCO_DEFAULT_IMAGES = 1000;
const SYNTHETIC_COCO_DEFAULT_SEED = 1;
/** HRNet's `TEST.IN_VIS_THRE`: joints scoring above it make up a person's score. */
const IN_VIS_THRESHOLD = 0.2;
/** HRNet's `TEST.OKS_THRE`: a person whose OKS with a better-scored one exceeds it is dropped. */
const OKS_NMS_THRESHOLD = 0.9;
const HEARTBEAT_WHILE_LOADING_MS = 5000;

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
  const { params } = input;
  const geometry = resolveGeometry(params);
  const data = await whileHeartbeating(input, hooks, () => loadPose2dData(input, hooks));
  const { inputSize } = data;
  const model = buildPose2dModel({
    ...geometry,
    layers: params.layers,
    dropout: params.dropout,
    imageSize: [inputSize.height, inputSize.width],
    backbone: pose2dBackbone(geometry.dModel),
    seed: params.seed,
  });
  const optimizer = tf.train.adam(params.lr);
  return runEpochLoop(input, hooks, {
    model,
    optimizer,
    // Decoding and cropping of the next batches overlaps the current step (prefetch).
    batches: (epoch, batchSize) =>
      streamCocoBatches(data.train, {
        batchSize,
        seed: params.seed,
        epoch,
        shuffle: true,
        prefetch: 2,
      }),
    step: (batch) => trainStep(model, optimizer, batch, data.train),
    evaluate: (ctx) => evaluatePose2d(model, data, ctx),
    resultMetrics: Object.keys(TASKS.pose2d.metrics),
  });
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

/** One person's prediction in image coordinates (HRNet's `kpts` entries). */
interface PersonPrediction {
  imageId: number;
  /** 17 × (x, y, peak). */
  keypoints: Float64Array;
  /** HRNet's `area`: the crop's scale in pixels², used by OKS NMS. */
  area: number;
  score: number;
}

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
): Promise<Record<string, number>> {
  const { val, valGt } = data;
  const { inputSize: input, heatmapSize: hm } = val;
  const people: PersonPrediction[] = [];
  for await (const batch of streamCocoBatches(val, {
    batchSize: ctx.batchSize,
    seed: 0,
    epoch: 0,
    shuffle: false,
  })) {
    const n = batch.size;
    const heatmaps = tf.tidy(() => {
      const x = tf.tensor4d(batch.images, [n, input.height, input.width, 3]);
      return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
    });
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
        area: meta.scale[0] * meta.scale[1] * PIXEL_STD * PIXEL_STD,
        score: keypointScore(keypoints) * meta.score,
      });
    }
    await ctx.tick();
  }
  const results: CocoKeypointResult[] = [];
  for (const group of groupByImage(people)) {
    for (const p of oksNms(group)) {
      results.push({
        image_id: p.imageId,
        category_id: data.personCategoryId,
        keypoints: Array.from(p.keypoints),
        score: p.score,
      });
    }
  }
  const stats = evaluateCocoKeypoints(valGt, results);
  return {
    ap: stats.ap,
    ap50: stats.ap50,
    ap75: stats.ap75,
    apm: stats.apMedium,
    apl: stats.apLarge,
    ar: stats.ar,
  };
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

/** People grouped by image, images in the order they were first seen. */
function groupByImage(people: readonly PersonPrediction[]): PersonPrediction[][] {
  const groups = new Map<number, PersonPrediction[]>();
  for (const p of people) {
    const g = groups.get(p.imageId);
    if (g) g.push(p);
    else groups.set(p.imageId, [p]);
  }
  return [...groups.values()];
}

const VARS = COCO_KEYPOINT_SIGMAS.map((s) => (s * 2) ** 2);

/** HRNet's `oks_iou` of one person against another: every joint counts, scale = mean area. */
function oksIou(a: PersonPrediction, b: PersonPrediction): number {
  let sum = 0;
  const s = (a.area + b.area) / 2 + 2 ** -52;
  for (let j = 0; j < COCO_KEYPOINTS; j++) {
    const dx = b.keypoints[j * 3]! - a.keypoints[j * 3]!;
    const dy = b.keypoints[j * 3 + 1]! - a.keypoints[j * 3 + 1]!;
    sum += Math.exp(-((dx * dx + dy * dy) / VARS[j]! / s / 2));
  }
  return sum / COCO_KEYPOINTS;
}

/** HRNet's `oks_nms`: best score first, dropping people whose OKS with a kept one is above the threshold. */
function oksNms(group: readonly PersonPrediction[]): PersonPrediction[] {
  let order = [...group].sort((a, b) => b.score - a.score);
  const keep: PersonPrediction[] = [];
  while (order.length > 0) {
    const best = order[0]!;
    keep.push(best);
    order = order.slice(1).filter((p) => oksIou(best, p) <= OKS_NMS_THRESHOLD);
  }
  return keep;
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
/** Synthetic sets being written by this process, so concurrent trials wait for one writer. */
const synthesizing = new Map<string, Promise<string>>();

async function loadPose2dData(input: TrainTrialInput, hooks: TrainHooks): Promise<Pose2dData> {
  const ds = input.dataset;
  let root: string;
  if (ds.kind === 'synthetic') {
    root = await materializeSyntheticCoco(
      hooks.artifactsDir,
      ds.seed ?? SYNTHETIC_COCO_DEFAULT_SEED,
      ds.images ?? SYNTHETIC_COCO_DEFAULT_IMAGES,
    );
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

/**
 * The annotation file and image folder of one split under `root`. Two layouts:
 * `annotations/person_keypoints_<split>.json` + `images/<split>/` (`synthesizeCoco`,
 * `headroom data synth coco`) and COCO 2017's `annotations/person_keypoints_<split>2017.json`
 * with images in `<split>2017/` (its zips unpacked side by side) or `images/<split>2017/`
 * (HRNet's `data/coco`). With several years present the newest is taken.
 */
export async function findCocoSplit(
  root: string,
  split: CocoSplit,
  warn: (message: string) => void = () => {},
): Promise<{ annotationFile: string; imageDir: string }> {
  const layout = `dataset.path must hold annotations/person_keypoints_{train,val}2017.json with images in {train,val}2017/ or images/{train,val}2017/ (COCO 2017), or annotations/person_keypoints_{train,val}.json with images/{train,val}/`;
  const annotations = join(root, 'annotations');
  const names = await readdir(annotations).catch(() => [] as string[]);
  const pattern = new RegExp(`^person_keypoints_${split}(\\d*)\\.json$`);
  const found = names.filter((n) => pattern.test(n)).sort();
  const name = found.at(-1);
  if (!name) {
    throw new HeadroomError(
      'DATA',
      `${join(annotations, `person_keypoints_${split}2017.json`)} not found (nor person_keypoints_${split}.json): the ${split} annotations are missing; ${layout}`,
    );
  }
  if (found.length > 1)
    warn(
      `several ${split} annotation files in ${annotations} (${found.join(', ')}); using ${name}`,
    );
  const folder = `${split}${pattern.exec(name)![1]}`;
  const candidates = [join(root, 'images', folder), join(root, folder)];
  for (const dir of candidates) {
    if ((await stat(dir).catch(() => undefined))?.isDirectory())
      return { annotationFile: join(annotations, name), imageDir: dir };
  }
  throw new HeadroomError(
    'DATA',
    `the images of ${name} are missing: neither ${candidates.join(' nor ')} is a folder; ${layout}`,
  );
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

/**
 * The folder of synthetic COCO set (seed, images): `<artifactsDir>/../datasets/synthetic-coco-<seed>-<images>`,
 * written once per machine. It is generated in a temporary folder beside it and renamed into
 * place, so a folder under the final name is always complete, and trials on one machine
 * (in this process or others) that race to write it all end up reading the same one.
 */
export async function materializeSyntheticCoco(
  artifactsDir: string,
  seed: number,
  images: number,
): Promise<string> {
  const root = resolve(artifactsDir, '..', 'datasets', `synthetic-coco-${seed}-${images}`);
  let job = synthesizing.get(root);
  if (!job) {
    job = writeSyntheticCoco(root, seed, images).finally(() => synthesizing.delete(root));
    synthesizing.set(root, job);
  }
  return job;
}

async function writeSyntheticCoco(root: string, seed: number, images: number): Promise<string> {
  if (await isDirectory(root)) return root;
  await mkdir(dirname(root), { recursive: true });
  const tmp = await mkdtemp(join(dirname(root), `.${basename(root)}.tmp-`));
  try {
    await synthesizeCoco({ outDir: tmp, images, seed });
    try {
      await rename(tmp, root);
    } catch (err) {
      // Another process renamed its copy first: theirs is as good as ours.
      if (!(await isDirectory(root))) throw err;
    }
    return root;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/**
 * Heartbeats while `load` runs (generating a synthetic set, parsing COCO's 240 MB train
 * annotations): the activity's heartbeat timeout must not take slow data for a dead worker.
 * The details carry the resume point this attempt was given, so a retry still finds it.
 */
async function whileHeartbeating<T>(
  input: TrainTrialInput,
  hooks: TrainHooks,
  load: () => Promise<T>,
): Promise<T> {
  const beat = () =>
    hooks.heartbeat({ epoch: input.resumeFrom?.epoch ?? 0, checkpoint: input.resumeFrom?.path });
  beat();
  const timer = setInterval(beat, HEARTBEAT_WHILE_LOADING_MS);
  try {
    return await load();
  } finally {
    clearInterval(timer);
  }
}
