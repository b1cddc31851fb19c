import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { HeadroomError } from '@headroom/errors';
import {
  COCO_KEYPOINT_NAMES,
  COCO_KEYPOINTS,
  COCO_PERSON_CATEGORY_ID,
  COCO_SKELETON_ONE_BASED,
} from './coco-skeleton.js';
import { createRng, mixSeeds, sampleUniform, seedWords, type Rng } from './prng.js';
import { Canvas, maskBoxAndArea, maskToRle, type Paint, type Rgb } from './synthetic-raster.js';

/**
 * A synthetic stand-in for COCO 2017 person keypoints, written in the real
 * format (annotation JSON + JPEG folders), for tests, demos and sweeps on machines
 * without the data. Each image has a noisy, textured background and articulated
 * stick figures in fixed part colours (so the joints are learnable), some partly
 * covered by rectangles or by each other, some cut by the image border, some crowd
 * regions, and some images with nobody. It has COCO's format and conventions, not
 * its statistics.
 *
 * Annotation choices (COCO's own rules where they apply):
 * - keypoints are whole pixels; v = 2 where the figure itself is drawn on top at
 *   the keypoint, v = 1 where an occluder or a later figure covers it, and
 *   (0, 0, 0) outside the image;
 * - `bbox` and `area` come from the figure's full drawn mask inside the image
 *   (including the parts hidden by occluders): the tight pixel box and the pixel
 *   count — so every labelled keypoint lies inside its box;
 * - `segmentation` of a person is its box as a polygon; a crowd region (iscrowd 1,
 *   num_keypoints 0, keypoints all zero) has the uncompressed RLE of its mask.
 */

export interface SynthesizeCocoOptions {
  /** Written: `annotations/person_keypoints_{train,val}.json`, `images/{train,val}/*.jpg`. */
  outDir: string;
  /** Number of images, split between train and val. */
  images: number;
  seed: number;
  /** Image size in pixels; default 320 × 240. */
  width?: number;
  height?: number;
  /** Fraction of images in val (default 0.2). */
  valFraction?: number;
  /** JPEG quality (default 90; chroma is not subsampled, to keep thin limbs' colours). */
  jpegQuality?: number;
}

export interface SyntheticCocoSplit {
  annotationFile: string;
  imageDir: string;
  images: number;
  /** Person annotations (not counting crowd regions). */
  people: number;
}

export interface SyntheticCocoPaths {
  root: string;
  train: SyntheticCocoSplit;
  val: SyntheticCocoSplit;
}

// ---------------------------------------------------------------- the figures

type Vec = [number, number];

/** Proportions in units of the figure's height (ankle to crown ≈ 0.97). */
const BODY = {
  torso: 0.3,
  hipHalf: 0.085,
  shoulderHalf: 0.115,
  shoulderDrop: 0.02,
  neckToHead: 0.1,
  headRadius: 0.065,
  upperArm: 0.165,
  forearm: 0.15,
  thigh: 0.24,
  shin: 0.235,
  armRadius: 0.024,
  legRadius: 0.033,
  neckRadius: 0.03,
  handRadius: 0.03,
  footRadius: 0.036,
};

/** Fixed part colours: left and right differ, so a model can tell the sides apart. */
const COLOURS = {
  leftUpperArm: [255, 128, 0],
  leftForearm: [255, 215, 0],
  leftHand: [255, 245, 150],
  rightUpperArm: [0, 140, 255],
  rightForearm: [0, 220, 220],
  rightHand: [150, 245, 255],
  leftThigh: [200, 0, 60],
  leftShin: [255, 100, 170],
  leftFoot: [120, 0, 40],
  rightThigh: [30, 60, 200],
  rightShin: [140, 110, 255],
  rightFoot: [20, 20, 110],
  skin: [236, 196, 160],
  nose: [210, 30, 30],
  leftEye: [20, 150, 40],
  rightEye: [30, 40, 170],
  leftEar: [150, 90, 30],
  rightEar: [100, 50, 150],
} satisfies Record<string, Rgb>;

interface Figure {
  /** [17] whole-pixel keypoints in COCO order. */
  joints: Vec[];
  headCenter: Vec;
  height: number;
  shirt: Rgb;
  brightness: number;
}

