export { checkpoints } from './checkpoints';
export { sweeps } from './sweeps';
export { trialMetrics } from './trial-metrics';
export { trials } from './trials';
export { workers } from './workers';
