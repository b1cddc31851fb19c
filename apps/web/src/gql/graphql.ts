/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> =
  T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Exactly one of spec or yaml. */
export type CreateSweepInput = {
  /** The sweep spec as a JSON object. */
  spec?: unknown;
  /** The text of a sweep file, YAML or JSON. */
  yaml?: string | null | undefined;
};

/** final: each trial's last epoch (the honest default when the test split is also the validation split); best: its best epoch on the ranked metric. */
export type LeaderboardEpoch = 'best' | 'final';

/** Which direction makes a metric better. */
export type MetricGoal = 'maximize' | 'minimize';

/** The cost axis of a Pareto front: parameter count or FLOPs per sample. */
export type ParetoCost = 'flops' | 'params';

/** How a sweep picks its trials: every grid point, seeded random samples, or bayes (TPE, from the results so far). */
export type SearchMethod = 'bayes' | 'grid' | 'random';

/** Where a sweep is in its life: succeeded, failed and cancelled are final. */
export type SweepStatus = 'cancelled' | 'failed' | 'paused' | 'pending' | 'running' | 'succeeded';

/** A built-in task: pose3d (Human3.6M lifting), pose2d (COCO keypoints), chest (ChestX-ray14). */
export type Task = 'chest' | 'pose2d' | 'pose3d';

/** Where a trial is in its life: succeeded, failed, cancelled and pruned are final. */
export type TrialStatus =
  'cancelled' | 'failed' | 'paused' | 'pending' | 'pruned' | 'running' | 'succeeded';

/** A train worker as it last reported itself. */
export type WorkerStatus = 'lost' | 'running' | 'stopped';

export type TrialFieldsFragment = {
  id: string;
  index: number;
  d_m: number | null;
  heads: number | null;
  d_h: number | null;
  qk_tied: boolean | null;
  params: Record<string, unknown>;
  status: TrialStatus;
  epochs: number | null;
  epochsCompleted: number;
  attempts: number;
  resumedFromEpoch: number;
  worker: string | null;
  device: string | null;
  backend: string | null;
  paramCount: number | null;
  metrics: Record<string, unknown> | null;
  error: string | null;
  prunedAtRung: number | null;
  artifacts: Array<{ name: string; bytes: number }>;
};

export type SweepFieldsFragment = {
  id: string;
  name: string;
  task: Task | null;
  program: string | null;
  method: SearchMethod;
  metric: string;
  goal: MetricGoal;
  status: SweepStatus;
  createdAt: string;
  trialCount: number;
  trialsDone: number;
  best: number | null;
};

export type TasksQueryVariables = Exact<{ [key: string]: never }>;

export type TasksQuery = {
  tasks: Array<{ id: Task; metrics: Array<{ name: string; goal: MetricGoal }> }>;
};

export type SweepsQueryVariables = Exact<{
  limit?: number | null | undefined;
}>;

export type SweepsQuery = {
  sweeps: Array<{
    id: string;
    name: string;
    task: Task | null;
    program: string | null;
    method: SearchMethod;
    metric: string;
    goal: MetricGoal;
    status: SweepStatus;
    createdAt: string;
    trialCount: number;
    trialsDone: number;
    best: number | null;
  }>;
};

export type SweepTrialsQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
  status?: Array<TrialStatus> | TrialStatus | null | undefined;
}>;

export type SweepTrialsQuery = {
  sweep: {
    id: string;
    name: string;
    task: Task | null;
    program: string | null;
    method: SearchMethod;
    metric: string;
    goal: MetricGoal;
    status: SweepStatus;
    createdAt: string;
    trialCount: number;
    trialsDone: number;
    best: number | null;
    trials: {
      next: string | null;
      rows: Array<{
        id: string;
        index: number;
        d_m: number | null;
        heads: number | null;
        d_h: number | null;
        qk_tied: boolean | null;
        params: Record<string, unknown>;
        status: TrialStatus;
        epochs: number | null;
        epochsCompleted: number;
        attempts: number;
        resumedFromEpoch: number;
        worker: string | null;
        device: string | null;
        backend: string | null;
        paramCount: number | null;
        metrics: Record<string, unknown> | null;
        error: string | null;
        prunedAtRung: number | null;
        artifacts: Array<{ name: string; bytes: number }>;
      }>;
    };
  } | null;
};

