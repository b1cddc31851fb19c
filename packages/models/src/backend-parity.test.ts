import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { FlexibleMultiHeadAttention } from './flexible-attention';
import { BatchNorm } from './batch-norm';
import { gelu } from './gelu';
import { layerNorm } from './layer-norm';
import { linear } from './linear';
import { ScheduledAdam } from './optimizers';
import { relu } from './relu';
import type { TaskId } from '@headroom/sweep';
import { buildTaskModel, type TaskModelConfigs } from './tasks';
import { tf } from './tf';

/**
 * Op by op, the fast backend (native TensorFlow where `pnpm setup:native` built it) gives the
 * results of the plain-JavaScript `cpu` backend, the reference, for everything the models
 * use: forward values and gradients, each case computed from the same numbers on both.
 *
 * Tolerance: float32 throughout; every value v of the fast backend and r of cpu must satisfy
 * |v − r| ≤ TOLERANCE · max(1, max |r|) over the tensor (an absolute bound scaled by the
 * tensor's magnitude). TOLERANCE is 1e-5 for single ops and layers, where the two backends
 * differ only in summation order (measured: ≤ 2e-7 on TensorFlow 2.21 CPU), and
 * WHOLE_MODEL_TOLERANCE 1e-4 for whole models, whose gradients add up products through
 * several layers. (On Ampere or newer GPUs TensorFlow multiplies float32 matrices in TF32;
 * run this test there with NVIDIA_TF32_OVERRIDE=0, see docs/gpu.md.)
 */
const TOLERANCE = 1e-5;
const WHOLE_MODEL_TOLERANCE = 1e-4;

const nativeLoads =
  spawnSync(process.execPath, ['-e', "require('@tensorflow/tfjs-node')"], {
    cwd: __dirname,
    stdio: 'ignore',
  }).status === 0;

let fast = '';
let original = '';
beforeAll(async () => {
  await selectBackend();
  fast = tf.getBackend();
  original = fast;
});
afterAll(async () => {
  await tf.setBackend(original);
});

/** Deterministic values in [−scale/2, scale/2), the same on every backend and run. */
function values(n: number, seed: number, scale = 1): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648 - 0.5) * scale;
  });
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const input = (shape: number[], seed: number, scale = 2) =>
  tf.tensor(values(size(shape), seed, scale), shape);

/** `sum(y · w)` with fixed weights w, so the gradient flowing back differs element by element. */
function weightedSum(y: tf.Tensor, seed = 99): tf.Scalar {
  return tf.sum(tf.mul(y, input(y.shape, seed)));
}

/** Output and gradients of `f` with respect to each of the inputs made by `make`. */
function withGrads(make: () => tf.Tensor[], f: (...xs: tf.Tensor[]) => tf.Tensor): tf.Tensor[] {
  const xs = make();
  const y = f(...xs);
  const grads = tf.grads((...args: tf.Tensor[]) => weightedSum(f(...args)))(xs);
  return [y, ...grads];
}

/** Output of a layer and gradients for its input and every trainable weight. */
function layerWithGrads(
  layer: tf.layers.Layer,
  x: tf.Tensor,
  kwargs: Record<string, unknown> = {},
): tf.Tensor[] {
  const y = layer.apply(x, kwargs) as tf.Tensor;
  const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const dx = tf.grad((xIn: tf.Tensor) => weightedSum(layer.apply(xIn, kwargs) as tf.Tensor))(x);
  const { grads } = tf.variableGrads(() => weightedSum(layer.apply(x, kwargs) as tf.Tensor), vars);
  return [y, dx, ...vars.map((v) => grads[v.name]!)];
}

/** Sets every weight of a built layer to deterministic values. */
function fillWeights(layer: tf.layers.Layer, seed: number) {
  layer.setWeights(layer.weights.map((w, i) => input(w.shape as number[], seed + i, 1)));
}

/** Runs `compute` on `backend` from scratch and returns its tensors' values. */
async function on(backend: string, compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(compute);
  const arrays = out.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(out);
  return arrays;
}

async function expectParity(compute: () => tf.Tensor[], tolerance = TOLERANCE) {
  const reference = await on('cpu', compute);
  const got = await on(fast, compute);
  await tf.setBackend(original);
  expect(got.length).toBe(reference.length);
  got.forEach((values, t) => {
    const want = reference[t]!;
    expect(values.length, `tensor ${t}`).toBe(want.length);
    let scale = 1;
    for (const r of want) scale = Math.max(scale, Math.abs(r));
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(values[i]! - want[i]!));
    expect(worst / scale, `tensor ${t} (0 = output, then gradients)`).toBeLessThanOrEqual(
      tolerance,
    );
    expect(values.every(Number.isFinite), `tensor ${t} finite`).toBe(true);
  });
}

