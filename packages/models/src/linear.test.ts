import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { Linear, linear } from './linear';
import { tf } from './tf';

beforeAll(async () => {
  await selectBackend();
});

const maxDiff = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('linear', () => {
  it('equals x·W + b, values and gradients, for 2-D and 3-D inputs', () => {
    for (const shape of [
      [6, 5],
      [3, 4, 5],
    ]) {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
      const w = tf.randomNormal([5, 7], 0, 1, 'float32', 2);
      const b = tf.randomNormal([7], 0, 1, 'float32', 3);
      const dy = tf.randomNormal([...shape.slice(0, -1), 7], 0, 1, 'float32', 4);
      const plain = (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) =>
        tf.add(tf.reshape(tf.matMul(tf.reshape(xs, [-1, 5]), ws), dy.shape), bs);
      expect(linear(x, w, b).shape).toEqual(dy.shape);
      expect(maxDiff(linear(x, w, b), plain(x, w, b))).toBeLessThan(1e-5);
      const loss =
        (f: typeof plain) =>
        (...xs: tf.Tensor[]) =>
          tf.sum(tf.mul(f(xs[0]!, xs[1]!, xs[2]!), dy));
      const ours = tf.grads(loss(linear))([x, w, b]);
      const theirs = tf.grads(loss(plain))([x, w, b]);
      ours.forEach((g, i) => {
        expect(g.shape).toEqual(theirs[i]!.shape);
        expect(maxDiff(g, theirs[i]!)).toBeLessThan(1e-4);
      });
    }
  });

  it('as a layer: the weights and initial values of tf.layers.dense, config round-trip, no leak', () => {
    const ours = new Linear({ units: 4, seed: 7, name: 'lin' });
    const dense = tf.layers.dense({
      units: 4,
      kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }),
      name: 'den',
    });
    const input = tf.input({ shape: [3, 6] });
    expect((ours.apply(input) as tf.SymbolicTensor).shape).toEqual([null, 3, 4]);
    dense.apply(input);
    expect(ours.weights.map((w) => w.originalName)).toEqual(['lin/kernel', 'lin/bias']);
    expect(dense.weights.map((w) => w.originalName)).toEqual(['den/kernel', 'den/bias']);
    ours
      .getWeights()
      .forEach((w, i) =>
        expect(Array.from(w.dataSync())).toEqual(Array.from(dense.getWeights()[i]!.dataSync())),
      );
    expect(ours.getConfig()).toMatchObject({ name: 'lin', units: 4, seed: 7 });
    const x = tf.randomNormal([2, 3, 6], 0, 1, 'float32', 8);
    tf.dispose(ours.apply(x));
    const before = tf.memory().numTensors;
    const y = ours.apply(x) as tf.Tensor;
    const want = dense.apply(x) as tf.Tensor;
    expect(maxDiff(y, want)).toBeLessThan(1e-5);
    tf.dispose([y, want]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
