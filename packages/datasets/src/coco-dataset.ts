import { basename, join } from 'node:path';
import sharp from 'sharp';
import { HeadroomError } from '@headroom/errors';
import { readCocoDetections, readCocoKeypointFile, type CocoImage } from './coco-annotations.js';
import { COCO_KEYPOINTS, COCO_UPPER_BODY_JOINTS } from './coco-skeleton.js';
import {
  applyAffine,
  boxToCenterScale,
  composeAffine,
  flipJoints,
  generateHeatmapTargets,
  getAffineTransform,
  IMAGENET_MEAN,
  IMAGENET_STD,
  PIXEL_STD,
  warpAffineBilinear,
  type Point2,
  type RawImage,
  type Size,
} from './coco-transforms.js';
import { createRng, mixSeeds, sampleNormal, seedWords } from './prng.js';

/**
 * COCO person keypoints for top-down training and evaluation, the way HRNet /
 * TransPose's `coco.py` + `JointsDataset.py` prepare them: one sample per person
 * box, cropped by a similarity transform to the model input, with Gaussian
 * heatmap targets at stride 4. Only the annotations live in memory; images are
 * decoded (with sharp) when a sample is loaded.
 */

export type CocoSplit = 'train' | 'val';

/** Training-time augmentation; defaults are HRNet / TransPose's COCO configs. */
export interface CocoAugmentation {
  /** Mirror half of the samples, swapping left and right joints. */
  flip: boolean;
  /** Scale × clip(N(1, sf), 1 − sf, 1 + sf). */
  scaleFactor: number;
  /** Rotation clip(N(0, rf), −2rf, 2rf) degrees… */
  rotationFactor: number;
  /** …applied to this fraction of samples (HRNet: 0.6). */
  rotationProbability: number;
  /** Crop to the upper or lower body this often (HRNet `half_body_transform`)… */
  halfBodyProbability: number;
  /** …when more than this many joints are labelled. */
  halfBodyMinJoints: number;
}

export const HRNET_COCO_AUGMENTATION: Readonly<CocoAugmentation> = {
  flip: true,
  scaleFactor: 0.35,
  rotationFactor: 45,
  rotationProbability: 0.6,
  halfBodyProbability: 0.3,
  halfBodyMinJoints: 8,
};

/** Model input of the thesis / TransPose-R: 256 high, 192 wide. */
export const COCO_DEFAULT_INPUT_SIZE: Readonly<Size> = { width: 192, height: 256 };
/** Heatmaps are a quarter of the input in each direction. */
export const COCO_HEATMAP_STRIDE = 4;

export interface OpenCocoKeypointsOptions {
  /** e.g. `annotations/person_keypoints_val2017.json`. */
  annotationFile: string;
  /** The folder holding the images named by `images[].file_name`, e.g. `images/val2017`. */
  imageDir: string;
  /**
   * `train`: augmentation, ground-truth boxes. `val`: no augmentation, samples from
   * ground-truth boxes or from `detectionsFile`. Default: `train` when the
   * annotation file's name contains "train", else `val`.
   */
  split?: CocoSplit;
  /** Evaluation from a detector's person boxes (COCO results JSON with bbox and score). */
  detectionsFile?: string;
  /** Detections with a lower score are dropped (HRNet's `IMAGE_THRE`, default 0). */
  detectionScoreThreshold?: number;
  /** Model input; default 192 wide × 256 high. Both must be multiples of 4. */
  inputSize?: Size;
  /** Heatmap Gaussian sigma in heatmap pixels (default 2). */
  sigma?: number;
  /** Training augmentation (merged over HRNet's), or false for none. Ignored for `val`. */
  augmentation?: Partial<CocoAugmentation> | false;
}

/** One person box to crop. */
export interface CocoPersonSample {
  imageId: number;
  /** The annotation's id; null for a sample from a detection. */
  annId: number | null;
  /** [x, y, w, h]: the annotation's box after HRNet's clean-up, or the detection's box. */
  bbox: readonly [number, number, number, number];
  center: Point2;
  scale: Point2;
  /** 1 for ground truth, the detector's score for a detection. */
  score: number;
}