describe('the fast backend matches cpu, forward and gradients', () => {
  it('is native TensorFlow when its binding is built (else the comparison is wasm vs cpu)', () => {
    expect(fast).toBe(nativeLoads ? 'tensorflow' : 'wasm');
  });

  it('matMul, plain and with transposed operands', () =>
    expectParity(() => [
      ...withGrads(
        () => [input([6, 5], 1), input([5, 7], 2)],
        (a, b) => tf.matMul(a!, b!),
      ),
      ...withGrads(
        () => [input([5, 6], 3), input([7, 5], 4)],
        (a, b) => tf.matMul(a!, b!, true, true),
      ),
    ]));

  it('batched matMul of attention shapes, [b, h, t, d] · [b, h, t, d]ᵀ', () =>
    expectParity(() =>
      withGrads(
        () => [input([2, 3, 5, 4], 5), input([2, 3, 5, 4], 6)],
        (q, k) => tf.matMul(q!, k!, false, true),
      ),
    ));

  for (const activation of ['linear', 'relu'] as const) {
    it(`fused matMul + bias + ${activation}`, () =>
      expectParity(() =>
        withGrads(
          () => [input([6, 5], 7), input([5, 9], 8), input([9], 9)],
          (a, b, bias) => tf.fused.matMul({ a: a!, b: b!, bias, activation }),
        ),
      ));
  }

  it('softmax over the last axis', () =>
    expectParity(() =>
      withGrads(
        () => [input([2, 3, 5, 5], 10, 6)],
        (s) => tf.softmax(s!),
      ),
    ));

  it('LayerNorm with its written-out gradient', () =>
    expectParity(() =>
      withGrads(
        () => [input([3, 4, 16], 11, 4), input([16], 12), input([16], 13)],
        (x, g, b) => layerNorm(x!, g!, b!, 1e-5),
      ),
    ));

  it("linear: TensorFlow's MatMul with its written-out gradient", () =>
    expectParity(() =>
      withGrads(
        () => [input([3, 17, 24], 51), input([24, 40], 52), input([40], 53)],
        (x, w, b) => linear(x!, w!, b!),
      ),
    ));

  it('gelu with its written-out gradient', () =>
    expectParity(() => withGrads(() => [input([6, 9, 11], 29, 6)], gelu)));

  it('relu with its written-out gradient', () =>
    expectParity(() =>
      withGrads(
        () => [input([3, 4, 5, 2], 41, 4)],
        (x) => relu(x!),
      ),
    ));

  for (const activation of ['gelu', 'relu'] as const) {
    it(`dense layer with ${activation}`, () =>
      expectParity(() => {
        const layer = tf.layers.dense({ units: 9, activation });
        layer.build([null, 4, 6]);
        fillWeights(layer, 14);
        return layerWithGrads(layer, input([3, 4, 6], 15, 4));
      }));
  }

  const attention = [
    { name: 'untied', qkTied: false, mask: false },
    { name: 'tied Q = K', qkTied: true, mask: false },
    { name: 'masked', qkTied: false, mask: true },
  ];
  for (const c of attention) {
    it(`flexible attention, ${c.name}`, () =>
      expectParity(() => {
        const layer = new FlexibleMultiHeadAttention({
          dModel: 8,
          heads: 3,
          dH: 5,
          qkTied: c.qkTied,
        });
        layer.build([null, 6, 8]);
        fillWeights(layer, 16);
        const mask = tf.tensor2d(
          Array.from({ length: 12 }, (_, i) => (i % 6 === 4 ? 0 : 1)),
          [2, 6],
        );
        return layerWithGrads(layer, input([2, 6, 8], 17), c.mask ? { mask } : {});
      }));
  }

  it('reshape, 5-D transpose, unstack and concat (the fused QKV split)', () =>
    expectParity(() =>
      withGrads(
        () => [input([2, 3, 2, 4, 5], 18), input([4, 6], 19)],
        (x, w) => {
          const [a, b] = tf.unstack(tf.transpose(x!, [2, 0, 3, 1, 4]));
          const joined = tf.concat([tf.reshape(a!, [-1, 6]), tf.reshape(b!, [-1, 6]), w!], 0);
          return tf.mul(joined, tf.reshape(tf.transpose(w!), [-1]).slice(0, 6));
        },
      ),
    ));

  it('conv2d (stride 1 and 2, same padding) and its transpose', () =>
    expectParity(() => [
      ...withGrads(
        () => [input([2, 8, 6, 3], 20), input([3, 3, 3, 4], 21)],
        (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'same'),
      ),
      ...withGrads(
        () => [input([2, 8, 6, 3], 22), input([3, 3, 3, 4], 23)],
        (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'),
      ),
      ...withGrads(
        () => [input([2, 4, 3, 5], 24), input([4, 4, 6, 5], 25)],
        (x, f) => tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, [2, 8, 6, 6], 2, 'same'),
      ),
    ]));

  it('batch normalisation in training mode', () =>
    expectParity(() => {
      const layer = tf.layers.batchNormalization({ momentum: 0.9 });
      layer.build([null, 4, 3, 5]);
      fillWeights(layer, 26);
      layer.setWeights([...layer.getWeights().slice(0, 3), tf.ones([5])]); // variance > 0
      return layerWithGrads(layer, input([2, 4, 3, 5], 27, 4), { training: true });
    }));

  it('BatchNorm (written-out gradient) in training mode', () =>
    expectParity(() => {
      const layer = new BatchNorm({ momentum: 0.9 });
      layer.build([null, 4, 3, 5]);
      fillWeights(layer, 26);
      layer.setWeights([...layer.getWeights().slice(0, 3), tf.ones([5])]);
      const out = layerWithGrads(layer, input([2, 4, 3, 5], 27, 4), { training: true });
      return [...out, ...layer.getWeights().slice(2)]; // and the moving statistics
    }));

  it('the MPJPE loss (mean Euclidean distance per joint)', () =>
    expectParity(() =>
      withGrads(
        () => [input([4, 17, 3], 28), input([4, 17, 3], 29)],
        (p, t) => tf.mean(tf.sqrt(tf.add(tf.sum(tf.square(tf.sub(p!, t!)), -1), 1e-12))),
      ),
    ));

  it('Adam: three updates from the same gradients', () =>
    expectParity(() => {
      const w = tf.variable(input([5, 7], 30), true, `adam_w_${Math.random()}`);
      const b = tf.variable(input([7], 31), true, `adam_b_${Math.random()}`);
      const optimizer = tf.train.adam(0.01);
      for (let step = 0; step < 3; step++) {
        optimizer.applyGradients([
          { name: w.name, tensor: input([5, 7], 32 + step) },
          { name: b.name, tensor: input([7], 35 + step) },
        ]);
      }
      const out = [w.clone(), b.clone()];
      optimizer.dispose();
      w.dispose();
      b.dispose();
      return out;
    }));

  for (const decoupled of [false, true]) {
    it(`ScheduledAdam (${decoupled ? 'AdamW' : 'Adam'} with decay): three updates, TensorFlow's fused kernel on the native backend`, () =>
      expectParity(() => {
        const w = tf.variable(input([5, 7], 40), true, `sadam_w_${Math.random()}`);
        const b = tf.variable(input([7], 41), true, `sadam_b_${Math.random()}`);
        const optimizer = new ScheduledAdam({
          lr: 0.01,
          weightDecay: 0.1,
          decoupled,
          decayed: [w],
        });
        for (let step = 0; step < 3; step++) {
          optimizer.setLearningRate(0.01 / (step + 1));
          optimizer.applyGradients([
            { name: w.name, tensor: input([5, 7], 42 + step, 0.02 * (step + 1)) },
            { name: b.name, tensor: input([7], 45 + step) },
          ]);
        }
        const out = [w.clone(), b.clone()];
        optimizer.dispose();
        w.dispose();
        b.dispose();
        return out;
      }));
  }

  const SMALL: Partial<TaskModelConfigs> = {
    pose3d: { dModel: 16, heads: 2, dH: 12, qkTied: true, layers: 2, seed: 1 },
    pose2d: {
      dModel: 16,
      heads: 2,
      dH: 8,
      layers: 1,
      imageSize: [32, 24],
      backbone: [8, 16],
      seed: 1,
    },
  };
  for (const task of ['pose3d', 'pose2d'] as TaskId[]) {
    it(`${task} model: output and the gradient of every trainable weight`, () =>
      expectParity(() => {
        const model = buildTaskModel(task, SMALL[task] as never);
        const x = input([2, ...(model.inputs[0]!.shape.slice(1) as number[])], 40);
        const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const y = model.apply(x, { training: true }) as tf.Tensor;
        const { grads } = tf.variableGrads(
          () => weightedSum(model.apply(x, { training: true }) as tf.Tensor),
          vars,
        );
        model.dispose(); // its variables only; the output and gradients stay
        return [y, ...vars.map((v) => grads[v.name]!)];
      }, WHOLE_MODEL_TOLERANCE));
  }
});
