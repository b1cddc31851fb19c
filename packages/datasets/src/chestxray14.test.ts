import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isHeadroomError, type HeadroomError } from '@headroom/errors';
import { openChestXray14, type ChestSplit, type ChestXray14Dataset } from './chestxray14.js';

const dir = mkdtempSync(join(tmpdir(), 'headroom-chestxray14-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LABELS = ['Atelectasis', 'Cardiomegaly', 'Effusion', 'Hernia'] as const;
const HEADER_2017 =
  'Image Index,Finding Labels,Follow-up #,Patient ID,Patient Age,Patient Gender,View Position,OriginalImage[Width,Height],OriginalImagePixelSpacing[x,y],';
const HEADER_2020 = HEADER_2017.slice(0, -1);

/** A folder with the given files (CSV text, list lines); images are not needed to open it. */
function folder(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'images'), { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(root, file), text);
  return root;
}

/** A CSV row in the 2017 format (trailing comma) or the 2020 one. */
function row(image: string, labels: string, patient: number, trailingComma = true): string {
  return `${image},${labels},0,${patient},58,M,PA,2682,2749,0.143,0.143${trailingComma ? ',' : ''}`;
}

async function rejection(p: Promise<unknown>): Promise<HeadroomError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isHeadroomError(err)) throw new Error(`expected a HeadroomError, got ${String(err)}`);
  return err;
}

/** The image names of a split, without their folder. */
const names = (split: ChestSplit) => split.images.map((p) => p.slice(p.lastIndexOf('/') + 1));
/** Row i of a split's targets. */
const targets = (split: ChestSplit, i: number, labels = LABELS.length) =>
  Array.from(split.targets.subarray(i * labels, (i + 1) * labels));

function allNames(ds: ChestXray14Dataset): string[] {
  return [...names(ds.train), ...names(ds.val), ...names(ds.test)];
}

