import { HeadroomError } from '@headroom/errors';
import { COCO_KEYPOINTS } from './coco-oks.js';
import type { CocoKeypointResult, CocoKeypointsGroundTruth } from './coco-types.js';

/**
 * Structural checks of COCO keypoint ground truth and results, shared by the file
 * reader and the in-memory API. They reject what pycocotools would crash on or
 * silently mis-evaluate, and nothing it evaluates correctly. Each error names the
 * source (a file path, or "ground truth" / "results" in memory), the item, the field,
 * and what would be valid.
 */

export const GT_EXPECTED =
  'a COCO keypoint annotation file: an object with "images" [{id}], "annotations" [{id, image_id, category_id, keypoints, num_keypoints, area, bbox, iscrowd}] and "categories" [{id, name}]';
export const DT_EXPECTED = `a COCO keypoint results list: a JSON array of {image_id, category_id, keypoints (${3 * COCO_KEYPOINTS} numbers), score}`;

export function invalidInput(source: string, item: string, message: string): HeadroomError {
  const where = item ? `${source}: item ${item}` : `${source}:`;
  const path = item ? `${source}${item.startsWith('[') ? '' : '.'}${item}` : source;
  return new HeadroomError('INVALID_INPUT', `${where} ${message}`, [{ path, message }]);
}

export function describeJsonValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string')
    return JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value);
  if (typeof value === 'number')
    return Number.isFinite(value) ? String(value) : `${value} (out of range)`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A reader of one source that throws at the first problem. */
class Checker {
  constructor(readonly source: string) {}

  fail(item: string, message: string): never {
    throw invalidInput(this.source, item, message);
  }

  /** An integer id (COCO ids are integers; pycocotools compares them with ==). */
  id(obj: Record<string, unknown>, item: string, field: string, what: string): number {
    const v = obj[field];
    if (typeof v !== 'number' || !Number.isSafeInteger(v))
      this.fail(`${item}.${field}`, `is ${describeJsonValue(v)}, expected an integer ${what}`);
    return v;
  }

  finite(obj: Record<string, unknown>, item: string, field: string, what: string): number {
    const v = obj[field];
    if (typeof v !== 'number' || !Number.isFinite(v))
      this.fail(
        `${item}.${field}`,
        `is ${describeJsonValue(v)}, expected a finite number (${what})`,
      );
    return v;
  }

  numbers(
    obj: Record<string, unknown>,
    item: string,
    field: string,
    length: number,
    what: string,
  ): number[] {
    const v = obj[field];
    if (!Array.isArray(v))
      this.fail(
        `${item}.${field}`,
        `is ${describeJsonValue(v)}, expected ${length} numbers (${what})`,
      );
    if (v.length !== length)
      this.fail(`${item}.${field}`, `has ${v.length} numbers, expected ${length} (${what})`);
    for (let j = 0; j < length; j++) {
      const x: unknown = v[j];
      if (typeof x !== 'number' || !Number.isFinite(x))
        this.fail(
          `${item}.${field}[${j}]`,
          `is ${describeJsonValue(x)}, expected a finite number (${what})`,
        );
    }
    return v as number[];
  }

  array(doc: Record<string, unknown>, field: string, expected: string): unknown[] {
    const v = doc[field];
    if (v === undefined) this.fail('', `has no "${field}"; expected ${expected}`);
    if (!Array.isArray(v)) this.fail(field, `is ${describeJsonValue(v)}, expected ${expected}`);
    return v;
  }

  object(value: unknown, item: string, expected: string): Record<string, unknown> {
    if (!isObject(value)) this.fail(item, `is ${describeJsonValue(value)}, expected ${expected}`);
    return value;
  }
}

const KEYPOINTS_GT = `x, y, v for each of the ${COCO_KEYPOINTS} COCO keypoints; v > 0 labelled`;
const KEYPOINTS_DT = `x, y, score for each of the ${COCO_KEYPOINTS} COCO keypoints`;

/**
 * Checks a parsed COCO keypoint annotation file (or an in-memory one) and returns it
 * typed. Annotations on images or categories not listed are allowed: pycocotools
 * leaves them out of the evaluation, which is how a subset is evaluated.
 */
