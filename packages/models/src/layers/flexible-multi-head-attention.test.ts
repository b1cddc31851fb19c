import { beforeAll, describe, expect, it } from 'vitest';
import { countAttentionParams } from '../counts';
import { isModelConfigError } from '../model-config-error';
import { tf } from '../tf';
import { FlexibleMultiHeadAttention } from './flexible-multi-head-attention';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A tiny deterministic generator, so the reference test does not depend on tf's RNG. */
function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
}

/** softmax(X Wq (X Wk)ᵀ / √dH) X Wv per head, concatenated, times Wo; float64 loops. */
function reference(
  x: Float32Array,
  [batch, tokens, dModel]: number[],
  heads: number,
  dH: number,
  w: { q: Float32Array; k: Float32Array; v: Float32Array; o: Float32Array; bq: Float32Array; bk: Float32Array; bv: Float32Array; bo: Float32Array },
): Float64Array {
  const inner = heads * dH;
  const out = new Float64Array(batch! * tokens! * dModel!);
  const proj = (W: Float32Array, B: Float32Array, b: number, t: number, c: number) => {
    let s = B[c]!;
    for (let d = 0; d < dModel!; d++) s += x[(b * tokens! + t) * dModel! + d]! * W[d * inner + c]!;
    return s;
  };
  for (let b = 0; b < batch!; b++) {
    const concat = Array.from({ length: tokens! }, () => new Float64Array(inner));
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < tokens!; i++) {
        const scores = Array.from({ length: tokens! }, (_, j) => {
          let s = 0;
          for (let c = h * dH; c < (h + 1) * dH; c++) s += proj(w.q, w.bq, b, i, c) * proj(w.k, w.bk, b, j, c);
          return s / Math.sqrt(dH);
        });
        const max = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - max));
        const sum = e.reduce((a, c) => a + c, 0);
        for (let c = h * dH; c < (h + 1) * dH; c++) {
          let s = 0;
          for (let j = 0; j < tokens!; j++) s += (e[j]! / sum) * proj(w.v, w.bv, b, j, c);
          concat[i]![c] = s;
        }
      }
    }
    for (let i = 0; i < tokens!; i++) {
      for (let m = 0; m < dModel!; m++) {
        let s = w.bo[m]!;
        for (let c = 0; c < inner; c++) s += concat[i]![c]! * w.o[c * dModel! + m]!;
        out[(b * tokens! + i) * dModel! + m] = s;
      }
    }
  }
  return out;
}

