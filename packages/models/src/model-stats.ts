import type { AttentionGeometry } from '@headroom/sweep';
import { FlexibleMultiHeadAttention } from './flexible-attention';
import { tf } from './tf';

export interface AttentionLayerStats {
  name: string;
  geometry: AttentionGeometry;
  tokens: number;
  params: number;
  flops: number;
}

export interface ModelStats {
  /** Trainable parameters: the number leaderboards and Pareto fronts use. */
  params: number;
  /** All weights, with non-trainable ones (batch-norm statistics, fixed position codes). */
  totalParams: number;
  /** Forward FLOPs for one sample, multiply-add = 2, matrix products and convolutions only. */
  flops: number;
  attention: AttentionLayerStats[];
}

const size = (shape: readonly (number | null)[]) => shape.reduce<number>((n, d) => n * (d ?? 1), 1);

function inputShape(layer: tf.layers.Layer): (number | null)[] {
  const input = layer.input;
  if (Array.isArray(input)) throw new Error(`${layer.name} has several inputs`);
  return input.shape;
}

function outputShape(layer: tf.layers.Layer): (number | null)[] {
  const output = layer.output;
  if (Array.isArray(output)) throw new Error(`${layer.name} has several outputs`);
  return output.shape;
}

/** Forward FLOPs of one layer for one sample; layers without matrix products count 0. */
function layerFlops(layer: tf.layers.Layer): number {
  if (layer instanceof FlexibleMultiHeadAttention) return layer.flops(inputShape(layer)[1] ?? 0);
  const kernel = layer.weights.find((w) => w.originalName.endsWith('/kernel'));
  if (!kernel) return 0;
  switch (layer.getClassName()) {
    case 'Dense':
    case 'Linear': {
      // kernel [in, out], applied at every position of the middle dimensions.
      const positions = size(outputShape(layer).slice(1, -1));
      return 2 * size(kernel.shape) * positions;
    }
    case 'Conv2D':
    case 'Conv1D': {
      // kernel [...k, in, out], one application per output position.
      return 2 * size(kernel.shape) * size(outputShape(layer).slice(1, -1));
    }
    case 'Conv2DTranspose': {
      // kernel [kh, kw, out, in], one application per input position.
      return 2 * size(kernel.shape) * size(inputShape(layer).slice(1, -1));
    }
    default:
      throw new Error(
        `no FLOP count for layer ${layer.name} (${layer.getClassName()}); add one to model-stats.ts`,
      );
  }
}

/** Trainable parameters of a built model: what leaderboards and Pareto fronts compare. */
export function countParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + size(w.shape), 0);
}

/** Parameter and FLOP counts of a built model, with a line per attention layer. */
export function describeModel(model: tf.LayersModel): ModelStats {
  let flops = 0;
  const attention: AttentionLayerStats[] = [];
  for (const layer of model.layers) {
    const f = layerFlops(layer);
    flops += f;
    if (layer instanceof FlexibleMultiHeadAttention) {
      attention.push({
        name: layer.name,
        geometry: layer.geometry,
        tokens: inputShape(layer)[1] ?? 0,
        params: layer.countParams(),
        flops: f,
      });
    }
  }
  return { params: countParams(model), totalParams: model.countParams(), flops, attention };
}

/**
 * A model's own trainable variables, for `optimizer.minimize(f, true, vars)`: without the
 * list TF.js differentiates every trainable variable in the process — another trial's model
 * too when a worker trains several at once.
 */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/**
 * The model's output for `input` as one flat array, `input` and every intermediate disposed.
 * The values are read outside `tf.tidy`: tidy walks a returned typed array element by element
 * looking for tensors, a fifth of pose2d's evaluation time (bench/README.md).
 */
export function predictValues(model: tf.LayersModel, input: tf.Tensor): Float32Array {
  try {
    const output = tf.tidy(() => model.predict(input) as tf.Tensor);
    try {
      return output.dataSync() as Float32Array;
    } finally {
      output.dispose();
    }
  } finally {
    input.dispose();
  }
}
