import { HeadroomError } from '@headroom/errors';
import type { TrialParams } from '@headroom/sweep';
import { tf } from './tf';
import { ClassToken, PositionEmbedding } from './tokens';

type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/** torch.optim.Adam / AdamW's defaults (TF.js's ε would be 1e-7). */
export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPSILON = 1e-8;

export interface ScheduledAdamArgs {
  /** The learning rate until `setLearningRate` changes it. */
  lr: number;
  weightDecay: number;
  /**
   * `true`: AdamW, `w ← w − lr·weightDecay·w` before the Adam update (decoupled, Loshchilov &
   * Hutter); `false`: Adam with L2, `weightDecay·w` added to the gradient before the moments.
   */
  decoupled: boolean;
  /** The variables weight decay applies to; the others get plain Adam updates. */
  decayed: readonly tf.Variable[];
}

/**
 * Adam as PyTorch defines it (β 0.9, 0.999, ε 1e-8 added to √v̂), with a learning rate the
 * training loop sets before each step and weight decay coupled (torch.optim.Adam) or
 * decoupled (torch.optim.AdamW). Its state is TF.js Adam's — step count, first and second
 * moments — so `saveWeights` / `loadWeights` carry it and a resumed trial continues exactly.
 * Checkpoints name it `Adam` or `AdamW` (`getClassName`), so AdamW state is never loaded
 * into Adam; `Adam` is also the name of the state of `tf.train.adam`, which this replaces.
 */
export class ScheduledAdam extends tf.AdamOptimizer {
  readonly weightDecay: number;
  readonly decoupled: boolean;
  private readonly decayed: ReadonlyMap<string, tf.Variable>;

  constructor(args: ScheduledAdamArgs) {
    super(args.lr, ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON);
    checkRate('lr', args.lr);
    checkRate('weight_decay', args.weightDecay);
    this.weightDecay = args.weightDecay;
    this.decoupled = args.decoupled;
    this.decayed = new Map(args.decayed.map((v) => [v.name, v]));
  }

  /** The learning rate the next step uses. */
  get currentLearningRate(): number {
    return this.learningRate;
  }

  /** Sets the learning rate of the next steps (Adam reads it at every update). */
  setLearningRate(lr: number): void {
    checkRate('lr', lr);
    this.learningRate = lr;
  }

  override getClassName(): string {
    return this.decoupled ? 'AdamW' : 'Adam';
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), weightDecay: this.weightDecay, decoupled: this.decoupled };
  }

  override applyGradients(gradients: Gradients): void {
    if (this.weightDecay === 0 || this.decayed.size === 0) {
      super.applyGradients(gradients);
      return;
    }
    // Adam matches its moments to variables by position: keep the gradients' order.
    const named = Array.isArray(gradients)
      ? gradients
      : Object.keys(gradients).map((name) => ({ name, tensor: gradients[name]! }));
    if (this.decoupled) {
      // torch.optim.AdamW: param.mul_(1 − lr·wd), then the Adam step; only where there is a gradient.
      const keep = 1 - this.learningRate * this.weightDecay;
      tf.tidy(() => {
        for (const { name, tensor } of named) {
          const v = this.decayed.get(name);
          if (v && tensor != null) v.assign(tf.mul(v, keep));
        }
      });
      super.applyGradients(gradients);
      return;
    }
    // torch.optim.Adam: grad = grad + wd·param, before the moments.
    const added: tf.Tensor[] = [];
    const coupled = named.map(({ name, tensor }) => {
      const v = this.decayed.get(name);
      if (!v || tensor == null) return { name, tensor };
      const withDecay = tf.tidy(() => tf.add(tensor, tf.mul(v, this.weightDecay)));
      added.push(withDecay);
      return { name, tensor: withDecay };
    });
    try {
      super.applyGradients(coupled);
    } finally {
      tf.dispose(added);
    }
  }
}

function checkRate(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new HeadroomError('INVALID_INPUT', `${name} must be a finite number ≥ 0, got ${value}`);
  }
}

function allLayers(layers: readonly tf.layers.Layer[]): tf.layers.Layer[] {
  return layers.flatMap((l) => (l instanceof tf.LayersModel ? allLayers(l.layers) : [l]));
}

/**
 * The variables weight decay applies to: every trainable weight of two or more dimensions
 * (dense and attention matrices, convolution kernels), except position embeddings and the
 * class token. Biases and normalisation scales and offsets (1-D) never decay — the split of
 * timm's ViT/DeiT recipes (`ndim <= 1` and `no_weight_decay()`) and of the transformers Trainer.
 */
export function decayedVariables(model: tf.LayersModel): tf.Variable[] {
  const exempt = new Set<unknown>(
    allLayers(model.layers)
      .filter((l) => l instanceof PositionEmbedding || l instanceof ClassToken)
      .flatMap((l) => l.weights),
  );
  return model.trainableWeights
    .filter((w) => w.shape.length >= 2 && !exempt.has(w))
    .map((w) => w.read() as tf.Variable);
}

/**
 * The optimizer of a trial: `adam` (weight_decay as L2 on the gradient, like torch.optim.Adam)
 * or `adamw` (decoupled, like torch.optim.AdamW), both at `lr` until the loop's schedule sets
 * the rate, decaying only `decayedVariables(model)`.
 */
export function createOptimizer(
  params: Pick<TrialParams, 'optimizer' | 'lr' | 'weight_decay'>,
  model: tf.LayersModel,
): ScheduledAdam {
  return new ScheduledAdam({
    lr: params.lr,
    weightDecay: params.weight_decay,
    decoupled: params.optimizer === 'adamw',
    decayed: decayedVariables(model),
  });
}