const rad = (deg: number) => (deg * Math.PI) / 180;

/**
 * A random pose: the torso leans, the head tilts, each arm and leg takes a joint
 * angle at the shoulder/hip and a bend at the elbow/knee. The figure faces the
 * camera, so its left side is on the image's right, as for a person facing you.
 */
function poseFigure(rng: Rng, pelvisX: number, pelvisY: number, height: number): Figure {
  const H = height;
  const lean = rad(sampleUniform(rng, -12, 12));
  const up: Vec = [Math.sin(lean), -Math.cos(lean)];
  const left: Vec = [Math.cos(lean), Math.sin(lean)];
  const at = (o: Vec, a: number, u: Vec, b = 0, v: Vec = [0, 0]): Vec => [
    o[0] + a * u[0] + b * v[0],
    o[1] + a * u[1] + b * v[1],
  ];
  const pelvis: Vec = [pelvisX, pelvisY];
  const neck = at(pelvis, BODY.torso * H, up);
  const tilt = rad(sampleUniform(rng, -15, 15));
  const headUp: Vec = [Math.sin(lean + tilt), -Math.cos(lean + tilt)];
  const headLeft: Vec = [Math.cos(lean + tilt), Math.sin(lean + tilt)];
  const headCenter = at(neck, BODY.neckToHead * H, headUp);
  const yaw = sampleUniform(rng, -0.015, 0.015) * H;
  const face = at(headCenter, 0, headUp, yaw, headLeft);
  // A limb direction θ from "down", turned outwards on side s (+1 left, −1 right).
  const limb = (theta: number, s: number): Vec => [
    Math.cos(theta) * -up[0] + s * Math.sin(theta) * left[0],
    Math.cos(theta) * -up[1] + s * Math.sin(theta) * left[1],
  ];
  const joints: Vec[] = new Array(COCO_KEYPOINTS);
  joints[0] = at(face, -0.012 * H, headUp);
  joints[1] = at(face, 0.018 * H, headUp, 0.026 * H, headLeft);
  joints[2] = at(face, 0.018 * H, headUp, -0.026 * H, headLeft);
  joints[3] = at(headCenter, 0.005 * H, headUp, 0.058 * H, headLeft);
  joints[4] = at(headCenter, 0.005 * H, headUp, -0.058 * H, headLeft);
  for (const [s, shoulder, elbow, wrist, hip, knee, ankle] of [
    [1, 5, 7, 9, 11, 13, 15],
    [-1, 6, 8, 10, 12, 14, 16],
  ] as const) {
    const sh = at(neck, -BODY.shoulderDrop * H, up, s * BODY.shoulderHalf * H, left);
    const armAngle = rad(sampleUniform(rng, -20, 170));
    const bend = rad(sampleUniform(rng, 0, 130)) * (rng() < 0.5 ? -1 : 1);
    const el = at(sh, BODY.upperArm * H, limb(armAngle, s));
    joints[shoulder] = sh;
    joints[elbow] = el;
    joints[wrist] = at(el, BODY.forearm * H, limb(armAngle + bend, s));
    const hp = at(pelvis, 0, up, s * BODY.hipHalf * H, left);
    const legAngle = rad(sampleUniform(rng, -15, 45));
    const kn = at(hp, BODY.thigh * H, limb(legAngle, s));
    joints[hip] = hp;
    joints[knee] = kn;
    joints[ankle] = at(kn, BODY.shin * H, limb(legAngle + rad(sampleUniform(rng, -50, 15)), s));
  }
  // Whole pixels, like COCO's annotations; the figure is drawn through these exact points.
  const rounded = joints.map((p) => [Math.round(p[0]), Math.round(p[1])] as Vec);
  const shirt: Rgb = [
    Math.floor(sampleUniform(rng, 40, 230)),
    Math.floor(sampleUniform(rng, 40, 230)),
    Math.floor(sampleUniform(rng, 40, 230)),
  ];
  return {
    joints: rounded,
    headCenter,
    height: H,
    shirt,
    brightness: sampleUniform(rng, 0.8, 1.1),
  };
}

