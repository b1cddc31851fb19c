import { createClient, type Client } from 'graphql-ws';

// The page's one door to the API (same origin): fetch for queries and mutations, graphql-ws for
// subscriptions. Types restate the parts of apps/api/schema.gql the page selects.

export type Task = 'pose3d' | 'pose2d' | 'chest';
export type Goal = 'minimize' | 'maximize';
export type SweepStatus = 'pending' | 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled';
export type TrialStatus =
  'pending' | 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled' | 'pruned';

export const SWEEP_STATUSES: SweepStatus[] = [
  'pending',
  'running',
  'paused',
  'succeeded',
  'failed',
  'cancelled',
];
export const FINAL_SWEEP_STATUSES: SweepStatus[] = ['succeeded', 'failed', 'cancelled'];
export const LIVE_TRIAL_STATUSES: TrialStatus[] = ['pending', 'running', 'paused'];

export type Metrics = Record<string, number | null>;

export interface TaskInfo {
  id: Task;
  metrics: Array<{ name: string; goal: Goal }>;
}

export interface SweepSummary {
  id: string;
  name: string;
  task: Task;
  method: string;
  metric: string;
  goal: Goal;
  status: SweepStatus;
  createdAt: string;
  trialCount: number;
  trialsDone: number;
  best: number | null;
}

export interface Artifact {
  name: string;
  bytes: number;
}

export interface Trial {
  id: string;
  index: number;
  d_m: number;
  heads: number;
  d_h: number;
  qk_tied: boolean;
  params: Record<string, unknown>;
  status: TrialStatus;
  epochs: number;
  epochsCompleted: number;
  attempts: number;
  resumedFromEpoch: number;
  worker: string | null;
  device: string | null;
  backend: string | null;
  paramCount: number | null;
  metrics: Metrics | null;
  error: string | null;
  prunedAtRung: number | null;
  artifacts: Artifact[];
}

export interface EpochPoint {
  epoch: number;
  metrics: Metrics;
}

export interface Violation {
  path: string;
  message: string;
}

export interface SweepValidation {
  valid: boolean;
  violations: Violation[];
  trialCount: number | null;
  name: string | null;
  task: Task | null;
  method: string | null;
  metric: string | null;
}

export interface LeaderboardRow {
  rank: number;
  key: string;
  d_m: number;
  heads: number;
  d_h: number;
  qk_tied: boolean;
  n: number;
  mean: number;
  std: number | null;
  min: number;
  max: number;
  paramCount: number | null;
  params: Record<string, unknown>;
}

export interface Worker {
  id: string;
  pool: string;
  host: string;
  backend: string;
  device: string;
  slots: number;
  status: string;
  lastSeenAt: string;
}

/** A GraphQL error as the API formats it: a code and, for invalid input, violations with paths. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly violations: Violation[] = [],
  ) {
    super(message);
  }
}

const GRAPHQL_PATH = '/graphql';

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(GRAPHQL_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json().catch(() => null)) as {
    data?: T | null;
    errors?: Array<{
      message: string;
      extensions?: { code?: string; violations?: Violation[] };
    }>;
  } | null;
  const error = body?.errors?.[0];
  if (error)
    throw new ApiError(error.message, error.extensions?.code, error.extensions?.violations);
  if (!body?.data) throw new ApiError(`the API answered ${res.status} without data`);
  return body.data;
}

let wsClient: Client | undefined;

function ws(): Client {
  if (!wsClient) {
    const url = new URL(GRAPHQL_PATH, window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    wsClient = createClient({ url: url.href, lazy: true, retryAttempts: Infinity });
  }
  return wsClient;
}

/**
 * Subscribes; `onError` hears a subscription the API refuses (e.g. one it does not have), so the
 * caller can fall back to polling. Returns the unsubscribe function.
 */
export function subscribe<T>(
  query: string,
  variables: Record<string, unknown>,
  onData: (data: T) => void,
  onError: (err: unknown) => void,
): () => void {
  return ws().subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors?.length) onError(result.errors);
        else if (result.data) onData(result.data as T);
      },
      error: onError,
      complete: () => {},
    },
  );
}

// ---- documents ------------------------------------------------------------------------------

export const TRIAL_FIELDS = /* GraphQL */ `
  fragment TrialFields on Trial {
    id
    index
    d_m
    heads
    d_h
    qk_tied
    params
    status
    epochs
    epochsCompleted
    attempts
    resumedFromEpoch
    worker
    device
    backend
    paramCount
    metrics
    error
    prunedAtRung
    artifacts {
      name
      bytes
    }
  }
`;

