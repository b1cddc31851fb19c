import { checkTransformer, transformerEncoder, type TransformerConfig } from './transformer-block';
import { BatchNorm } from './batch-norm';
import { Relu } from './relu';
import { PositionEmbedding, type PositionEncoding } from './tokens';
import { seedAt, tf } from './tf';
import { ViolationList } from './violations';

export interface Pose2dModelConfig extends TransformerConfig {
  /** `[height, width]` of the person crop; default 256×192 (TransPose, COCO). */
  imageSize?: [number, number];
  channels?: number;
  /** Heatmaps out; 17 COCO keypoints. */
  joints?: number;
  /**
   * Channels of the convolutional backbone's stages, each halving the resolution;
   * default `[64, 128, 256]` (stride 8, where TransPose-R taps its ResNet).
   */
  backbone?: number[];
  /** Default `sine`: TransPose's fixed 2-D code, no trainable parameters. */
  position?: PositionEncoding;
}

/** Input pixels per heatmap pixel for a backbone of `stages` stride-2 stages. */
export function heatmapStride(stages: number): number {
  return 2 ** (stages - 1);
}

/**
 * TransPose-like 2-D pose model: `[batch, H, W, C]` image → convolutional backbone (stride
 * 2^stages) → 1×1 projection to `dModel` → flattened feature tokens + position code →
 * post-norm encoder (ReLU) → back to a grid → one stride-2 deconvolution → 1×1 conv to
 * `joints` heatmaps `[batch, H / s, W / s, joints]`, `s = heatmapStride(stages)`.
 * The backbone is a small conv net standing in for ResNet/HRNet stems.
 */
export function buildPose2dModel(config: Pose2dModelConfig): tf.LayersModel {
  const violations = new ViolationList();
  const checked = checkTransformer(config, violations, { norm: 'post', activation: 'relu' });
  const [height, width] = config.imageSize ?? [256, 192];
  const channels = config.channels ?? 3;
  const joints = config.joints ?? 17;
  const stages = config.backbone ?? [64, 128, 256];
  violations.positiveInteger('image_size[0]', height);
  violations.positiveInteger('image_size[1]', width);
  violations.positiveInteger('channels', channels);
  violations.positiveInteger('joints', joints);
  if (stages.length === 0) violations.add('backbone', 'needs at least one stage');
  stages.forEach((c, i) => violations.positiveInteger(`backbone[${i}]`, c));
  const stride = 2 ** stages.length;
  if (height % stride !== 0 || width % stride !== 0) {
    violations.add(
      'image_size',
      `must be divisible by the backbone stride ${stride}, got ${height}×${width}`,
    );
  }
  if (checked && checked.geometry.dModel % 2 !== 0 && (config.position ?? 'sine') === 'sine') {
    violations.add(
      'd_m',
      `the 2-D sine position code needs an even d_m, got ${checked.geometry.dModel}`,
    );
  }
  violations.throwIfAny('pose2d model config');
  const t = checked!;

  const { dModel } = t.geometry;
  let seedOffset = 0;
  const seed = () => seedAt(t.seed, seedOffset++);
  const convBnRelu = (
    x: tf.SymbolicTensor,
    filters: number,
    kernel: number,
    strides: number,
    name: string,
  ) => {
    const conv = tf.layers
      .conv2d({
        filters,
        kernelSize: kernel,
        strides,
        padding: 'same',
        useBias: false,
        kernelInitializer: tf.initializers.heNormal({ seed: seed() }),
        name: `${name}_conv`,
      })
      .apply(x);
    const bn = new BatchNorm({ momentum: 0.9, name: `${name}_bn` }).apply(conv);
    return new Relu({ name: `${name}_relu` }).apply(bn) as tf.SymbolicTensor;
  };

  const input = tf.input({ shape: [height, width, channels], name: 'image' });
  let x: tf.SymbolicTensor = input;
  stages.forEach((filters, i) => {
    x = convBnRelu(x, filters, 3, 2, `backbone${i}_a`);
    x = convBnRelu(x, filters, 3, 1, `backbone${i}_b`);
  });
  const rows = height / stride;
  const cols = width / stride;
  x = tf.layers
    .conv2d({
      filters: dModel,
      kernelSize: 1,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed() }),
      name: 'feature_proj',
    })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .reshape({ targetShape: [rows * cols, dModel], name: 'feature_tokens' })
    .apply(x) as tf.SymbolicTensor;
  x = new PositionEmbedding({
    kind: config.position ?? 'sine',
    grid: [rows, cols],
    seed: seed(),
    name: 'pos_embed',
  }).apply(x) as tf.SymbolicTensor;
  x = transformerEncoder(x, t);
  x = tf.layers
    .reshape({ targetShape: [rows, cols, dModel], name: 'token_grid' })
    .apply(x) as tf.SymbolicTensor;
  const up = tf.layers
    .conv2dTranspose({
      filters: dModel,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      useBias: false,
      kernelInitializer: tf.initializers.heNormal({ seed: seed() }),
      name: 'head_deconv',
    })
    .apply(x);
  const upBn = new BatchNorm({ momentum: 0.9, name: 'head_bn' }).apply(up);
  x = new Relu({ name: 'head_relu' }).apply(upBn) as tf.SymbolicTensor;
  const output = tf.layers
    .conv2d({
      filters: joints,
      kernelSize: 1,
      kernelInitializer: tf.initializers.randomNormal({ stddev: 0.001, seed: seed() }),
      name: 'heatmap_head',
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'pose2d' });
}
