/**
 * What a trial produces besides its weights, in the shape every layer keeps it (the epoch
 * reports, the database's jsonb columns, GraphQL's JSON fields).
 */
import type { MetricGoal } from './tasks';

/**
 * Metric values by name. `null` where a metric has no value this epoch: the ROC AUC of a class
 * whose labels are all equal is undefined (scikit-learn refuses it), and means leave it out.
 */
export type MetricValues = Record<string, number | null>;

/**
 * The values behind an epoch's means, by group then metric: pose3d's per action, as the papers'
 * tables print them (`{ Walking: { mpjpe: 41.2, p_mpjpe: 32.0 }, … }`).
 */
export type MetricBreakdown = Record<string, MetricValues>;

/** A file a trial wrote for people to look at (a Grad-CAM overlay), on the artifacts volume. */
export interface TrialArtifact {
  /** Relative to the trial's directory, e.g. `gradcam/Cardiomegaly-00000013_005.png`. */
  name: string;
  /** Absolute, as the train worker wrote it. */
  path: string;
  bytes: number;
}

/** A metric's value as a number, or undefined when it is absent, null or not finite. */
export function metricValue(
  values: MetricValues | null | undefined,
  name: string,
): number | undefined {
  const v = values?.[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Whether a finished trial's metric value reaches `metric.target` in the goal's direction (W&B's stop). */
export function reachesTarget(goal: MetricGoal, target: number, value: number | null): boolean {
  if (value === null || !Number.isFinite(value)) return false;
  return goal === 'minimize' ? value <= target : value >= target;
}
