import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { HeadroomError, type Violation } from '@headroom/errors';
import { COCO_KEYPOINT_NAMES, COCO_KEYPOINTS, COCO_PERSON_CATEGORY_ID } from './coco-skeleton.js';

/**
 * Reading and checking COCO person-keypoint annotation files and detection result
 * files. Every problem is reported with the file and the item (`annotations[17].keypoints`)
 * so a user can open the file and fix it; up to `MAX_LISTED` problems are listed at
 * once rather than only the first.
 */

export interface CocoImage {
  id: number;
  fileName: string;
  width: number;
  height: number;
}

/** A person annotation as read. `keypoints` is the file's own array (not copied). */
export interface CocoPersonAnnotation {
  id: number;
  imageId: number;
  bbox: [number, number, number, number];
  area: number;
  iscrowd: boolean;
  numKeypoints: number;
  /** 51 numbers: x, y, v per joint; null only for a crowd region without keypoints. */
  keypoints: readonly number[] | null;
}

export interface CocoKeypointFile {
  images: CocoImage[];
  /** Person annotations, in file order (other categories are dropped). */
  annotations: CocoPersonAnnotation[];
  personCategoryId: number;
}

export interface CocoDetection {
  imageId: number;
  bbox: [number, number, number, number];
  score: number;
}

const MAX_LISTED = 20;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  return `${typeof v === 'object' ? JSON.stringify(v)?.slice(0, 40) : String(v)}`;
}

