import type {
  checkpoints,
  sweeps,
  trialFinalMetrics,
  trialMetrics,
  trialMetricValues,
  trials,
  workers,
} from './schema';

// Row types are the tables' own (drizzle infers them from the schema), never restated.
export type SweepRow = typeof sweeps.$inferSelect;
export type TrialRow = typeof trials.$inferSelect;
export type TrialMetricRow = typeof trialMetrics.$inferSelect;
export type TrialMetricValueRow = typeof trialMetricValues.$inferSelect;
export type TrialFinalMetricRow = typeof trialFinalMetrics.$inferSelect;
export type CheckpointRow = typeof checkpoints.$inferSelect;
export type WorkerRow = typeof workers.$inferSelect;
