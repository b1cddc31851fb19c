import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { HeadroomError } from '@headroom/errors';
import {
  CHESTXRAY14_CSV,
  CHESTXRAY14_IMAGE_DIR,
  CHESTXRAY14_NO_FINDING,
  CHESTXRAY14_TEST_LIST,
  CHESTXRAY14_TRAIN_VAL_LIST,
} from './chestxray14.js';
import { materializeFolder } from './folder-once.js';
import { createRng, hashString, mixSeeds, sampleNormal, seedWords, type Rng } from './prng.js';

/**
 * A synthetic stand-in for ChestX-ray14, written in the real format (the 2017 CSV with its
 * trailing commas, grey PNGs in images/, the two split lists, split by patient), for tests,
 * demos and sweeps on machines without the data. Each image is a noisy chest-like picture
 * (body, two dark lungs, a bright mediastinum) whose framing and exposure vary; each finding
 * it has is drawn as a bright mark of the finding's own shape in the finding's own place
 * (a grid over the chest), so a small ViT learns them in a few epochs. Findings are drawn
 * independently (multi-label is common); every tenth image has none (`No Finding`).
 */

/** Images of a synthetic ChestX-ray14 set when the dataset gives no `images`. */
export const SYNTHETIC_CHESTXRAY14_DEFAULT_IMAGES = 600;
/** Seed of a synthetic ChestX-ray14 set when the dataset gives no `seed`. */
export const SYNTHETIC_CHESTXRAY14_DEFAULT_SEED = 1;
/** Side of the synthetic PNGs when not given (the real ones are 1024). */
export const SYNTHETIC_CHESTXRAY14_DEFAULT_SIZE = 64;

/** Chance that an image has a given finding. */
const PREVALENCE = 0.15;
/** Fraction of patients in test_list.txt (the official split has about 0.23). */
const TEST_FRACTION = 0.2;

export interface SynthesizeChestXray14Options {
  /** Written: Data_Entry_2017.csv, images/*.png, train_val_list.txt, test_list.txt. */
  outDir: string;
  images: number;
  seed: number;
  /** The findings drawn, in CSV order (pass the task's labels). */
  labels: readonly string[];
  /** Side of the square PNGs in pixels (default 64). */
  imageSize?: number;
}

export interface SyntheticChestXray14Summary {
  root: string;
  images: number;
  /** Images in train_val_list.txt. */
  trainVal: number;
  /** Images in test_list.txt. */
  test: number;
  patients: number;
}

/**
 * Writes a synthetic ChestX-ray14 folder (see the module comment). The files are a pure
 * function of the options (the PNG bytes for one sharp/libvips build).
 */
