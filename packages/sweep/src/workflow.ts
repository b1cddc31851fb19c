// The entry workflow code imports. Temporal's reusable V8 context evaluates the workflow bundle's
// modules afresh for every workflow execution it starts (each trial, each sweep run), so this
// entry keeps zod and yaml out of that evaluation: spec.ts's schemas cost the control worker more
// CPU than the rest of a trivial trial (bench/README.md, bench:sweep). Checking a changed spec
// needs them, so `addGridValues` loads them on its first call.
import type { addGridValues as AddGridValues } from './sweep-change';

export { countGridTrials, gridTrialAt } from './grid';
export { trialId } from './ids';
export { resolveMetric } from './tasks';
export { trialSpace } from './trials';
export { bayesDimensionsOf, suggestBayesTrial } from './bayes';
export { metricValue, reachesTarget } from './results';
export { ashaReport, createAsha, resolveAshaConfig } from './asha';
export type { ProgramTrialParams } from './parameter-spec';
export type { TrialParams } from './parameters';
export type { SweepStatus } from './statuses';
export type { SweepChange } from './sweep-change';
export type { TpeObservation } from './tpe/sampler';

/** `addGridValues` of the main entry, with spec.ts (zod) evaluated when first called. */
export function addGridValues(
  ...args: Parameters<typeof AddGridValues>
): ReturnType<typeof AddGridValues> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (above)
  return (require('./sweep-change') as typeof import('./sweep-change')).addGridValues(...args);
}
