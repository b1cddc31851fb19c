// Pure and deterministic: workflow code imports this entry, so nothing here may touch
// Node builtins, I/O, the clock or Math.random.
export { TASKS, TASK_IDS, METRIC_GOALS, resolveMetric } from './tasks';
export type { TaskId, MetricGoal, TaskInfo, RealDatasetKind } from './tasks';
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
  parseTrialParams,
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
} from './parameters';
export { resolveGeometry, describeTrial } from './geometry';
export type { AttentionGeometry } from './geometry';
export { expandGrid, countGridTrials, gridTrialAt } from './grid';
export { sampleTrialAt } from './random';
export { trialAt, countTrials } from './trials';
export { createAsha, ashaReport, ashaRungs, resolveAshaConfig } from './asha';
export type { AshaConfig, AshaState, AshaRung, AshaReport, AshaDecision } from './asha';
export {
  CONTROL_TASK_QUEUE,
  SWEEP_WORKFLOW_TYPE,
  SWEEP_ID_PATTERN,
  trainTaskQueue,
  sweepWorkflowId,
  trialId,
  trialWorkflowId,
  newSweepId,
  SWEEP_SIGNALS,
} from './temporal-names';
export type { RetryTrialsRequest, SweepWorkflowInput } from './temporal-names';
// yaml's Node build imports `process`, but bundlers that honour package.json "browser" (Temporal's
// workflow bundler does) take its builtin-free browser build; `@headroom/sweep/load` is the same
// function for apps that want yaml out of a bundle altogether.
export { parseSweepText } from './load';