/** Where a crop comes from. The training pipeline draws these per (seed, epoch, sample). */
export interface CocoCropParams {
  center: Point2;
  scale: Point2;
  /** Degrees. */
  rotation: number;
  flip: boolean;
}

/** What is needed to map a prediction on this crop back to the image. */
export interface CocoSampleMeta {
  /** Position of the sample in `dataset.samples`. */
  index: number;
  imageId: number;
  annId: number | null;
  /**
   * Crop centre and scale as warped. For a flipped sample they are in the mirrored
   * image (HRNet's meta does the same); evaluation samples are never flipped.
   */
  center: [number, number];
  scale: [number, number];
  rotation: number;
  flipped: boolean;
  score: number;
}

/** Output buffers and the slot to fill (the batch stream passes its batch arrays). */
export interface CocoCropTarget {
  images: Float32Array;
  heatmaps: Float32Array;
  weights: Float32Array;
  slot: number;
}

export interface CocoCrop {
  /** [H][W][3], ImageNet-normalised RGB. */
  image: Float32Array;
  /** [17][H/4][W/4]. */
  heatmaps: Float32Array;
  /** [17]: 1 where the joint is labelled and its Gaussian touches the heatmap. */
  weights: Float32Array;
  /** [17][3]: x, y in crop pixels and visibility 0/1 (x, y are 0 for unlabelled joints). */
  joints: Float32Array;
  meta: CocoSampleMeta;
}

const KP = COCO_KEYPOINTS * 3;

export class CocoKeypointsDataset {
  readonly heatmapSize: Size;
  readonly aspectRatio: number;
  /** Every image id of the annotation file, people or not, in file order (the evaluation set). */
  readonly imageIds: readonly number[];
  private readonly imageById: ReadonlyMap<number, CocoImage>;

  /** Use `openCocoKeypoints`. */
  constructor(
    readonly annotationFile: string,
    readonly imageDir: string,
    readonly split: CocoSplit,
    readonly source: 'ground-truth' | 'detections',
    readonly images: readonly CocoImage[],
    readonly samples: readonly CocoPersonSample[],
    /** [samples][17][3] as in the file (x, y, v with v 0/1/2); zeros for detections. */
    private readonly keypointData: Float32Array,
    readonly inputSize: Size,
    readonly sigma: number,
    /** null: no augmentation (evaluation, or switched off). */
    readonly augmentation: Readonly<CocoAugmentation> | null,
  ) {
    this.heatmapSize = {
      width: inputSize.width / COCO_HEATMAP_STRIDE,
      height: inputSize.height / COCO_HEATMAP_STRIDE,
    };
    this.aspectRatio = inputSize.width / inputSize.height;
    this.imageIds = images.map((i) => i.id);
    this.imageById = new Map(images.map((i) => [i.id, i]));
  }

  get length(): number {
    return this.samples.length;
  }

  /** The file's keypoints of sample `index`: [17][3] x, y, v (a view; do not modify). */
  keypoints(index: number): Float32Array {
    return this.keypointData.subarray(index * KP, (index + 1) * KP);
  }

  image(imageId: number): CocoImage {
    const img = this.imageById.get(imageId);
    if (!img)
      throw new HeadroomError(
        'NOT_FOUND',
        `image ${imageId} is not in ${basename(this.annotationFile)}`,
      );
    return img;
  }

  imagePath(imageId: number): string {
    return join(this.imageDir, this.image(imageId).fileName);
  }

  /**
   * The crop of sample `index` in epoch `epoch`: for training, HRNet's random
   * half-body crop, scale, rotation and flip, drawn from a generator seeded by
   * (seed, epoch, index) alone — so a resumed trial, or batches decoded out of
   * order, see exactly the same crops. Without augmentation, the sample's own box.
   */
  cropParams(index: number, seed: number, epoch: number): CocoCropParams {
    const sample = this.sampleAt(index);
    const params: CocoCropParams = {
      center: sample.center,
      scale: sample.scale,
      rotation: 0,
      flip: false,
    };
    const aug = this.augmentation;
    if (!aug) return params;
    const rng = createRng(
      mixSeeds(...seedWords(seed), epoch >>> 0, Math.floor(epoch / 4294967296) >>> 0, index >>> 0),
    );
    const kp = this.keypoints(index);
    let labelled = 0;
    for (let j = 0; j < COCO_KEYPOINTS; j++) if ((kp[j * 3 + 2] as number) > 0) labelled++;
    if (labelled > aug.halfBodyMinJoints && rng() < aug.halfBodyProbability) {
      const half = this.halfBody(kp, sampleNormal(rng));
      if (half) {
        params.center = half.center;
        params.scale = half.scale;
      }
    }
    const sf = aug.scaleFactor;
    const zoom = Math.min(1 + sf, Math.max(1 - sf, sampleNormal(rng) * sf + 1));
    params.scale = [params.scale[0] * zoom, params.scale[1] * zoom];
    if (rng() <= aug.rotationProbability) {
      const rf = aug.rotationFactor;
      params.rotation = Math.min(2 * rf, Math.max(-2 * rf, sampleNormal(rng) * rf));
    }
    params.flip = aug.flip && rng() <= 0.5;
    return params;
  }