export type TrialsByIdsQueryVariables = Exact<{
  id: string | number;
  ids: Array<string | number> | string | number;
}>;

export type TrialsByIdsQuery = {
  sweep: {
    trialsByIds: Array<{
      id: string;
      index: number;
      d_m: number | null;
      heads: number | null;
      d_h: number | null;
      qk_tied: boolean | null;
      params: Record<string, unknown>;
      status: TrialStatus;
      epochs: number | null;
      epochsCompleted: number;
      attempts: number;
      resumedFromEpoch: number;
      worker: string | null;
      device: string | null;
      backend: string | null;
      paramCount: number | null;
      metrics: Record<string, unknown> | null;
      error: string | null;
      prunedAtRung: number | null;
      artifacts: Array<{ name: string; bytes: number }>;
    }>;
  } | null;
};

export type TrialLogQueryVariables = Exact<{
  id: string | number;
  trial: string | number;
  lines: number;
}>;

export type TrialLogQuery = {
  sweep: {
    trialsByIds: Array<{ id: string; logTail: { text: string; end: number } | null }>;
  } | null;
};

export type HistoriesQueryVariables = Exact<{
  id: string | number;
  ids: Array<string | number> | string | number;
}>;

export type HistoriesQuery = {
  sweep: {
    trialsByIds: Array<{
      id: string;
      history: { rows: Array<{ epoch: number; metrics: Record<string, unknown> }> };
    }>;
  } | null;
};

export type TrialUpdatedSubscriptionVariables = Exact<{
  sweepId: string | number;
}>;

export type TrialUpdatedSubscription = {
  trialUpdated: {
    id: string;
    index: number;
    d_m: number | null;
    heads: number | null;
    d_h: number | null;
    qk_tied: boolean | null;
    params: Record<string, unknown>;
    status: TrialStatus;
    epochs: number | null;
    epochsCompleted: number;
    attempts: number;
    resumedFromEpoch: number;
    worker: string | null;
    device: string | null;
    backend: string | null;
    paramCount: number | null;
    metrics: Record<string, unknown> | null;
    error: string | null;
    prunedAtRung: number | null;
    artifacts: Array<{ name: string; bytes: number }>;
  };
};

export type SweepUpdatedSubscriptionVariables = Exact<{
  id: string | number;
}>;

export type SweepUpdatedSubscription = {
  sweepUpdated: {
    id: string;
    name: string;
    task: Task | null;
    program: string | null;
    method: SearchMethod;
    metric: string;
    goal: MetricGoal;
    status: SweepStatus;
    createdAt: string;
    trialCount: number;
    trialsDone: number;
    best: number | null;
  };
};

export type WorkerUpdatedSubscriptionVariables = Exact<{ [key: string]: never }>;

export type WorkerUpdatedSubscription = {
  workerUpdated: {
    id: string;
    pool: string;
    host: string;
    backend: string;
    device: string;
    slots: number;
    status: WorkerStatus;
    lastSeenAt: string;
  };
};

export type PauseSweepMutationVariables = Exact<{
  id: string | number;
}>;

export type PauseSweepMutation = {
  sweep: {
    id: string;
    name: string;
    task: Task | null;
    program: string | null;
    method: SearchMethod;
    metric: string;
    goal: MetricGoal;
    status: SweepStatus;
    createdAt: string;
    trialCount: number;
    trialsDone: number;
    best: number | null;
  };
};

export type ResumeSweepMutationVariables = Exact<{
  id: string | number;
}>;

export type ResumeSweepMutation = {
  sweep: {
    id: string;
    name: string;
    task: Task | null;
    program: string | null;
    method: SearchMethod;
    metric: string;
    goal: MetricGoal;
    status: SweepStatus;
    createdAt: string;
    trialCount: number;
    trialsDone: number;
    best: number | null;
  };
};

export type CancelSweepMutationVariables = Exact<{
  id: string | number;
}>;

