import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isHeadroomError, type HeadroomError } from '@headroom/errors';
import {
  parseCocoDetections,
  parseCocoKeypointFile,
  readCocoKeypointFile,
} from './coco-annotations.js';

const LABEL = 'person_keypoints_val2017.json';

function person(id: number, imageId = 1, keypoints: number[] = new Array(51).fill(0)) {
  return {
    id,
    image_id: imageId,
    category_id: 1,
    iscrowd: 0,
    area: 100,
    bbox: [1, 2, 10, 20],
    num_keypoints: 0,
    keypoints,
  };
}

function file(annotations: unknown[], extra: Record<string, unknown> = {}) {
  return {
    images: [{ id: 1, file_name: '000000000001.jpg', width: 640, height: 480 }],
    annotations,
    categories: [{ id: 1, name: 'person', keypoints: new Array(17).fill('k') }],
    ...extra,
  };
}

function errorOf(fn: () => unknown): HeadroomError {
  try {
    fn();
  } catch (err) {
    if (isHeadroomError(err)) return err;
    throw err;
  }
  throw new Error('expected a HeadroomError');
}

describe('parseCocoKeypointFile', () => {
  it('names the file, the item and what is expected', () => {
    const anns = Array.from({ length: 18 }, (_, i) => person(i + 1));
    anns[17] = person(18, 1, new Array(50).fill(0));
    const err = errorOf(() => parseCocoKeypointFile(file(anns), LABEL));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toBe(
      'person_keypoints_val2017.json: annotations[17].keypoints has 50 numbers, expected 51 (17 × x, y, v)',
    );
    expect(err.violations).toEqual([
      {
        path: 'person_keypoints_val2017.json: annotations[17].keypoints',
        message: 'has 50 numbers, expected 51 (17 × x, y, v)',
      },
    ]);
  });

  it('checks visibility flags, image references, boxes and images, listing every problem', () => {
    const kp = new Array(51).fill(0);
    kp[5] = 3; // left_eye v
    const anns = [
      person(1, 1, kp),
      { ...person(2), image_id: 99 },
      { ...person(3), bbox: [1, 2, 3] },
      { ...person(4), area: 'big' },
    ];
    const err = errorOf(() =>
      parseCocoKeypointFile(
        file(anns, {
          images: [
            { id: 1, file_name: '000000000001.jpg', width: 640, height: 480 },
            { id: 2, width: 0 },
          ],
        }),
        LABEL,
      ),
    );
    const lines = err.message.split('\n');
    expect(lines).toContain(
      `${LABEL}: annotations[0].keypoints[5] (left_eye v) is 3, expected visibility 0, 1 or 2`,
    );
    expect(lines).toContain(`${LABEL}: annotations[1].image_id 99 is not in images[]`);
    expect(lines).toContain(
      `${LABEL}: annotations[2].bbox is an array of 3, expected 4 numbers [x, y, width, height]`,
    );
    expect(lines).toContain(`${LABEL}: annotations[3].area is "big", expected a number ≥ 0`);
    expect(lines).toContain(`${LABEL}: images[1].width is 0, expected an integer ≥ 1`);
    expect(lines).toContain(`${LABEL}: images[1].file_name is missing, expected a file name`);
  });

  it('lists at most 20 problems and counts the rest', () => {
    const anns = Array.from({ length: 25 }, (_, i) => ({ ...person(i + 1), keypoints: [] }));
    const err = errorOf(() => parseCocoKeypointFile(file(anns), LABEL));
    expect(err.violations).toHaveLength(20);
    expect(err.message.split('\n').at(-1)).toBe('…and 5 more');
  });

  it('rejects something that is not a COCO file', () => {
    expect(errorOf(() => parseCocoKeypointFile([1, 2], LABEL)).message).toMatch(
      /person_keypoints_val2017\.json: root is not a COCO annotation file/,
    );
  });

  it('keeps person annotations only, tolerates crowd regions without keypoints and counts labelled joints', () => {
    const kp = new Array(51).fill(0);
    kp[2] = 2;
    kp[5] = 1;
    const { num_keypoints: _drop, ...noCount } = person(1, 1, kp);
    const parsed = parseCocoKeypointFile(
      file([
        noCount,
        { id: 2, image_id: 1, category_id: 1, iscrowd: 1, area: 50, bbox: [0, 0, 5, 5] },
        { id: 3, image_id: 1, category_id: 3, bbox: 'not checked for other categories' },
      ]),
      LABEL,
    );
    expect(parsed.annotations.map((a) => [a.id, a.iscrowd, a.numKeypoints])).toEqual([
      [1, false, 2],
      [2, true, 0],
    ]);
    expect(parsed.annotations[1]?.keypoints).toBeNull();
    expect(parsed.images).toEqual([
      { id: 1, fileName: '000000000001.jpg', width: 640, height: 480 },
    ]);
  });

  it('finds the person category by name', () => {
    const ann = { ...person(1), category_id: 7 };
    const parsed = parseCocoKeypointFile(
      file([ann], { categories: [{ id: 7, name: 'person', keypoints: new Array(17).fill('k') }] }),
      LABEL,
    );
    expect(parsed.personCategoryId).toBe(7);
    expect(parsed.annotations).toHaveLength(1);
  });
});

describe('readCocoKeypointFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-coco-ann-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says which file is missing', async () => {
    const missing = join(dir, 'person_keypoints_nope.json');
    await expect(readCocoKeypointFile(missing)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining(missing),
    });
  });

  it('says which file is not JSON', async () => {
    const bad = join(dir, 'person_keypoints_bad.json');
    writeFileSync(bad, '{"images": [');
    await expect(readCocoKeypointFile(bad)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/^person_keypoints_bad\.json: not valid JSON/),
    });
  });
});

describe('parseCocoDetections', () => {
  const options = { imageIds: new Set([1, 2]), personCategoryId: 1, scoreThreshold: 0.5 };

  it('keeps person boxes at or above the score threshold', () => {
    const dets = parseCocoDetections(
      [
        { image_id: 1, category_id: 1, bbox: [1, 2, 3, 4], score: 0.9 },
        { image_id: 2, category_id: 1, bbox: [1, 2, 3, 4], score: 0.5 },
        { image_id: 2, category_id: 1, bbox: [1, 2, 3, 4], score: 0.49 },
        { image_id: 2, category_id: 18, bbox: [1, 2, 3, 4], score: 0.99 },
      ],
      'dets.json',
      options,
    );
    expect(dets).toEqual([
      { imageId: 1, bbox: [1, 2, 3, 4], score: 0.9 },
      { imageId: 2, bbox: [1, 2, 3, 4], score: 0.5 },
    ]);
  });

  it('reports detections of images that are not in the annotation file', () => {
    const err = errorOf(() =>
      parseCocoDetections(
        [{ image_id: 3, category_id: 1, bbox: [1, 2, 3, 4], score: 1 }],
        'dets.json',
        options,
      ),
    );
    expect(err.message).toMatch(
      /^dets\.json: \[0\]\.image_id 3 is not an image of the annotation file/,
    );
  });
});