describe('FlexibleMultiHeadAttention', () => {
  const cases = [
    { name: 'standard (d_h = d_m / h)', dModel: 8, heads: 2, dH: 4, qkTied: false },
    { name: 'flexible d_h > d_m / h', dModel: 8, heads: 4, dH: 6, qkTied: false },
    { name: 'flexible, Q = K tied', dModel: 8, heads: 3, dH: 5, qkTied: true },
  ];

  for (const c of cases) {
    it(`matches a loop-by-loop reference: ${c.name}`, () => {
      const layer = new FlexibleMultiHeadAttention({ dModel: c.dModel, heads: c.heads, dH: c.dH, qkTied: c.qkTied });
      const shape = [2, 5, c.dModel];
      layer.build(shape);
      const inner = c.heads * c.dH;
      const w = {
        q: values(c.dModel * inner, 1),
        bq: values(inner, 2),
        k: values(c.dModel * inner, 3),
        bk: values(inner, 4),
        v: values(c.dModel * inner, 5),
        bv: values(inner, 6),
        o: values(inner * c.dModel, 7),
        bo: values(c.dModel, 8),
      };
      if (c.qkTied) {
        w.k = w.q;
        w.bk = w.bq;
      }
      const byName: Record<string, Float32Array> = {
        w_q: w.q, w_qk: w.q, b_q: w.bq, b_qk: w.bq, w_k: w.k, b_k: w.bk, w_v: w.v, b_v: w.bv, w_o: w.o, b_o: w.bo,
      };
      layer.setWeights(layer.weights.map((v) => tf.tensor(byName[v.originalName.split('/').at(-1)!]!, v.shape as number[])));
      const x = values(2 * 5 * c.dModel, 9);
      const got = (layer.apply(tf.tensor3d(x, shape as [number, number, number])) as tf.Tensor).dataSync();
      const want = reference(x, shape, c.heads, c.dH, w);
      expect(got.length).toBe(want.length);
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 5);
    });
  }

  it('has the parameter count of the closed-form formulas, untied and tied', () => {
    for (const g of [
      { dModel: 32, heads: 4, dH: 8, qkTied: false },
      { dModel: 32, heads: 4, dH: 24, qkTied: false },
      { dModel: 32, heads: 2, dH: 48, qkTied: true },
    ]) {
      const layer = new FlexibleMultiHeadAttention(g);
      layer.build([null, 3, g.dModel]);
      expect(layer.countParams()).toBe(countAttentionParams(g));
      expect(layer.expectedParams()).toBe(countAttentionParams(g));
    }
    const noBias = new FlexibleMultiHeadAttention({ dModel: 16, heads: 2, dH: 12, useBias: false });
    noBias.build([null, 3, 16]);
    expect(noBias.countParams()).toBe(noBias.expectedParams());
  });

  it('shares one projection between queries and keys when tied', () => {
    const layer = new FlexibleMultiHeadAttention({ dModel: 8, heads: 2, dH: 4, qkTied: true, name: 'tied' });
    layer.build([null, 3, 8]);
    expect(layer.weights.map((w) => w.originalName)).toEqual([
      'tied/w_qk', 'tied/b_qk', 'tied/w_v', 'tied/b_v', 'tied/w_o', 'tied/b_o',
    ]);
  });

  it('rejects an input whose width is not d_m', () => {
    const layer = new FlexibleMultiHeadAttention({ dModel: 8, heads: 2, dH: 4 });
    expect(() => layer.apply(tf.input({ shape: [3, 6] }))).toThrow(/expects input \[batch, tokens, 8\]/);
  });

  it('reports bad geometry and dropout together, with sweep-file paths', () => {
    try {
      new FlexibleMultiHeadAttention({ dModel: 10, heads: 4, dH: 'auto' as unknown as number, attentionDropout: 1.5 });
      expect.unreachable();
    } catch (err) {
      expect(isModelConfigError(err)).toBe(true);
      if (isModelConfigError(err)) expect(err.violations.map((v) => v.path)).toEqual(['d_h', 'attention_dropout']);
    }
  });

  it('drops attention only while training', () => {
    const layer = new FlexibleMultiHeadAttention({ dModel: 8, heads: 2, dH: 4, attentionDropout: 0.5, seed: 3 });
    const x = tf.randomNormal([2, 6, 8], 0, 1, 'float32', 1);
    const a = (layer.apply(x) as tf.Tensor).dataSync();
    const b = (layer.apply(x) as tf.Tensor).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    const trained = (layer.apply(x, { training: true }) as tf.Tensor).dataSync();
    expect(Array.from(trained)).not.toEqual(Array.from(a));
  });

  it('learns: gradients reach every weight and a few steps lower the loss', () => {
    const input = tf.input({ shape: [4, 8] });
    const layer = new FlexibleMultiHeadAttention({ dModel: 8, heads: 2, dH: 6, qkTied: true, seed: 7 });
    const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
    const x = tf.randomNormal([16, 4, 8], 0, 1, 'float32', 2);
    const y = tf.randomNormal([16, 4, 8], 0, 1, 'float32', 3);
    const loss = () => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar;
    const { grads } = tf.variableGrads(loss, layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val));
    for (const g of Object.values(grads)) {
      const data = g.dataSync();
      expect(data.every(Number.isFinite)).toBe(true);
      expect(data.some((v) => v !== 0)).toBe(true);
    }
    tf.dispose(grads);
    const optimizer = tf.train.adam(0.01);
    const before = tf.tidy(() => loss().dataSync()[0]!);
    for (let i = 0; i < 30; i++) optimizer.minimize(loss);
    const after = tf.tidy(() => loss().dataSync()[0]!);
    expect(after).toBeLessThan(before * 0.95);
  });

  it('does not leak tensors', () => {
    const layer = new FlexibleMultiHeadAttention({ dModel: 8, heads: 2, dH: 5, attentionDropout: 0.1 });
    const x = tf.randomNormal([2, 3, 8]);
    layer.apply(x); // builds the weights
    const before = tf.memory().numTensors;
    (layer.apply(x) as tf.Tensor).dispose();
    (layer.apply(x, { training: true }) as tf.Tensor).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('round-trips through a saved model: same config, same outputs', async () => {
    const input = tf.input({ shape: [5, 16] });
    const layer = new FlexibleMultiHeadAttention({ dModel: 16, heads: 4, dH: 12, qkTied: true, attentionDropout: 0.1, seed: 5, name: 'mha' });
    const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const copy = loaded.getLayer('mha');
    expect(copy).toBeInstanceOf(FlexibleMultiHeadAttention);
    expect(copy.getConfig()).toEqual(layer.getConfig());
    const x = tf.randomNormal([3, 5, 16], 0, 1, 'float32', 4);
    const a = (model.predict(x) as tf.Tensor).dataSync();
    const b = (loaded.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('starts from the same weights for the same seed', () => {
    const weights = (seed: number) => {
      const layer = new FlexibleMultiHeadAttention({ dModel: 8, heads: 2, dH: 4, seed });
      layer.build([null, 3, 8]);
      return layer.getWeights().map((w) => Array.from(w.dataSync()));
    };
    expect(weights(1)).toEqual(weights(1));
    expect(weights(1)).not.toEqual(weights(2));
  });
});
