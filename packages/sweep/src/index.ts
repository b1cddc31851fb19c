// Pure and deterministic: workflow code imports this entry, so nothing here may touch
// Node builtins, I/O, the clock or Math.random.
export {
  CHEST_LABELS,
  CHESTXRAY14_FINDINGS,
  TASKS,
  TASK_IDS,
  METRIC_GOALS,
  chestAucMetric,
  isTaskId,
  resolveMetric,
} from './tasks';
export type {
  ChestLabel,
  TaskId,
  MetricName,
  MetricGoal,
  TaskInfo,
  RealDatasetKind,
} from './tasks';
export {
  SWEEP_STATUSES,
  FINAL_SWEEP_STATUSES,
  TRIAL_STATUSES,
  FINAL_TRIAL_STATUSES,
  RETRYABLE_TRIAL_STATUSES,
  WORKER_STATUSES,
  isFinalSweepStatus,
  isFinalTrialStatus,
  isRetryableTrialStatus,
} from './statuses';
export type {
  SweepStatus,
  FinalSweepStatus,
  TrialStatus,
  FinalTrialStatus,
  WorkerStatus,
} from './statuses';
export {
  ZSweepSpec,
  ZDatasetSpec,
  ZMetricSpec,
  ZEarlyTerminate,
  ZResources,
  SWEEP_METHODS,
  DEFAULT_POOL,
  POOL_PATTERN,
  IGNORED_WANDB_KEYS,
  parseSweepSpec,
} from './spec';
export { DEFAULT_SAMPLER_SEED, isTaskSweep, isProgramSweep, requireTaskSweep } from './spec-shape';
export type {
  SweepSpec,
  TaskSweepSpec,
  ProgramSweepSpec,
  SweepMethod,
  DatasetSpec,
  MetricSpec,
  EarlyTerminate,
  ResourcesSpec,
} from './spec';
export {
  PARAMETER_NAMES,
  REQUIRED_PARAMETERS,
  PARAMETER_DEFAULTS,
  OPTIMIZERS,
  LR_SCHEDULES,
  DEFAULT_WEIGHT_DECAY,
} from './parameters';
export type {
  TrialParams,
  ParameterName,
  ParameterValue,
  OptimizerName,
  LrScheduleName,
} from './parameters';
export {
  DISTRIBUTIONS,
  PARAMETER_NAME_PATTERN,
  distributionOf,
  drawLeaf,
  gridValues,
  isNested,
  parameterLeaves,
} from './parameter-spec';
export type {
  ParameterSpec,
  LeafParameter,
  NestedParameter,
  ValueParameter,
  ValuesParameter,
  DistributionParameter,
  RangeParameter,
  QRangeParameter,
  NormalParameter,
  QNormalParameter,
  BetaParameter,
  QBetaParameter,
  Distribution,
  SpecValue,
  ProgramTrialParams,
  ParameterLeaf,
} from './parameter-spec';
export { normalPpf, betaPpf, betaCdf, quantize } from './laws';
export {
  buildCommand,
  COMMAND_MACROS,
  DEFAULT_COMMAND,
  pythonStr,
  pythonJsonDumps,
} from './command';
export type { BuiltCommand, BuildCommandOptions, CommandMacro } from './command';
export { checkGeometry, resolveGeometry, autoHeadSizeMessage, isStandardLayer } from './geometry';
export type { AttentionGeometry, HeadSize, GeometryField } from './geometry';
export { expandGrid, countGridTrials, gridTrialAt } from './grid';
export { sampleTrialAt } from './random';
export { trialAt, trialSpace, countTrials, requireTrialCount, describeTrial } from './trials';
export { suggestBayesTrial, bayesDimensionsOf } from './bayes';
export { addGridValues, type SweepChange } from './sweep-change';
export type { TrialSpace } from './trials';
export { previewSweep, type SweepPreview } from './preview';
export {
  metricValue,
  reachesTarget,
  type MetricBreakdown,
  type MetricValues,
  type TrialArtifact,
} from './results';
export { createAsha, ashaReport, ashaRungs, hyperbandBands, resolveAshaConfig } from './asha';
export type { AshaConfig, AshaState, AshaRung, AshaReport, AshaDecision } from './asha';
// Bayesian search: TPE as Optuna's TPESampler, a pure function of (space, history, seed, trial).
export { suggestTpe, TPE_DEFAULTS } from './tpe/sampler';
export type { TpeObservation, TpeOptions } from './tpe/sampler';
export { dimensionFromWandb, QUANTILE_EPSILON } from './tpe/search-space';
export type {
  TpeSearchSpace,
  TpeDimension,
  TpeFloatDimension,
  TpeIntDimension,
  TpeCategoricalDimension,
  TpeTransform,
} from './tpe/search-space';
export { REFERENCE_ROWS, referenceRows } from './references';
export type {
  ReferenceRow,
  ReferenceRowOf,
  ReferenceSource,
  ReferenceGeometry,
} from './references';
// Temporal names and payloads: `@headroom/sweep/temporal` (kept out of this entry).
export { SWEEP_ID_PATTERN, newSweepId, trialId } from './ids';
// yaml's Node build imports `process`, but bundlers that honour package.json "browser" (Temporal's
// workflow bundler does) take its builtin-free browser build; `@headroom/sweep/load` is the same
// function for apps that want yaml out of a bundle altogether.
export { parseSweepText } from './load';
export { OWNER_NAME, TOKEN_ROLES, roleAllows, type TokenRole } from './roles';