function drawFigure(canvas: Canvas, fig: Figure, owner: number, mask: Uint8Array): void {
  const H = fig.height;
  const j = (i: number) => fig.joints[i] as Vec;
  const paint = (c: Rgb): Paint => ({
    colour: c.map((v) => Math.min(255, Math.round(v * fig.brightness))) as unknown as Rgb,
    owner,
    mask,
  });
  const r = (k: number) => Math.max(0.75, k * H);
  const cap = (a: number, b: number, radius: number, c: Rgb) =>
    canvas.capsule(j(a)[0], j(a)[1], j(b)[0], j(b)[1], radius, paint(c));
  const dot = (i: number, radius: number, c: Rgb) =>
    canvas.disc(j(i)[0], j(i)[1], radius, paint(c));
  // Back to front: legs, torso, neck and head, arms, then the face.
  cap(11, 13, r(BODY.legRadius), COLOURS.leftThigh);
  cap(13, 15, r(BODY.legRadius), COLOURS.leftShin);
  cap(12, 14, r(BODY.legRadius), COLOURS.rightThigh);
  cap(14, 16, r(BODY.legRadius), COLOURS.rightShin);
  dot(15, r(BODY.footRadius), COLOURS.leftFoot);
  dot(16, r(BODY.footRadius), COLOURS.rightFoot);
  canvas.convexPolygon([j(5), j(6), j(12), j(11)], paint(fig.shirt));
  const neckBase: Vec = [(j(5)[0] + j(6)[0]) / 2, (j(5)[1] + j(6)[1]) / 2];
  canvas.capsule(
    neckBase[0],
    neckBase[1],
    fig.headCenter[0],
    fig.headCenter[1],
    r(BODY.neckRadius),
    paint(COLOURS.skin),
  );
  canvas.disc(fig.headCenter[0], fig.headCenter[1], r(BODY.headRadius), paint(COLOURS.skin));
  cap(5, 7, r(BODY.armRadius), COLOURS.leftUpperArm);
  cap(7, 9, r(BODY.armRadius), COLOURS.leftForearm);
  cap(6, 8, r(BODY.armRadius), COLOURS.rightUpperArm);
  cap(8, 10, r(BODY.armRadius), COLOURS.rightForearm);
  dot(9, r(BODY.handRadius), COLOURS.leftHand);
  dot(10, r(BODY.handRadius), COLOURS.rightHand);
  dot(3, r(0.014), COLOURS.leftEar);
  dot(4, r(0.014), COLOURS.rightEar);
  dot(1, r(0.011), COLOURS.leftEye);
  dot(2, r(0.011), COLOURS.rightEye);
  dot(0, r(0.012), COLOURS.nose);
}

// ---------------------------------------------------------------- one image

interface PersonAnnotation {
  /** The figure's value in `owner`. */
  owner: number;
  keypoints: number[];
  numKeypoints: number;
  bbox: [number, number, number, number];
  area: number;
}

interface CrowdAnnotation {
  bbox: [number, number, number, number];
  area: number;
  rle: { counts: number[]; size: [number, number] };
}

export interface SyntheticCocoImage {
  width: number;
  height: number;
  /** [H][W][3] RGB. */
  rgb: Uint8Array;
  /** Who painted each pixel last: a person's index, −1 background, −2 occluder, −3 crowd. */
  owner: Int32Array;
  people: PersonAnnotation[];
  crowds: CrowdAnnotation[];
}

const OWNER_OCCLUDER = -2;
const OWNER_CROWD = -3;

