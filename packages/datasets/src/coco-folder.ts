import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HeadroomError } from '@headroom/errors';
import type { CocoSplit } from './coco-dataset.js';
import { isDirectory, materializeFolder } from './folder-once.js';
import { synthesizeCoco } from './synthetic-coco.js';

/**
 * COCO sets as folders on disk: finding the splits of a real one, and writing a synthetic
 * one once per machine for `dataset: { kind: synthetic }`.
 */

/** Images of a synthetic COCO set when the dataset gives no `images`. */
export const SYNTHETIC_COCO_DEFAULT_IMAGES = 1000;
/** Seed of a synthetic COCO set when the dataset gives no `seed`. */
export const SYNTHETIC_COCO_DEFAULT_SEED = 1;

/** Where one split of a COCO folder is: what `openCocoKeypoints` takes. */
export interface CocoSplitFiles {
  annotationFile: string;
  imageDir: string;
}

const LAYOUT =
  'dataset.path must hold annotations/person_keypoints_{train,val}2017.json with images in {train,val}2017/ or images/{train,val}2017/ (COCO 2017), or annotations/person_keypoints_{train,val}.json with images/{train,val}/';

/**
 * The annotation file and image folder of one split under `root`. Two layouts:
 * `annotations/person_keypoints_<split>.json` + `images/<split>/` (`synthesizeCoco`,
 * `headroom data synth coco`) and COCO 2017's `annotations/person_keypoints_<split>2017.json`
 * with images in `<split>2017/` (its zips unpacked side by side) or `images/<split>2017/`
 * (HRNet's `data/coco`). With several years present the newest is taken, with a warning.
 * A missing file or folder is a `HeadroomError('DATA')` naming what to put where.
 */
export async function findCocoSplit(
  root: string,
  split: CocoSplit,
  warn: (message: string) => void = () => {},
): Promise<CocoSplitFiles> {
  const annotations = join(root, 'annotations');
  const names = await readdir(annotations).catch(() => [] as string[]);
  const pattern = new RegExp(`^person_keypoints_${split}(\\d*)\\.json$`);
  const found = names.filter((n) => pattern.test(n)).sort();
  const name = found.at(-1);
  if (!name) {
    throw new HeadroomError(
      'DATA',
      `${join(annotations, `person_keypoints_${split}2017.json`)} not found (nor person_keypoints_${split}.json): the ${split} annotations are missing; ${LAYOUT}`,
    );
  }
  if (found.length > 1)
    warn(
      `several ${split} annotation files in ${annotations} (${found.join(', ')}); using ${name}`,
    );
  const folder = `${split}${(pattern.exec(name) as RegExpExecArray)[1]}`;
  const candidates = [join(root, 'images', folder), join(root, folder)];
  for (const dir of candidates) {
    if (await isDirectory(dir)) return { annotationFile: join(annotations, name), imageDir: dir };
  }
  throw new HeadroomError(
    'DATA',
    `the images of ${name} are missing: neither ${candidates.join(' nor ')} is a folder; ${LAYOUT}`,
  );
}

export interface MaterializeSyntheticCocoOptions {
  /** The folder that holds every synthetic set of this machine. */
  parentDir: string;
  seed?: number;
  images?: number;
}

/**
 * The folder of the synthetic COCO set (seed, images), `<parentDir>/synthetic-coco-<seed>-<images>`,
 * written by `synthesizeCoco` if it is not there yet, once per machine (`materializeFolder`:
 * written beside it and renamed into place, so it is always complete).
 */
export async function materializeSyntheticCoco(
  options: MaterializeSyntheticCocoOptions,
): Promise<string> {
  const seed = options.seed ?? SYNTHETIC_COCO_DEFAULT_SEED;
  const images = options.images ?? SYNTHETIC_COCO_DEFAULT_IMAGES;
  const root = resolve(options.parentDir, `synthetic-coco-${seed}-${images}`);
  return materializeFolder(root, async (outDir) => {
    await synthesizeCoco({ outDir, images, seed });
  });
}
