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

export interface LayerNormArgs extends BaseLayerArgs {
  epsilon?: number;
}

/**
 * `(x − mean) / √(var + ε) · γ + β` over the last axis of `x`, with its gradient written out
 * (`dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) / σ`, `ĝ = dy·γ`): about a dozen kernels instead of the
 * ~25 that differentiating the forward ops one by one would launch, most of them over whole
 * activations.
 */
export function layerNorm(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): tf.Tensor {
  const width = x.shape.at(-1)!;
  const rows = x.size / width;
  const op = tf.customGrad((xIn, gammaIn, betaIn, save) => {
    const x2 = tf.reshape(xIn as tf.Tensor, [rows, width]);
    const centred = tf.sub(x2, tf.mean(x2, -1, true));
    const inverseStd = tf.rsqrt(tf.add(tf.mean(tf.square(centred), -1, true), epsilon));
    const normalised = tf.mul(centred, inverseStd);
    (save as tf.GradSaveFunc)([normalised, inverseStd]);
    const value = tf.reshape(
      tf.add(tf.mul(normalised, gammaIn as tf.Tensor), betaIn as tf.Tensor),
      x.shape,
    );
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        normalisedAffineGrad(dy, saved, gammaIn as tf.Tensor, [rows, width], -1, x.shape),
    };
  });
  return op(x, gamma, beta);
}

/**
 * The gradients of `y = x̂ · γ + β`, x̂ = (x − mean) · rstd, with the statistics over `axis` of the
 * 2-D view (0: BatchNorm's batch, −1: LayerNorm's features): dx, dγ, dβ in one pass each.
 * `saved` is [x̂, rstd] as the forward pass kept them.
 */
export function normalisedAffineGrad(
  dy: tf.Tensor,
  saved: tf.Tensor[],
  gamma: tf.Tensor,
  view: [number, number],
  axis: 0 | -1,
  shape: readonly number[],
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const [xHat, rstd] = saved as [tf.Tensor2D, tf.Tensor2D];
  const dy2 = tf.reshape(dy, view);
  const dGamma = columnSums(tf.mul(dy2, xHat));
  const dBeta = columnSums(dy2);
  if (axis === 0) {
    // γ is constant along the batch axis, so mean(ĝ) = γ·dβ/n and mean(ĝ·x̂) = γ·dγ/n: the
    // batch reductions are the ones just made, and γ·rstd is one row.
    const n = view[0];
    const dx = tf.mul(
      tf.sub(tf.sub(dy2, tf.div(dBeta, n)), tf.mul(xHat, tf.div(dGamma, n))),
      tf.mul(rstd, gamma),
    );
    return [tf.reshape(dx, shape as number[]), dGamma, dBeta];
  }
  const g = tf.mul(dy2, gamma);
  const dx = tf.mul(
    tf.sub(tf.sub(g, tf.mean(g, axis, true)), tf.mul(xHat, tf.mean(tf.mul(g, xHat), axis, true))),
    rstd,
  );
  return [tf.reshape(dx, shape as number[]), dGamma, dBeta];
}

/**
 * Layer normalisation over the last axis with a learned scale and shift (`gamma`, `beta`),
 * `y = (x − mean) / √(var + ε) · γ + β`. Same parameters and outputs as
 * `tf.layers.layerNormalization`, but written with plain reductions: the tfjs-layers one
 * goes through `batchNorm`, whose gradient is ~30× slower and made a pose3d training step
 * spend most of its time in five layer norms.
 */
export class LayerNorm extends tf.layers.Layer {
  static readonly className = 'LayerNorm';
  readonly epsilon: number;
  private gamma?: LayerVariable;
  private beta?: LayerVariable;

  constructor(args: LayerNormArgs = {}) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-5;
  }

  override build(inputShape: Shape | Shape[]): void {
    const width = singleShape(inputShape, this.name).at(-1);
    if (typeof width !== 'number') throw new Error(`${this.name} needs a known last dimension`);
    this.gamma = this.addWeight('gamma', [width], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [width], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(inputShape, this.name);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() =>
      layerNorm(
        singleInput(inputs, this.name),
        this.gamma!.read(),
        this.beta!.read(),
        this.epsilon,
      ),
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(LayerNorm, SERIALIZATION_PACKAGE);