  /** Decodes an image of the set to 8-bit RGB (or grey) with sharp. */
  async decodeImage(imageId: number): Promise<RawImage> {
    const info = this.image(imageId);
    const path = join(this.imageDir, info.fileName);
    let decoded: { data: Buffer; info: sharp.OutputInfo };
    try {
      decoded = await sharp(path, { failOn: 'error' })
        .removeAlpha()
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
    } catch (err) {
      const message = (err as Error).message;
      if (/missing|no such file|ENOENT/i.test(message)) {
        throw new HeadroomError(
          'NOT_FOUND',
          `${path} does not exist: imageDir must hold the images of ${basename(this.annotationFile)} (images[].file_name "${info.fileName}")`,
        );
      }
      throw new HeadroomError('DATA', `${path}: cannot decode the image (${message})`);
    }
    const { width, height, channels } = decoded.info;
    if (width !== info.width || height !== info.height) {
      throw new HeadroomError(
        'DATA',
        `${path} is ${width}×${height} but ${basename(this.annotationFile)} says ${info.width}×${info.height} for image ${imageId}: imageDir and annotationFile do not belong together`,
      );
    }
    if (channels !== 1 && channels !== 3) {
      throw new HeadroomError('DATA', `${path}: ${channels} colour channels, expected grey or RGB`);
    }
    return { data: decoded.data, width, height, channels };
  }

  /**
   * Crops sample `index` out of its decoded image into `target` (slot `slot` of
   * [B][H][W][3], [B][17][h][w] and [B][17] arrays) and returns its meta and the
   * joints in crop pixels.
   */
  renderCrop(
    index: number,
    image: RawImage,
    params: CocoCropParams,
    target: CocoCropTarget,
  ): { meta: CocoSampleMeta; joints: Float32Array } {
    const sample = this.sampleAt(index);
    const { inputSize, heatmapSize } = this;
    const W = image.width;
    const joints = new Float32Array(KP);
    const kp = this.keypoints(index);
    for (let j = 0; j < COCO_KEYPOINTS; j++) {
      joints[j * 3] = kp[j * 3] as number;
      joints[j * 3 + 1] = kp[j * 3 + 1] as number;
      // HRNet trains on "labelled", not on "visible": v = 1 and 2 both count.
      joints[j * 3 + 2] = Math.min(1, kp[j * 3 + 2] as number);
    }
    let center: [number, number] = [params.center[0], params.center[1]];
    if (params.flip) {
      flipJoints(joints, W);
      center = [W - center[0] - 1, center[1]];
    }
    const scale: [number, number] = [params.scale[0], params.scale[1]];
    const forward = getAffineTransform(center, scale, params.rotation, inputSize);
    let inverse = getAffineTransform(center, scale, params.rotation, inputSize, true);
    // Sampling the mirrored image at x is sampling the image at W − 1 − x.
    if (params.flip) inverse = composeAffine([-1, 0, W - 1, 0, 1, 0], inverse);
    const pixels = inputSize.width * inputSize.height;
    warpAffineBilinear(image, inverse, inputSize, target.images, target.slot * pixels * 3, {
      mean: IMAGENET_MEAN,
      std: IMAGENET_STD,
    });
    for (let j = 0; j < COCO_KEYPOINTS; j++) {
      if ((joints[j * 3 + 2] as number) > 0) {
        const [x, y] = applyAffine(forward, joints[j * 3] as number, joints[j * 3 + 1] as number);
        joints[j * 3] = x;
        joints[j * 3 + 1] = y;
      }
    }
    const planes = COCO_KEYPOINTS * heatmapSize.width * heatmapSize.height;
    generateHeatmapTargets(
      joints,
      inputSize,
      heatmapSize,
      this.sigma,
      target.heatmaps.subarray(target.slot * planes, (target.slot + 1) * planes),
      target.weights.subarray(target.slot * COCO_KEYPOINTS, (target.slot + 1) * COCO_KEYPOINTS),
    );
    return {
      meta: {
        index,
        imageId: sample.imageId,
        annId: sample.annId,
        center,
        scale,
        rotation: params.rotation,
        flipped: params.flip,
        score: sample.score,
      },
      joints,
    };
  }

