import { join, resolve } from 'node:path';
import {
  CHESTXRAY14_TEST_LIST,
  CHESTXRAY14_TRAIN_VAL_LIST,
  H36M_3D_FILE,
  h36m2dFile,
  SYNTHETIC_CHESTXRAY14_DEFAULT_IMAGES,
  SYNTHETIC_CHESTXRAY14_DEFAULT_SIZE,
  SYNTHETIC_FRAMES_PER_ACTION,
  summarizeChestXray14Folder,
  summarizeCocoFolder,
  summarizeH36mFolder,
  synthesizeChestXray14,
  synthesizeCoco,
  writeSyntheticH36mNpz,
} from '@headroom/datasets';
import { HeadroomError, type Violation } from '@headroom/errors';
import { CHEST_LABELS } from '@headroom/sweep';

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

/** The flags of `headroom data synth`, as commander gives them (strings, absent when not given). */
export interface DataSynthOptions {
  out?: string;
  images?: string;
  seed?: string;
  width?: string;
  height?: string;
  size?: string;
  frames?: string;
}

type SynthFlag = Exclude<keyof DataSynthOptions, 'out' | 'seed'>;

/**
 * The kinds `headroom data synth` writes: the flags each takes besides --out and --seed, and how
 * it writes its set into `out`. A kind is one entry here, its flags declared on the command in
 * program.ts.
 */
const SYNTHESIZERS: Record<
  string,
  {
    flags: readonly SynthFlag[];
    write: (out: string, seed: number, opts: DataSynthOptions) => Promise<void>;
  }
> = {
  coco: {
    flags: ['images', 'width', 'height'],
    async write(out, seed, opts) {
      if (opts.images === undefined)
        throw new HeadroomError('INVALID_INPUT', 'data synth coco needs --images N');
      const set = await synthesizeCoco({
        outDir: out,
        images: atLeastOne('images', opts.images),
        seed,
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
    },
  },
  h36m: {
    flags: ['frames'],
    async write(out, seed, opts) {
      const framesPerAction = atLeastOne('frames', opts.frames, SYNTHETIC_FRAMES_PER_ACTION);
      await writeSyntheticH36mNpz(out, { seed, framesPerAction });
      console.log(
        `${H36M_3D_FILE} and ${h36m2dFile('gt')}: ${framesPerAction} frames per subject and action`,
      );
    },
  },
  chestxray14: {
    flags: ['images', 'size'],
    async write(out, seed, opts) {
      const set = await synthesizeChestXray14({
        outDir: out,
        images: atLeastOne('images', opts.images, SYNTHETIC_CHESTXRAY14_DEFAULT_IMAGES),
        seed,
        labels: CHEST_LABELS,
        imageSize: atLeastOne('size', opts.size, SYNTHETIC_CHESTXRAY14_DEFAULT_SIZE),
      });
      console.log(
        `${set.images} images of ${set.patients} patients: ${set.trainVal} in ${CHESTXRAY14_TRAIN_VAL_LIST}, ${set.test} in ${CHESTXRAY14_TEST_LIST}`,
      );
    },
  },
};

function atLeastOne(name: string, value: string | undefined, fallback?: number): number {
  const n = positiveInt(name, value, fallback);
  if (n < 1) throw new HeadroomError('INVALID_INPUT', `--${name} must be at least 1, got ${n}`);
  return n;
}

/** `headroom data synth KIND --out DIR [--seed S] [the kind's flags]` */
export async function runDataSynth(
  kind: string | undefined,
  opts: DataSynthOptions,
): Promise<number> {
  const synth = kind === undefined ? undefined : SYNTHESIZERS[kind];
  if (!synth)
    throw new HeadroomError(
      'INVALID_INPUT',
      `data synth: unknown kind ${kind ?? '(none)'}; valid: ${Object.keys(SYNTHESIZERS).join(', ')}`,
    );
  const refused = (Object.keys(opts) as (keyof DataSynthOptions)[]).filter(
    (flag) =>
      opts[flag] !== undefined && flag !== 'out' && flag !== 'seed' && !synth.flags.includes(flag),
  );
  if (refused.length > 0)
    throw new HeadroomError(
      'INVALID_INPUT',
      `data synth ${kind}: ${refused.map((f) => `--${f}`).join(', ')} is for another kind; ${kind} takes --out, --seed${synth.flags.map((f) => `, --${f}`).join('')}`,
    );
  if (!opts.out) throw new HeadroomError('INVALID_INPUT', `data synth ${kind} needs --out DIR`);
  const out = resolve(opts.out);
  const t0 = Date.now();
  await synth.write(out, positiveInt('seed', opts.seed, 1), opts);
  console.log(`wrote ${out} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return 0;
}

const CHECK_KINDS = ['coco', 'h36m', 'chestxray14'] as const;

/**
 * `headroom data check KIND PATH [--json] [--extra CSV]…`: reads a data folder with the trainer's readers and
 * prints what it holds. A file that cannot be read throws (exit 2); problems across files are
 * printed after the summary, also with exit 2.
 */
export async function runDataCheck(
  kind: string,
  path: string,
  opts: { json?: boolean; extra?: string[] },
): Promise<number> {
  const dir = resolve(path);
  if (opts.extra && kind !== 'chestxray14')
    throw new HeadroomError('INVALID_INPUT', `data check ${kind}: --extra is for chestxray14 only`);
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
    const chest = await summarizeChestXray14Folder(dir, {
      labels: CHEST_LABELS,
      extra: opts.extra ?? [],
    });
    summary = chest;
    table = [
      ['label', 'images'],
      ...Object.entries(chest.labels).map(([label, n]) => [label, String(n)]),
    ];
    if (!opts.json) {
      console.log(
        `${dir}: ${chest.images} images of ${chest.patients} patients; train_val ${chest.train}, test ${chest.test}`,
      );
      printTable(table);
    }
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
