import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { headroomErrorOf } from '@headroom/test-support';
import { evaluateCocoKeypoints } from './coco-eval.js';
import { evaluateCocoFiles } from './coco-file.js';
import type { CocoKeypointResult, CocoKeypointsGroundTruth } from './coco-types.js';

const dir = mkdtempSync(join(tmpdir(), 'headroom-coco-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const fixtures = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/coco-cases.json'), 'utf8'),
) as { cases: Array<{ name: string; gt: CocoKeypointsGroundTruth; dt: CocoKeypointResult[] }> };

/** Two images, one person on image 1, a detection of them: the smallest valid pair. */
function validGt() {
  return {
    images: [{ id: 1 }, { id: 2 }],
    annotations: [
      {
        id: 10,
        image_id: 1,
        category_id: 1,
        keypoints: Array.from({ length: 51 }, (_, i) => (i % 3 === 2 ? 2 : 100 + i)),
        num_keypoints: 17,
        area: 5000,
        bbox: [90, 90, 80, 100],
        iscrowd: 0,
      },
    ],
    categories: [{ id: 1, name: 'person' }],
  };
}

function validDt() {
  return [
    {
      image_id: 1,
      category_id: 1,
      keypoints: Array.from({ length: 51 }, (_, i) => (i % 3 === 2 ? 0.9 : 101 + i)),
      score: 0.8,
    },
  ];
}

type Edit<T> = (doc: T) => unknown;
const gtEdit =
  (f: (doc: ReturnType<typeof validGt>) => void): Edit<ReturnType<typeof validGt>> =>
  (doc) => {
    f(doc);
    return doc;
  };
const dtEdit =
  (f: (doc: ReturnType<typeof validDt>) => void): Edit<ReturnType<typeof validDt>> =>
  (doc) => {
    f(doc);
    return doc;
  };
const ann = (doc: ReturnType<typeof validGt>) => doc.annotations[0] as Record<string, unknown>;
const res = (doc: ReturnType<typeof validDt>) => doc[0] as Record<string, unknown>;