export type CancelSweepMutation = {
  sweep: {
    id: string;
    name: string;
    task: Task | null;
    program: string | null;
    method: SearchMethod;
    metric: string;
    goal: MetricGoal;
    status: SweepStatus;
    createdAt: string;
    trialCount: number;
    trialsDone: number;
    best: number | null;
  };
};

export type RetryFailedTrialsMutationVariables = Exact<{
  id: string | number;
}>;

export type RetryFailedTrialsMutation = {
  sweep: {
    id: string;
    name: string;
    task: Task | null;
    program: string | null;
    method: SearchMethod;
    metric: string;
    goal: MetricGoal;
    status: SweepStatus;
    createdAt: string;
    trialCount: number;
    trialsDone: number;
    best: number | null;
  };
};

export type ValidateSweepQueryVariables = Exact<{
  input: CreateSweepInput;
}>;

export type ValidateSweepQuery = {
  validateSweep: {
    valid: boolean;
    trialCount: number | null;
    name: string | null;
    task: Task | null;
    method: SearchMethod | null;
    metric: string | null;
    violations: Array<{ path: string; message: string }>;
  };
};

export type CreateSweepMutationVariables = Exact<{
  input: CreateSweepInput;
}>;

export type CreateSweepMutation = { createSweep: { id: string } };

export type LeaderboardQueryVariables = Exact<{
  task: Task;
  metric: string;
  epoch: LeaderboardEpoch;
  pareto?: ParetoCost | null | undefined;
  limit?: number | null | undefined;
}>;

export type LeaderboardQuery = {
  leaderboard: {
    next: string | null;
    rows: Array<{
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
    }>;
  };
};

export type WorkersQueryVariables = Exact<{ [key: string]: never }>;

