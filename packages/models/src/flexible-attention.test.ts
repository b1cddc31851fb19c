import { isHeadroomError } from '@headroom/errors';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import {
  attentionFlopCount,
  attentionParamCount,
  FlexibleMultiHeadAttention,
} from './flexible-attention';
import { tf } from './tf';

beforeAll(async () => {
  await selectBackend();
});

/** A tiny deterministic generator, so the reference does not depend on TF.js's RNG. */
function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
}

interface Weights {
  q: Float32Array;
  bq: Float32Array;
  k: Float32Array;
  bk: Float32Array;
  v: Float32Array;
  bv: Float32Array;
  o: Float32Array;
  bo: Float32Array;
}

/**
 * Multi-head attention written out with loops in float64, independent of the layer:
 * per head i, Q_i = X W^Q_i + b (columns i·dH…), softmax(Q_i K_iᵀ / √dH) V_i, concat, W^O.
 * `mask(b, i, j)` false leaves key j out of query i's softmax.
 */
function reference(
  x: Float32Array,
  [batch, tokens, dModel]: [number, number, number],
  heads: number,
  dH: number,
  w: Weights,
  mask: (b: number, i: number, j: number) => boolean = () => true,
): Float64Array {
  const inner = heads * dH;
  const proj = (W: Float32Array, B: Float32Array, b: number, t: number, c: number) => {
    let s = B[c]!;
    for (let d = 0; d < dModel; d++) s += x[(b * tokens + t) * dModel + d]! * W[d * inner + c]!;
    return s;
  };
  const out = new Float64Array(batch * tokens * dModel);
  for (let b = 0; b < batch; b++) {
    const concat = Array.from({ length: tokens }, () => new Float64Array(inner));
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < tokens; i++) {
        const scores: number[] = [];
        for (let j = 0; j < tokens; j++) {
          if (!mask(b, i, j)) continue;
          let s = 0;
          for (let c = h * dH; c < (h + 1) * dH; c++)
            s += proj(w.q, w.bq, b, i, c) * proj(w.k, w.bk, b, j, c);
          scores[j] = s / Math.sqrt(dH);
        }
        const max = Math.max(...scores.filter((s) => s !== undefined));
        const e = scores.map((s) => (s === undefined ? 0 : Math.exp(s - max)));
        const sum = e.reduce((a, c) => a + c, 0);
        for (let c = h * dH; c < (h + 1) * dH; c++) {
          let s = 0;
          for (let j = 0; j < tokens; j++) if (e[j]) s += (e[j]! / sum) * proj(w.v, w.bv, b, j, c);
          concat[i]![c] = s;
        }
      }
    }
    for (let i = 0; i < tokens; i++) {
      for (let m = 0; m < dModel; m++) {
        let s = w.bo[m]!;
        for (let c = 0; c < inner; c++) s += concat[i]![c]! * w.o[c * dModel + m]!;
        out[(b * tokens + i) * dModel + m] = s;
      }
    }
  }
  return out;
}

function randomWeights(dModel: number, inner: number, seed: number): Weights {
  return {
    q: values(dModel * inner, seed + 1),
    bq: values(inner, seed + 2),
    k: values(dModel * inner, seed + 3),
    bk: values(inner, seed + 4),
    v: values(dModel * inner, seed + 5),
    bv: values(inner, seed + 6),
    o: values(inner * dModel, seed + 7),
    bo: values(dModel, seed + 8),
  };
}

/** Writes `w` into the layer's variables by their names (w_qk/b_qk when tied). */
function setLayerWeights(layer: FlexibleMultiHeadAttention, w: Weights) {
  const byName: Record<string, Float32Array> = {
    w_q: w.q,
    w_qk: w.q,
    b_q: w.bq,
    b_qk: w.bq,
    w_k: w.k,
    b_k: w.bk,
    w_v: w.v,
    b_v: w.bv,
    w_o: w.o,
    b_o: w.bo,
  };
  layer.setWeights(
    layer.weights.map((v) =>
      tf.tensor(byName[v.originalName.split('/').at(-1)!]!, v.shape as number[]),
    ),
  );
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>) {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  expect(worst).toBeLessThan(1e-4);
}

