import { normalisedAffineGrad } from './layer-norm';
import { columnSums } from './native-ops';
import {
  SERIALIZATION_PACKAGE,
  singleInput,
  singleShape,
  tf,
  type BaseLayerArgs,
  type LayerVariable,
  type Shape,
} from './tf';

/** The batch statistics of a training-mode batch norm (for the moving averages). */
export interface BatchStats {
  mean: tf.Tensor;
  variance: tf.Tensor;
}

/**
 * Training-mode batch normalisation over every axis but the last (channels):
 * `(x − mean) / √(var + ε) · γ + β` with the batch's mean and (biased) variance, and its
 * gradient written out (`dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) / σ`, `ĝ = dy·γ`, the means over
 * the batch and spatial positions, from the column sums dγ and dβ): about a dozen kernels where
 * differentiating TF.js's `moments` + `batchNorm` launches several dozen, most over whole feature
 * maps (pose2d's backbone: bench/README.md). `stats`, when given, receives the batch mean and variance (kept tensors:
 * the caller disposes them).
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  stats?: (s: BatchStats) => void,
): tf.Tensor {
  const channels = x.shape.at(-1)!;
  const rows = x.size / channels;
  const op = tf.customGrad((xIn, gammaIn, betaIn, save) => {
    const x2 = tf.reshape(xIn as tf.Tensor, [rows, channels]);
    // Means over the batch as column sums (a product with ones on native TensorFlow).
    const mean = tf.div(tf.reshape(columnSums(x2), [1, channels]), rows);
    const centred = tf.sub(x2, mean);
    const variance = tf.div(tf.reshape(columnSums(tf.square(centred)), [1, channels]), rows);
    const inverseStd = tf.rsqrt(tf.add(variance, epsilon));
    const normalised = tf.mul(centred, inverseStd);
    (save as tf.GradSaveFunc)([normalised, inverseStd]);
    stats?.({
      mean: tf.keep(tf.reshape(mean, [channels])),
      variance: tf.keep(tf.reshape(variance, [channels])),
    });
    const value = tf.reshape(
      tf.add(tf.mul(normalised, gammaIn as tf.Tensor), betaIn as tf.Tensor),
      x.shape,
    );
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        normalisedAffineGrad(dy, saved, gammaIn as tf.Tensor, [rows, channels], 0, x.shape),
    };
  });
  return op(x, gamma, beta);
}

export interface BatchNormArgs extends BaseLayerArgs {
  /** Moving averages keep `momentum` of their value per training step; default 0.99. */
  momentum?: number;
  /** Default 1e-3 (tf.layers.batchNormalization's). */
  epsilon?: number;
}

/**
 * Batch normalisation over the last axis, a drop-in for `tf.layers.batchNormalization`
 * (channels last, centre and scale): the same weights under the same names and in the same
 * order — `gamma`, `beta`, then the non-trainable `moving_mean` and `moving_variance` — so
 * checkpoints load unchanged, the same moving-average update
 * (`moving ← moving − (moving − batch)·(1 − momentum)`), and `batchNormTraining`'s
 * written-out gradient while training. In inference it uses the moving statistics.
 */
export class BatchNorm extends tf.layers.Layer {
  static readonly className = 'BatchNorm';
  readonly momentum: number;
  readonly epsilon: number;
  private gamma?: LayerVariable;
  private beta?: LayerVariable;
  private movingMean?: LayerVariable;
  private movingVariance?: LayerVariable;

  constructor(args: BatchNormArgs = {}) {
    super(args);
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
  }

  override build(inputShape: Shape | Shape[]): void {
    const channels = singleShape(inputShape, this.name).at(-1);
    if (typeof channels !== 'number') throw new Error(`${this.name} needs a known last dimension`);
    const add = (name: string, init: ReturnType<typeof tf.initializers.ones>, trainable: boolean) =>
      this.addWeight(name, [channels], 'float32', init, undefined, trainable);
    this.gamma = add('gamma', tf.initializers.ones(), true);
    this.beta = add('beta', tf.initializers.zeros(), true);
    this.movingMean = add('moving_mean', tf.initializers.zeros(), false);
    this.movingVariance = add('moving_variance', tf.initializers.ones(), false);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(inputShape, this.name);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = singleInput(inputs, this.name);
    const gamma = this.gamma!.read();
    const beta = this.beta!.read();
    if (kwargs['training'] !== true) {
      return tf.tidy(() => {
        const scale = tf.mul(tf.rsqrt(tf.add(this.movingVariance!.read(), this.epsilon)), gamma);
        return tf.add(tf.mul(tf.sub(x, this.movingMean!.read()), scale), beta);
      });
    }
    let batch: BatchStats | undefined;
    const y = tf.tidy(() =>
      batchNormTraining(x, gamma, beta, this.epsilon, (s) => {
        batch = s;
      }),
    );
    if (batch) {
      const { mean, variance } = batch;
      tf.tidy(() => {
        for (const [moving, value] of [
          [this.movingMean!, mean],
          [this.movingVariance!, variance],
        ] as const) {
          const current = moving.read();
          moving.write(tf.sub(current, tf.mul(tf.sub(current, value), 1 - this.momentum)));
        }
      });
      tf.dispose([mean, variance]);
    }
    return y;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(BatchNorm, SERIALIZATION_PACKAGE);
