import { HeadroomError } from '@headroom/errors';
import { tf } from './tf';
import { Patchify } from './tokens';

export interface GradCamOptions {
  /**
   * The layer whose output tokens are explained. Default: the last block's first layer norm
   * (`block{L-1}_ln1`), the tokens the last attention reads, as pytorch-grad-cam does for ViT
   * (`blocks[-1].norm1`). The last block's *output* would not do: after it each token only
   * goes through a per-token layer norm, so the class logit has no gradient on patch tokens.
   */
  layer?: string;
}

/** Grad-CAM maps of one class over a batch of images. */
export interface GradCamResult {
  /** `[rows, cols]` of the patch grid. */
  grid: [number, number];
  /** `[batch][rows][cols]`, row-major like the patches; each image's map scaled to [0, 1]. */
  maps: Float32Array;
  /** `[batch]`: the class logit (before the sigmoid) of each image. */
  logits: Float32Array;
}

/**
 * Grad-CAM (Selvaraju et al.) of a chest ViT (`buildChestModel`) for class `classIndex` on
 * `images` (`[batch, H, W, C]`, as the model takes them), computed on the class *logit*: the
 * sigmoid saturates, and its gradient would fade the maps of confident images. With `A` the
 * patch tokens of `options.layer` (class token left out) and `g = ∂logit/∂A`:
 * `w_c = mean over tokens of g_c`, `cam = ReLU(Σ_c w_c · A_c)` per token, on the patch grid,
 * then per image `(cam − min) / (max + 1e-7)` as pytorch-grad-cam's `scale_cam_image`
 * (an all-zero map stays zero). Images are independent: the model mixes no batch statistics.
 */
export function chestGradCam(
  model: tf.LayersModel,
  images: tf.Tensor4D,
  classIndex: number,
  options: GradCamOptions = {},
): GradCamResult {
  const { patchify, target, classifier, features } = gradCamLayers(model, options);
  const grid = patchGrid(model, patchify);
  const [kernel, bias] = classifier.getWeights();
  const classes = kernel?.shape[1] ?? 0;
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= classes) {
    throw new HeadroomError(
      'INVALID_INPUT',
      `chestGradCam: class index ${classIndex} is not one of the model's ${classes} classes (0…${classes - 1})`,
    );
  }
  const batch = images.shape[0];
  const tokens = grid[0] * grid[1];
  const [maps, logits] = tf.tidy(() => {
    const input = model.inputs[0]!;
    const known = new Map<number, tf.Tensor>([[input.id, images]]);
    const activations = evaluate(target, known);
    const [, n, d] = activations.shape as [number, number, number];
    if (n !== tokens + 1) {
      throw new HeadroomError(
        'INVALID_INPUT',
        `chestGradCam: layer ${target.sourceLayer.name} has ${n} tokens; expected the class token and ${tokens} patches`,
      );
    }
    const w = tf.slice(kernel!, [0, classIndex], [-1, 1]);
    const b = bias ? tf.slice(bias, [classIndex], [1]) : tf.scalar(0);
    // Everything upstream of `target` is already in `known`; only the rest is run again.
    const logitOf = (a: tf.Tensor) =>
      tf.reshape(
        tf.add(tf.matMul(evaluate(features, new Map(known).set(target.id, a)), w), b),
        [-1],
      );
    const grad = tf.grad((a: tf.Tensor) => tf.sum(logitOf(a)))(activations);
    const patches = tf.slice(activations, [0, 1, 0], [batch, tokens, d]);
    const grads = tf.slice(grad, [0, 1, 0], [batch, tokens, d]);
    const weights = tf.mean(grads, 1, true); // [b, 1, d]
    const cam = tf.relu(tf.sum(tf.mul(patches, weights), 2)); // [b, tokens]
    const shifted = tf.sub(cam, tf.min(cam, 1, true));
    const scaled = tf.div(shifted, tf.add(tf.max(shifted, 1, true), 1e-7));
    return [scaled.dataSync() as Float32Array, logitOf(activations).dataSync() as Float32Array];
  });
  return { grid, maps, logits };
}

/** The layers Grad-CAM needs: the patch cutter (for the grid), the explained layer, the classifier. */
function gradCamLayers(
  model: tf.LayersModel,
  options: GradCamOptions,
): {
  patchify: Patchify;
  target: tf.SymbolicTensor;
  classifier: tf.layers.Layer;
  /** The classifier's input. */
  features: tf.SymbolicTensor;
} {
  const patchify = model.layers.find((l): l is Patchify => l instanceof Patchify);
  const output = model.outputs[0];
  const classifier = output?.sourceLayer;
  const features = output?.inputs[0];
  if (
    !patchify ||
    !classifier ||
    !features ||
    model.outputs.length !== 1 ||
    model.inputs.length !== 1
  ) {
    throw new HeadroomError(
      'INVALID_INPUT',
      `chestGradCam: model ${model.name} is not a chest ViT (one image input, patches, one classifier output)`,
    );
  }
  if (classifier.getClassName() !== 'Dense') {
    throw new HeadroomError(
      'INVALID_INPUT',
      `chestGradCam: model ${model.name} ends in a ${classifier.getClassName()} layer; expected the Dense classifier`,
    );
  }
  const name = options.layer ?? lastBlockNorm(model);
  let layer: tf.layers.Layer;
  try {
    layer = model.getLayer(name);
  } catch {
    throw new HeadroomError(
      'INVALID_INPUT',
      `chestGradCam: model ${model.name} has no layer ${name}`,
    );
  }
  const target = layer.output;
  if (Array.isArray(target)) {
    throw new HeadroomError(
      'INVALID_INPUT',
      `chestGradCam: layer ${name} has ${target.length} outputs; expected one [batch, tokens, d_m]`,
    );
  }
  return { patchify, target, classifier, features };
}

function lastBlockNorm(model: tf.LayersModel): string {
  let last = -1;
  for (const l of model.layers) {
    const m = /^block(\d+)_ln1$/.exec(l.name);
    if (m) last = Math.max(last, Number(m[1]));
  }
  if (last < 0) {
    throw new HeadroomError(
      'INVALID_INPUT',
      `chestGradCam: model ${model.name} has no transformer block (no layer block<i>_ln1); pass options.layer`,
    );
  }
  return `block${last}_ln1`;
}

function patchGrid(model: tf.LayersModel, patchify: Patchify): [number, number] {
  const [, height, width] = model.inputs[0]!.shape;
  const p = patchify.patchSize;
  return [(height as number) / p, (width as number) / p];
}

/**
 * The value of a symbolic tensor of a functional model, running its layers on concrete
 * tensors (inference mode: dropout off) and remembering every value in `known`, which holds
 * the model's input to start with. Unlike `model.execute`, a value in `known` may be
 * replaced, so a gradient can be taken with respect to an inner activation.
 */
function evaluate(s: tf.SymbolicTensor, known: Map<number, tf.Tensor>): tf.Tensor {
  const hit = known.get(s.id);
  if (hit) return hit;
  if (s.inputs.length === 0) {
    throw new Error(`chestGradCam: no value given for input ${s.name}`);
  }
  const inputs = s.inputs.map((i) => evaluate(i, known));
  const out = s.sourceLayer.apply(inputs.length === 1 ? inputs[0]! : inputs, s.callArgs) as
    tf.Tensor | tf.Tensor[];
  const value = Array.isArray(out) ? out[s.outputTensorIndex ?? 0]! : out;
  known.set(s.id, value);
  return value;
}
