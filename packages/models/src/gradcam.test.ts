import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { buildChestModel } from './chest';
import { chestGradCam } from './gradcam';
import { tf } from './tf';

beforeAll(async () => {
  await selectBackend();
});

/** 12×12 grey images in 4×4 patches: a 3×3 grid, 9 patch tokens and the class token. */
const tiny = () =>
  buildChestModel({
    dModel: 8,
    heads: 2,
    dH: 4,
    layers: 2,
    imageSize: [12, 12],
    patchSize: 4,
    classes: 3,
    seed: 5,
  });

describe('chestGradCam', () => {
  it('gives one [0, 1] map per image on the patch grid, the same every time, and leaks nothing', () => {
    const model = tiny();
    const images = tf.randomNormal([3, 12, 12, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const first = chestGradCam(model, images, 1);
    const before = tf.memory().numTensors;
    const again = chestGradCam(model, images, 1);
    expect(tf.memory().numTensors).toBe(before);

    expect(first.grid).toEqual([3, 3]);
    expect(first.maps).toHaveLength(3 * 9);
    expect(first.logits).toHaveLength(3);
    expect(Array.from(again.maps)).toEqual(Array.from(first.maps));
    for (let b = 0; b < 3; b++) {
      const map = Array.from(first.maps.subarray(b * 9, (b + 1) * 9));
      for (const v of map) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      // Scaled per image: its peak is 1 and the map is not flat.
      expect(Math.max(...map)).toBeCloseTo(1, 5);
      expect(Math.min(...map)).toBe(0);
    }
    // The logits are the model's, before its sigmoid.
    const probs = (model.predict(images) as tf.Tensor).arraySync() as number[][];
    for (let b = 0; b < 3; b++)
      expect(1 / (1 + Math.exp(-first.logits[b]!))).toBeCloseTo(probs[b]![1]!, 5);
    // Another class, another map.
    expect(Array.from(chestGradCam(model, images, 2).maps)).not.toEqual(Array.from(first.maps));
    images.dispose();
    model.dispose();
  });

  it('equals Grad-CAM computed from finite-difference gradients of the logit', () => {
    const model = tiny();
    const k = 0;
    const image = tf.randomNormal([1, 12, 12, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
    const { maps, logits } = chestGradCam(model, image, k);

    // The second (last) block written out by hand from the model's layers: x is its input,
    // A = ln1(x) the tokens Grad-CAM explains; the logit as a function of A with x held.
    const layer = (name: string) => model.getLayer(name);
    const apply = (name: string, t: tf.Tensor | tf.Tensor[]) => layer(name).apply(t) as tf.Tensor;
    const upstream = tf.model({ inputs: model.inputs, outputs: layer('block0_add2').output });
    const x = upstream.predict(image) as tf.Tensor;
    const A = apply('block1_ln1', x);
    const [kernel, bias] = layer('classifier').getWeights();
    const logitOf = (a: tf.Tensor): number =>
      tf.tidy(() => {
        const a1 = apply('block1_add1', [x, apply('block1_attn', a)]);
        const hidden = apply('block1_ffn1_gelu', apply('block1_ffn1', apply('block1_ln2', a1)));
        const ffn = apply('block1_ffn2', hidden);
        const y = apply('encoder_ln', apply('block1_add2', [a1, ffn]));
        const cls = tf.slice(y, [0, 0, 0], [1, 1, 8]).reshape([1, 8]);
        const logit = tf.add(tf.matMul(cls, tf.slice(kernel!, [0, k], [8, 1])), bias!.slice(k, 1));
        return logit.dataSync()[0]!;
      });
    expect(logitOf(A)).toBeCloseTo(logits[0]!, 4);

    const a = A.dataSync();
    const eps = 1e-2;
    const grad = new Float64Array(a.length);
    for (let i = 8; i < a.length; i++) {
      const at = (delta: number) => {
        const moved = Float32Array.from(a);
        moved[i] = moved[i]! + delta;
        const t = tf.tensor(moved, A.shape);
        const v = logitOf(t);
        t.dispose();
        return v;
      };
      grad[i] = (at(eps) - at(-eps)) / (2 * eps);
    }
    // Grad-CAM over the 9 patch tokens (token 0, the class token, left out).
    const weights = new Float64Array(8);
    for (let t = 1; t <= 9; t++) for (let c = 0; c < 8; c++) weights[c] += grad[t * 8 + c]! / 9;
    const cam = Array.from({ length: 9 }, (_, p) => {
      let s = 0;
      for (let c = 0; c < 8; c++) s += weights[c]! * a[(p + 1) * 8 + c]!;
      return Math.max(0, s);
    });
    const lo = Math.min(...cam);
    const hi = Math.max(...cam) - lo;
    const expected = cam.map((v) => (v - lo) / (hi + 1e-7));
    expect(hi).toBeGreaterThan(0);
    for (let p = 0; p < 9; p++) expect(maps[p]).toBeCloseTo(expected[p]!, 2);
    tf.dispose([image, x, A]);
    model.dispose();
  });

  it('names what is wrong: a class the model lacks, a layer it lacks', () => {
    const model = tiny();
    const images = tf.zeros([1, 12, 12, 1]) as tf.Tensor4D;
    expect(() => chestGradCam(model, images, 3)).toThrow(/class index 3 .* 3 classes \(0…2\)/);
    expect(() => chestGradCam(model, images, 0, { layer: 'block9_ln1' })).toThrow(
      /no layer block9_ln1/,
    );
    images.dispose();
    model.dispose();
  });
});
