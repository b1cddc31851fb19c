import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { BatchNorm } from './batch-norm';
import { tf } from './tf';

beforeAll(async () => {
  await selectBackend();
});

const flat = (t: tf.Tensor) => Array.from(t.dataSync());
const expectClose = (got: number[], want: number[], digits: number) => {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, digits));
};

describe('BatchNorm', () => {
  it('matches tf.layers.batchNormalization: training outputs, gradients, moving statistics; inference', () => {
    const x = tf.randomNormal([4, 3, 5, 6], 2, 3, 'float32', 1);
    const target = tf.randomNormal([4, 3, 5, 6], 0, 1, 'float32', 2);
    const ours = new BatchNorm({ momentum: 0.9 });
    const keras = tf.layers.batchNormalization({ momentum: 0.9 });
    ours.build(x.shape);
    keras.build(x.shape);
    // Same weights, names and order: γ, β, moving mean, moving variance.
    expect(ours.weights.map((w) => w.originalName.split('/').pop())).toEqual(
      keras.weights.map((w) => w.originalName.split('/').pop()),
    );
    expect(ours.trainableWeights.length).toBe(2);
    const weights = [
      tf.randomNormal([6], 1, 0.5, 'float32', 3),
      tf.randomNormal([6], 0, 0.5, 'float32', 4),
      tf.randomNormal([6], 0, 0.5, 'float32', 5),
      tf.randomUniform([6], 0.5, 2, 'float32', 6),
    ];
    ours.setWeights(weights);
    keras.setWeights(weights);
    const train = (layer: tf.layers.Layer) => {
      const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const dx = tf.grad((a: tf.Tensor) =>
        tf.sum(tf.mul(layer.apply(a, { training: true }) as tf.Tensor, target)),
      )(x);
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, target)) as tf.Scalar,
        vars,
      );
      return [value, dx, ...vars.map((v) => grads[v.name]!)].map(flat);
    };
    const [a, b] = [train(ours), train(keras)];
    a.forEach((t, i) => expectClose(t, b[i]!, 3));
    // Each layer saw two training batches: the moving statistics moved the same way.
    const moved = (layer: tf.layers.Layer) => layer.getWeights().slice(2).map(flat);
    moved(ours).forEach((t, i) => expectClose(t, moved(keras)[i]!, 5));
    expect(moved(ours)[0]).not.toEqual(flat(weights[2]!));
    // Inference uses the moving statistics.
    expectClose(flat(ours.apply(x) as tf.Tensor), flat(keras.apply(x) as tf.Tensor), 4);
  });

  it('round-trips its config and does not leak, training or not', () => {
    const layer = new BatchNorm({ momentum: 0.8, epsilon: 1e-5, name: 'bn' });
    expect(layer.getConfig()).toMatchObject({ name: 'bn', momentum: 0.8, epsilon: 1e-5 });
    const x = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 7);
    tf.dispose(layer.apply(x, { training: true }));
    const before = tf.memory().numTensors;
    for (const training of [true, false]) tf.dispose(layer.apply(x, { training }));
    tf.dispose(
      tf.grad((a: tf.Tensor) => tf.sum(layer.apply(a, { training: true }) as tf.Tensor))(x),
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
