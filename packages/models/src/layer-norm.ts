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
    return tf.tidy(() => {
      const x = singleInput(inputs, this.name);
      const centred = tf.sub(x, tf.mean(x, -1, true));
      const variance = tf.mean(tf.square(centred), -1, true);
      const normalised = tf.mul(centred, tf.rsqrt(tf.add(variance, this.epsilon)));
      return tf.add(tf.mul(normalised, this.gamma!.read()), this.beta!.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(LayerNorm, SERIALIZATION_PACKAGE);
