import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { gelu, Gelu } from './gelu';
import { tf } from './tf';

beforeAll(async () => {
  await selectBackend();
});

/** TF.js's exact GELU activation, the one Dense layers apply for `activation: 'gelu'`. */
const tfjsGelu = (x: tf.Tensor) =>
  tf.layers.activation({ activation: 'gelu' }).apply(x) as tf.Tensor;

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;

describe('gelu', () => {
  it("equals TF.js's gelu activation, values and gradient", () => {
    const x = tf.randomNormal([6, 5, 7], 0, 2, 'float32', 1);
    const w = tf.randomNormal([6, 5, 7], 0, 1, 'float32', 2);
    expect(maxDiff(gelu(x), tfjsGelu(x))).toBeLessThan(1e-6);
    const ours = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(gelu(a), w)))(x);
    const theirs = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tfjsGelu(a), w)))(x);
    expect(maxDiff(ours, theirs)).toBeLessThan(1e-5);
    // Known points: GELU(0) = 0 with slope ½; GELU(x) → x for large x, → 0 for very negative x.
    const y = gelu(tf.tensor1d([0, 10, -10])).dataSync();
    expect(Array.from(y)).toEqual([0, 10, -0]);
    const slope = tf
      .grad((a: tf.Tensor) => tf.sum(gelu(a)))(tf.tensor1d([0]))
      .dataSync()[0];
    expect(slope).toBeCloseTo(0.5, 6);
  });

  it('as a layer: same shape out, round-trips its config, does not leak', () => {
    const layer = new Gelu({ name: 'g' });
    const symbolic = layer.apply(tf.input({ shape: [3, 2] })) as tf.SymbolicTensor;
    expect(symbolic.shape).toEqual([null, 3, 2]);
    expect(layer.getConfig()).toMatchObject({ name: 'g' });
    const x = tf.tensor2d([-1, 2, 0.5, -3], [2, 2]);
    tf.dispose(layer.apply(x));
    const before = tf.memory().numTensors;
    const y = layer.apply(x) as tf.Tensor;
    const values = Array.from(y.dataSync());
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const want = tf.tidy(() => Array.from(tfjsGelu(x).dataSync()));
    values.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
  });
});
