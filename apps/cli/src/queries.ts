// The GraphQL documents the CLI sends; field names as in apps/api/schema.gql.
export const TRIAL_FIELDS = `id index status params d_m heads d_h qk_tied epochs epochsCompleted paramCount metrics error attempts resumedFromEpoch backend device worker prunedAtRung`;

export const CREATE_SWEEP = `mutation CreateSweep($input: CreateSweepInput!) {
  createSweep(input: $input) { id name status trialCount }
}`;

export const SWEEP_PROGRESS = `query Sweep($id: ID!) {
  sweep(id: $id) { id name task status metric goal trials { ${TRIAL_FIELDS} history { epoch metrics } } }
}`;

export const SWEEP_ACTION = (action: 'pauseSweep' | 'resumeSweep' | 'cancelSweep') => `mutation Act($id: ID!) {
  ${action}(id: $id) { id name status }
}`;

export const RETRY_FAILED = `mutation Retry($sweepId: ID!, $trialIds: [ID!]) {
  retryFailedTrials(sweepId: $sweepId, trialIds: $trialIds) { id name status }
}`;

export const WORKERS = `query Workers($pool: String) {
  workers(pool: $pool) { id pool host pid backend device slots status startedAt lastSeenAt }
}`;

export const LEADERBOARD = `query Leaderboard($task: String!, $metric: String!, $sweepId: ID, $limit: Int) {
  leaderboard(task: $task, metric: $metric, sweepId: $sweepId, limit: $limit) {
    rank value sweepId sweepName trial { ${TRIAL_FIELDS} }
  }
}`;

export interface TrialView {
  id: string;
  index: number;
  status: string;
  d_m: number;
  heads: number;
  d_h: number;
  qk_tied: boolean;
  epochs: number;
  epochsCompleted: number;
  paramCount: number | null;
  metrics: Record<string, number> | null;
  error: string | null;
  attempts: number;
  resumedFromEpoch: number;
  params: Record<string, unknown>;
  backend: string | null;
  device: string | null;
  worker: string | null;
  prunedAtRung: number | null;
  history?: Array<{ epoch: number; metrics: Record<string, number> }>;
}

export interface SweepView {
  id: string;
  name: string;
  task: string;
  status: string;
  metric: string;
  goal: string;
  trials: TrialView[];
}

export interface LeaderboardRow {
  rank: number;
  value: number;
  sweepId: string;
  sweepName: string;
  trial: TrialView;
}
