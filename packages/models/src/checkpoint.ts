import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { HeadroomError } from '@headroom/errors';
import { tf } from './tf';

/**
 * Weights on disk, with plain `fs` so every backend can save and load (tfjs-node's
 * `file://` handler exists only on the native one). A checkpoint is a directory:
 *   weights.bin      every weight's values, little-endian, one after another
 *   optimizer.bin    the optimizer's state, when one was given
 *   weights.json     the manifest: names, shapes, dtypes, byte offsets, sha256 of each .bin
 * It is written under a temporary name beside `dir` and renamed into place, so a directory
 * at `dir` is always complete, whatever the process died doing.
 */
export const WEIGHTS_FORMAT = 'headroom-weights';
export const WEIGHTS_VERSION = 1;
const MANIFEST = 'weights.json';
const WEIGHTS_FILE = 'weights.bin';
const OPTIMIZER_FILE = 'optimizer.bin';

type StoredDtype = 'float32' | 'int32';

export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: StoredDtype;
  offset: number;
  byteLength: number;
}

interface WeightsManifest {
  format: typeof WEIGHTS_FORMAT;
  version: number;
  sha256: string;
  weights: WeightEntry[];
  optimizer?: {
    className: string;
    config: tf.serialization.ConfigDict;
    sha256: string;
    weights: WeightEntry[];
  };
}

export interface SavedWeights {
  /** The checkpoint directory (`dir`). */
  path: string;
  /** Bytes of all its files. */
  sizeBytes: number;
  /** sha256 of weights.bin, hex. */
  sha256: string;
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Values of named tensors packed one after another, with their manifest entries. */
async function pack(
  named: { name: string; tensor: tf.Tensor }[],
): Promise<{ data: Uint8Array; entries: WeightEntry[] }> {
  const entries: WeightEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const { name, tensor } of named) {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
      throw new Error(
        `weight ${name} has dtype ${tensor.dtype}; checkpoints hold float32 and int32`,
      );
    }
    const values = (await tensor.data()) as Float32Array | Int32Array;
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    entries.push({
      name,
      shape: [...tensor.shape],
      dtype: tensor.dtype,
      offset,
      byteLength: bytes.byteLength,
    });
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const data = new Uint8Array(offset);
  let at = 0;
  for (const chunk of chunks) {
    data.set(chunk, at);
    at += chunk.byteLength;
  }
  return { data, entries };
}

async function writeDurably(path: string, data: string | Uint8Array): Promise<number> {
  const file = await open(path, 'w');
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
}

/**
 * Saves the model's weights (and, given `optimizer`, its state, so a resumed run continues
 * Adam's moments and step count) to the directory `dir`, replacing what was there.
 */