export async function synthesizeChestXray14(
  options: SynthesizeChestXray14Options,
): Promise<SyntheticChestXray14Summary> {
  const { images, seed, labels } = options;
  const size = options.imageSize ?? SYNTHETIC_CHESTXRAY14_DEFAULT_SIZE;
  if (!Number.isInteger(images) || images < 1)
    throw new HeadroomError('INVALID_INPUT', `images must be an integer ≥ 1, got ${images}`);
  if (!Number.isInteger(size) || size < 16)
    throw new HeadroomError('INVALID_INPUT', `imageSize must be an integer ≥ 16, got ${size}`);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new HeadroomError('INVALID_INPUT', `seed must be an integer ≥ 0, got ${seed}`);
  if (
    labels.length === 0 ||
    labels.some((l) => !l || /[|,"\n]/.test(l) || l === CHESTXRAY14_NO_FINDING)
  )
    throw new HeadroomError(
      'INVALID_INPUT',
      `labels must be non-empty names without | , " or newlines, and not ${CHESTXRAY14_NO_FINDING}; got ${JSON.stringify(labels)}`,
    );
  const root = resolve(options.outDir);
  const imageDir = join(root, CHESTXRAY14_IMAGE_DIR);
  await mkdir(imageDir, { recursive: true });
  const rng = createRng(mixSeeds(...seedWords(seed), 0x63787231));

  // Patients with 1 to 5 films each, a fifth of them in test.
  interface Film {
    name: string;
    patient: number;
    followUp: number;
    findings: number[];
  }
  const films: Film[] = [];
  const testPatients = new Set<number>();
  let patient = 0;
  while (films.length < images) {
    patient++;
    if (rng() < TEST_FRACTION) testPatients.add(patient);
    const n = Math.min(images - films.length, 1 + Math.floor(rng() * 5));
    for (let f = 0; f < n; f++) {
      const findings: number[] = [];
      // Every tenth image is normal, so each set has some.
      if (films.length % 10 !== 0)
        labels.forEach((_, k) => {
          if (rng() < PREVALENCE) findings.push(k);
        });
      const name = `${String(patient).padStart(8, '0')}_${String(f).padStart(3, '0')}.png`;
      films.push({ name, patient, followUp: f, findings });
    }
  }
  // Both lists non-empty when there are two patients or more.
  if (patient > 1 && testPatients.size === 0) testPatients.add(patient);
  if (patient > 1 && testPatients.size === patient) testPatients.delete(1);

  const header =
    'Image Index,Finding Labels,Follow-up #,Patient ID,Patient Age,Patient Gender,View Position,OriginalImage[Width,Height],OriginalImagePixelSpacing[x,y],';
  const rows = [header];
  const ages = new Map<number, number>();
  for (const film of films) {
    if (!ages.has(film.patient)) ages.set(film.patient, 20 + Math.floor(rng() * 60));
    const findings =
      film.findings.map((k) => labels[k] as string).join('|') || CHESTXRAY14_NO_FINDING;
    rows.push(
      [
        film.name,
        findings,
        film.followUp,
        film.patient,
        (ages.get(film.patient) as number) + Math.floor(film.followUp / 2),
        film.patient % 2 === 0 ? 'F' : 'M',
        rng() < 0.6 ? 'PA' : 'AP',
        size,
        size,
        (0.143 * (1024 / size)).toFixed(3),
        (0.143 * (1024 / size)).toFixed(3),
        '',
      ].join(','),
    );
  }
  await writeFile(join(root, CHESTXRAY14_CSV), rows.join('\n') + '\n');
  const list = (test: boolean) =>
    films
      .filter((f) => testPatients.has(f.patient) === test)
      .map((f) => `${f.name}\n`)
      .join('');
  await writeFile(join(root, CHESTXRAY14_TRAIN_VAL_LIST), list(false));
  await writeFile(join(root, CHESTXRAY14_TEST_LIST), list(true));

  // Each film's picture has its own generator, so the order PNGs are written in does not matter.
  let next = 0;
  const worker = async () => {
    while (next < films.length) {
      const i = next++;
      const film = films[i] as Film;
      const grey = renderSyntheticChestImage(
        size,
        film.findings,
        labels.length,
        createRng(mixSeeds(...seedWords(seed), hashString(film.name))),
      );
      await sharp(grey, { raw: { width: size, height: size, channels: 1 } })
        // Grey PNGs as NIH's (sharp would write three equal channels otherwise).
        .toColourspace('b-w')
        .png()
        .toFile(join(imageDir, film.name));
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const test = films.filter((f) => testPatients.has(f.patient)).length;
  return { root, images: films.length, trainVal: films.length - test, test, patients: patient };
}

/**
 * One synthetic film, size × size grey: anatomy with random framing, exposure and noise, then
 * finding k as a bright mark of shape k % 3 (disc, ring, bars) in cell k of a grid over the chest.
 */
export function renderSyntheticChestImage(
  size: number,
  findings: readonly number[],
  labelCount: number,
  rng: Rng,
): Uint8Array {
  const S = size;
  const v = new Float32Array(S * S);
  const shiftX = (rng() - 0.5) * 0.06 * S;
  const shiftY = (rng() - 0.5) * 0.06 * S;
  const zoom = 1 + (rng() - 0.5) * 0.08;
  const exposure = 1 + (rng() - 0.5) * 0.2;
  const cx = S / 2 + shiftX;
  const cy = S / 2 + shiftY;
  const inEllipse = (x: number, y: number, ex: number, ey: number, rx: number, ry: number) =>
    ((x - ex) / rx) ** 2 + ((y - ey) / ry) ** 2 <= 1;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const u = (x - cx) / (S * zoom);
      const w = (y - cy) / (S * zoom);
      let g = 30;
      if (inEllipse(u, w, 0, 0.05, 0.46, 0.5)) g = 120; // body
      if (inEllipse(u, w, -0.2, -0.02, 0.15, 0.3) || inEllipse(u, w, 0.2, -0.02, 0.15, 0.3)) g = 60; // lungs
      if (Math.abs(u) < 0.06 && w > -0.4) g = 165; // spine and mediastinum
      if (inEllipse(u, w, 0.07, 0.12, 0.12, 0.1)) g = 150; // heart, on the patient's left
      v[y * S + x] = g;
    }
  }
  // Findings: a grid of cells over the lung fields; the mark's place jitters within its cell.
  const grid = Math.ceil(Math.sqrt(labelCount));
  const cell = (0.7 * S) / grid;
  const r = Math.max(2, cell * 0.45);
  for (const k of findings) {
    const gx = cx - 0.35 * S + cell * ((k % grid) + 0.5) + (rng() - 0.5) * cell * 0.2;
    const gy = cy - 0.35 * S + cell * (Math.floor(k / grid) + 0.5) + (rng() - 0.5) * cell * 0.2;
    const shape = k % 3;
    const strength = 100 + rng() * 30;
    for (let y = Math.floor(gy - r); y <= Math.ceil(gy + r); y++) {
      for (let x = Math.floor(gx - r); x <= Math.ceil(gx + r); x++) {
        if (x < 0 || y < 0 || x >= S || y >= S) continue;
        const d = Math.hypot(x - gx, y - gy) / r;
        if (d > 1) continue;
        const on =
          shape === 0 ? true : shape === 1 ? d > 0.55 : Math.floor((y - gy + r) / 2) % 2 === 0;
        if (on) v[y * S + x] = (v[y * S + x] as number) + strength;
      }
    }
  }
  const out = new Uint8Array(S * S);
  for (let p = 0; p < out.length; p++) {
    const g = (v[p] as number) * exposure + sampleNormal(rng) * 8;
    out[p] = Math.max(0, Math.min(255, Math.round(g)));
  }
  return out;
}

export interface MaterializeSyntheticChestXray14Options {
  /** The folder that holds every synthetic set of this machine. */
  parentDir: string;
  /** The findings drawn (the task's labels). */
  labels: readonly string[];
  seed?: number;
  images?: number;
  imageSize?: number;
}

/**
 * The folder of the synthetic ChestX-ray14 set for these options,
 * `<parentDir>/synthetic-chestxray14-<seed>-<images>-<imageSize>px-<hash of labels>`, written by
 * `synthesizeChestXray14` once per machine (`materializeFolder`: written beside it and renamed
 * into place, so it is always complete). `openChestXray14` reads it like a real one.
 */
export async function materializeSyntheticChestXray14(
  options: MaterializeSyntheticChestXray14Options,
): Promise<string> {
  const seed = options.seed ?? SYNTHETIC_CHESTXRAY14_DEFAULT_SEED;
  const images = options.images ?? SYNTHETIC_CHESTXRAY14_DEFAULT_IMAGES;
  const imageSize = options.imageSize ?? SYNTHETIC_CHESTXRAY14_DEFAULT_SIZE;
  const { labels } = options;
  const tag = hashString(labels.join('|')).toString(16).padStart(8, '0');
  const root = resolve(
    options.parentDir,
    `synthetic-chestxray14-${seed}-${images}-${imageSize}px-${tag}`,
  );
  return materializeFolder(root, (outDir) =>
    synthesizeChestXray14({ outDir, images, seed, labels, imageSize }),
  );
}