function paintBackground(canvas: Canvas, rng: Rng): void {
  const { width: W, height: H } = canvas;
  const grey = sampleUniform(rng, 60, 200);
  const c1 = [0, 1, 2].map(() => grey + sampleUniform(rng, -35, 35));
  const c2 = [0, 1, 2].map(() => grey + sampleUniform(rng, -35, 35));
  const angle = sampleUniform(rng, 0, 2 * Math.PI);
  const diag = Math.hypot(W, H);
  // A few low-frequency waves per channel, then pixel noise: texture, not flat colour.
  const waves = Array.from({ length: 3 }, () => ({
    fx: sampleUniform(rng, -0.15, 0.15),
    fy: sampleUniform(rng, -0.15, 0.15),
    phase: sampleUniform(rng, 0, 2 * Math.PI),
    amp: [0, 1, 2].map(() => sampleUniform(rng, 0, 14)),
  }));
  const noise = sampleUniform(rng, 4, 16);
  // sin(fx·x + φ + fy·y) = sin(fx·x + φ)·cos(fy·y) + cos(fx·x + φ)·sin(fy·y): tables per
  // row and column instead of a sine per pixel (this loop is most of an image's cost).
  const table = (n: number, f: number, phase: number, fn: (v: number) => number) =>
    Float64Array.from({ length: n }, (_, i) => fn(f * i + phase));
  const tables = waves.map((w) => ({
    sx: table(W, w.fx, w.phase, Math.sin),
    cx: table(W, w.fx, w.phase, Math.cos),
    sy: table(H, w.fy, 0, Math.sin),
    cy: table(H, w.fy, 0, Math.cos),
    amp: w.amp as [number, number, number],
  }));
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const wave = new Float64Array(tables.length);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const t = 0.5 + ((x - W / 2) * cos + (y - H / 2) * sin) / diag;
      for (let k = 0; k < tables.length; k++) {
        const tb = tables[k]!;
        wave[k] = tb.sx[x]! * tb.cy[y]! + tb.cx[x]! * tb.sy[y]!;
      }
      const p = (y * W + x) * 3;
      for (let c = 0; c < 3; c++) {
        let v = (c1[c] as number) * (1 - t) + (c2[c] as number) * t;
        for (let k = 0; k < tables.length; k++) v += tables[k]!.amp[c]! * wave[k]!;
        v += (rng() * 2 - 1) * noise;
        canvas.rgb[p + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  // Soft clutter: blobs of other colours, nobody's pixels.
  const blobs = Math.floor(sampleUniform(rng, 3, 9));
  for (let b = 0; b < blobs; b++) {
    const colour: Rgb = [0, 1, 2]
      .map(() => Math.floor(grey + sampleUniform(rng, -50, 50)))
      .map((v) => Math.max(0, Math.min(255, v))) as unknown as Rgb;
    canvas.disc(rng() * W, rng() * H, sampleUniform(rng, 0.03, 0.12) * Math.min(W, H), {
      colour,
      owner: -1,
    });
  }
}

function paintOccluder(canvas: Canvas, rng: Rng, x: number, y: number, w: number, h: number): void {
  const base: Rgb = [
    Math.floor(sampleUniform(rng, 30, 220)),
    Math.floor(sampleUniform(rng, 30, 220)),
    Math.floor(sampleUniform(rng, 30, 220)),
  ];
  const period = Math.max(2, Math.floor(sampleUniform(rng, 3, 9)));
  const vertical = rng() < 0.5;
  canvas.rect(x, y, x + w, y + h, { colour: base, owner: OWNER_OCCLUDER }, (px, py) => {
    const stripe = Math.floor((vertical ? px : py) / period) % 2 === 0 ? 1 : 0.75;
    return [base[0] * stripe, base[1] * stripe, base[2] * stripe].map(Math.round) as unknown as Rgb;
  });
}

/**
 * Renders image `index` of a synthetic set (its own random stream, so an image
 * does not depend on how many others are made) and its annotations.
 */
export function renderSyntheticCocoImage(
  seed: number,
  index: number,
  width: number,
  height: number,
): SyntheticCocoImage {
  const rng = createRng(mixSeeds(...seedWords(seed), index >>> 0, 0x636f636f));
  const canvas = new Canvas(width, height);
  paintBackground(canvas, rng);
  const empty = rng() < 0.12;
  const crowds: CrowdAnnotation[] = [];
  const people: PersonAnnotation[] = [];
  if (!empty && rng() < 0.25) {
    // A crowd: a bunch of small unlabelled figures in one region, behind everyone.
    const bw = sampleUniform(rng, 0.25, 0.4) * width;
    const bh = sampleUniform(rng, 0.3, 0.45) * height;
    const bx = rng() * (width - bw);
    const by = rng() * (height - bh);
    const mask = new Uint8Array(width * height);
    const n = Math.floor(sampleUniform(rng, 4, 9));
    for (let k = 0; k < n; k++) {
      const h = sampleUniform(rng, 0.5, 0.8) * bh;
      const fig = poseFigure(rng, bx + sampleUniform(rng, 0.15, 0.85) * bw, by + bh - 0.5 * h, h);
      drawFigure(canvas, fig, OWNER_CROWD, mask);
    }
    const { bbox, area } = maskBoxAndArea(mask, width);
    if (area > 0) crowds.push({ bbox, area, rle: maskToRle(mask, width, height) });
  }
  const figures: Figure[] = [];
  const masks: Uint8Array[] = [];
  if (!empty) {
    const u = rng();
    const count = u < 0.3 ? 1 : u < 0.65 ? 2 : u < 0.9 ? 3 : 4;
    for (let f = 0; f < count; f++) {
      const h = sampleUniform(rng, 0.35, 0.95) * height;
      const fig = poseFigure(
        rng,
        sampleUniform(rng, 0.1, 0.9) * width,
        sampleUniform(rng, 0.35, 0.75) * height,
        h,
      );
      const mask = new Uint8Array(width * height);
      drawFigure(canvas, fig, f, mask);
      figures.push(fig);
      masks.push(mask);
    }
  }
  // Occluders: over a person (so some keypoints become v = 1), or anywhere.
  const occluders = Math.floor(sampleUniform(rng, 0, 2.6));
  for (let k = 0; k < occluders; k++) {
    const target =
      figures.length > 0 && rng() < 0.8 ? figures[Math.floor(rng() * figures.length)] : undefined;
    const size = (target ? target.height : height) * sampleUniform(rng, 0.15, 0.4);
    const w = size * sampleUniform(rng, 0.6, 1.6);
    const h = size * sampleUniform(rng, 0.6, 1.6);
    const anchor = target
      ? (target.joints[Math.floor(rng() * COCO_KEYPOINTS)] as Vec)
      : ([rng() * width, rng() * height] as Vec);
    paintOccluder(canvas, rng, anchor[0] - w / 2, anchor[1] - h / 2, w, h);
  }
  figures.forEach((fig, f) => {
    const { bbox, area } = maskBoxAndArea(masks[f] as Uint8Array, width);
    if (area === 0) return; // entirely outside the image: nobody to annotate
    const keypoints: number[] = [];
    let numKeypoints = 0;
    for (const [x, y] of fig.joints) {
      if (x < 0 || y < 0 || x >= width || y >= height) {
        keypoints.push(0, 0, 0);
        continue;
      }
      const v = canvas.owner[y * width + x] === f ? 2 : 1;
      keypoints.push(x, y, v);
      numKeypoints++;
    }
    people.push({ owner: f, keypoints, numKeypoints, bbox, area });
  });
  return { width, height, rgb: canvas.rgb, owner: canvas.owner, people, crowds };
}

// ---------------------------------------------------------------- the files

function checkOptions(o: SynthesizeCocoOptions): Required<SynthesizeCocoOptions> {
  const full = { width: 320, height: 240, valFraction: 0.2, jpegQuality: 90, ...o };
  const bad = (what: string) => {
    throw new HeadroomError('INVALID_INPUT', `synthesizeCoco: ${what}`);
  };
  if (!Number.isInteger(full.images) || full.images < 1)
    bad(`images must be a positive integer, got ${full.images}`);
  if (!Number.isSafeInteger(full.seed)) bad(`seed must be an integer, got ${full.seed}`);
  for (const k of ['width', 'height'] as const) {
    if (!Number.isInteger(full[k]) || full[k] < 16 || full[k] > 8192)
      bad(`${k} must be an integer in 16…8192, got ${full[k]}`);
  }
  if (!(full.valFraction >= 0 && full.valFraction <= 1))
    bad(`valFraction must be in [0, 1], got ${full.valFraction}`);
  if (!Number.isInteger(full.jpegQuality) || full.jpegQuality < 1 || full.jpegQuality > 100) {
    bad(`jpegQuality must be an integer in 1…100, got ${full.jpegQuality}`);
  }
  if (!full.outDir) bad('outDir is required');
  return full;
}

/** `%012d.jpg`, COCO 2017's file names. */
export function cocoFileName(imageId: number): string {
  return `${String(imageId).padStart(12, '0')}.jpg`;
}

/**
 * Writes a synthetic COCO person-keypoints set under `outDir` and returns its
 * paths. Images are split between train and val by a seeded shuffle; image ids
 * run 1…images, annotation ids 1… across both files. The JSON is byte-identical
 * for the same options; the JPEG bytes are too for the same sharp/libvips build.
 */
export async function synthesizeCoco(options: SynthesizeCocoOptions): Promise<SyntheticCocoPaths> {
  const {
    outDir,
    images: count,
    seed,
    width,
    height,
    valFraction,
    jpegQuality,
  } = checkOptions(options);
  const root = resolve(outDir);
  const order = Array.from({ length: count }, (_, i) => i);
  const rng = createRng(mixSeeds(...seedWords(seed), count, 0x73706c74));
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  let valCount = Math.round(count * valFraction);
  if (count >= 2 && valFraction > 0 && valFraction < 1)
    valCount = Math.min(count - 1, Math.max(1, valCount));
  const isVal = new Set(order.slice(0, valCount));

  const splits = {
    train: { images: [] as object[], annotations: [] as object[], people: 0 },
    val: { images: [] as object[], annotations: [] as object[], people: 0 },
  };
  const dirs = { train: join(root, 'images', 'train'), val: join(root, 'images', 'val') };
  await mkdir(join(root, 'annotations'), { recursive: true });
  await mkdir(dirs.train, { recursive: true });
  await mkdir(dirs.val, { recursive: true });

  let nextAnnId = 1;
  const encodes: Array<() => Promise<void>> = [];
  for (let i = 0; i < count; i++) {
    const imageId = i + 1;
    const split = isVal.has(i) ? 'val' : 'train';
    const image = renderSyntheticCocoImage(seed, i, width, height);
    const fileName = cocoFileName(imageId);
    const s = splits[split];
    s.images.push({ id: imageId, file_name: fileName, width, height });
    for (const p of image.people) {
      const [x, y, w, h] = p.bbox;
      s.annotations.push({
        id: nextAnnId++,
        image_id: imageId,
        category_id: COCO_PERSON_CATEGORY_ID,
        iscrowd: 0,
        area: p.area,
        bbox: p.bbox,
        num_keypoints: p.numKeypoints,
        keypoints: p.keypoints,
        segmentation: [[x, y, x + w, y, x + w, y + h, x, y + h]],
      });
      s.people++;
    }
    for (const c of image.crowds) {
      s.annotations.push({
        id: nextAnnId++,
        image_id: imageId,
        category_id: COCO_PERSON_CATEGORY_ID,
        iscrowd: 1,
        area: c.area,
        bbox: c.bbox,
        num_keypoints: 0,
        keypoints: new Array<number>(COCO_KEYPOINTS * 3).fill(0),
        segmentation: c.rle,
      });
    }
    const path = join(dirs[split], fileName);
    const rgb = image.rgb;
    encodes.push(async () => {
      const jpeg = await sharp(rgb, { raw: { width, height, channels: 3 } })
        .jpeg({ quality: jpegQuality, chromaSubsampling: '4:4:4' })
        .toBuffer();
      await writeFile(path, jpeg);
    });
    // Encode in small groups so at most a few rendered images wait in memory.
    if (encodes.length >= 4) await Promise.all(encodes.splice(0).map((f) => f()));
  }
  await Promise.all(encodes.splice(0).map((f) => f()));

  const category = {
    supercategory: 'person',
    id: COCO_PERSON_CATEGORY_ID,
    name: 'person',
    keypoints: [...COCO_KEYPOINT_NAMES],
    skeleton: COCO_SKELETON_ONE_BASED.map(([a, b]) => [a, b]),
  };
  const result = { root } as SyntheticCocoPaths;
  for (const split of ['train', 'val'] as const) {
    const annotationFile = join(root, 'annotations', `person_keypoints_${split}.json`);
    const json = {
      info: {
        description: `Headroom synthetic COCO person keypoints (seed ${seed}, ${split})`,
        version: '1.0',
        year: 2017,
        contributor: 'Headroom',
        date_created: '2017/09/01',
      },
      licenses: [],
      images: splits[split].images,
      annotations: splits[split].annotations,
      categories: [category],
    };
    await writeFile(annotationFile, JSON.stringify(json));
    result[split] = {
      annotationFile,
      imageDir: dirs[split],
      images: splits[split].images.length,
      people: splits[split].people,
    };
  }
  return result;
}
