import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { loadWeights, saveWeights } from './checkpoint';
import { buildChestModel } from './chest';
import { createOptimizer, decayedVariables, ScheduledAdam } from './optimizers';
import { buildPose3dModel, type Pose3dModelConfig } from './pose3d';
import { tf } from './tf';

beforeAll(async () => {
  await selectBackend();
});

const values = (v: tf.Variable) => Array.from(v.dataSync());

/**
 * Expected numbers are torch.optim.AdamW / Adam's update written out (β1 0.9, β2 0.999,
 * ε 1e-8, bias-corrected moments, ε added to √v̂), computed in float64; TF.js computes in
 * float32, whose 1 − 0.999 alone is off by ~5e-5 relative, hence 5 decimals:
 *   AdamW: θ ← θ(1 − γλ); m ← β1m + (1−β1)g; v ← β2v + (1−β2)g²; θ ← θ − γ m̂ / (√v̂ + ε)
 *   Adam:  g ← g + λθ; then the same moments and update, without the first line.
 */
describe('ScheduledAdam', () => {
  it('AdamW: decoupled decay on the decayed variables only, at the learning rate set per step', () => {
    const w = tf.variable(tf.tensor2d([[1, -2]]), true, 'adamw_test_w');
    const b = tf.variable(tf.tensor1d([0.5, -0.5]), true, 'adamw_test_b');
    const c = tf.tensor1d([1, 3]);
    const opt = new ScheduledAdam({ lr: 0.1, weightDecay: 0.1, decoupled: true, decayed: [w] });
    // L = ½Σw² + Σ(b·c): g_w = w, g_b = c.
    const loss = () => tf.add(tf.mul(0.5, tf.sum(tf.square(w))), tf.sum(tf.mul(b, c))) as tf.Scalar;
    opt.minimize(loss, false, [w, b]);
    // Step 1 by hand: m̂/√v̂ = sign(g), so w = 1·(1 − 0.1·0.1) − 0.1 = 0.89 and −2·0.99 + 0.1 = −1.88;
    // b is not decayed: 0.5 − 0.1 = 0.4, −0.5 − 0.1 = −0.6.
    expect(values(w)[0]).toBeCloseTo(0.89, 5);
    expect(values(w)[1]).toBeCloseTo(-1.88, 5);
    expect(values(b)[0]).toBeCloseTo(0.4, 5);
    expect(values(b)[1]).toBeCloseTo(-0.6, 5);
    opt.setLearningRate(0.05);
    expect(opt.currentLearningRate).toBe(0.05);
    opt.minimize(loss, false, [w, b]);
    expect(values(w)[0]).toBeCloseTo(0.8357859289770806, 5);
    expect(values(w)[1]).toBeCloseTo(-1.8207044757942912, 5);
    expect(values(b)[0]).toBeCloseTo(0.35, 5);
    expect(values(b)[1]).toBeCloseTo(-0.65, 5);
    expect(opt.iterations).toBe(2);
    expect(opt.getClassName()).toBe('AdamW');
    opt.dispose();
    tf.dispose([w, b, c]);
  });

  it('Adam with weight_decay: L2 added to the gradient before the moments (torch.optim.Adam)', () => {
    const run = (weightDecay: number) => {
      const w = tf.variable(tf.tensor1d([1, -2]).reshape([1, 2]));
      const opt = new ScheduledAdam({ lr: 0.1, weightDecay, decoupled: false, decayed: [w] });
      const track: number[][] = [];
      for (let i = 0; i < 3; i++) {
        // L = Σ 0.1·w: g = 0.1, then + λw with decay.
        opt.minimize(() => tf.sum(tf.mul(0.1, w)) as tf.Scalar, false, [w]);
        track.push(values(w));
      }
      expect(opt.getClassName()).toBe('Adam');
      opt.dispose();
      w.dispose();
      return track;
    };
    const l2 = run(1);
    const expected = [
      [0.9000000009090909, -1.9000000005263158],
      [0.8003611627734645, -1.8001773510097852],
      [0.70138244621909, -1.700664949214516],
    ];
    l2.forEach((step, i) => step.forEach((x, j) => expect(x).toBeCloseTo(expected[i]![j]!, 5)));
    // Without decay both entries just follow the constant gradient down.
    const plain = run(0);
    expect(plain[2]![0]).toBeCloseTo(0.7, 5);
    expect(plain[2]![1]).toBeCloseTo(-2.3, 5);
  });

  it('updates from the value the variable has now, also when it was written between steps', () => {
    const w = tf.variable(tf.tensor1d([1, -2]));
    const opt = new ScheduledAdam({ lr: 0.1, weightDecay: 0, decoupled: false, decayed: [] });
    const step = () => opt.minimize(() => tf.sum(tf.mul(0.1, w)) as tf.Scalar, false, [w]);
    step(); // m̂/√v̂ = 1 for a constant gradient: each step moves by lr
    expect(values(w)[0]).toBeCloseTo(0.9, 5);
    w.assign(tf.tensor1d([5, 6])); // e.g. loadWeights
    step();
    expect(values(w)[0]).toBeCloseTo(4.9, 5);
    expect(values(w)[1]).toBeCloseTo(5.9, 5);
    step();
    expect(values(w)[0]).toBeCloseTo(4.8, 5);
    opt.dispose();
    w.dispose();
  });

  it('does not leak tensors from step to step', () => {
    const w = tf.variable(tf.randomNormal([3, 4], 0, 1, 'float32', 1));
    const b = tf.variable(tf.zeros([4]));
    for (const decoupled of [true, false]) {
      const opt = new ScheduledAdam({ lr: 0.01, weightDecay: 0.1, decoupled, decayed: [w] });
      const step = () =>
        opt.minimize(() => tf.sum(tf.square(tf.add(w, b))) as tf.Scalar, false, [w, b]);
      step(); // creates the moments
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) step();
      expect(tf.memory().numTensors).toBe(before);
      opt.dispose();
    }
    tf.dispose([w, b]);
  });

  it('refuses a negative or non-finite learning rate or decay, naming it', () => {
    expect(
      () => new ScheduledAdam({ lr: 0.1, weightDecay: -1, decoupled: true, decayed: [] }),
    ).toThrow(/weight_decay must be a finite number ≥ 0, got -1/);
    const opt = new ScheduledAdam({ lr: 0.1, weightDecay: 0, decoupled: true, decayed: [] });
    expect(() => opt.setLearningRate(Number.NaN)).toThrow(/lr must be/);
    opt.dispose();
  });
});

