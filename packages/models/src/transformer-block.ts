import { checkGeometry, type AttentionGeometry, type HeadSize } from '@headroom/sweep';
import { attentionParamCount, FlexibleMultiHeadAttention } from './flexible-attention';
import { Gelu } from './gelu';
import { LayerNorm } from './layer-norm';
import { Linear } from './linear';
import { Relu } from './relu';
import { seedAt, tf } from './tf';
import { ViolationList } from './violations';
import { Dropout } from './dropout';

export type NormPlacement = 'pre' | 'post';
export type FeedForwardActivation = 'relu' | 'gelu';

/** The transformer hyperparameters a sweep varies, in code words (`d_m` → `dModel`). */
export interface TransformerConfig {
  dModel: number;
  heads: number;
  /** Per-head size; `'auto'` is `dModel / heads`. */
  dH: HeadSize;
  qkTied?: boolean;
  /** Blocks in the stack. */
  layers: number;
  /** Feed-forward width as a multiple of `dModel`; default 4. */
  ffnMult?: number;
  /** Dropout after attention and in the feed-forward net; default 0. */
  dropout?: number;
  /** Dropout on attention probabilities; default `dropout`. */
  attentionDropout?: number;
  /** `pre` (default): x + f(LN(x)), a final LN after the stack. `post`: LN(x + f(x)) (TransPose). */
  norm?: NormPlacement;
  /** Feed-forward activation; default `gelu`. */
  activation?: FeedForwardActivation;
  /** Base seed for every initializer; unset means a fresh random start. */
  seed?: number;
}

/** A `TransformerConfig` with defaults filled in and the geometry resolved and checked. */
export interface ResolvedTransformer {
  geometry: AttentionGeometry;
  layers: number;
  dFF: number;
  dropout: number;
  attentionDropout: number;
  norm: NormPlacement;
  activation: FeedForwardActivation;
  seed: number | undefined;
}

/**
 * Fills in defaults and checks every field, adding problems to `violations` with their
 * sweep-file names; `undefined` when any is invalid (model builders add their own, then throw).
 */
export function checkTransformer(
  config: TransformerConfig,
  violations: ViolationList,
  defaults: { norm?: NormPlacement; activation?: FeedForwardActivation } = {},
): ResolvedTransformer | undefined {
  const before = violations.items.length;
  const geometry = checkGeometry(config, violations.items);
  violations.positiveInteger('layers', config.layers);
  const ffnMult = config.ffnMult ?? 4;
  const dFF = Math.round(ffnMult * config.dModel);
  if (!(typeof ffnMult === 'number' && ffnMult > 0 && Number.isInteger(dFF) && dFF > 0)) {
    violations.add('ffn_mult', `must be a positive number, got ${JSON.stringify(config.ffnMult)}`);
  }
  const dropout = config.dropout ?? 0;
  const attentionDropout = config.attentionDropout ?? dropout;
  violations.rate('dropout', dropout);
  violations.rate('attention_dropout', attentionDropout);
  const norm = config.norm ?? defaults.norm ?? 'pre';
  if (norm !== 'pre' && norm !== 'post')
    violations.add('norm', `must be pre or post, got ${JSON.stringify(norm)}`);
  const activation = config.activation ?? defaults.activation ?? 'gelu';
  if (activation !== 'relu' && activation !== 'gelu') {
    violations.add('activation', `must be relu or gelu, got ${JSON.stringify(activation)}`);
  }
  if (config.seed !== undefined && !Number.isInteger(config.seed)) {
    violations.add('seed', `must be an integer, got ${JSON.stringify(config.seed)}`);
  }
  if (!geometry || violations.items.length > before) return undefined;
  return {
    geometry,
    layers: config.layers,
    dFF,
    dropout,
    attentionDropout,
    norm,
    activation,
    seed: config.seed,
  };
}

/** `checkTransformer` for callers outside a model builder: throws `HeadroomError('INVALID_SPEC')`. */
export function resolveTransformer(config: TransformerConfig): ResolvedTransformer {
  const violations = new ViolationList();
  const t = checkTransformer(config, violations);
  violations.throwIfAny('transformer config');
  return t!;
}

