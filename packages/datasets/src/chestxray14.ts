import { isAbsolute, join, resolve } from 'node:path';
import { HeadroomError, type Violation } from '@headroom/errors';
import { readCsvRecords, readListLines } from './chestxray14-csv.js';
import { hashString, mixSeeds, seedWords } from './prng.js';

/**
 * ChestX-ray14 (NIH) as it is distributed: `Data_Entry_2017.csv` (one row per image, the
 * findings `|`-separated), `images/*.png`, and the official patient-wise split in
 * `train_val_list.txt` / `test_list.txt`. Opening a folder reads the CSV and the lists only
 * (112,120 rows: a few MB held as paths and bytes); images are decoded by the batch stream.
 */

/** The CSV of the set, in `dataset.path`. */
export const CHESTXRAY14_CSV = 'Data_Entry_2017.csv';
/** The folder of the PNGs, in `dataset.path`. */
export const CHESTXRAY14_IMAGE_DIR = 'images';
/** The official train+validation images, one name a line. */
export const CHESTXRAY14_TRAIN_VAL_LIST = 'train_val_list.txt';
/** The official test images, one name a line. */
export const CHESTXRAY14_TEST_LIST = 'test_list.txt';
/** The `Finding Labels` value of an image with none of the findings: all targets 0. */
export const CHESTXRAY14_NO_FINDING = 'No Finding';
/** Fraction of the train_val images carved out (by patient) for validation by default. */
export const CHESTXRAY14_DEFAULT_VAL_FRACTION = 0.1;

export const CHESTXRAY14_SPLITS = ['train', 'val', 'test'] as const;
export type ChestSplitName = (typeof CHESTXRAY14_SPLITS)[number];

/** The images of one split, in CSV order (the main CSV, then each extra CSV). */
export interface ChestSplit {
  count: number;
  /** Absolute paths of the PNGs. */
  images: string[];
  /** The patient of each image: an index in [0, dataset.patients), in order of first appearance in the CSVs. */
  patients: Int32Array;
  /** [count][labels.length], 1 where the image has the finding. */
  targets: Uint8Array;
}

export interface ChestXray14Dataset {
  /** The folder opened (absolute). */
  dir: string;
  /** The target columns, as given. */
  labels: readonly string[];
  train: ChestSplit;
  val: ChestSplit;
  test: ChestSplit;
  /** Distinct patients over all splits. */
  patients: number;
}

export interface OpenChestXray14Options {
  /** The findings the model predicts, one target column each; a CSV label outside them is a DATA error. */
  labels: readonly string[];
  /** More CSVs in the same format (paths relative to the folder, or absolute) whose images are in `images/` too. */
  extra?: readonly string[];
  /** Fraction of the train_val images held out for validation, by patient (default 0.1). */
  valFraction?: number;
  /** Seeds which patients go to validation (default 0). */
  seed?: number;
}

/**
 * Reads a ChestX-ray14 folder: see the module comment for the files. Patient ids are the CSVs'
 * `Patient ID` (leading zeros ignored), shared across the main and extra CSVs.
 *
 * - test: the images of `test_list.txt`;
 * - val: about `valFraction` of the images of `train_val_list.txt`, whole patients, picked in the
 *   order of a hash of (seed, patient id), so no patient is in two splits and a seed always gives
 *   the same split;
 * - train: the rest of `train_val_list.txt`;
 * - rows that neither list names (an extra CSV's, e.g. a COVID-19 set) join the list their
 *   patient already has images in; a patient in neither goes to test with the official test
 *   fraction by a hash of its id alone (the test set does not move with `seed`), else to train_val.
 *
 * Missing or malformed files, labels outside `labels`, and list entries the CSVs lack are
 * `HeadroomError('DATA')` naming the file and line and saying what is expected.
 */
export async function openChestXray14(
  dir: string,
  options: OpenChestXray14Options,
): Promise<ChestXray14Dataset> {
  const { labels } = options;
  if (labels.length === 0)
    throw new HeadroomError(
      'INVALID_INPUT',
      'openChestXray14: labels is empty; give the findings to predict',
    );
  const index = await readChestXray14Index(dir, options);
  if (index.violations.length > 0) {
    const shown = index.violations
      .slice(0, 10)
      .map((v) => `  ${v.path}: ${v.message}`)
      .join('\n');
    const more = index.violations.length > 10 ? `\n  … ${index.violations.length - 10} more` : '';
    throw new HeadroomError(
      'DATA',
      `${index.dir} is not a usable ChestX-ray14 folder:\n${shown}${more}`,
      index.violations,
    );
  }
  return {
    dir: index.dir,
    labels,
    train: index.split('train'),
    val: index.split('val'),
    test: index.split('test'),
    patients: index.patientKeys.length,
  };
}