const POSE3D: Pose3dModelConfig = { dModel: 8, heads: 2, dH: 4, qkTied: false, layers: 1, seed: 3 };

describe('decayedVariables', () => {
  it('decays matrices and kernels, not biases, norms, position embeddings or the class token', () => {
    const model = buildChestModel({
      dModel: 8,
      heads: 2,
      dH: 4,
      qkTied: false,
      layers: 1,
      imageSize: [16, 16],
      patchSize: 8,
      seed: 1,
    });
    const decayed = new Set(decayedVariables(model).map((v) => v.name));
    const skipped = model.trainableWeights.filter(
      (w) => !decayed.has((w.read() as tf.Variable).name),
    );
    expect(decayed.size).toBeGreaterThan(0);
    for (const name of decayed)
      expect(tf.engine().registeredVariables[name]!.rank).toBeGreaterThan(1);
    // Every skipped one is 1-D, or a position table / class token.
    for (const w of skipped) {
      expect(w.shape.length <= 1 || /table|token/.test(w.originalName)).toBe(true);
    }
    expect(skipped.some((w) => /table/.test(w.originalName))).toBe(true);
    expect(skipped.some((w) => /token/.test(w.originalName))).toBe(true);
    model.dispose();
  });
});

describe('createOptimizer + checkpoints', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'headroom-optim-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const batch = () => ({
    x: tf.randomNormal([8, 17, 2], 0, 1, 'float32', 21),
    y: tf.randomNormal([8, 17, 3], 0, 1, 'float32', 22),
  });
  const step = (model: tf.LayersModel, opt: tf.Optimizer, lr: number) =>
    tf.tidy(() => {
      // (instanceof cannot tell: tf.Optimizer answers it by duck typing.)
      if ('setLearningRate' in opt) (opt as ScheduledAdam).setLearningRate(lr);
      const { x, y } = batch();
      opt.minimize(
        () =>
          tf.losses.meanSquaredError(
            y,
            model.apply(x, { training: true }) as tf.Tensor,
          ) as tf.Scalar,
        false,
        model.trainableWeights.map((w) => w.read() as tf.Variable),
      );
    });
  const weightsOf = (model: tf.LayersModel) =>
    model.getWeights().map((w) => Array.from(w.dataSync()));

  it('loads the Adam state TF.js Adam wrote and continues as it would have', async () => {
    // Checkpoints written before ScheduledAdam kept its state in TensorFlow: same layout.
    const model = buildPose3dModel(POSE3D);
    const old = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
    for (let i = 0; i < 3; i++) step(model, old, 0.01);
    const dir = join(root, 'tfjs-adam');
    await saveWeights(model, dir, { optimizer: old });
    const resumed = buildPose3dModel({ ...POSE3D, seed: 99 });
    const opt = createOptimizer({ optimizer: 'adam', lr: 0.01, weight_decay: 0 }, resumed);
    expect((await loadWeights(resumed, dir, { optimizer: opt })).optimizerRestored).toBe(true);
    expect(opt.iterations).toBe(3);
    step(model, old, 0.01);
    step(resumed, opt, 0.01);
    // TF.js Adam keeps β^t in float32 variables, ScheduledAdam computes it in float64.
    const want = weightsOf(model).flat();
    weightsOf(resumed)
      .flat()
      .forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 5));
    for (const o of [old, opt]) o.dispose();
    for (const m of [model, resumed]) m.dispose();
  });

  it('saving and restoring its state leaves no tensor behind', async () => {
    const model = buildPose3dModel(POSE3D);
    const opt = createOptimizer({ optimizer: 'adamw', lr: 0.01, weight_decay: 0.05 }, model);
    step(model, opt, 0.01);
    const dir = join(root, 'no-leak');
    const before = tf.memory().numTensors;
    await saveWeights(model, dir, { optimizer: opt });
    expect(tf.memory().numTensors).toBe(before);
    const restored = createOptimizer({ optimizer: 'adamw', lr: 0.01, weight_decay: 0.05 }, model);
    await loadWeights(model, dir, { optimizer: restored });
    step(model, restored, 0.01);
    opt.dispose();
    restored.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
  });

  it('an AdamW trial resumed from its checkpoint continues with identical state', async () => {
    const params = { optimizer: 'adamw', lr: 0.01, weight_decay: 0.05 } as const;
    const model = buildPose3dModel(POSE3D);
    const opt = createOptimizer(params, model);
    for (const lr of [0.01, 0.008, 0.006]) step(model, opt, lr);
    const dir = join(root, 'epoch-0001');
    await saveWeights(model, dir, { optimizer: opt });
    const manifest = JSON.parse(await readFile(join(dir, 'weights.json'), 'utf8')) as {
      optimizer: { className: string; config: Record<string, unknown> };
    };
    expect(manifest.optimizer.className).toBe('AdamW');
    expect(manifest.optimizer.config).toMatchObject({ weightDecay: 0.05, decoupled: true });

    const resumed = buildPose3dModel({ ...POSE3D, seed: 99 });
    const resumedOpt = createOptimizer(params, resumed);
    const loaded = await loadWeights(resumed, dir, { optimizer: resumedOpt });
    expect(loaded.optimizerRestored).toBe(true);
    expect(resumedOpt.iterations).toBe(3);

    // The next step, from the original and from the restored state, lands on the same weights.
    step(model, opt, 0.004);
    step(resumed, resumedOpt, 0.004);
    expect(weightsOf(resumed)).toEqual(weightsOf(model));

    // Adam state is not AdamW state: loading it into the other optimizer is refused.
    const other = buildPose3dModel(POSE3D);
    const adam = createOptimizer({ ...params, optimizer: 'adam' }, other);
    await expect(loadWeights(other, dir, { optimizer: adam })).rejects.toThrow(
      /holds AdamW state; the trainer's optimizer is Adam/,
    );
    for (const o of [opt, resumedOpt, adam]) o.dispose();
    for (const m of [model, resumed, other]) m.dispose();
  });
});