/** Parameters of one block: attention, two layer norms, the feed-forward net. */
export function transformerBlockParamCount(g: AttentionGeometry, dFF: number): number {
  return (
    attentionParamCount(g) +
    2 * (2 * g.dModel) +
    (g.dModel * dFF + dFF) +
    (dFF * g.dModel + g.dModel)
  );
}

/** Seeds per block stay apart so no two initializers share one. */
const SEEDS_PER_BLOCK = 16;

/**
 * One block over `[batch, tokens, dModel]`, made of registered Keras layers named
 * `<prefix>_attn`, `<prefix>_ln1`, `<prefix>_ffn1`, … (checkpoints read plainly):
 * pre-norm  `x + drop(attn(LN(x)))`, then `x + drop(ffn(LN(x)))`;
 * post-norm `LN(x + drop(attn(x)))`, then `LN(x + drop(ffn(x)))`;
 * `ffn = Dense(dFF, activation) → dropout → Dense(dModel)`.
 */
export function transformerBlock(
  x: tf.SymbolicTensor,
  t: ResolvedTransformer,
  index: number,
): tf.SymbolicTensor {
  const prefix = `block${index}`;
  const seed = (offset: number) => seedAt(t.seed, 1000 + index * SEEDS_PER_BLOCK + offset);
  const apply = (layer: tf.layers.Layer, input: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
    layer.apply(input) as tf.SymbolicTensor;
  const dropout = (y: tf.SymbolicTensor, name: string, offset: number) =>
    t.dropout > 0
      ? apply(new Dropout({ rate: t.dropout, seed: seed(offset), name: `${prefix}_${name}` }), y)
      : y;
  const ln = (y: tf.SymbolicTensor, name: string) =>
    apply(new LayerNorm({ name: `${prefix}_${name}` }), y);
  const add = (a: tf.SymbolicTensor, b: tf.SymbolicTensor, name: string) =>
    apply(tf.layers.add({ name: `${prefix}_${name}` }), [a, b]);
  // Linear: tf.layers.dense's weights and initial values, TensorFlow's MatMul (linear.ts).
  const dense = (y: tf.SymbolicTensor, units: number, name: string, offset: number) =>
    apply(new Linear({ units, seed: seed(offset), name: `${prefix}_${name}` }), y);

  const attention = new FlexibleMultiHeadAttention({
    ...t.geometry,
    dropout: t.attentionDropout,
    seed: seed(0),
    name: `${prefix}_attn`,
  });
  const attend = (y: tf.SymbolicTensor) => dropout(apply(attention, y), 'attn_drop', 8);
  // The activation as its own layer after a linear Dense (relu.ts, gelu.ts: both gradients
  // written out, fewer kernels than TF.js's); the weights keep their names (`<prefix>_ffn1`).
  const hidden = (y: tf.SymbolicTensor) =>
    apply(
      t.activation === 'relu'
        ? new Relu({ name: `${prefix}_ffn1_relu` })
        : new Gelu({ name: `${prefix}_ffn1_gelu` }),
      dense(y, t.dFF, 'ffn1', 4),
    );
  const ffn = (y: tf.SymbolicTensor) =>
    dropout(
      dense(dropout(hidden(y), 'ffn_drop', 6), t.geometry.dModel, 'ffn2', 5),
      'ffn_out_drop',
      7,
    );

  if (t.norm === 'pre') {
    const a = add(x, attend(ln(x, 'ln1')), 'add1');
    return add(a, ffn(ln(a, 'ln2')), 'add2');
  }
  const a = ln(add(x, attend(x), 'add1'), 'ln1');
  return ln(add(a, ffn(a), 'add2'), 'ln2');
}

/** `t.layers` blocks named `block0 … block{n-1}`; a pre-norm stack ends with a final LN. */
export function transformerEncoder(
  x: tf.SymbolicTensor,
  t: ResolvedTransformer,
): tf.SymbolicTensor {
  let y = x;
  for (let i = 0; i < t.layers; i++) y = transformerBlock(y, t, i);
  if (t.norm === 'pre') {
    y = new LayerNorm({ name: 'encoder_ln' }).apply(y) as tf.SymbolicTensor;
  }
  return y;
}
