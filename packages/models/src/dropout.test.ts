import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { Dropout } from './dropout';
import { tf } from './tf';

beforeAll(async () => {
  await selectBackend();
});

const ones = () => tf.ones([4, 17, 8]);
const masks = (layer: Dropout, calls: number) =>
  Array.from({ length: calls }, () =>
    tf.tidy(() => Array.from((layer.apply(ones(), { training: true }) as tf.Tensor).dataSync())),
  );

describe('Dropout', () => {
  it('drops other units at every training call, scaled by 1 / (1 − rate)', () => {
    const [a, b] = masks(new Dropout({ rate: 0.5, seed: 3 }), 2);
    expect(a).not.toEqual(b);
    for (const v of a!) expect([0, 2]).toContain(v);
    const kept = a!.filter((v) => v !== 0).length / a!.length;
    expect(kept).toBeGreaterThan(0.35);
    expect(kept).toBeLessThan(0.65);
  });

  it('draws the same masks from the same seed and other masks from another seed', () => {
    const first = masks(new Dropout({ rate: 0.3, seed: 7 }), 3);
    expect(masks(new Dropout({ rate: 0.3, seed: 7 }), 3)).toEqual(first);
    expect(masks(new Dropout({ rate: 0.3, seed: 8 }), 3)[0]).not.toEqual(first[0]);
  });

  it('passes the input through outside training', () => {
    const layer = new Dropout({ rate: 0.5, seed: 1 });
    const out = tf.tidy(() => Array.from((layer.apply(ones()) as tf.Tensor).dataSync()));
    expect(out.every((v) => v === 1)).toBe(true);
  });

  it('round-trips through a saved topology', async () => {
    const input = tf.input({ shape: [17, 8] });
    const output = new Dropout({ rate: 0.25, seed: 5, name: 'drop' }).apply(
      input,
    ) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const restored = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) });
    const layer = restored.getLayer('drop') as Dropout;
    expect(layer).toBeInstanceOf(Dropout);
    expect([layer.rate, layer.seed]).toEqual([0.25, 5]);
    restored.dispose();
    model.dispose();
  });

  it('does not leak tensors', () => {
    const layer = new Dropout({ rate: 0.5, seed: 2 });
    masks(layer, 1);
    const before = tf.memory().numTensors;
    masks(layer, 3);
    expect(tf.memory().numTensors).toBe(before);
  });
});
