import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { tf } from './tf';

/**
 * A checkpoint is one directory `<root>/epoch-000012/` holding
 *   model.json + weights.bin     the standard TF.js layers-model format (`tf.loadLayersModel`
 *                                reads it too, e.g. with `file://` under tfjs-node),
 *   optimizer.json + optimizer.bin   the optimizer's class, config and state, if given,
 *   checkpoint.json              `{format, version, epoch, savedAt, extra}`.
 * It is written under a temporary name and renamed into place, so a directory named
 * `epoch-*` is always complete, whatever the process died doing. Plain files: a local
 * directory or a shared mount works the same, and no backend's file handler is needed.
 */
export const CHECKPOINT_FORMAT = 'headroom-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** JSON values only: `extra` goes through `JSON.stringify`. */
export type CheckpointExtra = Record<string, unknown>;

export interface SaveCheckpointInput {
  model: tf.LayersModel;
  /** The trainer's optimizer, so a resumed run continues its moments and step count. */
  optimizer?: tf.Optimizer;
  /** The epoch just finished (the next run starts at `epoch + 1`). */
  epoch: number;
  /** Whatever else resuming needs: metrics so far, data-order seed, best score… */
  extra?: CheckpointExtra;
}

export interface CheckpointRef {
  path: string;
  epoch: number;
}

export interface SavedCheckpoint extends CheckpointRef {
  bytes: number;
}

interface CheckpointJson {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  epoch: number;
  savedAt: string;
  extra: CheckpointExtra;
}

interface OptimizerJson {
  className: string;
  config: tf.serialization.ConfigDict;
  weights: tf.io.WeightsManifestEntry[];
}

const DIR_PATTERN = /^epoch-(\d+)$/;

/** `<root>/epoch-000012`: zero-padded so names sort like epochs. */
export function checkpointPath(root: string, epoch: number): string {
  if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`checkpoint epoch must be an integer ≥ 0, got ${epoch}`);
  return join(root, `epoch-${String(epoch).padStart(6, '0')}`);
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

function toBytes(data: tf.io.WeightData | undefined): Uint8Array {
  return new Uint8Array(data === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(data));
}

async function modelArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured) throw new Error('model.save produced no artifacts');
  return captured;
}

/**
 * Saves model weights and topology, optimizer state and `extra` as epoch `epoch` under
 * `root`. Saving the same epoch again (a retried attempt) replaces it.
 */
