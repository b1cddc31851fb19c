import { HeadroomError } from '@headroom/errors';
import type { TrialParams } from '@headroom/sweep';
import { tf } from './tf';
import { nativeOps, type AdamScalars, type NativeOps } from './native-ops';
import { ClassToken, PositionEmbedding } from './tokens';

type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];
type NamedTensor = Awaited<ReturnType<tf.AdamOptimizer['getWeights']>>[number];

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

/** One variable's Adam state: its moments, as TensorFlow resource variables or TF.js variables. */
type Slot =
  | {
      kind: 'native';
      /** `${variable}/m` minus the suffix: what checkpoints call the variable. */
      name: string;
      /** The variable's value as TensorFlow's fused kernel updates it. */
      value?: tf.Tensor;
      /** The TF.js data the resource variable holds, when it still is the variable's. */
      holds?: object;
      m: tf.Tensor;
      v: tf.Tensor;
    }
  | { kind: 'tfjs'; name: string; m: tf.Variable; v: tf.Variable };

/**
 * Adam as PyTorch defines it (β 0.9, 0.999, ε 1e-8 added to √v̂), with a learning rate the
 * training loop sets before each step and weight decay coupled (torch.optim.Adam) or
 * decoupled (torch.optim.AdamW).
 *
 * On the native TensorFlow backend each variable is updated by TensorFlow's fused Adam kernel
 * (`ResourceApplyAdam`: one pass over value, moments and gradient, in place), its moments kept
 * in TensorFlow resource variables: 2 TensorFlow ops per variable and step (the kernel and the
 * read back; 3 when something else wrote the variable) instead of the ~14 element-wise ops,
 * each a full pass that allocates its result, of TF.js's Adam (profiled in bench/README.md). Its ε is passed as ε·√(1 − β2^t) and its rate as lr·√(1 − β2^t)/(1 − β1^t),
 * which is exactly PyTorch's `θ − lr · m̂ / (√v̂ + ε)`. Other backends run the same update as
 * TF.js ops.
 *
 * Its state is TF.js Adam's — step count, then first and second moments by variable position,
 * named `<variable>/m` and `<variable>/v` — so `saveWeights` / `loadWeights` carry it, a resumed
 * trial continues exactly, and checkpoints written before (by TF.js Adam) load. Checkpoints name
 * it `Adam` or `AdamW` (`getClassName`), so AdamW state is never loaded into Adam; `Adam` is
 * also the name of the state of `tf.train.adam`, which this replaces.
 */