  /**
   * Loads one sample: decodes its image and crops it with `params` (default: the
   * sample's own box, no augmentation; pass `cropParams(index, seed, epoch)` for
   * the training crop).
   */
  async loadSample(index: number, params?: Partial<CocoCropParams>): Promise<CocoCrop> {
    const sample = this.sampleAt(index);
    const full: CocoCropParams = {
      center: params?.center ?? sample.center,
      scale: params?.scale ?? sample.scale,
      rotation: params?.rotation ?? 0,
      flip: params?.flip ?? false,
    };
    const image = await this.decodeImage(sample.imageId);
    const { width, height } = this.inputSize;
    const target: CocoCropTarget = {
      images: new Float32Array(width * height * 3),
      heatmaps: new Float32Array(COCO_KEYPOINTS * this.heatmapSize.width * this.heatmapSize.height),
      weights: new Float32Array(COCO_KEYPOINTS),
      slot: 0,
    };
    const { meta, joints } = this.renderCrop(index, image, full, target);
    return {
      image: target.images,
      heatmaps: target.heatmaps,
      weights: target.weights,
      joints,
      meta,
    };
  }

  private sampleAt(index: number): CocoPersonSample {
    const sample = this.samples[index];
    if (!sample) {
      throw new HeadroomError(
        'INVALID_INPUT',
        `sample ${index} is out of range (the set has ${this.samples.length})`,
      );
    }
    return sample;
  }

  /** HRNet `half_body_transform`; `coin` is its `np.random.randn()` (compared with 0.5, as there). */
  private halfBody(kp: Float32Array, coin: number): { center: Point2; scale: Point2 } | null {
    const upper: number[] = [];
    const lower: number[] = [];
    for (let j = 0; j < COCO_KEYPOINTS; j++) {
      if ((kp[j * 3 + 2] as number) <= 0) continue;
      (COCO_UPPER_BODY_JOINTS.includes(j) ? upper : lower).push(j);
    }
    const chosen = coin < 0.5 && upper.length > 2 ? upper : lower.length > 2 ? lower : upper;
    if (chosen.length < 2) return null;
    let sx = 0;
    let sy = 0;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const j of chosen) {
      const x = kp[j * 3] as number;
      const y = kp[j * 3 + 1] as number;
      sx += x;
      sy += y;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
    let w = x1 - x0;
    let h = y1 - y0;
    if (w > this.aspectRatio * h) h = w / this.aspectRatio;
    else if (w < this.aspectRatio * h) w = h * this.aspectRatio;
    return {
      center: [sx / chosen.length, sy / chosen.length],
      scale: [(w / PIXEL_STD) * 1.5, (h / PIXEL_STD) * 1.5],
    };
  }
}

function checkInputSize(size: Size): void {
  for (const key of ['width', 'height'] as const) {
    const v = size[key];
    if (!Number.isInteger(v) || v < COCO_HEATMAP_STRIDE || v % COCO_HEATMAP_STRIDE !== 0) {
      throw new HeadroomError(
        'INVALID_INPUT',
        `inputSize.${key} is ${v}: it must be a positive multiple of ${COCO_HEATMAP_STRIDE} (heatmaps are at stride ${COCO_HEATMAP_STRIDE}), e.g. 256×192 or 64×48`,
      );
    }
  }
}