export async function saveCheckpoint(root: string, input: SaveCheckpointInput): Promise<SavedCheckpoint> {
  const target = checkpointPath(root, input.epoch);
  await mkdir(root, { recursive: true });
  const tmp = join(root, `.tmp-${basename(target)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp);
  try {
    let bytes = 0;
    const artifacts = await modelArtifacts(input.model);
    bytes += await writeDurably(join(tmp, 'weights.bin'), toBytes(artifacts.weightData));
    const modelJson: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology as object,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
    };
    bytes += await writeDurably(join(tmp, 'model.json'), JSON.stringify(modelJson));

    if (input.optimizer) {
      const named = await input.optimizer.getWeights();
      try {
        const { data, specs } = await tf.io.encodeWeights(named);
        bytes += await writeDurably(join(tmp, 'optimizer.bin'), new Uint8Array(data));
        const optimizerJson: OptimizerJson = {
          className: input.optimizer.getClassName(),
          config: input.optimizer.getConfig(),
          weights: specs,
        };
        bytes += await writeDurably(join(tmp, 'optimizer.json'), JSON.stringify(optimizerJson));
      } finally {
        // getWeights() makes a fresh step-count scalar; the rest are the live state variables.
        if (named[0]?.name === 'iter') named[0].tensor.dispose();
      }
    }

    const meta: CheckpointJson = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      epoch: input.epoch,
      savedAt: new Date().toISOString(),
      extra: input.extra ?? {},
    };
    bytes += await writeDurably(join(tmp, 'checkpoint.json'), JSON.stringify(meta, null, 2));

    await rm(target, { recursive: true, force: true });
    await rename(tmp, target);
    return { path: target, epoch: input.epoch, bytes };
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Complete checkpoints under `root`, oldest epoch first; none when `root` does not exist. */
export async function listCheckpoints(root: string): Promise<CheckpointRef[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const found: CheckpointRef[] = [];
  for (const name of names) {
    const match = DIR_PATTERN.exec(name);
    if (match?.[1] !== undefined) found.push({ path: join(root, name), epoch: Number(match[1]) });
  }
  return found.sort((a, b) => a.epoch - b.epoch);
}

export async function latestCheckpoint(root: string): Promise<CheckpointRef | undefined> {
  return (await listCheckpoints(root)).at(-1);
}

/** Temporaries older than this are left from a crashed save, not one in progress. */
const STALE_TEMPORARY_MS = 60 * 60 * 1000;

/** Deletes all but the newest `keep` checkpoints, and temporaries left by crashed saves. */
export async function pruneCheckpoints(root: string, keep: number): Promise<CheckpointRef[]> {
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`keep must be a positive integer, got ${keep}`);
  const all = await listCheckpoints(root);
  const removed = all.slice(0, Math.max(0, all.length - keep));
  for (const ref of removed) await rm(ref.path, { recursive: true, force: true });
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (!name.startsWith('.tmp-epoch-')) continue;
    const info = await stat(join(root, name)).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > STALE_TEMPORARY_MS) await rm(join(root, name), { recursive: true, force: true });
  }
  return removed;
}

async function readJson<T>(path: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    throw new Error(`checkpoint file ${path} cannot be read: ${(err as Error).message}`);
  }
}

async function readMeta(path: string): Promise<CheckpointJson> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`no checkpoint at ${path}`);
  const meta = await readJson<CheckpointJson>(join(path, 'checkpoint.json'));
  if (meta.format !== CHECKPOINT_FORMAT || meta.version !== CHECKPOINT_VERSION) {
    throw new Error(
      `${path} is not a ${CHECKPOINT_FORMAT} v${CHECKPOINT_VERSION} checkpoint (found ${meta.format} v${meta.version})`,
    );
  }
  return meta;
}

async function readWeights(dir: string, specs: tf.io.WeightsManifestEntry[], file: string) {
  const buffer = await readFile(join(dir, file));
  const data = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
  // decodeWeights returns a map; keep the manifest's order (optimizer state is positional).
  const map = tf.io.decodeWeights(data, specs);
  return specs.map((s) => ({ name: s.name, tensor: map[s.name]! }));
}

async function readModelArtifacts(path: string): Promise<tf.io.ModelArtifacts> {
  const json = await readJson<tf.io.ModelJSON>(join(path, 'model.json'));
  const specs = json.weightsManifest.flatMap((group) => group.weights);
  const buffer = await readFile(join(path, 'weights.bin'));
  const weightData = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs: specs,
    weightData,
  };
}

/** A named tensor as optimizers' `getWeights`/`setWeights` use them. */
export type NamedTensor = Awaited<ReturnType<tf.Optimizer['getWeights']>>[number];

export interface OptimizerState {
  className: string;
  config: tf.serialization.ConfigDict;
  /** Positional state as `optimizer.getWeights()` gave it; pass to `setWeights`. */
  weights: NamedTensor[];
}

export interface LoadedCheckpoint extends CheckpointRef {
  /** Rebuilt from the saved topology (importing this package registers its layers). */
  model: tf.LayersModel;
  optimizer: OptimizerState | undefined;
  extra: CheckpointExtra;
  savedAt: string;
}

async function readOptimizer(path: string): Promise<OptimizerState | undefined> {
  const exists = await stat(join(path, 'optimizer.json')).catch(() => undefined);
  if (!exists) return undefined;
  const json = await readJson<OptimizerJson>(join(path, 'optimizer.json'));
  return { className: json.className, config: json.config, weights: await readWeights(path, json.weights, 'optimizer.bin') };
}

/** Loads a checkpoint as a new model (for evaluation, or when the config is not at hand). */
export async function loadCheckpoint(path: string): Promise<LoadedCheckpoint> {
  const meta = await readMeta(path);
  const artifacts = await readModelArtifacts(path);
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  return {
    path,
    epoch: meta.epoch,
    savedAt: meta.savedAt,
    extra: meta.extra,
    model,
    optimizer: await readOptimizer(path),
  };
}

export interface RestoredCheckpoint extends CheckpointRef {
  extra: CheckpointExtra;
  savedAt: string;
  /** Whether optimizer state was found and put into the given optimizer. */
  optimizerRestored: boolean;
}

/**
 * Puts a checkpoint's weights into an existing model (built from the same config) and,
 * when both are there, its state into `optimizer`. Fails, naming the weight, when the
 * checkpoint is of another architecture or geometry.
 */
export async function restoreCheckpoint(
  path: string,
  target: { model: tf.LayersModel; optimizer?: tf.Optimizer },
): Promise<RestoredCheckpoint> {
  const meta = await readMeta(path);
  const artifacts = await readModelArtifacts(path);
  const weights = tf.io.decodeWeights(tf.io.CompositeArrayBuffer.join(artifacts.weightData!), artifacts.weightSpecs!);
  try {
    const wanted = new Map(target.model.weights.map((w) => [w.originalName, w.shape]));
    for (const [name, tensor] of Object.entries(weights)) {
      const shape = wanted.get(name);
      if (!shape) throw new Error(`the model has no weight ${name}`);
      if (shape.join() !== tensor.shape.join()) {
        throw new Error(`weight ${name} is [${tensor.shape.join(', ')}] in the checkpoint, [${shape.join(', ')}] in the model`);
      }
      wanted.delete(name);
    }
    if (wanted.size > 0) throw new Error(`the checkpoint lacks ${[...wanted.keys()].join(', ')}`);
    target.model.loadWeights(weights, true);
  } catch (err) {
    throw new Error(`checkpoint ${path} does not fit this model: ${(err as Error).message}`);
  } finally {
    tf.dispose(Object.values(weights));
  }

  let optimizerRestored = false;
  if (target.optimizer) {
    const state = await readOptimizer(path);
    if (state) {
      try {
        if (state.className !== target.optimizer.getClassName()) {
          throw new Error(
            `checkpoint ${path} holds ${state.className} state; the trainer's optimizer is ${target.optimizer.getClassName()}`,
          );
        }
        await target.optimizer.setWeights(state.weights);
        optimizerRestored = true;
      } finally {
        tf.dispose(state.weights.map((w) => w.tensor));
      }
    }
  }
  return { path, epoch: meta.epoch, savedAt: meta.savedAt, extra: meta.extra, optimizerRestored };
}
