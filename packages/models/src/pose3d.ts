import { PositionEmbedding } from './tokens';
import {
  checkTransformer,
  transformerBlockParamCount,
  transformerEncoder,
  type TransformerConfig,
} from './transformer-block';
import { seedAt, tf } from './tf';
import { ViolationList } from './violations';
import { Dropout } from './dropout';

export interface Pose3dModelConfig extends TransformerConfig {
  /** Joint tokens; 17 in the Human3.6M layout of VideoPose3D. */
  joints?: number;
}

const POSE3D_DEFAULT_JOINTS = 17;

function checkPose3d(config: Pose3dModelConfig) {
  const violations = new ViolationList();
  const t = checkTransformer(config, violations);
  const joints = config.joints ?? POSE3D_DEFAULT_JOINTS;
  violations.positiveInteger('joints', joints);
  violations.throwIfAny('pose3d model config');
  return { t: t!, joints };
}

/**
 * The 2D→3D lifter: normalised 2-D keypoints `[batch, joints, 2]` → one token per joint
 * (Dense(dModel) + a learned joint embedding `[joints, dModel]`) → `layers` blocks
 * (pre-LN, GELU by default) → final LayerNorm → Dense(3) → root-relative 3-D joints
 * `[batch, joints, 3]`, in the units of the training targets.
 * Throws `HeadroomError('INVALID_SPEC')` listing every bad field.
 */
export function buildPose3dModel(config: Pose3dModelConfig): tf.LayersModel {
  const { t, joints } = checkPose3d(config);
  const input = tf.input({ shape: [joints, 2], name: 'keypoints_2d' });
  let x = tf.layers
    .dense({
      units: t.geometry.dModel,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seedAt(t.seed, 0) }),
      name: 'joint_embed',
    })
    .apply(input) as tf.SymbolicTensor;
  x = new PositionEmbedding({
    kind: 'learned',
    seed: seedAt(t.seed, 1),
    name: 'joint_position',
  }).apply(x) as tf.SymbolicTensor;
  if (t.dropout > 0) {
    x = new Dropout({ rate: t.dropout, seed: seedAt(t.seed, 2), name: 'embed_drop' }).apply(
      x,
    ) as tf.SymbolicTensor;
  }
  x = transformerEncoder(x, t);
  const output = tf.layers
    .dense({
      units: 3,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seedAt(t.seed, 3) }),
      name: 'joint_head',
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'pose3d' });
}

/** Trainable parameters of `buildPose3dModel(config)`, by formula (no model is built). */
export function pose3dParamCount(config: Pose3dModelConfig): number {
  const { t, joints } = checkPose3d(config);
  const d = t.geometry.dModel;
  const embed = 2 * d + d + joints * d;
  const blocks = t.layers * transformerBlockParamCount(t.geometry, t.dFF);
  const finalNorm = t.norm === 'pre' ? 2 * d : 0;
  return embed + blocks + finalNorm + (3 * d + 3);
}
