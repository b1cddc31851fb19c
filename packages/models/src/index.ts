/**
 * @headroom/models: the flexible-head transformer layers, the three task models, their
 * parameter and FLOP counts, checkpoints and TF.js backend selection. Depends on TF.js only;
 * `tf` is re-exported so the whole process shares this package's TF.js instance.
 */
export { tf } from './tf';

export { ModelConfigError, isModelConfigError, type ConfigViolation } from './model-config-error';
export {
  resolveGeometry,
  isStandardGeometry,
  type AttentionGeometry,
  type AttentionGeometryInput,
  type HeadSize,
} from './geometry';
export { countAttentionParams, countAttentionFlops, countEncoderBlockParams } from './counts';

export {
  FlexibleMultiHeadAttention,
  type FlexibleMultiHeadAttentionArgs,
} from './layers/flexible-multi-head-attention';
export {
  PositionEmbedding,
  ClassToken,
  TakeToken,
  sineCode1d,
  sineCode2d,
  type PositionEmbeddingArgs,
  type PositionEncoding,
  type TakeTokenArgs,
} from './layers/tokens';
export {
  encoderBlock,
  transformerEncoder,
  resolveTransformer,
  type TransformerConfig,
  type ResolvedTransformer,
  type NormPlacement,
  type FeedForwardActivation,
} from './blocks';

export { buildPose2dModel, heatmapStride, type Pose2dModelConfig } from './tasks/pose2d';
export { encodeHeatmaps, decodeHeatmaps, type HeatmapLayout } from './tasks/pose2d-heatmaps';
export { buildPose3dModel, type Pose3dModelConfig } from './tasks/pose3d';
export { buildChestModel, CHEST_CLASSES, type ChestModelConfig } from './tasks/chest';
export { TASK_IDS, buildTaskModel, isTaskId, type TaskId, type TaskModelConfigs } from './tasks/registry';

export { describeModel, type ModelStats, type AttentionLayerStats } from './model-stats';
export {
  saveCheckpoint,
  loadCheckpoint,
  restoreCheckpoint,
  listCheckpoints,
  latestCheckpoint,
  pruneCheckpoints,
  checkpointPath,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type SaveCheckpointInput,
  type SavedCheckpoint,
  type CheckpointRef,
  type CheckpointExtra,
  type LoadedCheckpoint,
  type RestoredCheckpoint,
  type OptimizerState,
} from './checkpoint';
export {
  selectBackend,
  currentBackend,
  isBackendPreference,
  BACKEND_NAMES,
  NATIVE_CPU_PACKAGE,
  NATIVE_GPU_PACKAGE,
  type BackendName,
  type BackendPreference,
  type SelectedBackend,
} from './backend';
