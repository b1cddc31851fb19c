import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { LayerNorm } from './layer-norm';
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
