import { HeadroomError } from '@headroom/errors';
import { meanAuc, rocAucPerClass } from './auc.js';
import { describeJsonValue, invalidInput } from './coco-check.js';
import { readJsonFile } from './json-file.js';

/** What `headroom eval auc` reports: per-class ROC AUC (null: labels all equal) and their mean. */
export interface AucEvaluation {
  perClass: Array<number | null>;
  /** Mean over the classes that have an AUC; null when none has one. */
  mean: number | null;
  /** The class names given, one per column. */
  classes?: string[];
}

const LABELS_EXPECTED =
  'a JSON array [N][C] of labels 0 or 1 (one row per example, one column per class)';
const SCORES_EXPECTED =
  'a JSON array [N][C] of finite numbers (one row per example, one column per class)';

/** A `[N][C]` matrix from a parsed JSON document, flat row-major; the first bad item is named. */
function readMatrix(
  path: string,
  kind: 'labels' | 'scores',
): { data: Float64Array; n: number; c: number } {
  const expected = kind === 'labels' ? LABELS_EXPECTED : SCORES_EXPECTED;
  const doc = readJsonFile(path, expected);
  if (!Array.isArray(doc))
    throw invalidInput(path, '', `is ${describeJsonValue(doc)}; expected ${expected}`);
  if (doc.length === 0)
    throw invalidInput(path, '', `has no rows; expected ${expected} with N ≥ 1`);
  const first: unknown = doc[0];
  const c = Array.isArray(first) ? first.length : 0;
  const n = doc.length;
  const data = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    const row: unknown = doc[i];
    if (!Array.isArray(row))
      throw invalidInput(
        path,
        `[${i}]`,
        `is ${describeJsonValue(row)}, expected an array of ${kind}, one per class`,
      );
    if (row.length === 0)
      throw invalidInput(
        path,
        `[${i}]`,
        `is empty, expected one ${kind === 'labels' ? 'label' : 'score'} per class`,
      );
    if (row.length !== c)
      throw invalidInput(
        path,
        `[${i}]`,
        `has ${row.length} classes but row [0] has ${c}; every row needs one value per class`,
      );
    for (let j = 0; j < c; j++) {
      const v: unknown = row[j];
      if (kind === 'labels' ? v !== 0 && v !== 1 : typeof v !== 'number' || !Number.isFinite(v)) {
        throw invalidInput(
          path,
          `[${i}][${j}]`,
          `is ${describeJsonValue(v)}, expected ${kind === 'labels' ? '0 or 1' : 'a finite number'}`,
        );
      }
      data[i * c + j] = v as number;
    }
  }
  return { data, n, c };
}

/**
 * `headroom eval auc`: per-class ROC AUC (as scikit-learn's `roc_auc_score`) of a scores
 * file against a labels file, both `[N][C]` with rows in the same order, and the mean
 * over the classes that have one. `classes`, when given, names the C columns. Any
 * problem is a `HeadroomError('INVALID_INPUT')` naming the file and the item.
 */
export function evaluateAucFiles(
  labelsPath: string,
  scoresPath: string,
  classes?: readonly string[],
): AucEvaluation {
  const labels = readMatrix(labelsPath, 'labels');
  const scores = readMatrix(scoresPath, 'scores');
  if (scores.n !== labels.n) {
    throw invalidInput(
      scoresPath,
      '',
      `has ${scores.n} rows but ${labelsPath} has ${labels.n}; expected one row of scores per row of labels, in the same order`,
    );
  }
  if (scores.c !== labels.c) {
    throw invalidInput(
      scoresPath,
      '',
      `has ${scores.c} classes per row but ${labelsPath} has ${labels.c}; expected the same columns in both`,
    );
  }
  if (classes && classes.length !== labels.c) {
    const message = `${classes.length} class names for ${labels.c} columns in ${labelsPath}; give one name per column`;
    throw new HeadroomError('INVALID_INPUT', `--classes: ${message}`, [
      { path: '--classes', message },
    ]);
  }
  const perClass = rocAucPerClass(labels.data, scores.data, labels.c);
  return { perClass, mean: meanAuc(perClass), ...(classes ? { classes: [...classes] } : {}) };
}
