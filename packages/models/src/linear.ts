import { nativeOps } from './native-ops';
import {
  SERIALIZATION_PACKAGE,
  seedAt,
  singleInput,
  singleShape,
  tf,
  type BaseLayerArgs,
  type LayerVariable,
  type Shape,
} from './tf';

/**
 * `x · kernel + bias` over the last axis of `x` (any rank ≥ 2), kernel `[in, out]`.
 *
 * On native TensorFlow it runs TensorFlow's 2-D `MatMul` directly, with the gradient written
 * out (`dx = dy · kernelᵀ`, `dkernel = xᵀ · dy`, `dbias = Σ dy` as a product with ones): 4
 * TensorFlow ops forward (2 reshapes, the product, the bias add) and 6 backward, where
 * `tf.layers.dense` (through `tf.fused.matMul`, its reshapes to 3-D and `BatchMatMulV2`)
 * launches 7 and ~12. Other backends run `tf.fused.matMul`.
 */
export function linear(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const inner = kernel.shape[0]!;
  const units = kernel.shape[1]!;
  const rows = x.size / inner;
  const outShape = [...x.shape.slice(0, -1), units];
  const native = nativeOps();
  if (!native) {
    const y = tf.fused.matMul({ a: tf.reshape(x, [rows, inner]), b: kernel, bias });
    return tf.reshape(y, outShape);
  }
  // Each reshape is a TensorFlow op on this backend: none where the shape is already right.
  const flat = x.rank === 2;
  const as2d = (t: tf.Tensor, cols: number) => (flat ? t : tf.reshape(t, [rows, cols]));
  const asOut = (t: tf.Tensor, shape: number[]) => (flat ? t : tf.reshape(t, shape));
  const op = tf.customGrad((xIn, kernelIn, biasIn, save) => {
    const x2 = as2d(xIn as tf.Tensor, inner);
    // Saved, not captured: a kernel made in the caller's tidy (the attention's joined Q/K/V)
    // is gone by the time the gradient runs.
    (save as tf.GradSaveFunc)([x2, kernelIn as tf.Tensor]);
    const y = tf.add(native.matMul(x2, kernelIn as tf.Tensor, false, false), biasIn as tf.Tensor);
    return {
      value: asOut(y, outShape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, w] = saved as [tf.Tensor, tf.Tensor];
        const dy2 = as2d(dy, units);
        const dx = asOut(native.matMul(dy2, w, false, true), x.shape);
        return [dx, native.matMul(xs, dy2, true, false), native.columnSums(dy2)];
      },
    };
  });
  return op(x, kernel, bias);
}

export interface LinearArgs extends BaseLayerArgs {
  units: number;
  /** Seed of the kernel's Glorot-uniform initializer; unset means a fresh random start. */
  seed?: number;
}

/**
 * `linear` as a layer: a drop-in for `tf.layers.dense({ units, kernelInitializer:
 * glorotUniform({ seed }) })` without activation — the same weights (`kernel` [in, units],
 * Glorot-uniform from the same seed, then `bias` [units], zeros) under the same names, so
 * checkpoints load unchanged and a model starts from the same values.
 */
export class Linear extends tf.layers.Layer {
  static readonly className = 'Linear';
  readonly units: number;
  readonly seed: number | undefined;
  private kernel?: LayerVariable;
  private bias?: LayerVariable;

  constructor(args: LinearArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units <= 0)
      throw new Error(`Linear ${this.name}: units must be a positive integer, got ${args.units}`);
    this.units = args.units;
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const inner = singleShape(inputShape, this.name).at(-1);
    if (typeof inner !== 'number') throw new Error(`${this.name} needs a known last dimension`);
    this.kernel = this.addWeight(
      'kernel',
      [inner, this.units],
      'float32',
      tf.initializers.glorotUniform({ seed: seedAt(this.seed, 0) }),
    );
    this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...singleShape(inputShape, this.name).slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() =>
      linear(singleInput(inputs, this.name), this.kernel!.read(), this.bias!.read()),
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      ...(this.seed === undefined ? {} : { seed: this.seed }),
    };
  }
}

tf.serialization.registerClass(Linear, SERIALIZATION_PACKAGE);
