import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HeadroomError, isHeadroomError, type Violation } from '@headroom/errors';
import { CHESTXRAY14_NO_FINDING, readChestXray14Index } from './chestxray14.js';
import { readCocoKeypointFile } from './coco-annotations.js';
import type { CocoSplit } from './coco-dataset.js';
import { findCocoSplit } from './coco-folder.js';
import { readH36mPositions2d, readH36mPositions3d } from './h36m-npz.js';
import { H36M_3D_FILE, h36mKeypointsOf } from './h36m-npz-dataset.js';

/**
 * What `headroom data check` reports: a data folder read with the readers the trainers use,
 * summarised, so a user finds a broken set before spending GPU hours on it. A file that cannot
 * be read at all throws (`HeadroomError('DATA')` naming it); problems across files (a 2D file
 * without a 3D action, images the annotations name but the folder lacks) are listed in
 * `errors`, so the summary of what is there is still printed.
 */

/** The 3D file the h36m trainer reads, in `dataset.path`. */

export interface H36mFolderSummary {
  /** Per subject of the 3D file: its actions and its frames summed over actions. */
  subjects: Record<string, { actions: number; frames: number }>;
  /** The `<keypoints>` of every `data_2d_h36m_<keypoints>.npz` found (`dataset.keypoints`). */
  keypoints: string[];
  errors: Violation[];
}

/**
 * Reads `DIR/data_3d_h36m.npz` and every `DIR/data_2d_h36m_<keypoints>.npz`, and checks each 2D
 * file against the 3D one as VideoPose3D does: the same subjects and actions, 4 cameras each,
 * and at least as many 2D frames as 3D frames (more are trimmed; fewer cannot be).
 */
export async function summarizeH36mFolder(dir: string): Promise<H36mFolderSummary> {
  const names = await listFolder(dir, 'the h36m dataset.path');
  const positions3d = await readH36mPositions3d(join(dir, H36M_3D_FILE));
  const subjects: H36mFolderSummary['subjects'] = {};
  for (const [subject, actions] of positions3d) {
    let frames = 0;
    for (const poses of actions.values()) frames += poses.frames;
    subjects[subject] = { actions: actions.size, frames };
  }
  const files2d = names.filter((n) => h36mKeypointsOf(n) !== undefined).sort();
  const errors: Violation[] = [];
  if (files2d.length === 0) {
    errors.push({
      path: join(dir, 'data_2d_h36m_<keypoints>.npz'),
      message: `no 2D keypoints file: put VideoPose3D's data_2d_h36m_gt.npz (or data_2d_h36m_cpn_ft_h36m_dbb.npz, …) beside ${H36M_3D_FILE}`,
    });
  }
  for (const name of files2d) {
    const file = join(dir, name);
    // One file at a time: the real ones are hundreds of MB each.
    const { positions } = await readH36mPositions2d(file);
    for (const [subject, actions3d] of positions3d) {
      const actions2d = positions.get(subject);
      if (!actions2d) {
        errors.push({ path: file, message: `subject ${subject} of ${H36M_3D_FILE} is missing` });
        continue;
      }
      for (const [action, poses3d] of actions3d) {
        const cameras = actions2d.get(action);
        if (!cameras) {
          errors.push({
            path: file,
            message: `subject ${subject}, action "${action}" of ${H36M_3D_FILE} is missing`,
          });
          continue;
        }
        cameras.forEach((poses2d, camera) => {
          if (poses2d.frames < poses3d.frames)
            errors.push({
              path: file,
              message: `subject ${subject}, action "${action}", camera ${camera} has ${poses2d.frames} frames, fewer than the ${poses3d.frames} of ${H36M_3D_FILE}`,
            });
        });
      }
      for (const action of actions2d.keys())
        if (!actions3d.has(action))
          errors.push({
            path: file,
            message: `subject ${subject}, action "${action}" is not in ${H36M_3D_FILE}`,
          });
    }
    for (const subject of positions.keys())
      if (!positions3d.has(subject))
        errors.push({ path: file, message: `subject ${subject} is not in ${H36M_3D_FILE}` });
  }
  return {
    subjects,
    keypoints: files2d.map((n) => h36mKeypointsOf(n)!),
    errors,
  };
}

export interface CocoSplitSummary {
  annotationFile: string;
  imageDir: string;
  images: number;
  /** Person annotations that are not crowd regions. */
  people: number;
  /** Labelled keypoints (visibility > 0) over those people. */
  annotatedKeypoints: number;
  /** Images named in the annotations that the image folder lacks. */
  missingImages: number;
}

export interface CocoFolderSummary {
  images: number;
  people: number;
  annotatedKeypoints: number;
  splits: Record<CocoSplit, CocoSplitSummary>;
  errors: Violation[];
}

/** Missing image files named in an error. */
const LISTED_MISSING = 5;

/**
 * Finds the train and val splits as the pose2d trainer does (`findCocoSplit`), reads their
 * annotations with `readCocoKeypointFile`, and checks that every image they name is in the
 * split's image folder.
 */
