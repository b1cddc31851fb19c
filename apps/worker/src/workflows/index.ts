// The workflow bundle's entry: workflow functions only (activities are imported as types).
export { sweepWorkflow } from './sweep.workflow';
export { trialWorkflow } from './trial.workflow';
export { workerWorkflow } from './worker.workflow';
