import { isHeadroomError } from '@headroom/errors';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { attentionFlopCount, attentionParamCount } from './flexible-attention';
import { countParams, describeModel, predictValues } from './model-stats';
import { buildPose3dModel, pose3dParamCount, type Pose3dModelConfig } from './pose3d';
import { tf } from './tf';

beforeAll(async () => {
  await selectBackend();
});

const SMALL: Pose3dModelConfig = {
  dModel: 16,
  heads: 2,
  dH: 12,
  qkTied: false,
  layers: 2,
  seed: 1,
};

function violationPaths(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (isHeadroomError(err)) return err.violations.map((v) => v.path);
    throw err;
  }
  throw new Error('expected a HeadroomError');
}

describe('buildPose3dModel', () => {
  it('lifts [batch, 17, 2] keypoints to [batch, 17, 3] joints', () => {
    const model = buildPose3dModel(SMALL);
    expect(model.inputs[0]!.shape).toEqual([null, 17, 2]);
    expect(model.outputs[0]!.shape).toEqual([null, 17, 3]);
    const y = tf.tidy(() => (model.predict(tf.randomNormal([3, 17, 2])) as tf.Tensor).shape);
    expect(y).toEqual([3, 17, 3]);
  });

  it('has the trainable parameters pose3dParamCount gives, for several geometries', () => {
    const configs: Pose3dModelConfig[] = [
      SMALL,
      { ...SMALL, qkTied: true },
      { dModel: 24, heads: 3, dH: 'auto', qkTied: false, layers: 1 },
      { dModel: 16, heads: 4, dH: 32, qkTied: true, layers: 3, ffnMult: 2, joints: 5 },
      { ...SMALL, dropout: 0.1, activation: 'relu' },
    ];
    for (const config of configs)
      expect(countParams(buildPose3dModel(config))).toBe(pose3dParamCount(config));
    // Written out once: embedding, joint table, blocks, final LN, head.
    const d = 16;
    const attention = attentionParamCount({ dModel: d, heads: 2, dH: 12, qkTied: false });
    const block = attention + 4 * d + (d * 64 + 64) + (64 * d + d);
    expect(pose3dParamCount(SMALL)).toBe(3 * d + 17 * d + 2 * block + 2 * d + (3 * d + 3));
  });

  it('counts FLOPs as the sum of its matrix products', () => {
    const g = { dModel: 16, heads: 2, dH: 12, qkTied: false };
    const J = 17;
    const stats = describeModel(buildPose3dModel(SMALL));
    const ffn = 2 * J * (16 * 64 + 64 * 16);
    expect(stats.flops).toBe(
      2 * 2 * 16 * J + 2 * (attentionFlopCount(g, J) + ffn) + 2 * 16 * 3 * J,
    );
    expect(stats.attention.map((a) => [a.name, a.tokens])).toEqual([
      ['block0_attn', J],
      ['block1_attn', J],
    ]);
  });

  it('passes gradients to every trainable weight', () => {
    const model = buildPose3dModel({ ...SMALL, qkTied: true });
    const x = tf.randomNormal([4, 17, 2], 0, 1, 'float32', 2);
    const y = tf.randomNormal([4, 17, 3], 0, 1, 'float32', 3);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(
      () =>
        tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      variables,
    );
    expect(Object.keys(grads)).toHaveLength(model.trainableWeights.length);
    for (const [name, g] of Object.entries(grads)) {
      const norm = tf.norm(g).dataSync()[0]!;
      expect(Number.isFinite(norm), name).toBe(true);
      expect(norm, name).toBeGreaterThan(0);
    }
    tf.dispose(grads);
  });

  it('does not leak tensors in a forward pass or a training step', () => {
    const model = buildPose3dModel({ ...SMALL, dropout: 0.1 });
    const optimizer = tf.train.adam(1e-3);
    const x = tf.randomNormal([4, 17, 2]);
    const y = tf.randomNormal([4, 17, 3]);
    const stepLoss = () =>
      tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
    optimizer.minimize(stepLoss); // creates Adam's moments once
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      model.predict(x);
    });
    tf.tidy(() => {
      optimizer.minimize(stepLoss);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('predictValues reads the output as predict does, disposing its input and the output', () => {
    const model = buildPose3dModel(SMALL);
    const x = tf.randomNormal([3, 17, 2], 0, 1, 'float32', 5);
    const expected = tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));
    const before = tf.memory().numTensors;
    const values = predictValues(model, x);
    expect(Array.from(values)).toEqual(expected);
    expect(values).toHaveLength(3 * 17 * 3);
    expect(x.isDisposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before - 1);
  });

  it('learns: 30 Adam steps lower the loss on a fixed linear target', () => {
    const model = buildPose3dModel({ ...SMALL, seed: 7 });
    const x = tf.randomNormal([64, 17, 2], 0, 1, 'float32', 11);
    const A = tf.randomNormal([2, 3], 0, 1, 'float32', 12);
    const y = tf.matMul(x.reshape([64 * 17, 2]), A).reshape([64, 17, 3]);
    const loss = () =>
      tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
    const optimizer = tf.train.adam(1e-2);
    const first = tf.tidy(() => loss().dataSync()[0]!);
    for (let i = 0; i < 30; i++) tf.tidy(() => optimizer.minimize(loss));
    const last = tf.tidy(() => loss().dataSync()[0]!);
    expect(last).toBeLessThan(first * 0.5);
  });

  it('starts from the same weights for the same seed', () => {
    const weights = (seed: number) =>
      buildPose3dModel({ ...SMALL, seed })
        .getWeights()
        .map((w) => Array.from(w.dataSync()));
    expect(weights(3)).toEqual(weights(3));
    expect(weights(3)).not.toEqual(weights(4));
  });

  it('names every bad field in one HeadroomError', () => {
    expect(
      violationPaths(() =>
        buildPose3dModel({
          dModel: 500,
          heads: 8,
          dH: 'auto',
          qkTied: false,
          layers: 0,
          dropout: 2,
          ffnMult: -1,
          joints: 0,
        }),
      ),
    ).toEqual(['d_h', 'layers', 'ffn_mult', 'dropout', 'attention_dropout', 'joints']);
    expect(violationPaths(() => pose3dParamCount({ ...SMALL, heads: 0 }))).toEqual(['heads']);
  });
});