export type WorkersQuery = {
  workers: Array<{
    id: string;
    pool: string;
    host: string;
    backend: string;
    device: string;
    slots: number;
    status: WorkerStatus;
    lastSeenAt: string;
  }>;
  sweeps: Array<{
    id: string;
    name: string;
    status: SweepStatus;
    trials: { rows: Array<{ id: string; index: number; worker: string | null }> };
  }>;
};

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const TrialFieldsFragmentDoc = new TypedDocumentString(
  `
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
    `,
  { fragmentName: 'TrialFields' },
) as unknown as TypedDocumentString<TrialFieldsFragment, unknown>;
export const SweepFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment SweepFields on Sweep {
  id
  name
  task
  program
  method
  metric
  goal
  status
  createdAt
  trialCount
  trialsDone
  best
}
    `,
  { fragmentName: 'SweepFields' },
) as unknown as TypedDocumentString<SweepFieldsFragment, unknown>;
export const TasksDocument = new TypedDocumentString(`
    query Tasks {
  tasks {
    id
    metrics {
      name
      goal
    }
  }
}
    `) as unknown as TypedDocumentString<TasksQuery, TasksQueryVariables>;
export const SweepsDocument = new TypedDocumentString(`
    query Sweeps($limit: Int) {
  sweeps(limit: $limit) {
    ...SweepFields
  }
}
    fragment SweepFields on Sweep {
  id
  name
  task
  program
  method
  metric
  goal
  status
  createdAt
  trialCount
  trialsDone
  best
}`) as unknown as TypedDocumentString<SweepsQuery, SweepsQueryVariables>;
export const SweepTrialsDocument = new TypedDocumentString(`
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
fragment SweepFields on Sweep {
  id
  name
  task
  program
  method
  metric
  goal
  status
  createdAt
  trialCount
  trialsDone
  best
}`) as unknown as TypedDocumentString<SweepTrialsQuery, SweepTrialsQueryVariables>;
export const TrialsByIdsDocument = new TypedDocumentString(`
    query TrialsByIds($id: ID!, $ids: [ID!]!) {
  sweep(id: $id) {
    trialsByIds(ids: $ids) {
      ...TrialFields
    }
  }
}
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
}`) as unknown as TypedDocumentString<TrialsByIdsQuery, TrialsByIdsQueryVariables>;
export const TrialLogDocument = new TypedDocumentString(`
    query TrialLog($id: ID!, $trial: ID!, $lines: Int!) {
  sweep(id: $id) {
    trialsByIds(ids: [$trial]) {
      id
      logTail(lines: $lines) {
        text
        end
      }
    }
  }
}
    `) as unknown as TypedDocumentString<TrialLogQuery, TrialLogQueryVariables>;
export const HistoriesDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<HistoriesQuery, HistoriesQueryVariables>;
export const TrialUpdatedDocument = new TypedDocumentString(`
    subscription TrialUpdated($sweepId: ID!) {
  trialUpdated(sweepId: $sweepId) {
    ...TrialFields
  }
}
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
}`) as unknown as TypedDocumentString<TrialUpdatedSubscription, TrialUpdatedSubscriptionVariables>;
export const SweepUpdatedDocument = new TypedDocumentString(`
    subscription SweepUpdated($id: ID!) {
  sweepUpdated(id: $id) {
    ...SweepFields
  }
}
    fragment SweepFields on Sweep {
  id
  name
  task
  program
  method
  metric
  goal
  status
  createdAt
  trialCount
  trialsDone
  best
}`) as unknown as TypedDocumentString<SweepUpdatedSubscription, SweepUpdatedSubscriptionVariables>;
export const WorkerUpdatedDocument = new TypedDocumentString(`
    subscription WorkerUpdated {
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
    `) as unknown as TypedDocumentString<
  WorkerUpdatedSubscription,
  WorkerUpdatedSubscriptionVariables
>;
export const PauseSweepDocument = new TypedDocumentString(`
    mutation PauseSweep($id: ID!) {
  sweep: pauseSweep(id: $id) {
    ...SweepFields
  }
}
    fragment SweepFields on Sweep {
  id
  name
  task
  program
  method
  metric
  goal
  status
  createdAt
  trialCount
  trialsDone
  best
}`) as unknown as TypedDocumentString<PauseSweepMutation, PauseSweepMutationVariables>;
export const ResumeSweepDocument = new TypedDocumentString(`
    mutation ResumeSweep($id: ID!) {
  sweep: resumeSweep(id: $id) {
    ...SweepFields
  }
}
    fragment SweepFields on Sweep {
  id
  name
  task
  program
  method
  metric
  goal
  status
  createdAt
  trialCount
  trialsDone
  best
}`) as unknown as TypedDocumentString<ResumeSweepMutation, ResumeSweepMutationVariables>;
export const CancelSweepDocument = new TypedDocumentString(`
    mutation CancelSweep($id: ID!) {
  sweep: cancelSweep(id: $id) {
    ...SweepFields
  }
}
    fragment SweepFields on Sweep {
  id
  name
  task
  program
  method
  metric
  goal
  status
  createdAt
  trialCount
  trialsDone
  best
}`) as unknown as TypedDocumentString<CancelSweepMutation, CancelSweepMutationVariables>;
export const RetryFailedTrialsDocument = new TypedDocumentString(`
    mutation RetryFailedTrials($id: ID!) {
  sweep: retryFailedTrials(sweepId: $id) {
    ...SweepFields
  }
}
    fragment SweepFields on Sweep {
  id
  name
  task
  program
  method
  metric
  goal
  status
  createdAt
  trialCount
  trialsDone
  best
}`) as unknown as TypedDocumentString<
  RetryFailedTrialsMutation,
  RetryFailedTrialsMutationVariables
>;
export const ValidateSweepDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<ValidateSweepQuery, ValidateSweepQueryVariables>;
export const CreateSweepDocument = new TypedDocumentString(`
    mutation CreateSweep($input: CreateSweepInput!) {
  createSweep(input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<CreateSweepMutation, CreateSweepMutationVariables>;
export const LeaderboardDocument = new TypedDocumentString(`
    query Leaderboard($task: Task!, $metric: String!, $epoch: LeaderboardEpoch!, $pareto: ParetoCost, $limit: Int) {
  leaderboard(
    task: $task
    metric: $metric
    epoch: $epoch
    pareto: $pareto
    limit: $limit
  ) {
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
    `) as unknown as TypedDocumentString<LeaderboardQuery, LeaderboardQueryVariables>;
export const WorkersDocument = new TypedDocumentString(`
    query Workers {
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
    `) as unknown as TypedDocumentString<WorkersQuery, WorkersQueryVariables>;