describe('evaluateCocoFiles', () => {
  it('reads both files and gives the same stats as the in-memory evaluation', () => {
    const c = fixtures.cases.find((x) => x.name.startsWith('60 images'));
    if (!c) throw new Error('fixture case missing');
    const gtPath = write('val-gt.json', c.gt);
    const dtPath = write('val-dt.json', '\ufeff' + JSON.stringify(c.dt)); // with a BOM
    expect(evaluateCocoFiles(gtPath, dtPath)).toEqual(evaluateCocoKeypoints(c.gt, c.dt));
  });

  it('accepts the minimal valid pair', () => {
    const stats = evaluateCocoFiles(
      write('min-gt.json', validGt()),
      write('min-dt.json', validDt()),
    );
    expect(stats.ap50).toBeCloseTo(1, 12);
  });

  // [file name, ground truth or its edit, results or their edit, expected message]
  const gtCases: Array<[string, string | Edit<ReturnType<typeof validGt>>, RegExp]> = [
    [
      'gt-bad-json.json',
      '{\n  "images": [{"id": 1}],\n  "annotations": [}\n}',
      /gt-bad-json\.json: not valid JSON \(unexpected '}', expected a value at line 3, column 19\); expected a COCO keypoint annotation file/,
    ],
    [
      'gt-array.json',
      () => validDt(),
      /gt-array\.json: is an array of 1; expected a COCO keypoint annotation file.*is this the --dt file\?/,
    ],
    [
      'gt-no-images.json',
      gtEdit((d) => delete (d as Partial<typeof d>).images),
      /gt-no-images\.json: has no "images"; expected an array of \{id\}/,
    ],
    [
      'gt-image-id.json',
      gtEdit((d) => ((d.images[1] as Record<string, unknown>).id = '2')),
      /gt-image-id\.json: item images\[1\]\.id is "2", expected an integer image id/,
    ],
    [
      'gt-no-categories.json',
      gtEdit((d) => (d.categories = [])),
      /gt-no-categories\.json: item categories is empty; expected the evaluated categories/,
    ],
    [
      'gt-kp-50.json',
      gtEdit((d) => (ann(d).keypoints as number[]).pop()),
      /gt-kp-50\.json: item annotations\[0\]\.keypoints has 50 numbers, expected 51 \(x, y, v for each of the 17 COCO keypoints/,
    ],
    [
      'gt-kp-null.json',
      gtEdit((d) => ((ann(d).keypoints as unknown[])[7] = null)),
      /gt-kp-null\.json: item annotations\[0\]\.keypoints\[7\] is null, expected a finite number/,
    ],
    [
      'gt-no-num-keypoints.json',
      gtEdit((d) => delete ann(d).num_keypoints),
      /gt-no-num-keypoints\.json: item annotations\[0\]\.num_keypoints is missing, expected an integer from 0 to 17/,
    ],
    [
      'gt-area.json',
      gtEdit((d) => (ann(d).area = 'big')),
      /gt-area\.json: item annotations\[0\]\.area is "big", expected a finite number/,
    ],
    [
      'gt-bbox.json',
      gtEdit((d) => (ann(d).bbox = [1, 2, 3])),
      /gt-bbox\.json: item annotations\[0\]\.bbox has 3 numbers, expected 4 \(x, y, width, height\)/,
    ],
    [
      'gt-iscrowd.json',
      gtEdit((d) => (ann(d).iscrowd = 'no')),
      /gt-iscrowd\.json: item annotations\[0\]\.iscrowd is "no", expected 0 or 1/,
    ],
    [
      'gt-dup-id.json',
      gtEdit((d) =>
        d.annotations.push({ ...(d.annotations[0] as (typeof d.annotations)[0]), image_id: 2 }),
      ),
      /gt-dup-id\.json: item annotations\[1\]\.id is 10, the same as annotations\[0\]\.id; annotation ids must be unique/,
    ],
  ];

  for (const [name, content, message] of gtCases) {
    it(`rejects ground truth ${name}, naming the file, item and field`, () => {
      const gt = typeof content === 'string' ? content : content(validGt());
      const err = headroomErrorOf(() =>
        evaluateCocoFiles(write(name, gt), write(`dt-for-${name}`, validDt())),
      );
      expect(err.code).toBe('INVALID_INPUT');
      expect(err.message).toMatch(message);
    });
  }

  const dtCases: Array<[string, string | Edit<ReturnType<typeof validDt>>, RegExp]> = [
    [
      'dt-truncated.json',
      '[{"image_id": 1,\n "score": 0.5',
      /dt-truncated\.json: not valid JSON \(unexpected end of file at line 2, column 14\); expected a COCO keypoint results list/,
    ],
    [
      'dt-nan.json',
      '[{"image_id": 1, "category_id": 1, "score": NaN}]',
      /dt-nan\.json: not valid JSON \(unexpected 'N', expected a value at line 1, column 45\)/,
    ],
    [
      'dt-object.json',
      () => validGt(),
      /dt-object\.json: is an object; expected a COCO keypoint results list.*is this the --gt file\?/,
    ],
    [
      'dt-unknown-image.json',
      dtEdit((d) => (res(d).image_id = 3)),
      /dt-unknown-image\.json: item \[0\]\.image_id is 3, which is not an image in .*min-gt-2\.json; expected one of its images' ids/,
    ],
    [
      'dt-kp-52.json',
      dtEdit((d) => (res(d).keypoints as number[]).push(1)),
      /dt-kp-52\.json: item \[0\]\.keypoints has 52 numbers, expected 51 \(x, y, score for each of the 17 COCO keypoints\)/,
    ],
    [
      'dt-kp-string.json',
      dtEdit((d) => ((res(d).keypoints as unknown[])[3] = '12.5')),
      /dt-kp-string\.json: item \[0\]\.keypoints\[3\] is "12\.5", expected a finite number/,
    ],
    [
      'dt-no-score.json',
      dtEdit((d) => delete res(d).score),
      /dt-no-score\.json: item \[0\]\.score is missing, expected a finite number \(the detection's confidence\)/,
    ],
    [
      'dt-score-overflow.json',
      (d) => JSON.stringify(d).replace('"score":0.8', '"score":1e999'),
      /dt-score-overflow\.json: item \[0\]\.score is Infinity \(out of range\), expected a finite number/,
    ],
    [
      'dt-category.json',
      dtEdit((d) => (res(d).category_id = 1.5)),
      /dt-category\.json: item \[0\]\.category_id is 1\.5, expected an integer category id/,
    ],
    [
      'dt-item-array.json',
      dtEdit((d) => (d as unknown[]).push([1, 2, 3])),
      /dt-item-array\.json: item \[1\] is an array of 3, expected \{image_id, category_id, keypoints, score\}/,
    ],
    [
      'dt-bbox-partial.json',
      dtEdit((d) => {
        res(d).bbox = [100, 100, 50, 120];
        d.push({ ...(d[0] as (typeof d)[0]), image_id: 2 });
        delete (d[1] as Record<string, unknown>).bbox;
      }),
      /dt-bbox-partial\.json: item \[1\]\.bbox is missing, expected 4 numbers \(.*the first result has a bbox/,
    ],
    [
      'dt-segmentation.json',
      dtEdit((d) => (res(d).segmentation = { counts: 'abc', size: [10, 10] })),
      /dt-segmentation\.json: item \[0\]\.segmentation is present; expected keypoint results without segmentation/,
    ],
  ];

  for (const [name, content, message] of dtCases) {
    it(`rejects results ${name}, naming the file, item and field`, () => {
      const gtPath = write('min-gt-2.json', validGt());
      const dt = typeof content === 'string' ? content : content(validDt());
      const err = headroomErrorOf(() => evaluateCocoFiles(gtPath, write(name, dt)));
      expect(err.code).toBe('INVALID_INPUT');
      expect(err.message).toMatch(message);
    });
  }

  it('puts the file, item and field in the violation path', () => {
    const dt = validDt();
    (dt[0] as Record<string, unknown>).score = null;
    const dtPath = write('violation.json', dt);
    const err = headroomErrorOf(() => evaluateCocoFiles(write('v-gt.json', validGt()), dtPath));
    expect(err.message).toBe(
      `${dtPath}: item [0].score is null, expected a finite number (the detection's confidence)`,
    );
    expect(err.violations).toEqual([
      {
        path: `${dtPath}[0].score`,
        message: "is null, expected a finite number (the detection's confidence)",
      },
    ]);
    const gt = validGt();
    (gt.annotations[0] as Record<string, unknown>).area = -1;
    const gtPath = write('v-gt-area.json', gt);
    expect(headroomErrorOf(() => evaluateCocoFiles(gtPath, dtPath)).violations[0]?.path).toBe(
      `${gtPath}.annotations[0].area`,
    );
  });

  it('says file not found, and rejects a directory', () => {
    const missing = join(dir, 'nope.json');
    expect(headroomErrorOf(() => evaluateCocoFiles(missing, missing)).message).toMatch(
      new RegExp(`^${missing}: file not found; expected a COCO keypoint annotation file`),
    );
    const sub = join(dir, 'a-dir');
    mkdirSync(sub);
    const gtPath = write('d-gt.json', validGt());
    expect(headroomErrorOf(() => evaluateCocoFiles(gtPath, sub)).message).toMatch(
      /a-dir: is a directory; expected a JSON file with a COCO keypoint results list/,
    );
  });
});
