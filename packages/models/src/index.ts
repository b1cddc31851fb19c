/**
 * @headroom/models: the flexible-head attention layer, transformer blocks, the task models,
 * parameter and FLOP counts, weight checkpoints and TF.js backend selection.
 * `tf` is re-exported so the whole process shares this package's TF.js instance.
 */
export { tf } from './tf';

export {
  selectBackend,
  isBackendName,
  BACKEND_NAMES,
  type BackendInfo,
  type BackendName,
} from './backend';

export {
  FlexibleMultiHeadAttention,
  attentionParamCount,
  attentionFlopCount,
  type FlexibleMultiHeadAttentionArgs,
} from './flexible-attention';
export {
  transformerBlock,
  transformerEncoder,
  resolveTransformer,
  transformerBlockParamCount,
  type TransformerConfig,
  type ResolvedTransformer,
  type NormPlacement,
  type FeedForwardActivation,
} from './transformer-block';
export { LayerNorm, layerNorm, type LayerNormArgs } from './layer-norm';
export { Relu, relu } from './relu';
export { Gelu, gelu } from './gelu';
export { Linear, linear, type LinearArgs } from './linear';
export { BatchNorm, batchNormTraining, type BatchNormArgs, type BatchStats } from './batch-norm';
export { Dropout, type DropoutArgs } from './dropout';
export {
  PositionEmbedding,
  ClassToken,
  TakeToken,
  Patchify,
  sineCode1d,
  sineCode2d,
  type PositionEmbeddingArgs,
  type PositionEncoding,
  type TakeTokenArgs,
  type PatchifyArgs,
} from './tokens';

export { buildPose3dModel, pose3dParamCount, type Pose3dModelConfig } from './pose3d';
export { buildPose2dModel, heatmapStride, type Pose2dModelConfig } from './pose2d';
export { decodeHeatmaps, type HeatmapLayout } from './pose2d-heatmaps';
export { buildChestModel, type ChestModelConfig } from './chest';
export { chestGradCam, type GradCamOptions, type GradCamResult } from './gradcam';
export { buildTaskModel, type TaskModelConfigs } from './tasks';

export {
  countParams,
  predictValues,
  trainableVariables,
  describeModel,
  type ModelStats,
  type AttentionLayerStats,
} from './model-stats';
export {
  createOptimizer,
  decayedVariables,
  ScheduledAdam,
  ADAM_BETA1,
  ADAM_BETA2,
  ADAM_EPSILON,
  type ScheduledAdamArgs,
} from './optimizers';
export { learningRateAt, lrScheduleOf, type LrSchedule } from './lr-schedule';
export {
  saveWeights,
  loadWeights,
  WEIGHTS_FORMAT,
  WEIGHTS_VERSION,
  type SavedWeights,
  type LoadedWeights,
  type WeightEntry,
} from './checkpoint';
