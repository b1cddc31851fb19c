import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { relu, Relu } from './relu';
import { tf } from './tf';

beforeAll(async () => {
  await selectBackend();
});

describe('relu', () => {
  it('equals tf.relu, values and gradient (away from 0, where both are defined)', () => {
    const x = tf.randomNormal([4, 6, 5, 3], 0, 2, 'float32', 1);
    const w = tf.randomNormal([4, 6, 5, 3], 0, 1, 'float32', 2);
    expect(Array.from(relu(x).dataSync())).toEqual(Array.from(tf.relu(x).dataSync()));
    const ours = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(relu(a), w)))(x);
    const theirs = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), w)))(x);
    expect(Array.from(ours.dataSync())).toEqual(Array.from(theirs.dataSync()));
    // Not vacuous: some inputs are negative (gradient 0), some positive (gradient w).
    const zeros = Array.from(ours.dataSync()).filter((g) => g === 0).length;
    expect(zeros).toBeGreaterThan(0);
    expect(zeros).toBeLessThan(x.size);
  });

  it('as a layer: same shape out, round-trips its config, does not leak', () => {
    const layer = new Relu({ name: 'r' });
    const symbolic = layer.apply(tf.input({ shape: [3, 2] })) as tf.SymbolicTensor;
    expect(symbolic.shape).toEqual([null, 3, 2]);
    expect(layer.getConfig()).toMatchObject({ name: 'r' });
    const x = tf.tensor2d([-1, 2, 0.5, -3], [2, 2]);
    tf.dispose(layer.apply(x));
    const before = tf.memory().numTensors;
    const y = layer.apply(x) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([0, 2, 0.5, 0]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
