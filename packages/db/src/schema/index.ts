export { checkpoints } from './checkpoints';
export { METRIC_GOALS, SWEEP_STATUSES, sweeps } from './sweeps';
export type { MetricGoal, SweepStatus } from './sweeps';
export { trialMetrics } from './trial-metrics';
export { TRIAL_STATUSES, trials } from './trials';
export type { TrialStatus } from './trials';
export { workers } from './workers';
