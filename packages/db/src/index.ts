// The public surface of @headroom/db. Everything another package may use is named here.

export { openDatabase, pingDatabase, schema } from './database';
export type { Database, DbHandle, OpenDatabaseOptions, Schema } from './database';
export { serveEmbeddedDatabase } from './embedded-server';
export type { EmbeddedDatabaseServer, ServeEmbeddedDatabaseOptions } from './embedded-server';
export { MIGRATIONS_FOLDER } from './migrations';
// Live updates: the triggers' NOTIFYs, a listener per process, and the rows an event names.
export {
  EVENTS_CHANNEL,
  parseDatabaseEvent,
  sweepsByIds,
  trialsAt,
  trialsChangedSince,
  workersByIds,
  workersChangedSince,
} from './events';
export type {
  DatabaseEvent,
  DatabaseEventHandlers,
  DatabaseEventListener,
  PostgresListenOptions,
} from './events';

// Statuses, tasks and goals are @headroom/sweep's vocabulary; the tables' CHECKs are built from it.
export {
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
export type {
  CheckpointRow,
  SweepRow,
  LeaderboardGroupRow,
  LeaderboardValueRow,
  TrialGroupRow,
  TrialMetricRow,
  TrialMetricValueRow,
  TrialRow,
  WorkerRow,
  ApiTokenRow,
  AuditRow,
} from './rows';

export {
  getSweep,
  insertSweep,
  listSweeps,
  setSweepStatus,
  settleSweepStatus,
  sweepRegistration,
  newTrial,
  insertTrials,
  dropUnstartedTrials,
  setSweepSpec,
  trialResults,
  bestEpochValue,
  TRIAL_INSERT_CHUNK,
} from './queries/sweeps';
// The trial id format is the sweep package's (workflows use it too); re-exported for callers of the db alone.
export { trialId } from '@headroom/sweep';
export type { InsertSweepInput, NewTrial, TrialResult } from './queries/sweeps';
export {
  cancelPendingTrials,
  completeTrial,
  countTrialsByStatus,
  failTrial,
  getTrial,
  listTrials,
  markTrialRunning,
} from './queries/trials';
export type { CompleteTrialInput, FailTrialInput, MarkTrialRunningInput } from './queries/trials';
export { listSweepMetrics, listTrialMetrics, recordEpochMetrics } from './queries/metrics';
export type { RecordEpochMetricsInput } from './queries/metrics';
export { latestCheckpoint, listCheckpoints, recordCheckpoint } from './queries/checkpoints';
export type { RecordCheckpointInput } from './queries/checkpoints';
export {
  groupedLeaderboard,
  LEADERBOARD_EPOCHS,
  LEADERBOARD_GROUP_BYS,
  PARETO_COSTS,
} from './queries/leaderboard';
export type {
  GroupedLeaderboardPage,
  GroupedLeaderboardQuery,
  GroupedLeaderboardRow,
  LeaderboardEpoch,
  LeaderboardFilter,
  LeaderboardGroupBy,
  LeaderboardGroupTrial,
  MetricSummary,
  ParetoCost,
} from './queries/leaderboard';
export { paretoFront } from './pareto';
export type { ParetoOptions } from './pareto';
export { listWorkers, markWorkerSeen, registerWorker } from './queries/workers';
export {
  checkApiToken,
  claimSweep,
  createApiToken,
  hasUsableAdminToken,
  listApiTokens,
  listAudit,
  recordAudit,
  revokeApiToken,
  sweepOwnersOf,
} from './queries/access';
export type { ApiTokenInfo, AuditInput, IssuedToken, TokenCheck } from './queries/access';
export type { RegisterWorkerInput } from './queries/workers';

// Keyset pages of a sweep's trials and of their epochs (Sweep.trials, Trial.history), batched.
export {
  countSweepTrials,
  getSweeps,
  latestTrialEpochs,
  listEpochBreakdowns,
  listSweepTrialsPage,
  listTrialEpochPages,
} from './queries/sweep-pages';
export type {
  EpochMetricsRow,
  EpochPageKey,
  SweepTrialsPageQuery,
  TrialColumn,
  TrialEpochKey,
} from './queries/sweep-pages';