/** Where a row came from, for messages. */
interface RowSource {
  file: string;
  line: number;
}

/**
 * The rows of a ChestX-ray14 folder and their splits, as `openChestXray14` and
 * `summarizeChestXray14Folder` both read them. Problems within one file throw; problems across
 * files (a listed image the CSVs lack, a patient in both lists) are in `violations`.
 */
export interface ChestXray14Index {
  dir: string;
  imageDir: string;
  /** The given labels, or (without them) every label found, in order of first appearance. */
  labels: string[];
  /** Image names (relative to imageDir), in CSV order. */
  names: string[];
  /** Patient index of each row. */
  patients: Int32Array;
  /** Patient ids in index order. */
  patientKeys: string[];
  /** Label indices of row r: labelIndex[labelStart[r] .. labelStart[r + 1]). */
  labelStart: Int32Array;
  labelIndex: Int32Array;
  /** 0 train, 1 val, 2 test, per row. */
  splits: Uint8Array;
  violations: Violation[];
  split(name: ChestSplitName): ChestSplit;
}

const SPLIT_CODE: Record<ChestSplitName, number> = { train: 0, val: 1, test: 2 };
const REQUIRED_COLUMNS = ['Image Index', 'Finding Labels', 'Patient ID'] as const;
const HEADER_EXAMPLE =
  'Image Index,Finding Labels,Follow-up #,Patient ID,Patient Age,Patient Gender,View Position,OriginalImage[Width,Height],OriginalImagePixelSpacing[x,y]';
/** Fixed, so the test images of unlisted patients do not depend on a trial's seed. */
const UNLISTED_TEST_SEED = 0x43585231;