class Problems {
  readonly list: Violation[] = [];
  total = 0;
  constructor(readonly label: string) {}
  add(path: string, message: string): void {
    this.total++;
    if (this.list.length < MAX_LISTED) this.list.push({ path: `${this.label}: ${path}`, message });
  }
  throwIfAny(): void {
    if (this.total === 0) return;
    const lines = this.list.map((v) => `${v.path} ${v.message}`);
    if (this.total > this.list.length) lines.push(`…and ${this.total - this.list.length} more`);
    throw new HeadroomError('INVALID_INPUT', lines.join('\n'), this.list);
  }
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new HeadroomError('NOT_FOUND', `${file} does not exist: give the path of ${what}`);
    }
    throw new HeadroomError('DATA', `${file}: cannot read ${what} (${(err as Error).message})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HeadroomError(
      'INVALID_INPUT',
      `${basename(file)}: not valid JSON (${(err as Error).message}); expected ${what}`,
    );
  }
}

function checkInteger(p: Problems, path: string, v: unknown, min = -Infinity): v is number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= min) return true;
  p.add(path, `is ${describe(v)}, expected an integer${min > -Infinity ? ` ≥ ${min}` : ''}`);
  return false;
}

function checkBox(p: Problems, path: string, v: unknown): v is [number, number, number, number] {
  if (
    !Array.isArray(v) ||
    v.length !== 4 ||
    !v.every((n) => typeof n === 'number' && Number.isFinite(n))
  ) {
    p.add(path, `is ${describe(v)}, expected 4 numbers [x, y, width, height]`);
    return false;
  }
  if ((v[2] as number) < 0 || (v[3] as number) < 0) {
    p.add(path, `has a negative size [${v.join(', ')}]; width and height must be ≥ 0`);
    return false;
  }
  return true;
}

/** Checks a parsed person-keypoints file (`person_keypoints_*.json` layout). */
export function parseCocoKeypointFile(json: unknown, label: string): CocoKeypointFile {
  const p = new Problems(label);
  if (!isObject(json) || !Array.isArray(json.images) || !Array.isArray(json.annotations)) {
    p.add(
      'root',
      'is not a COCO annotation file: expected an object with "images" and "annotations" arrays (e.g. annotations/person_keypoints_val2017.json)',
    );
    p.throwIfAny();
    throw new HeadroomError('INTERNAL', 'unreachable');
  }

  let personCategoryId = COCO_PERSON_CATEGORY_ID;
  if (json.categories !== undefined) {
    if (!Array.isArray(json.categories)) {
      p.add('categories', `is ${describe(json.categories)}, expected an array`);
    } else {
      const i = json.categories.findIndex((c) => isObject(c) && c.name === 'person');
      const person = json.categories[i] as Json | undefined;
      if (person && checkInteger(p, `categories[${i}].id`, person.id)) personCategoryId = person.id;
      if (person && Array.isArray(person.keypoints) && person.keypoints.length !== COCO_KEYPOINTS) {
        p.add(
          `categories[${i}].keypoints`,
          `has ${person.keypoints.length} names, expected ${COCO_KEYPOINTS} (the COCO person keypoints)`,
        );
      }
    }
  }

  const images: CocoImage[] = [];
  const seen = new Set<number>();
  json.images.forEach((img: unknown, i) => {
    const at = `images[${i}]`;
    if (!isObject(img)) return p.add(at, `is ${describe(img)}, expected an object`);
    const okId = checkInteger(p, `${at}.id`, img.id);
    const okW = checkInteger(p, `${at}.width`, img.width, 1);
    const okH = checkInteger(p, `${at}.height`, img.height, 1);
    const okName = typeof img.file_name === 'string' && img.file_name.length > 0;
    if (!okName) p.add(`${at}.file_name`, `is ${describe(img.file_name)}, expected a file name`);
    if (okId && seen.has(img.id as number)) p.add(`${at}.id`, `${img.id} appears twice`);
    if (okId && okW && okH && okName) {
      seen.add(img.id as number);
      images.push({
        id: img.id as number,
        fileName: img.file_name as string,
        width: img.width as number,
        height: img.height as number,
      });
    }
  });

  const annotations: CocoPersonAnnotation[] = [];
  const expected = COCO_KEYPOINTS * 3;
  json.annotations.forEach((ann: unknown, i) => {
    const at = `annotations[${i}]`;
    if (!isObject(ann)) return p.add(at, `is ${describe(ann)}, expected an object`);
    if (!checkInteger(p, `${at}.category_id`, ann.category_id)) return;
    if (ann.category_id !== personCategoryId) return;
    const okId = checkInteger(p, `${at}.id`, ann.id);
    let okImage = checkInteger(p, `${at}.image_id`, ann.image_id);
    if (okImage && !seen.has(ann.image_id as number)) {
      p.add(`${at}.image_id`, `${ann.image_id} is not in images[]`);
      okImage = false;
    }
    const okBox = checkBox(p, `${at}.bbox`, ann.bbox);
    const okArea = typeof ann.area === 'number' && Number.isFinite(ann.area) && ann.area >= 0;
    if (!okArea) p.add(`${at}.area`, `is ${describe(ann.area)}, expected a number ≥ 0`);
    const crowd = ann.iscrowd ?? 0;
    if (crowd !== 0 && crowd !== 1)
      p.add(`${at}.iscrowd`, `is ${describe(crowd)}, expected 0 or 1`);

    let keypoints: readonly number[] | null = null;
    let okKeypoints = true;
    const kp = ann.keypoints;
    if (kp === undefined && crowd === 1) {
      // Crowd regions are never trained on; tolerate files that leave their keypoints out.
    } else if (!Array.isArray(kp)) {
      p.add(`${at}.keypoints`, `is ${describe(kp)}, expected ${expected} numbers (17 × x, y, v)`);
      okKeypoints = false;
    } else if (kp.length !== expected) {
      p.add(`${at}.keypoints`, `has ${kp.length} numbers, expected ${expected} (17 × x, y, v)`);
      okKeypoints = false;
    } else {
      for (let k = 0; k < expected; k++) {
        const v = kp[k] as unknown;
        const name = `${COCO_KEYPOINT_NAMES[Math.floor(k / 3)]} ${'xyv'[k % 3]}`;
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          p.add(`${at}.keypoints[${k}]`, `(${name}) is ${describe(v)}, expected a number`);
          okKeypoints = false;
        } else if (k % 3 === 2 && v !== 0 && v !== 1 && v !== 2) {
          p.add(`${at}.keypoints[${k}]`, `(${name}) is ${v}, expected visibility 0, 1 or 2`);
          okKeypoints = false;
        }
      }
      if (okKeypoints) keypoints = kp as number[];
    }
    let numKeypoints = 0;
    if (keypoints)
      for (let k = 2; k < expected; k += 3) if ((keypoints[k] as number) > 0) numKeypoints++;
    if (ann.num_keypoints !== undefined) {
      if (checkInteger(p, `${at}.num_keypoints`, ann.num_keypoints, 0))
        numKeypoints = ann.num_keypoints;
      else okKeypoints = false;
    }
    if (okId && okImage && okBox && okArea && okKeypoints && (crowd === 0 || crowd === 1)) {
      annotations.push({
        id: ann.id as number,
        imageId: ann.image_id as number,
        bbox: [...(ann.bbox as [number, number, number, number])],
        area: ann.area as number,
        iscrowd: crowd === 1,
        numKeypoints,
        keypoints,
      });
    }
  });
  p.throwIfAny();
  return { images, annotations, personCategoryId };
}

/** Reads and checks a person-keypoints annotation file. */
export async function readCocoKeypointFile(file: string): Promise<CocoKeypointFile> {
  const json = await readJson(file, 'a COCO person-keypoints annotation file');
  return parseCocoKeypointFile(json, basename(file));
}

/**
 * Checks a detections file in the COCO results format (`[{image_id, category_id,
 * bbox, score}, …]`) and keeps the person boxes with score ≥ `scoreThreshold`, as
 * HRNet's `_load_coco_person_detection_results` does.
 */
export function parseCocoDetections(
  json: unknown,
  label: string,
  options: { imageIds: ReadonlySet<number>; personCategoryId: number; scoreThreshold: number },
): CocoDetection[] {
  const p = new Problems(label);
  if (!Array.isArray(json)) {
    p.add(
      'root',
      `is ${describe(json)}, expected an array of detections [{image_id, category_id, bbox, score}]`,
    );
    p.throwIfAny();
  }
  const kept: CocoDetection[] = [];
  (json as unknown[]).forEach((det, i) => {
    const at = `[${i}]`;
    if (!isObject(det)) return p.add(at, `is ${describe(det)}, expected an object`);
    if (!checkInteger(p, `${at}.category_id`, det.category_id)) return;
    let okImage = checkInteger(p, `${at}.image_id`, det.image_id);
    if (okImage && !options.imageIds.has(det.image_id as number)) {
      p.add(
        `${at}.image_id`,
        `${det.image_id} is not an image of the annotation file; detections and annotations must be the same split`,
      );
      okImage = false;
    }
    const okBox = checkBox(p, `${at}.bbox`, det.bbox);
    const okScore = typeof det.score === 'number' && Number.isFinite(det.score);
    if (!okScore) p.add(`${at}.score`, `is ${describe(det.score)}, expected a number`);
    if (!okImage || !okBox || !okScore) return;
    if (
      det.category_id !== options.personCategoryId ||
      (det.score as number) < options.scoreThreshold
    )
      return;
    kept.push({
      imageId: det.image_id as number,
      bbox: [...(det.bbox as [number, number, number, number])],
      score: det.score as number,
    });
  });
  p.throwIfAny();
  return kept;
}

export async function readCocoDetections(
  file: string,
  options: { imageIds: ReadonlySet<number>; personCategoryId: number; scoreThreshold: number },
): Promise<CocoDetection[]> {
  const json = await readJson(file, 'a detections file in the COCO results format');
  return parseCocoDetections(json, basename(file), options);
}
