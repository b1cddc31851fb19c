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
  SUPPORTED_METHODS,
  DEFAULT_SAMPLER_SEED,
  DEFAULT_POOL,
  POOL_PATTERN,
  IGNORED_WANDB_KEYS,
  parseSweepSpec,
} from './spec';
export type {
  SweepSpec,
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
  DISTRIBUTIONS,
  OPTIMIZERS,
  LR_SCHEDULES,
  DEFAULT_WEIGHT_DECAY,
} from './parameters';
export type {
  TrialParams,
  ParameterName,
  ParameterSpec,
  ParameterValue,
  ValueParameter,
  ValuesParameter,
  DistributionParameter,
  Distribution,
  OptimizerName,
  LrScheduleName,
} from './parameters';
export { checkGeometry, resolveGeometry, autoHeadSizeMessage, isStandardLayer } from './geometry';
export type { AttentionGeometry, HeadSize, GeometryField } from './geometry';
export { expandGrid, countGridTrials, gridTrialAt } from './grid';
export { sampleTrialAt } from './random';
export { trialAt, countTrials, describeTrial } from './trials';
export {
  metricValue,
  type MetricBreakdown,
  type MetricValues,
  type TrialArtifact,
} from './results';
export { createAsha, ashaReport, ashaRungs, resolveAshaConfig } from './asha';
export type { AshaConfig, AshaState, AshaRung, AshaReport, AshaDecision } from './asha';
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
