import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { headroomErrorOf } from '@headroom/test-support';
import { makeRootRelative, mpjpe } from './mpjpe.js';
import { pMpjpe } from './p-mpjpe.js';
import { evaluatePose3dFiles, readPoseFile } from './pose-file.js';

const dir = mkdtempSync(join(tmpdir(), 'headroom-pose-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** n frames of 17 joints (a non-degenerate 3D cloud), joint j of frame f at (f + j, 7j mod 11, 5j mod 13 − j). */
function poses(n: number): number[][][] {
  return Array.from({ length: n }, (_, f) =>
    Array.from({ length: 17 }, (_, j) => [f + j, (7 * j) % 11, ((5 * j) % 13) - j]),
  );
}

describe('readPoseFile', () => {
  it('reads [N][17][3] into a flat Float64Array', () => {
    const path = write('ok.json', poses(3));
    const { data, n } = readPoseFile(path);
    expect(n).toBe(3);
    expect(data).toBeInstanceOf(Float64Array);
    expect(data.length).toBe(3 * 17 * 3);
    // Frame 2, joint 5 → (7, 2, 7).
    expect(Array.from(data.subarray((2 * 17 + 5) * 3, (2 * 17 + 5) * 3 + 3))).toEqual([7, 2, 7]);
  });

  it('accepts a UTF-8 byte-order mark', () => {
    const path = write('bom.json', '\ufeff' + JSON.stringify(poses(1)));
    expect(readPoseFile(path).n).toBe(1);
  });

  const malformed: Array<[string, string | unknown, RegExp]> = [
    [
      'bad-json.json',
      '[\n  [[1, 2, 3]],\n  }\n]',
      /bad-json\.json: not valid JSON \(unexpected '}', expected a value at line 3, column 3\)/,
    ],
    [
      'truncated.json',
      '[[[1, 2, 3],',
      /truncated\.json: not valid JSON \(unexpected end of file at line 1, column 13\)/,
    ],
    [
      'object.json',
      { poses: [] },
      /object\.json: is an object; expected a JSON array of frames \[N\]\[17\]\[3\]/,
    ],
    ['empty.json', [], /empty\.json: has no frames; expected .* N ≥ 1/],
    [
      'frame-string.json',
      ['oops'],
      /frame-string\.json: item \[0\] is "oops", expected an array of 17 joints/,
    ],
    [
      'joints16.json',
      [poses(1)[0]!.slice(0, 16)],
      /joints16\.json: item \[0\] has 16 joints, expected 17 \(Human3\.6M order\)/,
    ],
    [
      'joint-number.json',
      [[...poses(1)[0]!.slice(0, 16), 5]],
      /joint-number\.json: item \[0\]\[16\] is a number, expected \[x, y, z\] in mm/,
    ],
    [
      'null-coord.json',
      [poses(1)[0]!.map((j, k) => (k === 4 ? [1, null, 3] : j))],
      /null-coord\.json: item \[0\]\[4\]\[1\] is null, expected a finite number \(mm\)/,
    ],
    [
      'string-coord.json',
      [poses(1)[0]!.map((j, k) => (k === 2 ? [1, 2, '3'] : j))],
      /string-coord\.json: item \[0\]\[2\]\[2\] is "3", expected a finite number \(mm\)/,
    ],
    [
      'overflow.json',
      `[${JSON.stringify(poses(1)[0]).replace('[0,0,0]', '[1e400,0,0]')}]`,
      /overflow\.json: item \[0\]\[0\]\[0\] is Infinity \(out of range\), expected a finite number/,
    ],
  ];

  for (const [name, content, message] of malformed) {
    it(`rejects ${name} with a message naming the file and item`, () => {
      const err = headroomErrorOf(() => readPoseFile(write(name, content)));
      expect(err.code).toBe('INVALID_INPUT');
      expect(err.message).toMatch(message);
    });
  }

  it('names the exact item when a joint has 2 numbers', () => {
    const frames = poses(13);
    frames[12]![3] = [1, 2];
    const path = write('pred.json', frames);
    const err = headroomErrorOf(() => readPoseFile(path));
    expect(err.message).toBe(`${path}: item [12][3] has 2 numbers, expected 3 (x, y, z in mm)`);
    expect(err.violations).toEqual([
      { path: `${path}[12][3]`, message: 'has 2 numbers, expected 3 (x, y, z in mm)' },
    ]);
  });

  it('says file not found for a missing file, and rejects a directory', () => {
    const missing = join(dir, 'nope.json');
    expect(headroomErrorOf(() => readPoseFile(missing)).message).toMatch(
      new RegExp(`^${missing}: file not found`),
    );
    const sub = join(dir, 'a-dir');
    mkdirSync(sub);
    expect(headroomErrorOf(() => readPoseFile(sub)).message).toMatch(
      /a-dir: is a directory; expected a JSON file/,
    );
  });
});

describe('evaluatePose3dFiles', () => {
  it('computes both protocols on root-relative poses', () => {
    const gtFrames = poses(4);
    // Prediction: ground truth with a per-frame global offset (which root-relative removes)
    // plus a deterministic non-rigid error on a few joints.
    const predFrames = gtFrames.map((frame, f) =>
      frame.map((j, k) =>
        j.map((x, a) => x + 1000 * (f + 1) + (k % 3 === 1 && a === f % 3 ? 15 : 0)),
      ),
    );
    const gtPath = write('eval-gt.json', gtFrames);
    const predPath = write('eval-pred.json', predFrames);
    const result = evaluatePose3dFiles(gtPath, predPath);

    const gt = makeRootRelative(Float64Array.from(gtFrames.flat(2)), 4);
    const pred = makeRootRelative(Float64Array.from(predFrames.flat(2)), 4);
    expect(result.frames).toBe(4);
    expect(result.mpjpe).toBe(mpjpe(pred, gt, 4));
    expect(result.p_mpjpe).toBe(pMpjpe(pred, gt, 4));
    // The 1 m offsets are gone: only the 15 mm joint errors remain (on 6 of 17 joints).
    expect(result.mpjpe).toBeGreaterThan(1);
    expect(result.mpjpe).toBeLessThan(15);
    expect(result.p_mpjpe).toBeGreaterThan(0);
  });

  it('rejects files with different frame counts', () => {
    const gtPath = write('n-gt.json', poses(5));
    const predPath = write('n-pred.json', poses(4));
    const err = headroomErrorOf(() => evaluatePose3dFiles(gtPath, predPath));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toBe(
      `${predPath}: has 4 frames but ${gtPath} has 5; expected one prediction per ground-truth frame, in the same order`,
    );
  });

  it('reports a malformed ground-truth file by its own name', () => {
    const gtPath = write('broken-gt.json', '[[[1,2,3]]');
    const predPath = write('fine-pred.json', poses(1));
    expect(headroomErrorOf(() => evaluatePose3dFiles(gtPath, predPath)).message).toMatch(
      /broken-gt\.json: not valid JSON/,
    );
  });
});