/** Growable Int32Array, so 112,120 rows are kept in typed memory. */
class IntList {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

export async function readChestXray14Index(
  dirIn: string,
  options: {
    labels?: readonly string[];
    extra?: readonly string[];
    valFraction?: number;
    seed?: number;
  },
): Promise<ChestXray14Index> {
  const dir = resolve(dirIn);
  const valFraction = options.valFraction ?? CHESTXRAY14_DEFAULT_VAL_FRACTION;
  if (!(valFraction >= 0 && valFraction < 1))
    throw new HeadroomError('INVALID_INPUT', `valFraction must be in [0, 1), got ${valFraction}`);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed))
    throw new HeadroomError('INVALID_INPUT', `seed must be an integer, got ${seed}`);
  const fixedLabels = options.labels !== undefined;
  const labels = [...(options.labels ?? [])];
  const labelOf = new Map(labels.map((l, i) => [l, i]));
  if (labelOf.size !== labels.length)
    throw new HeadroomError('INVALID_INPUT', `labels has duplicates: ${labels.join(', ')}`);
  if (labelOf.has(CHESTXRAY14_NO_FINDING))
    throw new HeadroomError(
      'INVALID_INPUT',
      `labels must not include "${CHESTXRAY14_NO_FINDING}": it is the absence of every finding`,
    );

  const names: string[] = [];
  const sources: RowSource[] = [];
  const rowOf = new Map<string, number>();
  const patients = new IntList();
  const patientKeys: string[] = [];
  const patientOf = new Map<string, number>();
  const labelStart = new IntList();
  const labelIndex = new IntList();
  labelStart.push(0);

  const csvFiles = [
    join(dir, CHESTXRAY14_CSV),
    ...(options.extra ?? []).map((f) => (isAbsolute(f) ? f : join(dir, f))),
  ];
  for (const file of csvFiles) {
    let columns: { image: number; labels: number; patient: number; count: number } | undefined;
    for await (const { line, fields } of readCsvRecords(file)) {
      if (!columns) {
        const header = fields.map((f) => f.trim());
        if (header.length > 1 && header.at(-1) === '') header.pop();
        const at = (name: string) => {
          const i = header.indexOf(name);
          if (i < 0)
            throw new HeadroomError(
              'DATA',
              `${file}:${line}: the header has no "${name}" column; it must name ${REQUIRED_COLUMNS.join(', ')} (as ChestX-ray14's: ${HEADER_EXAMPLE})`,
            );
          return i;
        };
        columns = {
          image: at('Image Index'),
          labels: at('Finding Labels'),
          patient: at('Patient ID'),
          count: header.length,
        };
        continue;
      }
      // The 2017 file ends every line with a comma: one more, empty, field.
      const n = fields.length;
      if (!(n === columns.count || (n === columns.count + 1 && fields[n - 1] === ''))) {
        throw new HeadroomError(
          'DATA',
          `${file}:${line}: ${n} fields, expected ${columns.count} as the header has (${HEADER_EXAMPLE}); quote a field that holds a comma`,
        );
      }
      const name = (fields[columns.image] as string).trim();
      const patientRaw = (fields[columns.patient] as string).trim();
      if (!name)
        throw new HeadroomError(
          'DATA',
          `${file}:${line}: Image Index is empty; expected an image file name such as 00000001_000.png`,
        );
      if (!patientRaw)
        throw new HeadroomError(
          'DATA',
          `${file}:${line}: Patient ID is empty; expected the patient's id, e.g. 1`,
        );
      const seen = rowOf.get(name);
      if (seen !== undefined) {
        const first = sources[seen] as RowSource;
        throw new HeadroomError(
          'DATA',
          `${file}:${line}: image ${name} is already in ${first.file}:${first.line}; each image must have one row`,
        );
      }
      const patientKey = /^\d+$/.test(patientRaw) ? String(BigInt(patientRaw)) : patientRaw;
      let patient = patientOf.get(patientKey);
      if (patient === undefined) {
        patient = patientKeys.length;
        patientKeys.push(patientKey);
        patientOf.set(patientKey, patient);
      }
      const found = (fields[columns.labels] as string).trim();
      const rowLabels = new Set<number>();
      if (found !== '' && found !== CHESTXRAY14_NO_FINDING) {
        for (const raw of found.split('|')) {
          const label = raw.trim();
          let k = labelOf.get(label);
          if (k === undefined) {
            if (fixedLabels || label === '' || label === CHESTXRAY14_NO_FINDING) {
              throw new HeadroomError(
                'DATA',
                label === ''
                  ? `${file}:${line}: Finding Labels "${found}" has an empty label; expected labels separated by |`
                  : label === CHESTXRAY14_NO_FINDING
                    ? `${file}:${line}: Finding Labels "${found}" has ${CHESTXRAY14_NO_FINDING} beside findings; it stands alone`
                    : `${file}:${line}: unknown label "${label}"; valid: ${[...labels, CHESTXRAY14_NO_FINDING].join(', ')}`,
              );
            }
            k = labels.length;
            labels.push(label);
            labelOf.set(label, k);
          }
          rowLabels.add(k);
        }
      }
      rowOf.set(name, names.length);
      names.push(name);
      sources.push({ file, line });
      patients.push(patient);
      for (const k of rowLabels) labelIndex.push(k);
      labelStart.push(labelIndex.length);
    }
    if (!columns)
      throw new HeadroomError(
        'DATA',
        `${file} is empty; expected a header (${HEADER_EXAMPLE}) and one row per image`,
      );
  }

  // The official lists: 0 train_val, 2 test, 255 unlisted.
  const UNLISTED = 255;
  const listed = new Uint8Array(names.length).fill(UNLISTED);
  const violations: Violation[] = [];
  const listCounts = { trainVal: 0, test: 0 };
  for (const [listName, code] of [
    [CHESTXRAY14_TRAIN_VAL_LIST, 0],
    [CHESTXRAY14_TEST_LIST, 2],
  ] as const) {
    const file = join(dir, listName);
    const missing: string[] = [];
    for await (const { line, text } of readListLines(file)) {
      const row = rowOf.get(text);
      if (row === undefined) {
        if (missing.length < 5) missing.push(`${text} (line ${line})`);
        else if (missing.length === 5) missing.push('…');
        continue;
      }
      if (listed[row] !== UNLISTED) {
        violations.push({
          path: `${file}:${line}`,
          message:
            listed[row] === code
              ? `${text} is listed twice`
              : `${text} is in ${CHESTXRAY14_TRAIN_VAL_LIST} too; an image is in one split`,
        });
        continue;
      }
      listed[row] = code;
      if (code === 0) listCounts.trainVal++;
      else listCounts.test++;
    }
    if (missing.length > 0)
      violations.push({
        path: file,
        message: `images not in ${[CHESTXRAY14_CSV, ...(options.extra ?? [])].join(' or ')}: ${missing.join(', ')}; every listed image needs a CSV row`,
      });
  }

  // Patients are in one split: listed images decide, and a patient in both lists is an error.
  const patientList = new Uint8Array(patientKeys.length).fill(UNLISTED);
  const patientFirstRow = new Int32Array(patientKeys.length).fill(-1);
  const rowPatients = patients.toArray();
  for (let r = 0; r < names.length; r++) {
    const code = listed[r] as number;
    if (code === UNLISTED) continue;
    const p = rowPatients[r] as number;
    const before = patientList[p] as number;
    if (before === UNLISTED) {
      patientList[p] = code;
      patientFirstRow[p] = r;
    } else if (before !== code && before !== 3) {
      const other = names[patientFirstRow[p] as number] as string;
      const [inTrainVal, inTest] = code === 2 ? [other, names[r]] : [names[r], other];
      violations.push({
        path: join(dir, CHESTXRAY14_TEST_LIST),
        message: `patient ${patientKeys[p]} has images in both lists (${inTrainVal} in ${CHESTXRAY14_TRAIN_VAL_LIST}, ${inTest} in ${CHESTXRAY14_TEST_LIST}); the split must be by patient`,
      });
      // Reported once per patient.
      patientList[p] = 3;
    }
  }
  const listedTotal = listCounts.trainVal + listCounts.test;
  const testFraction = listedTotal > 0 ? listCounts.test / listedTotal : 0.2;
  const unit = (...words: number[]) => mixSeeds(...words) / 4294967296;
  for (let p = 0; p < patientKeys.length; p++) {
    if (patientList[p] === 3) patientList[p] = 2;
    if (patientList[p] !== UNLISTED) continue;
    patientList[p] =
      unit(UNLISTED_TEST_SEED, hashString(patientKeys[p] as string)) < testFraction ? 2 : 0;
  }

  // Validation: whole train_val patients in a seeded order until valFraction of the images.
  const imagesOf = new Int32Array(patientKeys.length);
  for (let r = 0; r < names.length; r++) {
    const p = rowPatients[r] as number;
    imagesOf[p] = (imagesOf[p] as number) + 1;
  }
  const trainValPatients: number[] = [];
  let trainValImages = 0;
  for (let p = 0; p < patientKeys.length; p++)
    if (patientList[p] === 0) {
      trainValPatients.push(p);
      trainValImages += imagesOf[p] as number;
    }
  const [s0, s1] = seedWords(seed);
  const rank = new Map(
    trainValPatients.map((p) => [p, mixSeeds(s0, s1, hashString(patientKeys[p] as string))]),
  );
  trainValPatients.sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number) || a - b);
  const valTarget = Math.round(valFraction * trainValImages);
  let valImages = 0;
  for (const p of trainValPatients) {
    if (valImages >= valTarget) break;
    patientList[p] = 1;
    valImages += imagesOf[p] as number;
  }

  const splits = new Uint8Array(names.length);
  for (let r = 0; r < names.length; r++)
    splits[r] = patientList[rowPatients[r] as number] as number;
  const starts = labelStart.toArray();
  const indices = labelIndex.toArray();
  const imageDir = join(dir, CHESTXRAY14_IMAGE_DIR);
  return {
    dir,
    imageDir,
    labels,
    names,
    patients: rowPatients,
    patientKeys,
    labelStart: starts,
    labelIndex: indices,
    splits,
    violations,
    split(name) {
      const code = SPLIT_CODE[name];
      let count = 0;
      for (let r = 0; r < splits.length; r++) if (splits[r] === code) count++;
      const C = labels.length;
      const out: ChestSplit = {
        count,
        images: new Array<string>(count),
        patients: new Int32Array(count),
        targets: new Uint8Array(count * C),
      };
      let i = 0;
      for (let r = 0; r < splits.length; r++) {
        if (splits[r] !== code) continue;
        out.images[i] = join(imageDir, names[r] as string);
        out.patients[i] = rowPatients[r] as number;
        for (let k = starts[r] as number; k < (starts[r + 1] as number); k++)
          out.targets[i * C + (indices[k] as number)] = 1;
        i++;
      }
      return out;
    },
  };
}