export async function summarizeCocoFolder(
  root: string,
  warn: (message: string) => void = () => {},
): Promise<CocoFolderSummary> {
  await listFolder(root, 'the coco dataset.path');
  const errors: Violation[] = [];
  const splits = {} as Record<CocoSplit, CocoSplitSummary>;
  for (const split of ['train', 'val'] as const) {
    const { annotationFile, imageDir } = await findCocoSplit(root, split, warn);
    const file = await readCocoKeypointFile(annotationFile).catch((err: unknown) => {
      // The folder was found, so a file that is not there is broken data, not a bad argument.
      throw isHeadroomError(err) && err.code === 'NOT_FOUND'
        ? new HeadroomError('DATA', err.message, err.violations)
        : err;
    });
    let people = 0;
    let annotatedKeypoints = 0;
    for (const ann of file.annotations) {
      if (ann.iscrowd) continue;
      people++;
      const kp = ann.keypoints;
      if (kp) for (let k = 2; k < kp.length; k += 3) if (kp[k]! > 0) annotatedKeypoints++;
    }
    const present = new Set(await listFolder(imageDir, `the ${split} images`));
    const missing: string[] = [];
    for (const { fileName } of file.images) {
      // A name with a folder in it is looked up where the trainer will open it.
      const found = fileName.includes('/')
        ? await access(join(imageDir, fileName)).then(
            () => true,
            () => false,
          )
        : present.has(fileName);
      if (!found) missing.push(fileName);
    }
    if (missing.length > 0) {
      const listed = missing.slice(0, LISTED_MISSING).join(', ');
      const more = missing.length > LISTED_MISSING ? `, …` : '';
      errors.push({
        path: imageDir,
        message: `${missing.length} of the ${file.images.length} images of ${annotationFile} are missing (${listed}${more}): put them in this folder`,
      });
    }
    splits[split] = {
      annotationFile,
      imageDir,
      images: file.images.length,
      people,
      annotatedKeypoints,
      missingImages: missing.length,
    };
  }
  const total = (key: 'images' | 'people' | 'annotatedKeypoints') =>
    splits.train[key] + splits.val[key];
  return {
    images: total('images'),
    people: total('people'),
    annotatedKeypoints: total('annotatedKeypoints'),
    splits,
    errors,
  };
}

export interface ChestXray14FolderSummary {
  /** Images over all splits: every row of the CSVs. */
  images: number;
  /** Images of train and val together (train_val_list.txt, and unlisted rows assigned there). */
  train: number;
  test: number;
  patients: number;
  /** Images with each label, and `No Finding`: images with none of them. */
  labels: Record<string, number>;
  errors: Violation[];
}

/**
 * Reads a ChestX-ray14 folder as `openChestXray14` does (`readChestXray14Index` with the same
 * labels and extra CSVs) and checks that every image of the CSVs is in `images/`. Without
 * `labels`, every label found in the CSVs is counted. Cross-file problems the trainer would
 * refuse (a listed image the CSVs lack, a patient in both lists) are in `errors`.
 */
export async function summarizeChestXray14Folder(
  dir: string,
  options: { labels?: readonly string[]; extra?: readonly string[] } = {},
): Promise<ChestXray14FolderSummary> {
  await listFolder(dir, 'the chestxray14 dataset.path');
  const index = await readChestXray14Index(dir, options);
  const errors = [...index.violations];
  const present = new Set(await listFolder(index.imageDir, 'the ChestX-ray14 images'));
  const missing: string[] = [];
  for (const name of index.names) {
    // A name with a folder in it is looked up where the batch stream will open it.
    const found = name.includes('/')
      ? await access(join(index.imageDir, name)).then(
          () => true,
          () => false,
        )
      : present.has(name);
    if (!found) missing.push(name);
  }
  if (missing.length > 0) {
    const listed = missing.slice(0, LISTED_MISSING).join(', ');
    const more = missing.length > LISTED_MISSING ? ', …' : '';
    errors.push({
      path: index.imageDir,
      message: `${missing.length} of the ${index.names.length} images of the CSVs are missing (${listed}${more}): put them in this folder`,
    });
  }
  const labels: Record<string, number> = {};
  for (const label of index.labels) labels[label] = 0;
  let none = 0;
  let test = 0;
  for (let r = 0; r < index.names.length; r++) {
    const from = index.labelStart[r] as number;
    const to = index.labelStart[r + 1] as number;
    if (from === to) none++;
    for (let k = from; k < to; k++) {
      const label = index.labels[index.labelIndex[k] as number] as string;
      labels[label] = (labels[label] as number) + 1;
    }
    if (index.splits[r] === 2) test++;
  }
  labels[CHESTXRAY14_NO_FINDING] = none;
  return {
    images: index.names.length,
    train: index.names.length - test,
    test,
    patients: index.patientKeys.length,
    labels,
    errors,
  };
}

/** The entries of a folder; a missing one is a DATA error naming it. */
async function listFolder(dir: string, what: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `does not exist: give the folder of ${what}`
        : code === 'ENOTDIR'
          ? `is not a folder: give the folder of ${what}`
          : `cannot be read (${(err as Error).message})`;
    throw new HeadroomError('DATA', `${dir} ${message}`, [{ path: dir, message }]);
  }
}