/**
 * Opens a COCO person-keypoints set: reads and checks the annotation file (and the
 * detections file, for evaluation from detected boxes) and builds one sample per
 * person. Ground-truth samples follow HRNet: crowd regions, boxes with no area and
 * people with no labelled keypoint are skipped, boxes are clipped to the image,
 * then turned into centre and scale at the input's aspect ratio with 1.25 padding.
 */
export async function openCocoKeypoints(
  options: OpenCocoKeypointsOptions,
): Promise<CocoKeypointsDataset> {
  const {
    annotationFile,
    imageDir,
    detectionsFile,
    detectionScoreThreshold = 0,
    inputSize = COCO_DEFAULT_INPUT_SIZE,
    sigma = 2,
  } = options;
  const split: CocoSplit =
    options.split ?? (basename(annotationFile).includes('train') ? 'train' : 'val');
  if (split !== 'train' && split !== 'val') {
    throw new HeadroomError(
      'INVALID_INPUT',
      `split is "${String(split)}", expected "train" or "val"`,
    );
  }
  checkInputSize(inputSize);
  if (!(sigma > 0))
    throw new HeadroomError('INVALID_INPUT', `sigma is ${sigma}, expected a positive number`);
  if (detectionsFile && split === 'train') {
    throw new HeadroomError(
      'INVALID_INPUT',
      `detectionsFile ${basename(detectionsFile)} is for evaluation: open the set with split "val"`,
    );
  }
  const aspectRatio = inputSize.width / inputSize.height;
  const file = await readCocoKeypointFile(annotationFile);
  const imageById = new Map(file.images.map((i) => [i.id, i]));
  const samples: CocoPersonSample[] = [];
  let keypointData: Float32Array;

  if (detectionsFile) {
    const detections = await readCocoDetections(detectionsFile, {
      imageIds: new Set(imageById.keys()),
      personCategoryId: file.personCategoryId,
      scoreThreshold: detectionScoreThreshold,
    });
    for (const det of detections) {
      const { center, scale } = boxToCenterScale(det.bbox, aspectRatio);
      samples.push({
        imageId: det.imageId,
        annId: null,
        bbox: det.bbox,
        center,
        scale,
        score: det.score,
      });
    }
    // A detection has no keypoints: weights 0, heatmaps 0.
    keypointData = new Float32Array(samples.length * KP);
  } else {
    const byImage = new Map<number, typeof file.annotations>();
    for (const ann of file.annotations) {
      const list = byImage.get(ann.imageId);
      if (list) list.push(ann);
      else byImage.set(ann.imageId, [ann]);
    }
    const kept: Array<(typeof file.annotations)[number]> = [];
    for (const img of file.images) {
      for (const ann of byImage.get(img.id) ?? []) {
        if (ann.iscrowd || ann.numKeypoints === 0 || !ann.keypoints) continue;
        if (!ann.keypoints.some((v, k) => k % 3 === 2 && v > 0)) continue;
        // HRNet's box clean-up: clip to the image, drop empty boxes.
        const [x, y, w, h] = ann.bbox;
        const x1 = Math.max(0, x);
        const y1 = Math.max(0, y);
        const x2 = Math.min(img.width - 1, x1 + Math.max(0, w - 1));
        const y2 = Math.min(img.height - 1, y1 + Math.max(0, h - 1));
        if (!(ann.area > 0 && x2 >= x1 && y2 >= y1)) continue;
        const bbox: [number, number, number, number] = [x1, y1, x2 - x1, y2 - y1];
        const { center, scale } = boxToCenterScale(bbox, aspectRatio);
        samples.push({ imageId: img.id, annId: ann.id, bbox, center, scale, score: 1 });
        kept.push(ann);
      }
    }
    keypointData = new Float32Array(samples.length * KP);
    kept.forEach((ann, i) => keypointData.set(ann.keypoints as number[], i * KP));
  }

  const augmentation =
    split === 'train' && options.augmentation !== false
      ? { ...HRNET_COCO_AUGMENTATION, ...(options.augmentation ?? {}) }
      : null;
  return new CocoKeypointsDataset(
    annotationFile,
    imageDir,
    split,
    detectionsFile ? 'detections' : 'ground-truth',
    file.images,
    samples,
    keypointData,
    { width: inputSize.width, height: inputSize.height },
    sigma,
    augmentation,
  );
}