describe('openChestXray14', () => {
  it('reads the 2017 CSV (trailing commas, CRLF, quoted fields) into multi-hot targets', async () => {
    const csv = [
      HEADER_2017,
      row('00000001_000.png', 'Cardiomegaly', 1),
      row('00000001_001.png', 'Cardiomegaly|Effusion', 1),
      // A quoted field, with a doubled quote and a comma inside another quoted field.
      `"00000002_000.png","Atelectasis|Hernia",0,"0002",81,"F","AP, ""portable""",2500,2048,0.168,0.168,`,
      row('00000003_000.png', 'No Finding', 3),
      '',
    ].join('\r\n');
    const root = folder('2017', {
      'Data_Entry_2017.csv': csv,
      'train_val_list.txt': '00000001_000.png\r\n00000001_001.png\r\n00000003_000.png\r\n',
      'test_list.txt': '00000002_000.png',
    });
    const ds = await openChestXray14(root, { labels: LABELS, valFraction: 0 });
    expect(ds.dir).toBe(root);
    expect(ds.labels).toEqual(LABELS);
    expect(ds.patients).toBe(3);
    expect(names(ds.train)).toEqual(['00000001_000.png', '00000001_001.png', '00000003_000.png']);
    expect(ds.train.images[0]).toBe(join(root, 'images', '00000001_000.png'));
    expect(targets(ds.train, 0)).toEqual([0, 1, 0, 0]);
    expect(targets(ds.train, 1)).toEqual([0, 1, 1, 0]);
    expect(targets(ds.train, 2)).toEqual([0, 0, 0, 0]);
    expect(Array.from(ds.train.patients)).toEqual([0, 0, 2]);
    expect(ds.val.count).toBe(0);
    expect(ds.test).toMatchObject({ count: 1, patients: Int32Array.from([1]) });
    expect(targets(ds.test, 0)).toEqual([1, 0, 0, 1]);
  });

  it('reads the v2020 CSV (no trailing comma, columns found by name) the same way', async () => {
    const lists = {
      'train_val_list.txt': 'a.png\nb.png\n',
      'test_list.txt': 'c.png\n',
    };
    const rows2017 = [
      row('a.png', 'Effusion', 7),
      row('b.png', 'No Finding', 8),
      row('c.png', 'Hernia', 9),
    ];
    const v2017 = folder('v2017', {
      ...lists,
      'Data_Entry_2017.csv': [HEADER_2017, ...rows2017].join('\n'),
    });
    const v2020 = folder('v2020', {
      ...lists,
      'Data_Entry_2017.csv': [
        HEADER_2020,
        row('a.png', 'Effusion', 7, false),
        row('b.png', 'No Finding', 8, false),
        row('c.png', 'Hernia', 9, false),
      ].join('\n'),
    });
    // Columns in another order, as only the header names them.
    const reordered = folder('reordered', {
      ...lists,
      'Data_Entry_2017.csv':
        'Patient ID,Finding Labels,Image Index\n7,Effusion,a.png\n8,No Finding,b.png\n9,Hernia,c.png',
    });
    const open = (root: string) => openChestXray14(root, { labels: LABELS, valFraction: 0 });
    const a = await open(v2017);
    for (const root of [v2020, reordered]) {
      const b = await open(root);
      expect(allNames(b)).toEqual(allNames(a));
      expect(b.train.targets).toEqual(a.train.targets);
      expect(b.test.targets).toEqual(a.test.targets);
    }
    expect(Array.from(a.train.targets)).toEqual([0, 0, 1, 0, 0, 0, 0, 0]);
  });

  it('names the file, line and label of a label outside the task, and lists the valid ones', async () => {
    const root = folder('unknown-label', {
      'Data_Entry_2017.csv': [
        HEADER_2017,
        row('a.png', 'Effusion', 1),
        row('b.png', 'Effusion|Pneumonia', 2),
      ].join('\n'),
      'train_val_list.txt': 'a.png\nb.png\n',
      'test_list.txt': '',
    });
    const err = await rejection(openChestXray14(root, { labels: LABELS }));
    expect(err.code).toBe('DATA');
    expect(err.message).toBe(
      `${join(root, 'Data_Entry_2017.csv')}:3: unknown label "Pneumonia"; valid: Atelectasis, Cardiomegaly, Effusion, Hernia, No Finding`,
    );
  });

  it('names missing files, malformed lines, and list entries the CSV lacks', async () => {
    const lists = { 'train_val_list.txt': 'a.png\n', 'test_list.txt': '' };
    const noCsv = folder('no-csv', lists);
    const missing = await rejection(openChestXray14(noCsv, { labels: LABELS }));
    expect(missing.code).toBe('DATA');
    expect(missing.message).toBe(`${join(noCsv, 'Data_Entry_2017.csv')} does not exist`);

    const noList = folder('no-list', {
      'Data_Entry_2017.csv': [HEADER_2017, row('a.png', 'Effusion', 1)].join('\n'),
      'train_val_list.txt': 'a.png\n',
    });
    expect((await rejection(openChestXray14(noList, { labels: LABELS }))).message).toBe(
      `${join(noList, 'test_list.txt')} does not exist`,
    );

    const short = folder('short-line', {
      ...lists,
      'Data_Entry_2017.csv': [HEADER_2017, row('a.png', 'Effusion', 1), 'b.png,Effusion,0,2'].join(
        '\n',
      ),
    });
    const malformed = await rejection(openChestXray14(short, { labels: LABELS }));
    expect(malformed.code).toBe('DATA');
    expect(malformed.message).toMatch(
      new RegExp(
        `^${join(short, 'Data_Entry_2017.csv')}:3: 4 fields, expected 11 as the header has`,
      ),
    );

    const noColumn = folder('no-column', {
      ...lists,
      'Data_Entry_2017.csv': 'Image Index,Finding Labels\na.png,Effusion\n',
    });
    expect((await rejection(openChestXray14(noColumn, { labels: LABELS }))).message).toMatch(
      /Data_Entry_2017\.csv:1: the header has no "Patient ID" column; it must name Image Index, Finding Labels, Patient ID/,
    );

    const unlisted = folder('list-not-in-csv', {
      'Data_Entry_2017.csv': [HEADER_2017, row('a.png', 'Effusion', 1)].join('\n'),
      'train_val_list.txt': 'a.png\n',
      'test_list.txt': '\nzz.png\n',
    });
    const lacking = await rejection(openChestXray14(unlisted, { labels: LABELS }));
    expect(lacking.code).toBe('DATA');
    expect(lacking.violations).toEqual([
      {
        path: join(unlisted, 'test_list.txt'),
        message:
          'images not in Data_Entry_2017.csv: zz.png (line 2); every listed image needs a CSV row',
      },
    ]);
  });

  it('refuses a patient in both official lists, naming the patient and an image in each', async () => {
    const root = folder('patient-in-both', {
      'Data_Entry_2017.csv': [
        HEADER_2017,
        row('a.png', 'Effusion', 5),
        row('b.png', 'Hernia', 5),
      ].join('\n'),
      'train_val_list.txt': 'a.png\n',
      'test_list.txt': 'b.png\n',
    });
    const err = await rejection(openChestXray14(root, { labels: LABELS }));
    expect(err.violations.map((v) => v.message)).toEqual([
      'patient 5 has images in both lists (a.png in train_val_list.txt, b.png in test_list.txt); the split must be by patient',
    ]);
  });

  /** 60 patients with 1 to 4 images each; patients 50+ are the test list's. */
  function patientsFolder(name: string): { root: string; images: number } {
    const rows = [HEADER_2017];
    const trainVal: string[] = [];
    const test: string[] = [];
    let images = 0;
    for (let p = 1; p <= 60; p++) {
      for (let f = 0; f < 1 + (p % 4); f++) {
        const image = `${String(p).padStart(8, '0')}_${String(f).padStart(3, '0')}.png`;
        rows.push(row(image, LABELS[(p + f) % 4] as string, p));
        (p >= 50 ? test : trainVal).push(image);
        images++;
      }
    }
    const root = folder(name, {
      'Data_Entry_2017.csv': rows.join('\n'),
      'train_val_list.txt': trainVal.join('\n'),
      'test_list.txt': test.join('\n'),
    });
    return { root, images };
  }

  it('carves validation out of train_val by patient: disjoint, about valFraction, a function of the seed', async () => {
    const { root, images } = patientsFolder('patients');
    const ds = await openChestXray14(root, { labels: LABELS, valFraction: 0.25, seed: 3 });
    expect(ds.train.count + ds.val.count + ds.test.count).toBe(images);
    const trainVal = ds.train.count + ds.val.count;
    expect(ds.val.count).toBeGreaterThanOrEqual(Math.round(0.25 * trainVal));
    expect(ds.val.count).toBeLessThan(Math.round(0.25 * trainVal) + 4);
    const patientsOf = (s: ChestSplit) => new Set(s.patients);
    const [train, val, test] = [patientsOf(ds.train), patientsOf(ds.val), patientsOf(ds.test)];
    for (const p of val) expect(train.has(p) || test.has(p)).toBe(false);
    for (const p of test) expect(train.has(p)).toBe(false);
    expect(test.size).toBe(11);

    const again = await openChestXray14(root, { labels: LABELS, valFraction: 0.25, seed: 3 });
    expect(names(again.val)).toEqual(names(ds.val));
    const other = await openChestXray14(root, { labels: LABELS, valFraction: 0.25, seed: 4 });
    expect(names(other.val)).not.toEqual(names(ds.val));
    expect(names(other.test)).toEqual(names(ds.test));
    // The default: a tenth.
    const tenth = await openChestXray14(root, { labels: LABELS });
    expect(tenth.val.count).toBeGreaterThanOrEqual(Math.round(0.1 * trainVal));
    expect(tenth.val.count).toBeLessThan(Math.round(0.1 * trainVal) + 4);
  });

  it('merges extra CSVs: new labels and images; listed rows follow the lists, others their patient or a hash', async () => {
    const labels = [...LABELS, 'COVID-19'];
    const root = folder('extra', {
      'Data_Entry_2017.csv': [
        HEADER_2017,
        row('a.png', 'Effusion', 1),
        row('b.png', 'Hernia', 2),
      ].join('\n'),
      'train_val_list.txt': 'a.png\ncovid-listed.png\n',
      'test_list.txt': 'b.png\n',
      // The v2020 format in the extra file, with only the columns that matter.
      'covid.csv': [
        'Image Index,Finding Labels,Patient ID',
        'covid-listed.png,COVID-19,900',
        'covid-same-patient.png,COVID-19|Effusion,2',
        ...Array.from({ length: 40 }, (_, i) => `covid-${i}.png,COVID-19,${1000 + i}`),
      ].join('\n'),
    });
    const extraAbsolute = join(dir, 'covid-abs.csv');
    writeFileSync(
      extraAbsolute,
      'Image Index,Finding Labels,Patient ID\ncovid-abs.png,No Finding,2000\n',
    );
    const ds = await openChestXray14(root, {
      labels,
      extra: ['covid.csv', extraAbsolute],
      valFraction: 0,
    });
    expect(ds.train.count + ds.test.count).toBe(2 + 42 + 1);
    expect(names(ds.train).slice(0, 2)).toEqual(['a.png', 'covid-listed.png']);
    expect(targets(ds.train, 1, 5)).toEqual([0, 0, 0, 0, 1]);
    expect(names(ds.test).slice(0, 2)).toEqual(['b.png', 'covid-same-patient.png']);
    expect(targets(ds.test, 1, 5)).toEqual([0, 0, 1, 0, 1]);
    expect(ds.train.images[1]).toBe(join(root, 'images', 'covid-listed.png'));
    // Unlisted patients: some to test (a third of the listed images are), the rest to train.
    const hashed = [...names(ds.train), ...names(ds.test)].filter((n) =>
      /^covid-\d+\.png$/.test(n),
    );
    expect(hashed).toHaveLength(40);
    const toTest = names(ds.test).filter((n) => /^covid-\d+\.png$/.test(n)).length;
    expect(toTest).toBeGreaterThan(3);
    expect(toTest).toBeLessThan(30);
    expect(allNames(ds)).toContain('covid-abs.png');

    const clash = await rejection(
      openChestXray14(root, { labels, extra: ['covid.csv', 'covid.csv'] }),
    );
    expect(clash.message).toBe(
      `${join(root, 'covid.csv')}:2: image covid-listed.png is already in ${join(root, 'covid.csv')}:2; each image must have one row`,
    );
    const noCovid = await rejection(
      openChestXray14(root, { labels: LABELS, extra: ['covid.csv'] }),
    );
    expect(noCovid.message).toMatch(/covid\.csv:2: unknown label "COVID-19"; valid: Atelectasis/);
  });
});