export const SWEEP_FIELDS = /* GraphQL */ `
  fragment SweepFields on Sweep {
    id
    name
    task
    method
    metric
    goal
    status
    createdAt
    trialCount
    trialsDone
    best
  }
`;

export const TASKS = /* GraphQL */ `
  {
    tasks {
      id
      metrics {
        name
        goal
      }
    }
  }
`;

export const SWEEPS = /* GraphQL */ `
  query Sweeps($limit: Int) {
    sweeps(limit: $limit) {
      ...SweepFields
    }
  }
  ${SWEEP_FIELDS}
`;

export const SWEEP_TRIALS = /* GraphQL */ `
  query SweepTrials($id: ID!, $first: Int, $after: String, $status: [TrialStatus!]) {
    sweep(id: $id) {
      ...SweepFields
      trials(first: $first, after: $after, status: $status) {
        rows {
          ...TrialFields
        }
        next
      }
    }
  }
  ${SWEEP_FIELDS}
  ${TRIAL_FIELDS}
`;

export const TRIALS_BY_IDS = /* GraphQL */ `
  query TrialsByIds($id: ID!, $ids: [ID!]!) {
    sweep(id: $id) {
      trialsByIds(ids: $ids) {
        ...TrialFields
      }
    }
  }
  ${TRIAL_FIELDS}
`;

export const HISTORIES = /* GraphQL */ `
  query Histories($id: ID!, $ids: [ID!]!) {
    sweep(id: $id) {
      trialsByIds(ids: $ids) {
        id
        history(first: 1000) {
          rows {
            epoch
            metrics
          }
        }
      }
    }
  }
`;

export const TRIAL_UPDATED = /* GraphQL */ `
  subscription TrialUpdated($sweepId: ID!) {
    trialUpdated(sweepId: $sweepId) {
      ...TrialFields
    }
  }
  ${TRIAL_FIELDS}
`;

export const SWEEP_UPDATED = /* GraphQL */ `
  subscription SweepUpdated($id: ID!) {
    sweepUpdated(id: $id) {
      ...SweepFields
    }
  }
  ${SWEEP_FIELDS}
`;

export const WORKER_UPDATED = /* GraphQL */ `
  subscription {
    workerUpdated {
      id
      pool
      host
      backend
      device
      slots
      status
      lastSeenAt
    }
  }
`;

export type SweepAction = 'pause' | 'resume' | 'cancel' | 'retry';

export const SWEEP_ACTIONS: Record<SweepAction, string> = {
  pause: `mutation ($id: ID!) { sweep: pauseSweep(id: $id) { ...SweepFields } } ${SWEEP_FIELDS}`,
  resume: `mutation ($id: ID!) { sweep: resumeSweep(id: $id) { ...SweepFields } } ${SWEEP_FIELDS}`,
  cancel: `mutation ($id: ID!) { sweep: cancelSweep(id: $id) { ...SweepFields } } ${SWEEP_FIELDS}`,
  retry: `mutation ($id: ID!) { sweep: retryFailedTrials(sweepId: $id) { ...SweepFields } } ${SWEEP_FIELDS}`,
};

export const VALIDATE_SWEEP = /* GraphQL */ `
  query ValidateSweep($input: CreateSweepInput!) {
    validateSweep(input: $input) {
      valid
      violations {
        path
        message
      }
      trialCount
      name
      task
      method
      metric
    }
  }
`;

export const CREATE_SWEEP = /* GraphQL */ `
  mutation CreateSweep($input: CreateSweepInput!) {
    createSweep(input: $input) {
      id
    }
  }
`;

export const LEADERBOARD = /* GraphQL */ `
  query Leaderboard(
    $task: Task!
    $metric: String!
    $epoch: LeaderboardEpoch!
    $pareto: ParetoCost
    $limit: Int
  ) {
    leaderboard(task: $task, metric: $metric, epoch: $epoch, pareto: $pareto, limit: $limit) {
      rows {
        rank
        key
        d_m
        heads
        d_h
        qk_tied
        n
        mean
        std
        min
        max
        paramCount
        params
      }
      next
    }
  }
`;

export const WORKERS = /* GraphQL */ `
  {
    workers {
      id
      pool
      host
      backend
      device
      slots
      status
      lastSeenAt
    }
    sweeps(limit: 100) {
      id
      name
      status
      trials(status: [running], first: 1000) {
        rows {
          id
          index
          worker
        }
      }
    }
  }
`;
