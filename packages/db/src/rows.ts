import type {
  apiTokens,
  auditLog,
  checkpoints,
  sweeps,
  leaderboardGroups,
  leaderboardValues,
  trialGroups,
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
export type LeaderboardValueRow = typeof leaderboardValues.$inferSelect;
export type LeaderboardGroupRow = typeof leaderboardGroups.$inferSelect;
export type TrialGroupRow = typeof trialGroups.$inferSelect;
export type CheckpointRow = typeof checkpoints.$inferSelect;
export type WorkerRow = typeof workers.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;
