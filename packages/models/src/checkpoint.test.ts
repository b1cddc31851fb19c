import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHeadroomError } from '@headroom/errors';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { loadWeights, saveWeights } from './checkpoint';
import { buildPose3dModel, type Pose3dModelConfig } from './pose3d';
import { tf } from './tf';

const CONFIG: Pose3dModelConfig = {
  dModel: 16,
  heads: 2,
  dH: 12,
  qkTied: true,
  layers: 2,
  seed: 11,
};
let root: string;

beforeAll(async () => {
  await selectBackend();
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'headroom-weights-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function train(model: tf.LayersModel, optimizer: tf.Optimizer, steps: number) {
  tf.tidy(() => {
    const x = tf.randomNormal([8, 17, 2], 0, 1, 'float32', 21);
    const y = tf.randomNormal([8, 17, 3], 0, 1, 'float32', 22);
    for (let i = 0; i < steps; i++) {
      optimizer.minimize(
        () =>
          tf.losses.meanSquaredError(
            y,
            model.apply(x, { training: true }) as tf.Tensor,
          ) as tf.Scalar,
      );
    }
  });
}

const weightsOf = (model: tf.LayersModel) =>
  model.getWeights().map((w) => Array.from(w.dataSync()));
const predict = (model: tf.LayersModel) =>
  tf.tidy(() =>
    Array.from(
      (model.predict(tf.randomNormal([4, 17, 2], 0, 1, 'float32', 5)) as tf.Tensor).dataSync(),
    ),
  );

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    if (isHeadroomError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a HeadroomError');
}

describe('saveWeights / loadWeights', () => {
  it('round-trip: a model built from the same config gives identical outputs', async () => {
    const model = buildPose3dModel(CONFIG);
    train(model, tf.train.adam(0.01), 2);
    const dir = join(root, 'trial-1', 'epoch-0002');
    const saved = await saveWeights(model, dir);

    const files = (await readdir(dir)).sort();
    expect(files).toEqual(['weights.bin', 'weights.json']);
    const sizes = await Promise.all(files.map(async (f) => (await stat(join(dir, f))).size));
    expect(saved.sizeBytes).toBe(sizes.reduce((a, b) => a + b, 0));
    expect(saved.sha256).toBe(
      createHash('sha256')
        .update(await readFile(join(dir, 'weights.bin')))
        .digest('hex'),
    );
    expect(saved.path).toBe(dir);
    expect(await readdir(join(root, 'trial-1'))).toEqual(['epoch-0002']); // no temporaries left

    const copy = buildPose3dModel({ ...CONFIG, seed: 99 });
    expect(predict(copy)).not.toEqual(predict(model));
    expect(await loadWeights(copy, dir)).toEqual({
      path: dir,
      sha256: saved.sha256,
      optimizerRestored: false,
    });
    expect(predict(copy)).toEqual(predict(model));
  });

  it('with the optimizer: restore and train equals training straight through', async () => {
    const model = buildPose3dModel(CONFIG);
    const optimizer = tf.train.adam(0.01);
    train(model, optimizer, 3);
    const dir = join(root, 'epoch-0003');
    await saveWeights(model, dir, { optimizer });
    expect((await readdir(dir)).sort()).toEqual(['optimizer.bin', 'weights.bin', 'weights.json']);
    train(model, optimizer, 3);

    // A new process builds the model from the config, with a fresh optimizer.
    const resumed = buildPose3dModel({ ...CONFIG, seed: 99 });
    const fresh = tf.train.adam(0.01);
    expect((await loadWeights(resumed, dir, { optimizer: fresh })).optimizerRestored).toBe(true);
    train(resumed, fresh, 3);
    const b = weightsOf(model);
    expect(weightsOf(resumed)).toEqual(b);

    // Without Adam's moments the same three steps go elsewhere.
    const noState = buildPose3dModel(CONFIG);
    const fresher = tf.train.adam(0.01);
    await loadWeights(noState, dir);
    train(noState, fresher, 3);
    const drift = Math.max(
      ...weightsOf(noState).flatMap((values, i) => values.map((v, j) => Math.abs(v - b[i]![j]!))),
    );
    expect(drift).toBeGreaterThan(1e-3);
  });

  it('refuses weights of another geometry, naming the file and the weight', async () => {
    const dir = join(root, 'ckpt');
    await saveWeights(buildPose3dModel(CONFIG), dir);
    const wider = await rejection(loadWeights(buildPose3dModel({ ...CONFIG, dH: 16 }), dir));
    expect(wider.code).toBe('INVALID_INPUT');
    expect(wider.message).toContain(
      `${join(dir, 'weights.json')} does not fit this model: weight block0_attn/w_qk is [16, 24] in the file, [16, 32] in the model`,
    );
    const untied = await rejection(
      loadWeights(buildPose3dModel({ ...CONFIG, qkTied: false }), dir),
    );
    expect(untied.message).toMatch(
      /weights\.json does not fit this model: the model has no weight block0_attn\/w_qk/,
    );
    const deeper = await rejection(loadWeights(buildPose3dModel({ ...CONFIG, layers: 3 }), dir));
    expect(deeper.message).toMatch(
      /weights\.json does not fit this model: it lacks block2_ln1\/gamma/,
    );
  });

  it('detects a corrupt or truncated weights.bin, naming it', async () => {
    const model = buildPose3dModel(CONFIG);
    const dir = join(root, 'ckpt');
    await saveWeights(model, dir);
    const bin = join(dir, 'weights.bin');
    const bytes = await readFile(bin);
    bytes[100] = bytes[100]! ^ 0xff;
    await writeFile(bin, bytes);
    const corrupt = await rejection(loadWeights(model, dir));
    expect(corrupt.code).toBe('INVALID_INPUT');
    expect(corrupt.message).toMatch(
      new RegExp(
        `${bin.replace(/[.\\/]/g, '\\$&')} is corrupt: sha256 [0-9a-f]{64}, weights.json says`,
      ),
    );
    await truncate(bin, 64);
    expect((await rejection(loadWeights(model, dir))).message).toMatch(
      /weights\.bin is 64 bytes; weights\.json describes \d+/,
    );
  });

  it('says what is wrong with a missing or foreign manifest', async () => {
    const model = buildPose3dModel(CONFIG);
    const missing = await rejection(loadWeights(model, join(root, 'nowhere')));
    expect(missing).toEqual({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/no checkpoint at .*nowhere: weights\.json is missing/),
    });
    const dir = join(root, 'odd');
    await saveWeights(model, dir);
    await writeFile(join(dir, 'weights.json'), '{"format":"keras"}');
    expect((await rejection(loadWeights(model, dir))).message).toMatch(
      /weights\.json is not a headroom-weights v1 manifest/,
    );
    await writeFile(join(dir, 'weights.json'), '{');
    expect((await rejection(loadWeights(model, dir))).message).toMatch(/weights\.json is not JSON/);
  });

  it("refuses another optimizer's state", async () => {
    const model = buildPose3dModel(CONFIG);
    const optimizer = tf.train.adam(0.01);
    train(model, optimizer, 1);
    const dir = join(root, 'ckpt');
    await saveWeights(model, dir, { optimizer });
    expect(
      (await rejection(loadWeights(model, dir, { optimizer: tf.train.rmsprop(0.01) }))).message,
    ).toMatch(/holds Adam state; the trainer's optimizer is RMSProp/);
  });

  it('replaces what was in the directory (a retried attempt saving the same epoch)', async () => {
    const dir = join(root, 'epoch-0004');
    const first = buildPose3dModel(CONFIG);
    const optimizer = tf.train.adam(0.01);
    train(first, optimizer, 1);
    await saveWeights(first, dir, { optimizer });
    const second = buildPose3dModel({ ...CONFIG, seed: 12 });
    await saveWeights(second, dir);
    expect((await readdir(dir)).sort()).toEqual(['weights.bin', 'weights.json']);
    const target = buildPose3dModel(CONFIG);
    await loadWeights(target, dir);
    expect(weightsOf(target)).toEqual(weightsOf(second));
  });

  it('does not leak tensors', async () => {
    const model = buildPose3dModel(CONFIG);
    const optimizer = tf.train.adam(0.01);
    train(model, optimizer, 1);
    const dir = join(root, 'ckpt');
    const before = tf.memory().numTensors;
    await saveWeights(model, dir, { optimizer });
    await loadWeights(model, dir);
    expect(tf.memory().numTensors).toBe(before);
    const fresh = tf.train.adam(0.01);
    const beforeRestore = tf.memory().numTensors;
    await loadWeights(model, dir, { optimizer: fresh });
    // Only the optimizer's restored state remains: two moments per trainable weight.
    expect(tf.memory().numTensors - beforeRestore).toBe(2 * model.trainableWeights.length);
  });
});
