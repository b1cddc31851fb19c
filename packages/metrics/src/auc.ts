import { HeadroomError } from '@headroom/errors';

/**
 * ROC AUC of one binary class, exactly as scikit-learn's `roc_auc_score`: examples sorted
 * by score descending, one ROC point per distinct score (equal scores form one step),
 * collinear points dropped as `roc_curve(drop_intermediate=True)` does, then the
 * trapezoid rule. `labels` are 0/1. A class whose labels are all equal has no AUC
 * (sklearn raises): `null`. A score that is NaN or ±Infinity is an error.
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number | null {
  const n = labels.length;
  if (scores.length !== n) {
    throw new HeadroomError(
      'INVALID_INPUT',
      `rocAuc: ${n} labels but ${scores.length} scores; expected one score per label`,
    );
  }
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1)
      throw new HeadroomError('INVALID_INPUT', `rocAuc: label [${i}] is ${y}, expected 0 or 1`);
    const s = scores[i] as number;
    if (!Number.isFinite(s)) {
      throw new HeadroomError(
        'INVALID_INPUT',
        `rocAuc: score [${i}] is ${s}, expected a finite number (check the model's outputs for NaN)`,
      );
    }
    positives += y;
  }
  if (positives === 0 || positives === n) return null;

  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (scores[b] as number) - (scores[a] as number),
  );
  // Cumulative true/false positives at the last example of each distinct score, after (0, 0).
  const tps: number[] = [0];
  const fps: number[] = [0];
  let tp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    tp += labels[i] as number;
    if (k === n - 1 || scores[order[k + 1] as number] !== scores[i]) {
      tps.push(tp);
      fps.push(k + 1 - tp);
    }
  }
  // sklearn drops points collinear with both neighbours (a zero second difference in the
  // integer counts); the area is the same, and keeping the same points keeps the rounding.
  const xs: number[] = [];
  const ys: number[] = [];
  const last = tps.length - 1;
  for (let k = 0; k <= last; k++) {
    if (
      k === 0 ||
      k === last ||
      (fps[k + 1] as number) - 2 * (fps[k] as number) + (fps[k - 1] as number) !== 0 ||
      (tps[k + 1] as number) - 2 * (tps[k] as number) + (tps[k - 1] as number) !== 0
    ) {
      xs.push((fps[k] as number) / (fps[last] as number));
      ys.push((tps[k] as number) / (tps[last] as number));
    }
  }
  let area = 0;
  for (let k = 1; k < xs.length; k++) {
    area +=
      ((xs[k] as number) - (xs[k - 1] as number)) *
      (((ys[k] as number) + (ys[k - 1] as number)) / 2);
  }
  return area;
}

/**
 * Per-class ROC AUC of a multi-label problem: `labels` and `scores` either `[N][C]`
 * (rows of examples) or flat row-major with `classes` = C. Each entry is `rocAuc` of
 * that column: a number, or `null` for a class whose labels are all equal.
 */
export function rocAucPerClass(
  labels: ArrayLike<ArrayLike<number>>,
  scores: ArrayLike<ArrayLike<number>>,
): Array<number | null>;
export function rocAucPerClass(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  classes: number,
): Array<number | null>;
export function rocAucPerClass(
  labels: ArrayLike<number> | ArrayLike<ArrayLike<number>>,
  scores: ArrayLike<number> | ArrayLike<ArrayLike<number>>,
  classes?: number,
): Array<number | null> {
  const flatLabels =
    classes === undefined
      ? flatten(labels as ArrayLike<ArrayLike<number>>, 'labels')
      : (labels as ArrayLike<number>);
  const flatScores =
    classes === undefined
      ? flatten(scores as ArrayLike<ArrayLike<number>>, 'scores')
      : (scores as ArrayLike<number>);
  const c = classes ?? (labels as ArrayLike<ArrayLike<number>>)[0]?.length ?? 0;
  if (!Number.isSafeInteger(c) || c < 1)
    throw new HeadroomError('INVALID_INPUT', `rocAucPerClass: ${c} classes; expected at least 1`);
  if (flatLabels.length !== flatScores.length || flatLabels.length % c !== 0) {
    throw new HeadroomError(
      'INVALID_INPUT',
      `rocAucPerClass: ${flatLabels.length} labels and ${flatScores.length} scores do not form the same [N][${c}]`,
    );
  }
  const n = flatLabels.length / c;
  const y = new Float64Array(n);
  const s = new Float64Array(n);
  const result: Array<number | null> = [];
  for (let j = 0; j < c; j++) {
    for (let i = 0; i < n; i++) {
      y[i] = flatLabels[i * c + j] as number;
      s[i] = flatScores[i * c + j] as number;
    }
    try {
      result.push(rocAuc(y, s));
    } catch (err) {
      if (err instanceof HeadroomError)
        throw new HeadroomError('INVALID_INPUT', `class ${j}: ${err.message}`, err.violations);
      throw err;
    }
  }
  return result;
}

/** The mean of the classes that have an AUC (`null`s left out); `null` when none has one. */
export function meanAuc(perClass: ReadonlyArray<number | null>): number | null {
  const present = perClass.filter((v): v is number => v !== null);
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0) / present.length;
}

function flatten(rows: ArrayLike<ArrayLike<number>>, what: string): number[] {
  const c = rows[0]?.length ?? 0;
  const out: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as ArrayLike<number>;
    if (row.length !== c) {
      throw new HeadroomError(
        'INVALID_INPUT',
        `rocAucPerClass: ${what} row [${i}] has ${row.length} classes, row [0] has ${c}`,
      );
    }
    for (let j = 0; j < c; j++) out.push(row[j] as number);
  }
  return out;
}
