import type { TrialRow } from '@headroom/db';

/**
 * Trial fields that are their row's property of the same name: read as plain properties
 * (TRIAL_PROPERTY_FIELDS), and each needs only its own column (Sweep.trials reads the asked ones).
 */
export const TRIAL_ROW_FIELDS = [
  'id',
  'index',
  'status',
  'params',
  'heads',
  'epochs',
  'epochsCompleted',
  'paramCount',
  'flops',
  'metrics',
  'backend',
  'device',
  'error',
  'attempts',
  'resumedFromEpoch',
  'worker',
  'prunedAtRung',
  'artifactPath',
  'artifacts',
] as const satisfies ReadonlyArray<keyof TrialRow>;