describe('FlexibleMultiHeadAttention', () => {
  const shape: [number, number, number] = [2, 5, 8];
  const cases = [
    { name: 'standard, d_h = d_m / h', heads: 2, dH: 4, qkTied: false },
    { name: 'flexible, d_h > d_m / h', heads: 4, dH: 6, qkTied: false },
    { name: 'flexible, Q = K tied', heads: 3, dH: 5, qkTied: true },
  ];

  for (const c of cases) {
    it(`equals a loop-by-loop multi-head attention: ${c.name}`, () => {
      const layer = new FlexibleMultiHeadAttention({
        dModel: 8,
        heads: c.heads,
        dH: c.dH,
        qkTied: c.qkTied,
      });
      layer.build([null, 5, 8]);
      const w = randomWeights(8, c.heads * c.dH, 10);
      if (c.qkTied) [w.k, w.bk] = [w.q, w.bq];
      setLayerWeights(layer, w);
      const x = values(2 * 5 * 8, 9);
      const got = tf.tidy(() => (layer.apply(tf.tensor3d(x, shape)) as tf.Tensor).dataSync());
      expectClose(got, reference(x, shape, c.heads, c.dH, w));
    });
  }

  it('masks keys ([batch, tokens]) and query-key pairs ([batch, tokens, tokens])', () => {
    const [heads, dH] = [2, 6];
    const layer = new FlexibleMultiHeadAttention({ dModel: 8, heads, dH });
    layer.build([null, 5, 8]);
    const w = randomWeights(8, heads * dH, 20);
    setLayerWeights(layer, w);
    const x = values(2 * 5 * 8, 21);
    const input = tf.tensor3d(x, shape);

    const keyMask = [1, 1, 1, 0, 0, 1, 0, 1, 1, 1]; // sample 0 hides keys 3-4, sample 1 hides key 1
    const byKey = (b: number, _i: number, j: number) => keyMask[b * 5 + j] === 1;
    const got = (
      layer.apply(input, { mask: tf.tensor2d(keyMask, [2, 5]) }) as tf.Tensor
    ).dataSync();
    expectClose(got, reference(x, shape, heads, dH, w, byKey));

    const causal = (_b: number, i: number, j: number) => j <= i;
    const pairs = Array.from({ length: 2 * 5 * 5 }, (_, n) =>
      causal(0, Math.floor(n / 5) % 5, n % 5) ? 1 : 0,
    );
    const gotCausal = (
      layer.apply(input, { mask: tf.tensor3d(pairs, [2, 5, 5]) }) as tf.Tensor
    ).dataSync();
    expectClose(gotCausal, reference(x, shape, heads, dH, w, causal));

    expect(() => layer.apply(input, { mask: tf.ones([2, 4]) })).toThrow(
      /mask must be \[2,5\] or \[2,5,5\]/,
    );
  });

  for (const c of [
    { name: 'untied', qkTied: false, masked: false },
    { name: 'tied', qkTied: true, masked: false },
    { name: 'masked, with dropout off', qkTied: false, masked: true },
  ]) {
    it(`the fused QKV product has the gradients of three separate projections: ${c.name}`, () => {
      const [heads, dH] = [3, 5];
      const layer = new FlexibleMultiHeadAttention({ dModel: 8, heads, dH, qkTied: c.qkTied });
      layer.build([null, 5, 8]);
      const w = randomWeights(8, heads * dH, 40);
      if (c.qkTied) [w.k, w.bk] = [w.q, w.bq];
      setLayerWeights(layer, w);
      const x = tf.tensor3d(values(2 * 5 * 8, 41), shape);
      const mask = c.masked ? tf.tensor2d([1, 1, 0, 1, 1, 1, 0, 1, 1, 1], [2, 5]) : undefined;
      const upstream = tf.tensor3d(values(2 * 5 * 8, 42), shape);
      const vars = layer.trainableWeights.map((v) => v.read() as tf.Variable);
      const byName = (n: string) =>
        layer.trainableWeights.find((v) => v.originalName.split('/').at(-1) === n)!.read();
      // The layer written the long way: one matMul + bias per projection, per-head transposes.
      const separate = (input: tf.Tensor) => {
        const flat = tf.reshape(input, [10, 8]);
        const project = (k: tf.Tensor, b: tf.Tensor) =>
          tf.transpose(tf.reshape(tf.add(tf.matMul(flat, k), b), [2, 5, heads, dH]), [0, 2, 1, 3]);
        const q = project(byName(c.qkTied ? 'w_qk' : 'w_q'), byName(c.qkTied ? 'b_qk' : 'b_q'));
        const k = c.qkTied ? q : project(byName('w_k'), byName('b_k'));
        const v = project(byName('w_v'), byName('b_v'));
        let scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(dH));
        if (mask) scores = tf.add(scores, tf.mul(tf.sub(1, tf.reshape(mask, [2, 1, 1, 5])), -1e9));
        const mixed = tf.reshape(tf.transpose(tf.matMul(tf.softmax(scores), v), [0, 2, 1, 3]), [
          10,
          heads * dH,
        ]);
        return tf.reshape(tf.add(tf.matMul(mixed, byName('w_o')), byName('b_o')), shape);
      };
      const fused = (input: tf.Tensor) => layer.apply(input, mask ? { mask } : {}) as tf.Tensor;
      const gradients = (f: (input: tf.Tensor) => tf.Tensor) => {
        const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(f(input), upstream)))(x);
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(f(x), upstream)), vars);
        return [f(x), dx, ...vars.map((v) => grads[v.name]!)].map((t) => t.dataSync());
      };
      const [got, want] = [gradients(fused), gradients(separate)];
      expect(got).toHaveLength(vars.length + 2);
      got.forEach((g, i) => expectClose(g, want[i]!));
    });
  }

  it('ties Q and K with one variable: no K weight, and writing it moves both', () => {
    const layer = new FlexibleMultiHeadAttention({
      dModel: 8,
      heads: 2,
      dH: 4,
      qkTied: true,
      name: 'tied',
    });
    layer.apply(tf.input({ shape: [5, 8] }));
    expect(layer.trainableWeights.map((w) => w.originalName)).toEqual([
      'tied/w_qk',
      'tied/b_qk',
      'tied/w_v',
      'tied/b_v',
      'tied/w_o',
      'tied/b_o',
    ]);
    const x = values(2 * 5 * 8, 31);
    const w = randomWeights(8, 8, 30);
    [w.k, w.bk] = [w.q, w.bq];
    setLayerWeights(layer, w);
    const before = (layer.apply(tf.tensor3d(x, shape)) as tf.Tensor).dataSync();
    // A new W^QK: the output must equal attention with that matrix as both W^Q and W^K.
    const next = values(8 * 8, 32);
    layer.trainableWeights[0]!.write(tf.tensor2d(next, [8, 8]));
    const after = (layer.apply(tf.tensor3d(x, shape)) as tf.Tensor).dataSync();
    expect(Array.from(after)).not.toEqual(Array.from(before));
    expectClose(after, reference(x, shape, 2, 4, { ...w, q: next, k: next }));
  });

  it('has the parameter count of the product formulas, tied and untied', () => {
    for (const g of [
      { dModel: 32, heads: 4, dH: 8, qkTied: false },
      { dModel: 32, heads: 4, dH: 24, qkTied: false },
      { dModel: 32, heads: 2, dH: 48, qkTied: true },
      { dModel: 24, heads: 3, dH: 8, qkTied: true },
      { dModel: 16, heads: 8, dH: 5, qkTied: false },
    ]) {
      const layer = new FlexibleMultiHeadAttention(g);
      layer.build([null, 3, g.dModel]);
      const [h, d, m] = [g.heads, g.dH, g.dModel];
      const formula = g.qkTied ? 3 * h * d * m + 2 * h * d + m : 4 * h * d * m + 3 * h * d + m;
      expect(layer.countParams()).toBe(formula);
      expect(attentionParamCount(g)).toBe(formula);
    }
    // The standard layer: 4·d_m² + 4·d_m.
    expect(attentionParamCount({ dModel: 256, heads: 8, dH: 32, qkTied: false })).toBe(
      4 * 256 * 256 + 4 * 256,
    );
  });

  it('counts FLOPs as projections plus two n² products', () => {
    const g = { dModel: 4, heads: 2, dH: 3, qkTied: false };
    expect(attentionFlopCount(g, 5)).toBe(3 * 2 * 5 * 4 * 6 + 2 * (2 * 2 * 25 * 3) + 2 * 5 * 6 * 4);
    expect(attentionFlopCount({ ...g, qkTied: true }, 5)).toBe(
      attentionFlopCount(g, 5) - 2 * 5 * 4 * 6,
    );
  });

  it('lists every bad argument in one error', () => {
    try {
      new FlexibleMultiHeadAttention({ dModel: 0, heads: 2.5, dH: -1, dropout: 1.5 });
      expect.unreachable();
    } catch (err) {
      expect(isHeadroomError(err) && err.violations.map((v) => v.path)).toEqual([
        'd_m',
        'heads',
        'd_h',
        'dropout',
      ]);
    }
  });

  it('rejects an input whose width is not d_m', () => {
    const layer = new FlexibleMultiHeadAttention({ dModel: 8, heads: 2, dH: 4 });
    expect(() => layer.apply(tf.input({ shape: [3, 6] }))).toThrow(
      /expects input \[batch, tokens, 8\]/,
    );
  });

  it('drops attention only while training', () => {
    const layer = new FlexibleMultiHeadAttention({
      dModel: 8,
      heads: 2,
      dH: 4,
      dropout: 0.5,
      seed: 3,
    });
    const x = tf.randomNormal([2, 6, 8], 0, 1, 'float32', 1);
    const a = (layer.apply(x) as tf.Tensor).dataSync();
    const b = (layer.apply(x) as tf.Tensor).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    const trained = (layer.apply(x, { training: true }) as tf.Tensor).dataSync();
    expect(Array.from(trained)).not.toEqual(Array.from(a));
  });

  it('does not leak tensors, with or without mask and dropout', () => {
    const layer = new FlexibleMultiHeadAttention({ dModel: 8, heads: 2, dH: 5, dropout: 0.1 });
    const x = tf.randomNormal([2, 3, 8]);
    const mask = tf.ones([2, 3]);
    tf.dispose(layer.apply(x)); // builds the weights
    const before = tf.memory().numTensors;
    tf.dispose(layer.apply(x));
    tf.dispose(layer.apply(x, { training: true, mask }));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('round-trips through a saved model topology: same config, same outputs', async () => {
    const input = tf.input({ shape: [5, 16] });
    const layer = new FlexibleMultiHeadAttention({
      dModel: 16,
      heads: 4,
      dH: 12,
      qkTied: true,
      dropout: 0.1,
      seed: 5,
      name: 'mha',
    });
    const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(
        async (a) => (
          (saved = a),
          { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
        ),
      ),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const copy = loaded.getLayer('mha');
    expect(copy).toBeInstanceOf(FlexibleMultiHeadAttention);
    expect(copy.getConfig()).toEqual(layer.getConfig());
    const x = tf.randomNormal([3, 5, 16], 0, 1, 'float32', 4);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(
      Array.from((model.predict(x) as tf.Tensor).dataSync()),
    );
  });

  it('starts from the same weights for the same seed, others for another', () => {
    const weights = (seed: number) => {
      const layer = new FlexibleMultiHeadAttention({ dModel: 8, heads: 2, dH: 4, seed });
      layer.build([null, 3, 8]);
      return layer.getWeights().map((w) => Array.from(w.dataSync()));
    };
    expect(weights(1)).toEqual(weights(1));
    expect(weights(1)).not.toEqual(weights(2));
  });
});
