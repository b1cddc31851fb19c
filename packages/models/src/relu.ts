import { ElementwiseLayer, SERIALIZATION_PACKAGE, tf } from './tf';

/**
 * `max(x, 0)` with its gradient `dy · [y > 0]` in three kernels (compare, cast, multiply).
 * TF.js differentiates ReLU (the op, the `relu` activation, and ReLU fused into a matMul)
 * through `step`, which tfjs-node builds from six kernels over the whole tensor (isNaN,
 * greater, ones, fill, two selects); on pose2d's feature maps that was ~10 % of a step.
 * (Where x is NaN the gradient is 0, not NaN; the loss is NaN either way.)
 */
export function relu(x: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((input, save) => {
    const y = tf.relu(input as tf.Tensor);
    (save as tf.GradSaveFunc)([y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.mul(dy, tf.cast(tf.greater(saved[0]!, 0), 'float32')),
    };
  });
  return op(x);
}

/** `relu` as a layer, in place of `tf.layers.reLU` (no weights, no options). */
export class Relu extends ElementwiseLayer {
  static readonly className = 'Relu';

  protected map(x: tf.Tensor): tf.Tensor {
    return relu(x);
  }
}

tf.serialization.registerClass(Relu, SERIALIZATION_PACKAGE);
