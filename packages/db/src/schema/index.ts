export { checkpoints } from './checkpoints';
export { sweeps } from './sweeps';
export { trialFinalMetrics } from './trial-final-metrics';
export { trialMetrics } from './trial-metrics';
export { trialMetricValues } from './trial-metric-values';
export { trials } from './trials';
export { workers } from './workers';
