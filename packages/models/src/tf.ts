/**
 * The one TensorFlow.js instance of the project. Apps get `tf` from this package, so layers,
 * backends and tensors all live in one engine (a second copy of tfjs-core in the process
 * would register backends and layer classes where this one cannot see them).
 */
import * as tf from '@tensorflow/tfjs';

export { tf };

/** Constructor arguments every Keras-style layer accepts (`name`, `trainable`, …). */
export type BaseLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
export type Shape = (number | null)[];
export type LayerVariable = tf.layers.Layer['trainableWeights'][number];

/** Layers are registered under this package name in saved model topologies. */
export const SERIALIZATION_PACKAGE = 'Headroom';

/** Seeds for initializers: a fixed base gives the same initial weights every run. */
export function seedAt(seed: number | undefined, offset: number): number | undefined {
  return seed === undefined ? undefined : seed + offset;
}

/** The one tensor of a layer's `inputs`. */
export function singleInput(inputs: tf.Tensor | tf.Tensor[], layer: string): tf.Tensor {
  if (!Array.isArray(inputs)) return inputs;
  if (inputs.length !== 1 || inputs[0] === undefined) {
    throw new Error(`${layer} takes one input tensor, got ${inputs.length}`);
  }
  return inputs[0];
}

/** The one input shape a layer was given (Keras passes `Shape | Shape[]`). */
export function singleShape(inputShape: Shape | Shape[], layer: string): Shape {
  const first = inputShape[0];
  if (Array.isArray(first)) {
    if (inputShape.length !== 1)
      throw new Error(`${layer} takes one input, got ${inputShape.length}`);
    return first;
  }
  return inputShape as Shape;
}

/** A layer without weights that maps its one input element by element (`gelu`, `relu`). */
export abstract class ElementwiseLayer extends tf.layers.Layer {
  /** The function applied to the input. */
  protected abstract map(x: tf.Tensor): tf.Tensor;

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(inputShape, this.name);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => this.map(singleInput(inputs, this.name)));
  }
}
