import { checkGeometry, type AttentionGeometry, type HeadSize } from './geometry';
import { FlexibleMultiHeadAttention } from './layers/flexible-multi-head-attention';
import { ViolationList } from './model-config-error';
import { seedAt, tf } from './tf';

export type NormPlacement = 'pre' | 'post';
export type FeedForwardActivation = 'relu' | 'gelu';

/** The transformer hyperparameters a sweep varies, in code words (`d_m` → `dModel`). */
export interface TransformerConfig {
  dModel: number;
  heads: number;
  dH: HeadSize;
  qkTied?: boolean;
  /** Encoder blocks. */
  layers: number;
  /** Feed-forward width; default `4 · dModel`. */
  dFF?: number;
  dropout?: number;
  attentionDropout?: number;
  /** Layer norm before each sub-layer (ViT) or after the residual sum (original/TransPose). */
  norm?: NormPlacement;
  activation?: FeedForwardActivation;
  /** Base seed for every initializer; unset means a fresh random start. */
  seed?: number;
}

/** A `TransformerConfig` with the defaults filled in and the geometry resolved and checked. */
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
 * sweep-file paths; `undefined` when any is invalid (the caller throws, after adding its own).
 */
export function checkTransformer(
  config: TransformerConfig,
  defaults: { norm: NormPlacement; activation: FeedForwardActivation },
  violations: ViolationList,
): ResolvedTransformer | undefined {
  const before = violations.items.length;
  const geometry = checkGeometry(config, violations);
  violations.positiveInteger('layers', config.layers);
  const dFF = config.dFF ?? 4 * config.dModel;
  if (config.dFF !== undefined) violations.positiveInteger('d_ff', config.dFF);
  const dropout = config.dropout ?? 0;
  const attentionDropout = config.attentionDropout ?? 0;
  violations.rate('dropout', dropout);
  violations.rate('attention_dropout', attentionDropout);
  const norm = config.norm ?? defaults.norm;
  if (norm !== 'pre' && norm !== 'post') violations.add('norm', `must be pre or post, got ${JSON.stringify(norm)}`);
  const activation = config.activation ?? defaults.activation;
  if (activation !== 'relu' && activation !== 'gelu') {
    violations.add('activation', `must be relu or gelu, got ${JSON.stringify(activation)}`);
  }
  if (config.seed !== undefined && !Number.isInteger(config.seed)) {
    violations.add('seed', `must be an integer, got ${JSON.stringify(config.seed)}`);
  }
  if (!geometry || violations.items.length > before) return undefined;
  return { geometry, layers: config.layers, dFF, dropout, attentionDropout, norm, activation, seed: config.seed };
}

/** Seeds per block stay apart so no two initializers share one. */
const SEEDS_PER_BLOCK = 16;

/**
 * One encoder block over `[batch, tokens, dModel]`:
 * pre-norm  `x + attn(ln(x))`, then `x + ffn(ln(x))`;
 * post-norm `ln(x + attn(x))`, then `ln(x + ffn(x))`.
 * Layer names are `<prefix>_attn`, `<prefix>_ln1`, … so checkpoints read plainly.
 */
export function encoderBlock(x: tf.SymbolicTensor, t: ResolvedTransformer, prefix: string, index: number) {
  const seed = (offset: number) => seedAt(t.seed, 1000 + index * SEEDS_PER_BLOCK + offset);
  const { dModel } = t.geometry;
  const dropout = (y: tf.SymbolicTensor, name: string, offset: number) =>
    t.dropout > 0
      ? (tf.layers.dropout({ rate: t.dropout, seed: seed(offset), name: `${prefix}_${name}` }).apply(y) as tf.SymbolicTensor)
      : y;
  const ln = (name: string) => tf.layers.layerNormalization({ epsilon: 1e-5, name: `${prefix}_${name}` });
  const add = (name: string) => tf.layers.add({ name: `${prefix}_${name}` });

  const attention = new FlexibleMultiHeadAttention({
    ...t.geometry,
    attentionDropout: t.attentionDropout,
    seed: seed(0),
    name: `${prefix}_attn`,
  });
  const ffn = (y: tf.SymbolicTensor) => {
    const hidden = tf.layers
      .dense({
        units: t.dFF,
        activation: t.activation,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed(4) }),
        name: `${prefix}_ffn1`,
      })
      .apply(y) as tf.SymbolicTensor;
    const out = tf.layers
      .dense({
        units: dModel,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed(5) }),
        name: `${prefix}_ffn2`,
      })
      .apply(dropout(hidden, 'ffn_drop', 6)) as tf.SymbolicTensor;
    return dropout(out, 'ffn_out_drop', 7);
  };
  const attend = (y: tf.SymbolicTensor) => dropout(attention.apply(y) as tf.SymbolicTensor, 'attn_drop', 8);

  if (t.norm === 'pre') {
    const a = add('add1').apply([x, attend(ln('ln1').apply(x) as tf.SymbolicTensor)]) as tf.SymbolicTensor;
    return add('add2').apply([a, ffn(ln('ln2').apply(a) as tf.SymbolicTensor)]) as tf.SymbolicTensor;
  }
  const a = ln('ln1').apply(add('add1').apply([x, attend(x)])) as tf.SymbolicTensor;
  return ln('ln2').apply(add('add2').apply([a, ffn(a)])) as tf.SymbolicTensor;
}

/** `t.layers` encoder blocks named `block0 … block{n-1}`; pre-norm stacks end with a final norm. */
export function transformerEncoder(x: tf.SymbolicTensor, t: ResolvedTransformer): tf.SymbolicTensor {
  let y = x;
  for (let i = 0; i < t.layers; i++) y = encoderBlock(y, t, `block${i}`, i);
  if (t.norm === 'pre') y = tf.layers.layerNormalization({ epsilon: 1e-5, name: 'encoder_ln' }).apply(y) as tf.SymbolicTensor;
  return y;
}

/** `checkTransformer` for callers outside a model builder: throws `ModelConfigError`. */
export function resolveTransformer(
  config: TransformerConfig,
  defaults: { norm: NormPlacement; activation: FeedForwardActivation } = { norm: 'pre', activation: 'gelu' },
): ResolvedTransformer {
  const violations = new ViolationList();
  const t = checkTransformer(config, defaults, violations);
  violations.throwIfAny('transformer config');
  return t!;
}
