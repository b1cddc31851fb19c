import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { tf } from './tf';
import {
  ClassToken,
  Patchify,
  PositionEmbedding,
  TakeToken,
  sineCode1d,
  sineCode2d,
} from './tokens';

beforeAll(async () => {
  await selectBackend();
});

async function roundTrip(model: tf.LayersModel) {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(
      async (a) => (
        (saved = a),
        { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
      ),
    ),
  );
  return tf.loadLayersModel(tf.io.fromMemory(saved!));
}

describe('sine position codes', () => {
  it('1-D: sin on even channels, cos on odd, wavelength growing with the channel pair', () => {
    const d = 6;
    const code = sineCode1d(3, d);
    expect(code[0]).toBe(0); // sin(0)
    expect(code[1]).toBe(1); // cos(0)
    expect(code[2 * d + 0]).toBeCloseTo(Math.sin(2), 6);
    expect(code[2 * d + 3]).toBeCloseTo(Math.cos(2 / Math.pow(10000, 2 / 6)), 6);
  });

  it("2-D: DETR's normalised code, rows in the first half, columns in the second", () => {
    const [rows, cols, d] = [4, 3, 8];
    const code = sineCode2d(rows, cols, d);
    const at = (r: number, c: number, ch: number) => code[(r * cols + c) * d + ch]!;
    const y = (2 / 4) * 2 * Math.PI; // row 1 → (1 + 1) / 4 · 2π
    const x = (3 / 3) * 2 * Math.PI; // col 2 → (2 + 1) / 3 · 2π
    expect(at(1, 2, 0)).toBeCloseTo(Math.sin(y), 5);
    expect(at(1, 2, 1)).toBeCloseTo(Math.cos(y), 5);
    expect(at(1, 2, 2)).toBeCloseTo(Math.sin(y / Math.pow(10000, 2 / 4)), 5);
    expect(at(1, 2, 4)).toBeCloseTo(Math.sin(x), 5);
    expect(at(1, 2, 7)).toBeCloseTo(Math.cos(x / Math.pow(10000, 2 / 4)), 5);
    expect(() => sineCode2d(2, 2, 7)).toThrow(/even d_m/);
  });
});

describe('PositionEmbedding', () => {
  it('adds a learned table: trainable tokens × d_m parameters', () => {
    const layer = new PositionEmbedding({ kind: 'learned', seed: 1 });
    layer.apply(tf.input({ shape: [5, 4] }));
    expect(layer.trainableWeights.map((w) => w.shape)).toEqual([[5, 4]]);
  });

  it('adds the fixed sine code as a non-trainable weight', () => {
    const layer = new PositionEmbedding({ kind: 'sine', grid: [2, 3] });
    const y = layer.apply(tf.zeros([1, 6, 4])) as tf.Tensor;
    expect(layer.trainableWeights).toHaveLength(0);
    const want = sineCode2d(2, 3, 4);
    y.dataSync().forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
  });

  it('rejects a grid that does not cover the tokens', () => {
    const layer = new PositionEmbedding({ kind: 'sine', grid: [2, 2] });
    expect(() => layer.apply(tf.input({ shape: [6, 4] }))).toThrow(
      /grid 2×2 does not cover 6 tokens/,
    );
  });
});

describe('ClassToken and TakeToken', () => {
  it('prepend a learned token and take it back out', () => {
    const input = tf.input({ shape: [3, 4] });
    const withToken = new ClassToken({ name: 'cls' }).apply(input) as tf.SymbolicTensor;
    expect(withToken.shape).toEqual([null, 4, 4]);
    const first = new TakeToken({ index: 0 }).apply(withToken) as tf.SymbolicTensor;
    expect(first.shape).toEqual([null, 4]);
    const model = tf.model({ inputs: input, outputs: [withToken, first] });
    const [all, token] = model.predict(tf.ones([2, 3, 4])) as tf.Tensor[];
    expect(all!.shape).toEqual([2, 4, 4]);
    expect(Array.from(token!.dataSync())).toEqual(new Array(8).fill(0)); // zero-initialised token
    expect(Array.from(all!.slice([0, 1, 0], [1, 1, 4]).dataSync())).toEqual([1, 1, 1, 1]);
  });

  it('round-trip through a saved model and do not leak', async () => {
    const input = tf.input({ shape: [3, 4] });
    let x = new ClassToken({ name: 'cls' }).apply(input) as tf.SymbolicTensor;
    x = new PositionEmbedding({ kind: 'learned', name: 'pos' }).apply(x) as tf.SymbolicTensor;
    x = new TakeToken({ index: 2, name: 'take' }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: x });
    const loaded = await roundTrip(model);
    expect(loaded.getLayer('take').getConfig()['index']).toBe(2);
    const batch = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 1);
    const expected = Array.from((model.predict(batch) as tf.Tensor).dataSync());
    const before = tf.memory().numTensors;
    const out = loaded.predict(batch) as tf.Tensor;
    expect(Array.from(out.dataSync())).toEqual(expected);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('Patchify', () => {
  it('then a dense layer equals a p×p stride-p convolution with the same kernel', () => {
    const [p, c, d] = [4, 3, 5];
    const image = tf.randomNormal([2, 8, 12, c], 0, 1, 'float32', 3) as tf.Tensor4D;
    const kernel = tf.randomNormal([p, p, c, d], 0, 1, 'float32', 4) as tf.Tensor4D;
    const conv = tf.conv2d(image, kernel, p, 'valid'); // [2, 2, 3, d]
    const patches = new Patchify({ patchSize: p }).apply(image) as tf.Tensor;
    expect(patches.shape).toEqual([2, 6, p * p * c]);
    const dense = tf.matMul(patches.reshape([12, p * p * c]), kernel.reshape([p * p * c, d]));
    const want = conv.reshape([12, d]).dataSync();
    dense.dataSync().forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
  });

  it('rejects a patch size that does not divide the image', () => {
    expect(() => new Patchify({ patchSize: 5 }).apply(tf.input({ shape: [8, 8, 1] }))).toThrow(
      /does not divide the image size 8×8/,
    );
    expect(() => new Patchify({ patchSize: 0 })).toThrow(/patch_size: must be a positive integer/);
  });
});
