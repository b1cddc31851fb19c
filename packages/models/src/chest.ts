import { CHEST_LABELS } from '@headroom/sweep';
import { checkTransformer, transformerEncoder, type TransformerConfig } from './transformer-block';
import {
  ClassToken,
  Patchify,
  PositionEmbedding,
  TakeToken,
  type PositionEncoding,
} from './tokens';
import { seedAt, tf } from './tf';
import { ViolationList } from './violations';
import { Dropout } from './dropout';

export interface ChestModelConfig extends TransformerConfig {
  /** `[height, width]` in pixels; both divisible by `patchSize`. Default 224×224. */
  imageSize?: [number, number];
  /** 1 for the grayscale X-rays as stored, 3 for RGB-replicated input. */
  channels?: number;
  patchSize?: number;
  /** Sigmoid outputs; default 15 (`CHEST_LABELS`: 14 findings + COVID-19). */
  classes?: number;
  position?: PositionEncoding;
}

/**
 * ViT for multi-label classification: `[batch, H, W, C]` image → `patchSize²` patches,
 * each embedded by one dense layer → class token + learned positions → pre-norm encoder
 * → class-token output → `classes` independent sigmoid probabilities.
 */
export function buildChestModel(config: ChestModelConfig): tf.LayersModel {
  const violations = new ViolationList();
  const checked = checkTransformer(config, violations, { norm: 'pre', activation: 'gelu' });
  const [height, width] = config.imageSize ?? [224, 224];
  const channels = config.channels ?? 1;
  const patch = config.patchSize ?? 16;
  const classes = config.classes ?? CHEST_LABELS.length;
  violations.positiveInteger('image_size[0]', height);
  violations.positiveInteger('image_size[1]', width);
  violations.positiveInteger('channels', channels);
  violations.positiveInteger('classes', classes);
  if (violations.positiveInteger('patch_size', patch)) {
    if (height % patch !== 0 || width % patch !== 0) {
      violations.add('patch_size', `must divide the image size ${height}×${width}, got ${patch}`);
    }
  }
  violations.throwIfAny('chest model config');
  const t = checked!;

  const { dModel } = t.geometry;
  const input = tf.input({ shape: [height, width, channels], name: 'image' });
  let x = new Patchify({ patchSize: patch, name: 'patches' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers
    .dense({
      units: dModel,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seedAt(t.seed, 0) }),
      name: 'patch_embed',
    })
    .apply(x) as tf.SymbolicTensor;
  x = new ClassToken({ name: 'class_token' }).apply(x) as tf.SymbolicTensor;
  x = new PositionEmbedding({
    kind: config.position ?? 'learned',
    seed: seedAt(t.seed, 1),
    name: 'pos_embed',
  }).apply(x) as tf.SymbolicTensor;
  if (t.dropout > 0)
    x = new Dropout({ rate: t.dropout, seed: seedAt(t.seed, 2), name: 'embed_drop' }).apply(
      x,
    ) as tf.SymbolicTensor;
  x = transformerEncoder(x, t);
  x = new TakeToken({ index: 0, name: 'class_output' }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({
      units: classes,
      activation: 'sigmoid',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seedAt(t.seed, 3) }),
      name: 'classifier',
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'chest' });
}