export class ScheduledAdam extends tf.AdamOptimizer {
  readonly weightDecay: number;
  readonly decoupled: boolean;
  private readonly decayed: ReadonlyMap<string, tf.Variable>;
  /** Adam's state by gradient position (TF.js Adam matches moments to variables by position). */
  private slots: (Slot | undefined)[] = [];
  /** The backend the state lives on: resource variables cannot move to another. */
  private stateBackend: string | undefined;

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
    // Adam matches its moments to variables by position: keep the gradients' order.
    const named = Array.isArray(gradients)
      ? gradients
      : Object.keys(gradients).map((name) => ({ name, tensor: gradients[name]! }));
    const native = this.backendOfState();
    tf.tidy(() => {
      const step = this.iterations + 1;
      const bc1 = 1 - this.beta1 ** step;
      const bc2 = 1 - this.beta2 ** step;
      const scalars: AdamScalars = {
        beta1Power: tf.scalar(this.beta1 ** step),
        beta2Power: tf.scalar(this.beta2 ** step),
        lr: tf.scalar(this.learningRate),
        beta1: tf.scalar(this.beta1),
        beta2: tf.scalar(this.beta2),
        // PyTorch adds ε to √v̂ = √v / √bc2; TensorFlow's kernel adds it to √v.
        epsilon: tf.scalar(this.epsilon * Math.sqrt(bc2)),
      };
      // torch.optim.AdamW: param.mul_(1 − lr·wd) first, only where there is a gradient.
      const keep = 1 - this.learningRate * this.weightDecay;
      named.forEach(({ name, tensor }, i) => {
        const variable = tf.engine().registeredVariables[name];
        if (!variable) throw new Error(`ScheduledAdam: no variable named ${name}`);
        const slot = this.slotAt(i, name, variable, native);
        if (tensor == null) return;
        const decayed = this.weightDecay > 0 && this.decayed.has(name);
        let gradient = tensor;
        if (decayed && this.decoupled) variable.assign(tf.mul(variable, keep));
        // torch.optim.Adam: grad = grad + wd·param, before the moments.
        else if (decayed) gradient = tf.add(tensor, tf.mul(variable, this.weightDecay));
        if (slot.kind === 'native') {
          // Unless something else wrote the variable since the last step (decay, loadWeights),
          // the resource variable already holds its value.
          if (slot.holds !== variable.dataId) native!.assignVariable(slot.value!, variable);
          native!.applyAdam(slot.value!, slot.m, slot.v, scalars, gradient);
          variable.assign(native!.readVariable(slot.value!));
          slot.holds = variable.dataId;
          return;
        }
        // The same update in TF.js ops (TF.js Adam's order, bias corrections from float64).
        const m = tf.add(tf.mul(slot.m, this.beta1), tf.mul(gradient, 1 - this.beta1));
        const v = tf.add(tf.mul(slot.v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
        slot.m.assign(m);
        slot.v.assign(v);
        const update = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), this.epsilon));
        variable.assign(tf.sub(variable, tf.mul(update, this.learningRate)));
      });
    });
    this.incrementIterations();
  }

  /** The state's slot at position `i`, zero moments the first time. */
  private slotAt(i: number, name: string, variable: tf.Variable, native: NativeOps | undefined) {
    const existing = this.slots[i];
    if (existing) {
      if (existing.kind === 'native' && !existing.value)
        existing.value = tf.keep(native!.createVariable(variable));
      return existing;
    }
    const zeros = tf.zerosLike(variable);
    const slot: Slot = native
      ? {
          kind: 'native',
          name,
          value: tf.keep(native.createVariable(variable)),
          m: tf.keep(native.createVariable(zeros)),
          v: tf.keep(native.createVariable(zeros)),
        }
      : {
          kind: 'tfjs',
          name,
          m: tf.keep(zeros.variable(false)),
          v: tf.keep(zeros.variable(false)),
        };
    this.slots[i] = slot;
    return slot;
  }

  /** The native operations when the state lives (or will live) on native TensorFlow. */
  private backendOfState(): NativeOps | undefined {
    const backend = tf.getBackend();
    if (this.stateBackend === undefined) this.stateBackend = backend;
    else if (this.stateBackend !== backend && this.slots.some((s) => s?.kind === 'native')) {
      throw new Error(
        `ScheduledAdam: its state lives in TensorFlow (backend ${this.stateBackend}), the backend is now ${backend}; ` +
          'use one optimizer per backend',
      );
    }
    return nativeOps();
  }

  /**
   * `[step count, m_0 … m_n−1, v_0 … v_n−1]`, TF.js Adam's layout. Every tensor is new: the
   * caller disposes them (`saveWeights` does).
   */
  override async getWeights(): Promise<NamedTensor[]> {
    const slots = this.slots.filter((s): s is Slot => s !== undefined);
    const native = nativeOps();
    const moment = (s: Slot, which: 'm' | 'v') =>
      s.kind === 'native' ? native!.readVariable(s[which]) : s[which].clone();
    return [
      await this.saveIterations(),
      ...slots.map((s) => ({ name: `${s.name}/m`, tensor: moment(s, 'm') })),
      ...slots.map((s) => ({ name: `${s.name}/v`, tensor: moment(s, 'v') })),
    ];
  }

  /** Restores `getWeights()`'s layout (also TF.js Adam's); the caller keeps its tensors. */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const moments = await this.extractIterations(weightValues);
    const count = moments.length / 2;
    this.disposeSlots();
    this.stateBackend = tf.getBackend();
    const native = nativeOps();
    this.slots = moments.slice(0, count).map(({ name, tensor }, i): Slot => {
      const second = moments[count + i]!.tensor;
      const base = name.endsWith('/m') ? name.slice(0, -2) : name;
      return native
        ? {
            kind: 'native',
            name: base,
            m: tf.keep(native.createVariable(tensor)),
            v: tf.keep(native.createVariable(second)),
          }
        : {
            kind: 'tfjs',
            name: base,
            m: tf.keep(tensor.variable(false)),
            v: tf.keep(second.variable(false)),
          };
    });
  }

  override dispose(): void {
    this.disposeSlots();
    super.dispose();
  }

  private disposeSlots(): void {
    const native = nativeOps();
    for (const slot of this.slots) {
      if (!slot) continue;
      if (slot.kind === 'native') {
        for (const handle of [slot.value, slot.m, slot.v]) {
          if (!handle) continue;
          if (native) native.destroyVariable(handle);
          else handle.dispose();
        }
      } else {
        slot.m.dispose();
        slot.v.dispose();
      }
    }
    this.slots = [];
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
