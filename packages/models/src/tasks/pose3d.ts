import { checkTransformer, transformerEncoder, type TransformerConfig } from '../blocks';
import { PositionEmbedding, type PositionEncoding } from '../layers/tokens';
import { ViolationList } from '../model-config-error';
import { seedAt, tf } from '../tf';

export interface Pose3dModelConfig extends TransformerConfig {
  /** Joint tokens; 17 in the Human3.6M layout of VideoPose3D. */
  joints?: number;
  position?: PositionEncoding;
}

/**
 * 2D→3D lifting: the joints' 2-D keypoints `[batch, joints, 2]` become one token each,
 * go through attention-only encoder blocks, and come out as root-relative 3-D joints
 * `[batch, joints, 3]` (same units as the training targets).
 * Defaults: pre-norm, GELU, learned joint positions (PoseFormer's spatial transformer).
 */
export function buildPose3dModel(config: Pose3dModelConfig): tf.LayersModel {
  const violations = new ViolationList();
  const checked = checkTransformer(config, { norm: 'pre', activation: 'gelu' }, violations);
  const joints = config.joints ?? 17;
  violations.positiveInteger('joints', joints);
  violations.throwIfAny('pose3d model config');
  const t = checked!;

  const input = tf.input({ shape: [joints, 2], name: 'keypoints_2d' });
  let x = tf.layers
    .dense({
      units: t.geometry.dModel,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seedAt(t.seed, 0) }),
      name: 'joint_embed',
    })
    .apply(input) as tf.SymbolicTensor;
  x = new PositionEmbedding({ kind: config.position ?? 'learned', seed: seedAt(t.seed, 1), name: 'pos_embed' }).apply(
    x,
  ) as tf.SymbolicTensor;
  if (t.dropout > 0) x = tf.layers.dropout({ rate: t.dropout, seed: seedAt(t.seed, 2), name: 'embed_drop' }).apply(x) as tf.SymbolicTensor;
  x = transformerEncoder(x, t);
  const output = tf.layers
    .dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: seedAt(t.seed, 3) }), name: 'joint_head' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'pose3d' });
}