export function checkCocoGroundTruth(doc: unknown, source: string): CocoKeypointsGroundTruth {
  // Annotated so that TypeScript narrows after c.fail(), which never returns.
  const c: Checker = new Checker(source);
  if (!isObject(doc)) {
    const hint = Array.isArray(doc) ? ' (an array is a results list: is this the --dt file?)' : '';
    c.fail('', `is ${describeJsonValue(doc)}; expected ${GT_EXPECTED}${hint}`);
  }

  const images = c.array(doc, 'images', 'an array of {id} listing every image evaluated');
  if (images.length === 0)
    c.fail(
      'images',
      'is empty; expected every evaluated image as {id}, including images without people',
    );
  images.forEach((img, i) => {
    const item = `images[${i}]`;
    c.id(c.object(img, item, 'an image {id, file_name, ...}'), item, 'id', 'image id');
  });

  const categories = c.array(
    doc,
    'categories',
    'an array of {id, name}, e.g. [{"id": 1, "name": "person"}]',
  );
  if (categories.length === 0)
    c.fail(
      'categories',
      'is empty; expected the evaluated categories, e.g. [{"id": 1, "name": "person"}]',
    );
  categories.forEach((cat, i) => {
    const item = `categories[${i}]`;
    c.id(c.object(cat, item, 'a category {id, name}'), item, 'id', 'category id');
  });

  const annotations = c.array(doc, 'annotations', 'an array of person annotations (may be empty)');
  const seen = new Map<number, number>();
  annotations.forEach((raw, i) => {
    const item = `annotations[${i}]`;
    const ann = c.object(raw, item, 'an annotation {id, image_id, category_id, keypoints, ...}');
    const id = c.id(ann, item, 'id', 'annotation id, unique in the file');
    const first = seen.get(id);
    if (first !== undefined)
      c.fail(
        `${item}.id`,
        `is ${id}, the same as annotations[${first}].id; annotation ids must be unique (pycocotools indexes annotations by id and would evaluate one in place of the other)`,
      );
    seen.set(id, i);
    c.id(ann, item, 'image_id', 'image id');
    c.id(ann, item, 'category_id', 'category id');
    const crowd = ann.iscrowd;
    if (crowd !== 0 && crowd !== 1 && crowd !== true && crowd !== false)
      c.fail(
        `${item}.iscrowd`,
        `is ${describeJsonValue(crowd)}, expected 0 or 1 (1: a crowd region, ignored)`,
      );
    const nk = ann.num_keypoints;
    if (typeof nk !== 'number' || !Number.isInteger(nk) || nk < 0 || nk > COCO_KEYPOINTS)
      c.fail(
        `${item}.num_keypoints`,
        `is ${describeJsonValue(nk)}, expected an integer from 0 to ${COCO_KEYPOINTS} (labelled keypoints; 0 makes the person ignored)`,
      );
    const area = c.finite(ann, item, 'area', 'segment area in pixels², ≥ 0');
    if (area < 0)
      c.fail(`${item}.area`, `is ${area}, expected a finite number ≥ 0 (segment area in pixels²)`);
    const bbox = c.numbers(ann, item, 'bbox', 4, 'x, y, width, height');
    if ((bbox[2] as number) < 0 || (bbox[3] as number) < 0)
      c.fail(
        `${item}.bbox`,
        `has a negative width or height, expected [x, y, width ≥ 0, height ≥ 0]`,
      );
    c.numbers(ann, item, 'keypoints', 3 * COCO_KEYPOINTS, KEYPOINTS_GT);
  });

  return doc as unknown as CocoKeypointsGroundTruth;
}

/**
 * Checks a parsed COCO results list against its ground truth and returns it typed.
 * Results on categories the ground truth does not list are allowed and not evaluated
 * (as in pycocotools); results on images it does not list are an error (pycocotools
 * asserts). `gtSource` names the ground truth in messages.
 */
export function checkCocoResults(
  doc: unknown,
  source: string,
  gt: CocoKeypointsGroundTruth,
  gtSource: string,
): CocoKeypointResult[] {
  // Annotated so that TypeScript narrows after c.fail(), which never returns.
  const c: Checker = new Checker(source);
  if (!Array.isArray(doc)) {
    const hint =
      isObject(doc) && 'annotations' in doc
        ? ' (it looks like a COCO annotation file: is this the --gt file?)'
        : '';
    c.fail('', `is ${describeJsonValue(doc)}; expected ${DT_EXPECTED}${hint}`);
  }
  const imageIds = new Set(gt.images.map((img) => img.id));

  // loadRes decides from the first result alone how every detection's area is taken.
  const first: unknown = doc[0];
  let bboxMode = false;
  if (isObject(first)) {
    if (first.caption !== undefined)
      c.fail(
        '[0].caption',
        'is present; expected keypoint results (pycocotools would read the file as captions)',
      );
    if (first.bbox !== undefined) {
      const b = first.bbox;
      if (!Array.isArray(b))
        c.fail(
          '[0].bbox',
          `is ${describeJsonValue(b)}, expected [x, y, width, height], [] or no bbox`,
        );
      bboxMode = b.length > 0;
    }
    if (!bboxMode && first.segmentation !== undefined)
      c.fail(
        '[0].segmentation',
        'is present; expected keypoint results without segmentation (pycocotools would take detection areas from the masks)',
      );
  }

  doc.forEach((raw, i) => {
    const item = `[${i}]`;
    const res = c.object(raw, item, '{image_id, category_id, keypoints, score}');
    const imageId = c.id(res, item, 'image_id', 'image id');
    if (!imageIds.has(imageId))
      c.fail(
        `${item}.image_id`,
        `is ${imageId}, which is not an image in ${gtSource}; expected one of its images' ids (pycocotools refuses results on unknown images)`,
      );
    c.id(res, item, 'category_id', 'category id (1 for person)');
    c.numbers(res, item, 'keypoints', 3 * COCO_KEYPOINTS, KEYPOINTS_DT);
    c.finite(res, item, 'score', "the detection's confidence");
    if (bboxMode)
      c.numbers(
        res,
        item,
        'bbox',
        4,
        'x, y, width, height: the first result has a bbox, so pycocotools takes every detection area from its bbox',
      );
  });
  return doc as CocoKeypointResult[];
}
