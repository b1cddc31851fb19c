import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { LayerNorm, layerNorm } from './layer-norm';
import { tf } from './tf';

beforeAll(async () => {
  await selectBackend();
});

describe('LayerNorm', () => {
  it('matches tf.layers.layerNormalization, outputs and gradients, with the same γ and β', () => {
    const x = tf.randomNormal([3, 5, 8], 2, 3, 'float32', 1);
    const ours = new LayerNorm({ epsilon: 1e-3 });
    const keras = tf.layers.layerNormalization({ epsilon: 1e-3 });
    ours.apply(x);
    keras.apply(x);
    const gamma = tf.randomNormal([8], 1, 0.5, 'float32', 2);
    const beta = tf.randomNormal([8], 0, 0.5, 'float32', 3);
    ours.setWeights([gamma, beta]);
    keras.setWeights([gamma, beta]);
    const target = tf.randomNormal([3, 5, 8], 0, 1, 'float32', 4);
    const run = (layer: tf.layers.Layer) => {
      const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, target)) as tf.Scalar,
        vars,
      );
      return [value, ...vars.map((v) => grads[v.name]!)].map((t) => Array.from(t.dataSync()));
    };
    const [a, b] = [run(ours), run(keras)];
    a.forEach((values, i) => values.forEach((v, j) => expect(v).toBeCloseTo(b[i]![j]!, 3)));
    const y = (ours.apply(x) as tf.Tensor).reshape([15, 8]);
    const unscaled = tf.div(tf.sub(y, beta), gamma);
    tf.mean(unscaled, -1)
      .dataSync()
      .forEach((m) => expect(m).toBeCloseTo(0, 4));
  });

  it('its written-out gradient equals differentiating the plain formula, for x, γ and β', () => {
    const x = tf.randomNormal([4, 3, 10], 1, 2, 'float32', 5);
    const gamma = tf.randomNormal([10], 1, 0.5, 'float32', 6);
    const beta = tf.randomNormal([10], 0, 0.5, 'float32', 7);
    const w = tf.randomNormal([4, 3, 10], 0, 1, 'float32', 8);
    const plain = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const centred = tf.sub(a, tf.mean(a, -1, true));
      const variance = tf.mean(tf.square(centred), -1, true);
      return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, 1e-5))), g), b);
    };
    const loss =
      (f: typeof plain) =>
      (...t: tf.Tensor[]) =>
        tf.sum(tf.mul(f(t[0]!, t[1]!, t[2]!), w));
    const ours = tf.grads(loss((a, g, b) => layerNorm(a, g, b, 1e-5)))([x, gamma, beta]);
    const reference = tf.grads(loss(plain))([x, gamma, beta]);
    expect(Array.from(layerNorm(x, gamma, beta, 1e-5).dataSync())).toEqual(
      Array.from(plain(x, gamma, beta).dataSync()),
    );
    ours.forEach((g, i) => {
      const diff = tf.max(tf.abs(tf.sub(g, reference[i]!))).dataSync()[0]!;
      const scale = tf.max(tf.abs(reference[i]!)).dataSync()[0]!;
      expect(scale).toBeGreaterThan(0.1);
      expect(diff / scale, ['dx', 'dγ', 'dβ'][i]).toBeLessThan(1e-5);
    });
  });

  it('has 2·width parameters and round-trips its config', () => {
    const layer = new LayerNorm({ epsilon: 1e-6, name: 'ln' });
    layer.apply(tf.input({ shape: [4, 6] }));
    expect(layer.countParams()).toBe(12);
    expect(layer.getConfig()).toMatchObject({ epsilon: 1e-6, name: 'ln' });
  });

  it('does not leak tensors', () => {
    const layer = new LayerNorm();
    const x = tf.randomNormal([2, 3, 4]);
    tf.dispose(layer.apply(x));
    const before = tf.memory().numTensors;
    tf.dispose(layer.apply(x));
    expect(tf.memory().numTensors).toBe(before);
  });
});
