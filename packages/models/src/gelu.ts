import { ElementwiseLayer, SERIALIZATION_PACKAGE, tf } from './tf';

const SQRT_HALF = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Exact (erf) GELU, `x · Φ(x)` with `Φ(x) = ½(1 + erf(x/√2))`, and its gradient written out:
 * `dy · (Φ(x) + x · φ(x))`, `φ(x) = exp(−x²/2)/√(2π)`, from the saved `x` and `Φ(x)`. 12
 * element-wise kernels forward and backward where differentiating TF.js's `gelu` activation
 * launches 16 (Erf's gradient alone is five), each a full pass over the feed-forward net's
 * widest tensor (bench/README.md).
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((input, save) => {
    const xIn = input as tf.Tensor;
    const cdf = tf.mul(tf.add(tf.erf(tf.mul(xIn, SQRT_HALF)), 1), 0.5);
    (save as tf.GradSaveFunc)([xIn, cdf]);
    return {
      value: tf.mul(xIn, cdf),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, phi] = saved as [tf.Tensor, tf.Tensor];
        const pdf = tf.mul(tf.exp(tf.mul(tf.square(xs), -0.5)), INV_SQRT_2PI);
        return tf.mul(dy, tf.add(phi, tf.mul(xs, pdf)));
      },
    };
  });
  return op(x);
}

/** `gelu` as a layer, in place of a Dense layer's `gelu` activation (no weights, no options). */
export class Gelu extends ElementwiseLayer {
  static readonly className = 'Gelu';

  protected map(x: tf.Tensor): tf.Tensor {
    return gelu(x);
  }
}

tf.serialization.registerClass(Gelu, SERIALIZATION_PACKAGE);
