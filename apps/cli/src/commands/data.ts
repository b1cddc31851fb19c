import { join, resolve } from 'node:path';
import {
  H36M_3D_FILE,
  summarizeCocoFolder,
  summarizeH36mFolder,
  synthesizeCoco,
} from '@headroom/datasets';
import { HeadroomError, type Violation } from '@headroom/errors';

function positiveInt(name: string, value: string | undefined, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new HeadroomError(
      'INVALID_INPUT',
      `--${name} must be an integer ≥ 0, got ${value ?? '(nothing)'}`,
    );
  return n;
}

/** `headroom data synth coco --out DIR --images N --seed S [--width W --height H]` */
export async function runDataSynth(
  kind: string | undefined,
  opts: { out?: string; images?: string; seed?: string; width?: string; height?: string },
): Promise<number> {
  if (kind !== 'coco')
    throw new HeadroomError(
      'INVALID_INPUT',
      `data synth: unknown kind ${kind ?? '(none)'}; valid: coco`,
    );
  if (!opts.out) throw new HeadroomError('INVALID_INPUT', 'data synth coco needs --out DIR');
  const images = positiveInt('images', opts.images);
  if (images < 1) throw new HeadroomError('INVALID_INPUT', '--images must be at least 1');
  const t0 = Date.now();
  const set = await synthesizeCoco({
    outDir: resolve(opts.out),
    images,
    seed: positiveInt('seed', opts.seed, 1),
    // Absent, not undefined: an undefined key would override synthesizeCoco's defaults.
    ...(opts.width ? { width: positiveInt('width', opts.width) } : {}),
    ...(opts.height ? { height: positiveInt('height', opts.height) } : {}),
  });
  for (const [split, s] of [
    ['train', set.train],
    ['val', set.val],
  ] as const) {
    console.log(`${split}: ${s.images} images, ${s.people} people → ${s.annotationFile}`);
  }
  console.log(`wrote ${set.root} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return 0;
}

const CHECK_KINDS = ['coco', 'h36m', 'chestxray14'] as const;

/**
 * `headroom data check KIND PATH [--json]`: reads a data folder with the trainer's readers and
 * prints what it holds. A file that cannot be read throws (exit 2); problems across files are
 * printed after the summary, also with exit 2.
 */
export async function runDataCheck(
  kind: string,
  path: string,
  opts: { json?: boolean },
): Promise<number> {
  const dir = resolve(path);
  let summary: { errors: Violation[] };
  let table: string[][];
  if (kind === 'h36m') {
    const h36m = await summarizeH36mFolder(dir);
    summary = h36m;
    const rows = Object.entries(h36m.subjects);
    table = [
      ['subject', 'actions', 'frames'],
      ...rows.map(([s, r]) => [s, String(r.actions), String(r.frames)]),
    ];
    if (!opts.json) {
      console.log(`${join(dir, H36M_3D_FILE)}: ${rows.length} subjects`);
      printTable(table);
      console.log(`2D keypoints: ${h36m.keypoints.join(', ') || '(none)'}`);
    }
  } else if (kind === 'coco') {
    const coco = await summarizeCocoFolder(dir, (m) => console.error(`headroom: warning: ${m}`));
    summary = coco;
    table = [
      ['split', 'images', 'people', 'keypoints', 'missing images', 'annotations'],
      ...Object.entries(coco.splits).map(([split, s]) => [
        split,
        String(s.images),
        String(s.people),
        String(s.annotatedKeypoints),
        String(s.missingImages),
        s.annotationFile,
      ]),
      ['total', String(coco.images), String(coco.people), String(coco.annotatedKeypoints), '', ''],
    ];
    if (!opts.json) printTable(table);
  } else if (kind === 'chestxray14') {
    throw new HeadroomError(
      'INVALID_INPUT',
      'data check chestxray14: there is no ChestX-ray14 reader yet, so nothing to check with; once it lands this reads Data_Entry_2017.csv, images/, train_val_list.txt and test_list.txt and reports images, train, test, patients and images per label',
    );
  } else {
    throw new HeadroomError(
      'INVALID_INPUT',
      `data check: unknown kind ${kind}; valid: ${CHECK_KINDS.join(', ')}`,
    );
  }
  if (opts.json) console.log(JSON.stringify(summary, null, 2));
  if (summary.errors.length === 0) return 0;
  console.error(`headroom: ${dir} is not ready for a ${kind} sweep:`);
  for (const e of summary.errors) console.error(`  ${e.path}: ${e.message}`);
  return 2;
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows)
    console.log(
      row
        .map((v, c) => v.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    );
}
