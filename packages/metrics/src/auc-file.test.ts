import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { headroomErrorOf } from '@headroom/test-support';
import { evaluateAucFiles } from './auc-file.js';

const dir = mkdtempSync(join(tmpdir(), 'headroom-auc-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

// Column 0: the golden case (0.75); column 1: all negative (no AUC).
const LABELS = [
  [0, 0],
  [0, 0],
  [1, 0],
  [1, 0],
];
const SCORES = [
  [0.1, 0.9],
  [0.4, 0.1],
  [0.35, 0.5],
  [0.8, 0.2],
];

describe('evaluateAucFiles', () => {
  const labels = write('labels.json', LABELS);
  const scores = write('scores.json', SCORES);

  it('gives per-class AUC, null for an all-equal class, and the mean over the rest', () => {
    expect(evaluateAucFiles(labels, scores)).toEqual({ perClass: [0.75, null], mean: 0.75 });
    expect(evaluateAucFiles(labels, scores, ['Cardiomegaly', 'Hernia'])).toEqual({
      perClass: [0.75, null],
      mean: 0.75,
      classes: ['Cardiomegaly', 'Hernia'],
    });
  });

  it('names the file and the item of a bad value', () => {
    const badLabel = LABELS.map((r) => [...r]);
    badLabel[2]![1] = 2;
    const e1 = headroomErrorOf(() => evaluateAucFiles(write('bad-label.json', badLabel), scores));
    expect(e1.code).toBe('INVALID_INPUT');
    expect(e1.message).toMatch(/bad-label\.json: item \[2\]\[1\] is 2, expected 0 or 1/);
    expect(e1.violations[0]?.path).toMatch(/bad-label\.json\[2\]\[1\]$/);

    const badScore = SCORES.map((r) => [...r]) as unknown[][];
    badScore[3]![1] = 'high';
    expect(
      headroomErrorOf(() => evaluateAucFiles(labels, write('bad-score.json', badScore))).message,
    ).toMatch(/bad-score\.json: item \[3\]\[1\] is "high", expected a finite number/);
    expect(
      headroomErrorOf(() =>
        evaluateAucFiles(
          labels,
          write('true.json', [
            [0.1, 0.2],
            [0.3, 0.4],
            [1, 2],
            [true, 1],
          ]),
        ),
      ).message,
    ).toMatch(/true\.json: item \[3\]\[0\] is true/);
  });

  it('rejects wrong shapes: not an array, empty, a row that is not an array, ragged rows', () => {
    expect(
      headroomErrorOf(() => evaluateAucFiles(write('obj.json', { a: 1 }), scores)).message,
    ).toMatch(/obj\.json: is an object; expected a JSON array \[N\]\[C\] of labels 0 or 1/);
    expect(
      headroomErrorOf(() => evaluateAucFiles(write('empty.json', []), scores)).message,
    ).toMatch(/empty\.json: has no rows/);
    expect(
      headroomErrorOf(() => evaluateAucFiles(labels, write('flat.json', [0.1, 0.2, 0.3, 0.4])))
        .message,
    ).toMatch(/flat\.json: item \[0\] is 0\.1, expected an array of scores/);
    expect(
      headroomErrorOf(() => evaluateAucFiles(write('ragged.json', [[0, 1], [1, 0], [1]]), scores))
        .message,
    ).toMatch(/ragged\.json: item \[2\] has 1 classes but row \[0\] has 2/);
  });

  it('rejects N or C differing between the files, and a --classes count ≠ C', () => {
    expect(
      headroomErrorOf(() => evaluateAucFiles(labels, write('short.json', SCORES.slice(0, 3))))
        .message,
    ).toMatch(/short\.json: has 3 rows but .*labels\.json has 4/);
    expect(
      headroomErrorOf(() =>
        evaluateAucFiles(
          labels,
          write(
            'wide.json',
            SCORES.map((r) => [...r, 0.5]),
          ),
        ),
      ).message,
    ).toMatch(/wide\.json: has 3 classes per row but .*labels\.json has 2/);
    expect(
      headroomErrorOf(() => evaluateAucFiles(labels, scores, ['A', 'B', 'C'])).message,
    ).toMatch(/--classes: 3 class names for 2 columns/);
  });

  it('rejects a file that is not JSON, with line and column, and a missing file', () => {
    expect(
      headroomErrorOf(() => evaluateAucFiles(write('broken.json', '[[0, 1],\n [1 0]]'), scores))
        .message,
    ).toMatch(/broken\.json: not valid JSON \(.* at line 2, column 5\)/);
    expect(headroomErrorOf(() => evaluateAucFiles(labels, join(dir, 'nope.json'))).message).toMatch(
      /nope\.json: file not found/,
    );
  });
});
