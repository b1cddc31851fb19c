import { SERIALIZATION_PACKAGE, singleInput, tf, type BaseLayerArgs, type Shape } from './tf';
import { ViolationList } from './violations';

export interface DropoutArgs extends BaseLayerArgs {
  rate: number;
  /** Base seed of the masks; unset means fresh random masks. */
  seed?: number;
}

/**
 * Inverted dropout whose mask changes at every training call and is still a function of the
 * seed: call k of the layer draws its mask from `seed:k`. TF.js's own `dropout({ seed })`
 * seeds a new generator with the same seed at every call, so it drops the same units at every
 * step — a fixed sparsification, not dropout. The call count is not checkpointed: a resumed
 * trial draws masks anew from call 0 (as a PyTorch run resumed without its RNG state would).
 */
export class Dropout extends tf.layers.Layer {
  static readonly className = 'Dropout';
  readonly rate: number;
  readonly seed: number | undefined;
  private calls = 0;

  constructor(args: DropoutArgs) {
    super(args);
    this.rate = args.rate;
    this.seed = args.seed;
    const violations = new ViolationList();
    violations.rate('rate', args.rate);
    violations.throwIfAny(`layer ${this.name}`);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
    const x = singleInput(inputs, this.name);
    if (kwargs['training'] !== true || this.rate === 0) return x;
    const seed = this.seed === undefined ? undefined : `${this.seed}:${this.calls++}`;
    return tf.tidy(() => tf.dropout(x, this.rate, undefined, seed));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      rate: this.rate,
      ...(this.seed === undefined ? {} : { seed: this.seed }),
    };
  }
}

tf.serialization.registerClass(Dropout, SERIALIZATION_PACKAGE);