export async function saveWeights(
  model: tf.LayersModel,
  dir: string,
  options: { optimizer?: tf.Optimizer } = {},
): Promise<SavedWeights> {
  const weights = await pack(
    model.weights.map((w) => ({ name: w.originalName, tensor: w.read() })),
  );
  const manifest: WeightsManifest = {
    format: WEIGHTS_FORMAT,
    version: WEIGHTS_VERSION,
    sha256: sha256(weights.data),
    weights: weights.entries,
  };
  let optimizerData: Uint8Array | undefined;
  if (options.optimizer) {
    const state = await options.optimizer.getWeights();
    try {
      const packed = await pack(state);
      optimizerData = packed.data;
      manifest.optimizer = {
        className: options.optimizer.getClassName(),
        config: options.optimizer.getConfig(),
        sha256: sha256(packed.data),
        weights: packed.entries,
      };
    } finally {
      // getWeights() makes a fresh step-count scalar, and ScheduledAdam fresh copies of its
      // moments (they live in TensorFlow); TF.js's own optimizers return their live variables.
      tf.dispose(state.map((s) => s.tensor).filter((t) => !(t instanceof tf.Variable)));
    }
  }

  await mkdir(dirname(dir), { recursive: true });
  const tmp = join(
    dirname(dir),
    `.${basename(dir)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  await mkdir(tmp);
  try {
    let sizeBytes = await writeDurably(join(tmp, WEIGHTS_FILE), weights.data);
    if (optimizerData) sizeBytes += await writeDurably(join(tmp, OPTIMIZER_FILE), optimizerData);
    sizeBytes += await writeDurably(join(tmp, MANIFEST), JSON.stringify(manifest));
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    return { path: dir, sizeBytes, sha256: manifest.sha256 };
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

function invalid(file: string, problem: string): HeadroomError {
  return new HeadroomError('INVALID_INPUT', `checkpoint file ${file} ${problem}`);
}

async function readManifest(dir: string): Promise<WeightsManifest> {
  const file = join(dir, MANIFEST);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new HeadroomError(
        'NOT_FOUND',
        `no checkpoint at ${dir}: ${MANIFEST} is missing (saveWeights writes it)`,
      );
    }
    throw err;
  }
  let manifest: WeightsManifest;
  try {
    manifest = JSON.parse(text) as WeightsManifest;
  } catch (err) {
    throw invalid(file, `is not JSON (${(err as Error).message})`);
  }
  if (
    manifest.format !== WEIGHTS_FORMAT ||
    manifest.version !== WEIGHTS_VERSION ||
    !Array.isArray(manifest.weights)
  ) {
    throw invalid(file, `is not a ${WEIGHTS_FORMAT} v${WEIGHTS_VERSION} manifest`);
  }
  return manifest;
}

/** Reads a .bin file, checks its size and sha256 against the manifest, returns one tensor per entry. */
async function unpack(
  file: string,
  entries: WeightEntry[],
  expectedSha: string,
): Promise<Map<string, tf.Tensor>> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    throw invalid(file, `cannot be read (${(err as Error).message})`);
  }
  const expectedBytes = entries.reduce((n, e) => Math.max(n, e.offset + e.byteLength), 0);
  if (data.byteLength !== expectedBytes) {
    throw invalid(
      file,
      `is ${data.byteLength} bytes; ${MANIFEST} describes ${expectedBytes} (truncated or from another save)`,
    );
  }
  const actualSha = sha256(data);
  if (actualSha !== expectedSha)
    throw invalid(file, `is corrupt: sha256 ${actualSha}, ${MANIFEST} says ${expectedSha}`);
  const tensors = new Map<string, tf.Tensor>();
  for (const e of entries) {
    const bytes = data.buffer.slice(
      data.byteOffset + e.offset,
      data.byteOffset + e.offset + e.byteLength,
    );
    const values = e.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes);
    tensors.set(e.name, tf.tensor(values, e.shape, e.dtype));
  }
  return tensors;
}

export interface LoadedWeights {
  path: string;
  sha256: string;
  /** Whether optimizer state was in the checkpoint and went into `options.optimizer`. */
  optimizerRestored: boolean;
}

/**
 * Loads weights saved by `saveWeights` into `model`, which must have been built from the same
 * config: every weight by name, checked for shape, none missing, none extra. Given an
 * `optimizer` (a fresh one: TF.js optimizers do not free state that `setWeights` replaces),
 * restores its state too when the checkpoint has it. Errors name the file and the weight.
 */
export async function loadWeights(
  model: tf.LayersModel,
  dir: string,
  options: { optimizer?: tf.Optimizer } = {},
): Promise<LoadedWeights> {
  const manifest = await readManifest(dir);
  const manifestFile = join(dir, MANIFEST);
  const modelWeights = new Map(model.weights.map((w) => [w.originalName, w]));
  for (const e of manifest.weights) {
    const target = modelWeights.get(e.name);
    if (!target)
      throw invalid(manifestFile, `does not fit this model: the model has no weight ${e.name}`);
    if (target.shape.join() !== e.shape.join()) {
      throw invalid(
        manifestFile,
        `does not fit this model: weight ${e.name} is [${e.shape.join(', ')}] in the file, [${target.shape.join(', ')}] in the model`,
      );
    }
  }
  const saved = new Set(manifest.weights.map((e) => e.name));
  const missing = [...modelWeights.keys()].filter((name) => !saved.has(name));
  if (missing.length > 0)
    throw invalid(manifestFile, `does not fit this model: it lacks ${missing.join(', ')}`);

  const tensors = await unpack(join(dir, WEIGHTS_FILE), manifest.weights, manifest.sha256);
  try {
    for (const [name, tensor] of tensors) modelWeights.get(name)!.write(tensor);
  } finally {
    tf.dispose([...tensors.values()]);
  }

  let optimizerRestored = false;
  if (options.optimizer && manifest.optimizer) {
    const { className, weights, sha256: expected } = manifest.optimizer;
    if (className !== options.optimizer.getClassName()) {
      throw invalid(
        manifestFile,
        `holds ${className} state; the trainer's optimizer is ${options.optimizer.getClassName()}`,
      );
    }
    const state = await unpack(join(dir, OPTIMIZER_FILE), weights, expected);
    try {
      // Optimizer state is positional (TF.js matches it to variables by order), so keep the file's order.
      await options.optimizer.setWeights(
        weights.map((e) => ({ name: e.name, tensor: state.get(e.name)! })),
      );
      optimizerRestored = true;
    } finally {
      tf.dispose([...state.values()]);
    }
  }
  return { path: dir, sha256: manifest.sha256, optimizerRestored };
}
