import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamChestBatches } from './chestxray14-batches.js';
import { openChestXray14 } from './chestxray14.js';
import { summarizeChestXray14Folder } from './data-check.js';
import {
  materializeSyntheticChestXray14,
  synthesizeChestXray14,
  type SyntheticChestXray14Summary,
} from './synthetic-chestxray14.js';

const dir = mkdtempSync(join(tmpdir(), 'headroom-synthetic-chest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LABELS = [
  'Atelectasis',
  'Cardiomegaly',
  'Effusion',
  'Infiltration',
  'Mass',
  'Nodule',
  'Pneumonia',
  'Pneumothorax',
  'Consolidation',
  'Edema',
  'Emphysema',
  'Fibrosis',
  'Pleural_Thickening',
  'Hernia',
  'COVID-19',
];
const root = join(dir, 'set');
let set: SyntheticChestXray14Summary;

beforeAll(async () => {
  set = await synthesizeChestXray14({
    outDir: root,
    images: 120,
    seed: 7,
    labels: LABELS,
    imageSize: 32,
  });
});

/** Mann–Whitney AUC of scores for positives vs negatives. */
function auc(scores: number[], labels: number[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((s, i) => {
    if (labels[i] !== 1) return;
    scores.forEach((t, j) => {
      if (labels[j] !== 0) return;
      pairs++;
      wins += s > t ? 1 : s === t ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe('synthesizeChestXray14', () => {
  it('writes the 2017 format: trailing commas, patients with several films, both lists, grey PNGs', async () => {
    expect(set).toMatchObject({ root, images: 120 });
    expect(set.trainVal + set.test).toBe(120);
    expect(set.test).toBeGreaterThan(0);
    expect(set.patients).toBeLessThan(60);
    const lines = readFileSync(join(root, 'Data_Entry_2017.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(
      'Image Index,Finding Labels,Follow-up #,Patient ID,Patient Age,Patient Gender,View Position,OriginalImage[Width,Height],OriginalImagePixelSpacing[x,y],',
    );
    expect(lines).toHaveLength(121);
    for (const line of lines) expect(line.endsWith(',')).toBe(true);
    const findings = lines.slice(1).map((l) => l.split(',')[1]!);
    expect(findings.filter((f) => f === 'No Finding').length).toBeGreaterThanOrEqual(12);
    expect(findings.some((f) => f.includes('|'))).toBe(true);
    const pngs = readdirSync(join(root, 'images'));
    expect(pngs).toHaveLength(120);
    const meta = await sharp(join(root, 'images', pngs[0]!)).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 32, height: 32, channels: 1 });

    const again = await synthesizeChestXray14({
      outDir: join(dir, 'again'),
      images: 120,
      seed: 7,
      labels: LABELS,
      imageSize: 32,
    });
    for (const file of [
      'Data_Entry_2017.csv',
      'train_val_list.txt',
      'test_list.txt',
      `images/${pngs[5]}`,
    ])
      expect(readFileSync(join(again.root, file))).toEqual(readFileSync(join(root, file)));
    await synthesizeChestXray14({
      outDir: join(dir, 'other'),
      images: 120,
      seed: 8,
      labels: LABELS,
      imageSize: 32,
    });
    expect(readFileSync(join(dir, 'other', 'Data_Entry_2017.csv'))).not.toEqual(
      readFileSync(join(root, 'Data_Entry_2017.csv')),
    );
  });

  it('reads back through openChestXray14 and summarizeChestXray14Folder', async () => {
    const ds = await openChestXray14(root, { labels: LABELS, seed: 1 });
    expect(ds.train.count + ds.val.count).toBe(set.trainVal);
    expect(ds.test.count).toBe(set.test);
    expect(ds.patients).toBe(set.patients);
    expect(ds.val.count).toBeGreaterThan(0);

    const summary = await summarizeChestXray14Folder(root, { labels: LABELS });
    const counts: Record<string, number> = Object.fromEntries(
      [...LABELS, 'No Finding'].map((l) => [l, 0]),
    );
    for (const line of readFileSync(join(root, 'Data_Entry_2017.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1))
      for (const f of line.split(',')[1]!.split('|')) counts[f]!++;
    expect(summary).toEqual({
      images: 120,
      train: set.trainVal,
      test: set.test,
      patients: set.patients,
      labels: counts,
      errors: [],
    });
    // Without labels, the ones found are counted.
    const found = await summarizeChestXray14Folder(root);
    expect(Object.keys(found.labels).sort()).toEqual([...LABELS, 'No Finding'].sort());
  });

  it('draws each finding where a model can find it: one pixel-region score per label separates it (AUC > 0.9)', async () => {
    const ds = await openChestXray14(root, { labels: LABELS, valFraction: 0 });
    const S = 32;
    const grid = Math.ceil(Math.sqrt(LABELS.length));
    const cell = (0.7 * S) / grid;
    const scores: number[][] = LABELS.map(() => []);
    const truth: number[][] = LABELS.map(() => []);
    for await (const b of streamChestBatches(ds.train, {
      batchSize: 32,
      imageSize: S,
      seed: 0,
      epoch: 0,
    })) {
      for (let i = 0; i < b.size; i++) {
        LABELS.forEach((_, k) => {
          // The centre of label k's cell, the mark's radius around it.
          const gx = S / 2 - 0.35 * S + cell * ((k % grid) + 0.5);
          const gy = S / 2 - 0.35 * S + cell * (Math.floor(k / grid) + 0.5);
          let sum = 0;
          for (let y = Math.round(gy) - 1; y <= Math.round(gy) + 1; y++)
            for (let x = Math.round(gx) - 1; x <= Math.round(gx) + 1; x++)
              sum += b.images[i * S * S + y * S + x]!;
          scores[k]!.push(sum);
          truth[k]!.push(b.targets[i * LABELS.length + k]!);
        });
      }
    }
    const aucs = LABELS.map((_, k) => auc(scores[k]!, truth[k]!));
    expect(aucs.reduce((a, b) => a + b) / aucs.length).toBeGreaterThan(0.9);
  });

  it('materializes a set once per machine, atomically, under a name of its options', async () => {
    const parentDir = join(dir, 'cache');
    const options = { parentDir, labels: LABELS, images: 20, seed: 3, imageSize: 16 };
    const [a, b] = await Promise.all([
      materializeSyntheticChestXray14(options),
      materializeSyntheticChestXray14(options),
    ]);
    expect(a).toBe(b);
    expect(a).toMatch(/synthetic-chestxray14-3-20-16px-[0-9a-f]{8}$/);
    expect(readdirSync(parentDir)).toEqual([a.slice(parentDir.length + 1)]);
    // Already there: not written again.
    writeFileSync(join(a, 'marker'), '');
    expect(await materializeSyntheticChestXray14(options)).toBe(a);
    expect(readdirSync(a)).toContain('marker');
    const other = await materializeSyntheticChestXray14({
      ...options,
      labels: LABELS.slice(0, 14),
    });
    expect(other).not.toBe(a);
    expect((await openChestXray14(a, { labels: LABELS })).patients).toBeGreaterThan(1);
  });

  it('reports images the CSV names that images/ lacks, as an error beside the summary', async () => {
    const copy = await synthesizeChestXray14({
      outDir: join(dir, 'broken'),
      images: 12,
      seed: 2,
      labels: LABELS,
      imageSize: 16,
    });
    const gone = readdirSync(join(copy.root, 'images')).sort()[3]!;
    rmSync(join(copy.root, 'images', gone));
    const summary = await summarizeChestXray14Folder(copy.root, { labels: LABELS });
    expect(summary.images).toBe(12);
    expect(summary.errors).toEqual([
      {
        path: join(copy.root, 'images'),
        message: `1 of the 12 images of the CSVs are missing (${gone}): put them in this folder`,
      },
    ]);
  });
});
