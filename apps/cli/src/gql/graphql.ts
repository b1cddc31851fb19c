/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> =
  T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type CreateApiTokenInput = {
  /** When it stops working; null: never. */
  expiresAt?: string | null | undefined;
  /** What it is for, e.g. "alice laptop" or "gpu-node-3". */
  name: string;
  /** Who it acts for (sweeps it creates are theirs); default: the name. */
  owner?: string | null | undefined;
  role: TokenRole;
};

/** Exactly one of spec or yaml. */
export type CreateSweepInput = {
  /** The sweep spec as a JSON object. */
  spec?: unknown;
  /** The text of a sweep file, YAML or JSON. */
  yaml?: string | null | undefined;
};

/** Values to add to one parameter of a grid sweep. */
export type GridValuesInput = {
  /** The parameter, nested names dotted (optimizer.lr). */
  parameter: string;
  /** Values it does not have yet; the sweep runs the new grid points only. */
  values: Array<unknown>;
};

/** final: each trial's last epoch (the honest default when the test split is also the validation split); best: its best epoch on the ranked metric. */
export type LeaderboardEpoch = 'best' | 'final';

/** geometry: the trials of one head geometry (and the same other non-seed parameters) as one row, mean ± std over seeds; trial: a row per trial. */
export type LeaderboardGroupBy = 'geometry' | 'trial';

/** Which direction makes a metric better. */
export type MetricGoal = 'maximize' | 'minimize';

/** The cost axis of a Pareto front: parameter count or FLOPs per sample. */
export type ParetoCost = 'flops' | 'params';

/** A change to a running or paused sweep; give at least one field. Validated by the sweep before it is accepted. */
export type SweepChangeInput = {
  /** Values added to grid parameters (value or values): new trials for the new points only, after the sweep's trials, which keep their indexes and parameters. */
  add?: Array<GridValuesInput> | null | undefined;
  /** How many trials run at once. */
  maxConcurrent?: number | null | undefined;
  /** The number of trials: raised, the sweep runs more (a grid up to its size); lowered, unstarted trials past it leave the sweep. At least the trials started. */
  runCap?: number | null | undefined;
  /** true: no new trial starts (unstarted ones leave the sweep); running trials finish, then the sweep ends. */
  stop?: boolean | null | undefined;
};

/** What keeps a sweep from progressing: its workflow's task or an activity failing again and again, a task no control worker takes, a trial whose end never reached the sweep, its workflow ended or missing, or Temporal unreachable. */
export type SweepProblemKind =
  | 'activity_failing'
  | 'no_workflow'
  | 'temporal_unreachable'
  | 'trial_unreported'
  | 'waiting_for_worker'
  | 'workflow_ended'
  | 'workflow_task_failing';

/** Where a sweep is in its life: succeeded, failed and cancelled are final. */
export type SweepStatus = 'cancelled' | 'failed' | 'paused' | 'pending' | 'running' | 'succeeded';

/** A built-in task: pose3d (Human3.6M lifting), pose2d (COCO keypoints), chest (ChestX-ray14). */
export type Task = 'chest' | 'pose2d' | 'pose3d';

/** What an API token may do: viewer reads; researcher also creates sweeps and controls its own; admin controls any sweep and manages tokens. */
export type TokenRole = 'admin' | 'researcher' | 'viewer';

/** Where a trial is in its life: succeeded, failed, cancelled and pruned are final. */
export type TrialStatus =
  'cancelled' | 'failed' | 'paused' | 'pending' | 'pruned' | 'running' | 'succeeded';

/** A train worker as it last reported itself. */
export type WorkerStatus = 'lost' | 'running' | 'stopped';

export type TrialFieldsFragment = {
  id: string;
  index: number;
  status: TrialStatus;
  params: Record<string, unknown>;
  d_m: number | null;
  heads: number | null;
  d_h: number | null;
  qk_tied: boolean | null;
  epochs: number | null;
  epochsCompleted: number;
  paramCount: number | null;
  metrics: Record<string, unknown> | null;
  error: string | null;
  attempts: number;
  resumedFromEpoch: number;
  backend: string | null;
  device: string | null;
  worker: string | null;
  prunedAtRung: number | null;
  breakdown: Record<string, unknown> | null;
  updatedAt: string;
  artifacts: Array<{ name: string; path: string; bytes: number }>;
};

export type CreateSweepMutationVariables = Exact<{
  input: CreateSweepInput;
}>;

export type CreateSweepMutation = {
  createSweep: { id: string; name: string; status: SweepStatus; trialCount: number };
};

export type SweepPageQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
  historyFirst?: number | null | undefined;
  historyAfter?: string | null | undefined;
}>;

export type SweepPageQuery = {
  sweep: {
    id: string;
    name: string;
    task: Task | null;
    status: SweepStatus;
    metric: string;
    goal: MetricGoal;
    trialCount: number;
    updatedAt: string;
    trials: {
      next: string | null;
      rows: Array<{
        id: string;
        index: number;
        status: TrialStatus;
        params: Record<string, unknown>;
        d_m: number | null;
        heads: number | null;
        d_h: number | null;
        qk_tied: boolean | null;
        epochs: number | null;
        epochsCompleted: number;
        paramCount: number | null;
        metrics: Record<string, unknown> | null;
        error: string | null;
        attempts: number;
        resumedFromEpoch: number;
        backend: string | null;
        device: string | null;
        worker: string | null;
        prunedAtRung: number | null;
        breakdown: Record<string, unknown> | null;
        updatedAt: string;
        history: {
          next: string | null;
          rows: Array<{ epoch: number; metrics: Record<string, unknown> }>;
        };
        artifacts: Array<{ name: string; path: string; bytes: number }>;
      }>;
    };
  } | null;
};

export type SweepProblemQueryVariables = Exact<{
  id: string | number;
}>;

export type SweepProblemQuery = {
  sweep: {
    id: string;
    problem: {
      kind: SweepProblemKind;
      message: string;
      attempts: number | null;
      since: string | null;
    } | null;
  } | null;
};

export type TrialUpdatedSubscriptionVariables = Exact<{
  sweepId: string | number;
  historyFirst?: number | null | undefined;
}>;

export type TrialUpdatedSubscription = {
  trialUpdated: {
    id: string;
    index: number;
    status: TrialStatus;
    params: Record<string, unknown>;
    d_m: number | null;
    heads: number | null;
    d_h: number | null;
    qk_tied: boolean | null;
    epochs: number | null;
    epochsCompleted: number;
    paramCount: number | null;
    metrics: Record<string, unknown> | null;
    error: string | null;
    attempts: number;
    resumedFromEpoch: number;
    backend: string | null;
    device: string | null;
    worker: string | null;
    prunedAtRung: number | null;
    breakdown: Record<string, unknown> | null;
    updatedAt: string;
    history: {
      next: string | null;
      rows: Array<{ epoch: number; metrics: Record<string, unknown> }>;
    };
    artifacts: Array<{ name: string; path: string; bytes: number }>;
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
    status: SweepStatus;
    metric: string;
    goal: MetricGoal;
    trialCount: number;
    updatedAt: string;
  };
};

export type PauseSweepMutationVariables = Exact<{
  id: string | number;
}>;

export type PauseSweepMutation = { sweep: { id: string; name: string; status: SweepStatus } };

export type ResumeSweepMutationVariables = Exact<{
  id: string | number;
}>;

export type ResumeSweepMutation = { sweep: { id: string; name: string; status: SweepStatus } };

export type CancelSweepMutationVariables = Exact<{
  id: string | number;
}>;

export type CancelSweepMutation = { sweep: { id: string; name: string; status: SweepStatus } };

export type UpdateSweepMutationVariables = Exact<{
  id: string | number;
  change: SweepChangeInput;
}>;

export type UpdateSweepMutation = {
  updateSweep: { id: string; name: string; status: SweepStatus; trialCount: number };
};

export type RetryFailedTrialsMutationVariables = Exact<{
  sweepId: string | number;
  trialIds?: Array<string | number> | string | number | null | undefined;
}>;

export type RetryFailedTrialsMutation = {
  retryFailedTrials: { id: string; name: string; status: SweepStatus };
};

export type WorkersQueryVariables = Exact<{
  pool?: string | null | undefined;
}>;

export type WorkersQuery = {
  workers: Array<{
    id: string;
    pool: string;
    host: string;
    pid: number;
    backend: string;
    device: string;
    slots: number;
    status: WorkerStatus;
    startedAt: string;
    lastSeenAt: string;
  }>;
};

export type LeaderboardQueryVariables = Exact<{
  task: Task;
  metric: string;
  groupBy: LeaderboardGroupBy;
  epoch: LeaderboardEpoch;
  pareto?: ParetoCost | null | undefined;
  sweepIds?: Array<string | number> | string | number | null | undefined;
  withReferences: boolean;
  limit?: number | null | undefined;
  after?: string | null | undefined;
}>;

export type LeaderboardQuery = {
  leaderboard: {
    next: string | null;
    rows: Array<{
      rank: number;
      d_m: number;
      heads: number;
      d_h: number;
      qk_tied: boolean;
      params: Record<string, unknown>;
      n: number;
      mean: number;
      std: number | null;
      min: number;
      max: number;
      paramCount: number | null;
      flops: number | null;
      metrics: Record<string, unknown>;
      trials: Array<{ id: string; sweepId: string; value: number; epoch: number | null }>;
    }>;
    references: Array<{
      id: string;
      task: Task;
      label: string;
      citation: string;
      url: string | null;
      d_m: number | null;
      heads: number | null;
      d_h: number | null;
      qk_tied: boolean | null;
      metrics: Record<string, unknown>;
      note: string | null;
    }>;
  };
};

export type ApiTokenFieldsFragment = {
  id: string;
  name: string;
  owner: string;
  role: TokenRole;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
};

export type CreateApiTokenMutationVariables = Exact<{
  input: CreateApiTokenInput;
}>;

export type CreateApiTokenMutation = {
  createApiToken: {
    token: string;
    apiToken: {
      id: string;
      name: string;
      owner: string;
      role: TokenRole;
      createdBy: string | null;
      createdAt: string;
      expiresAt: string | null;
      revokedAt: string | null;
      lastUsedAt: string | null;
    };
  };
};

export type ApiTokensQueryVariables = Exact<{ [key: string]: never }>;

export type ApiTokensQuery = {
  apiTokens: Array<{
    id: string;
    name: string;
    owner: string;
    role: TokenRole;
    createdBy: string | null;
    createdAt: string;
    expiresAt: string | null;
    revokedAt: string | null;
    lastUsedAt: string | null;
  }>;
};

export type RevokeApiTokenMutationVariables = Exact<{
  id: string | number;
}>;

export type RevokeApiTokenMutation = {
  revokeApiToken: {
    id: string;
    name: string;
    owner: string;
    role: TokenRole;
    createdBy: string | null;
    createdAt: string;
    expiresAt: string | null;
    revokedAt: string | null;
    lastUsedAt: string | null;
  };
};

export type AuditLogQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  sweepId?: string | number | null | undefined;
}>;

export type AuditLogQuery = {
  auditLog: {
    next: string | null;
    rows: Array<{
      id: string;
      at: string;
      tokenId: string | null;
      owner: string | null;
      role: string | null;
      action: string;
      sweepId: string | null;
      outcome: string;
      message: string | null;
      requestId: string | null;
    }>;
  };
};

export type TrialLogQueryVariables = Exact<{
  sweepId: string | number;
  trialId: string | number;
  lines: number;
  after?: number | null | undefined;
}>;

export type TrialLogQuery = {
  sweep: {
    trialsByIds: Array<{
      id: string;
      status: TrialStatus;
      logTail: { text: string; end: number } | null;
    }>;
  } | null;
};

export const TrialFieldsFragmentDoc = {
  kind: 'Document',
  definitions: [
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'TrialFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Trial' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'index' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'params' } },
          { kind: 'Field', name: { kind: 'Name', value: 'd_m' } },
          { kind: 'Field', name: { kind: 'Name', value: 'heads' } },
          { kind: 'Field', name: { kind: 'Name', value: 'd_h' } },
          { kind: 'Field', name: { kind: 'Name', value: 'qk_tied' } },
          { kind: 'Field', name: { kind: 'Name', value: 'epochs' } },
          { kind: 'Field', name: { kind: 'Name', value: 'epochsCompleted' } },
          { kind: 'Field', name: { kind: 'Name', value: 'paramCount' } },
          { kind: 'Field', name: { kind: 'Name', value: 'metrics' } },
          { kind: 'Field', name: { kind: 'Name', value: 'error' } },
          { kind: 'Field', name: { kind: 'Name', value: 'attempts' } },
          { kind: 'Field', name: { kind: 'Name', value: 'resumedFromEpoch' } },
          { kind: 'Field', name: { kind: 'Name', value: 'backend' } },
          { kind: 'Field', name: { kind: 'Name', value: 'device' } },
          { kind: 'Field', name: { kind: 'Name', value: 'worker' } },
          { kind: 'Field', name: { kind: 'Name', value: 'prunedAtRung' } },
          { kind: 'Field', name: { kind: 'Name', value: 'breakdown' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'artifacts' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'path' } },
                { kind: 'Field', name: { kind: 'Name', value: 'bytes' } },
              ],
            },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'updatedAt' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<TrialFieldsFragment, unknown>;
export const ApiTokenFieldsFragmentDoc = {
  kind: 'Document',
  definitions: [
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'ApiTokenFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'ApiToken' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'owner' } },
          { kind: 'Field', name: { kind: 'Name', value: 'role' } },
          { kind: 'Field', name: { kind: 'Name', value: 'createdBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'createdAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'expiresAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'revokedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'lastUsedAt' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ApiTokenFieldsFragment, unknown>;
export const CreateSweepDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'CreateSweep' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'CreateSweepInput' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'createSweep' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'input' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                { kind: 'Field', name: { kind: 'Name', value: 'trialCount' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<CreateSweepMutation, CreateSweepMutationVariables>;
export const SweepPageDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'SweepPage' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
          },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'Int' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'historyFirst' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'Int' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'historyAfter' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'sweep' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'id' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'task' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                { kind: 'Field', name: { kind: 'Name', value: 'metric' } },
                { kind: 'Field', name: { kind: 'Name', value: 'goal' } },
                { kind: 'Field', name: { kind: 'Name', value: 'trialCount' } },
                { kind: 'Field', name: { kind: 'Name', value: 'updatedAt' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'trials' },
                  arguments: [
                    {
                      kind: 'Argument',
                      name: { kind: 'Name', value: 'first' },
                      value: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
                    },
                    {
                      kind: 'Argument',
                      name: { kind: 'Name', value: 'after' },
                      value: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
                    },
                  ],
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'rows' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            {
                              kind: 'FragmentSpread',
                              name: { kind: 'Name', value: 'TrialFields' },
                            },
                            {
                              kind: 'Field',
                              name: { kind: 'Name', value: 'history' },
                              arguments: [
                                {
                                  kind: 'Argument',
                                  name: { kind: 'Name', value: 'first' },
                                  value: {
                                    kind: 'Variable',
                                    name: { kind: 'Name', value: 'historyFirst' },
                                  },
                                },
                                {
                                  kind: 'Argument',
                                  name: { kind: 'Name', value: 'after' },
                                  value: {
                                    kind: 'Variable',
                                    name: { kind: 'Name', value: 'historyAfter' },
                                  },
                                },
                              ],
                              selectionSet: {
                                kind: 'SelectionSet',
                                selections: [
                                  {
                                    kind: 'Field',
                                    name: { kind: 'Name', value: 'rows' },
                                    selectionSet: {
                                      kind: 'SelectionSet',
                                      selections: [
                                        { kind: 'Field', name: { kind: 'Name', value: 'epoch' } },
                                        { kind: 'Field', name: { kind: 'Name', value: 'metrics' } },
                                      ],
                                    },
                                  },
                                  { kind: 'Field', name: { kind: 'Name', value: 'next' } },
                                ],
                              },
                            },
                          ],
                        },
                      },
                      { kind: 'Field', name: { kind: 'Name', value: 'next' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'TrialFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Trial' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'index' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'params' } },
          { kind: 'Field', name: { kind: 'Name', value: 'd_m' } },
          { kind: 'Field', name: { kind: 'Name', value: 'heads' } },
          { kind: 'Field', name: { kind: 'Name', value: 'd_h' } },
          { kind: 'Field', name: { kind: 'Name', value: 'qk_tied' } },
          { kind: 'Field', name: { kind: 'Name', value: 'epochs' } },
          { kind: 'Field', name: { kind: 'Name', value: 'epochsCompleted' } },
          { kind: 'Field', name: { kind: 'Name', value: 'paramCount' } },
          { kind: 'Field', name: { kind: 'Name', value: 'metrics' } },
          { kind: 'Field', name: { kind: 'Name', value: 'error' } },
          { kind: 'Field', name: { kind: 'Name', value: 'attempts' } },
          { kind: 'Field', name: { kind: 'Name', value: 'resumedFromEpoch' } },
          { kind: 'Field', name: { kind: 'Name', value: 'backend' } },
          { kind: 'Field', name: { kind: 'Name', value: 'device' } },
          { kind: 'Field', name: { kind: 'Name', value: 'worker' } },
          { kind: 'Field', name: { kind: 'Name', value: 'prunedAtRung' } },
          { kind: 'Field', name: { kind: 'Name', value: 'breakdown' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'artifacts' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'path' } },
                { kind: 'Field', name: { kind: 'Name', value: 'bytes' } },
              ],
            },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'updatedAt' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SweepPageQuery, SweepPageQueryVariables>;
export const SweepProblemDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'SweepProblem' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'sweep' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'id' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'problem' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'kind' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'message' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'attempts' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'since' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SweepProblemQuery, SweepProblemQueryVariables>;
export const TrialUpdatedDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'subscription',
      name: { kind: 'Name', value: 'TrialUpdated' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'sweepId' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
          },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'historyFirst' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'Int' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'trialUpdated' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'sweepId' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'sweepId' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'FragmentSpread', name: { kind: 'Name', value: 'TrialFields' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'history' },
                  arguments: [
                    {
                      kind: 'Argument',
                      name: { kind: 'Name', value: 'first' },
                      value: { kind: 'Variable', name: { kind: 'Name', value: 'historyFirst' } },
                    },
                  ],
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'rows' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'epoch' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'metrics' } },
                          ],
                        },
                      },
                      { kind: 'Field', name: { kind: 'Name', value: 'next' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'TrialFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Trial' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'index' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'params' } },
          { kind: 'Field', name: { kind: 'Name', value: 'd_m' } },
          { kind: 'Field', name: { kind: 'Name', value: 'heads' } },
          { kind: 'Field', name: { kind: 'Name', value: 'd_h' } },
          { kind: 'Field', name: { kind: 'Name', value: 'qk_tied' } },
          { kind: 'Field', name: { kind: 'Name', value: 'epochs' } },
          { kind: 'Field', name: { kind: 'Name', value: 'epochsCompleted' } },
          { kind: 'Field', name: { kind: 'Name', value: 'paramCount' } },
          { kind: 'Field', name: { kind: 'Name', value: 'metrics' } },
          { kind: 'Field', name: { kind: 'Name', value: 'error' } },
          { kind: 'Field', name: { kind: 'Name', value: 'attempts' } },
          { kind: 'Field', name: { kind: 'Name', value: 'resumedFromEpoch' } },
          { kind: 'Field', name: { kind: 'Name', value: 'backend' } },
          { kind: 'Field', name: { kind: 'Name', value: 'device' } },
          { kind: 'Field', name: { kind: 'Name', value: 'worker' } },
          { kind: 'Field', name: { kind: 'Name', value: 'prunedAtRung' } },
          { kind: 'Field', name: { kind: 'Name', value: 'breakdown' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'artifacts' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'path' } },
                { kind: 'Field', name: { kind: 'Name', value: 'bytes' } },
              ],
            },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'updatedAt' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<TrialUpdatedSubscription, TrialUpdatedSubscriptionVariables>;
export const SweepUpdatedDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'subscription',
      name: { kind: 'Name', value: 'SweepUpdated' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'sweepUpdated' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'id' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'task' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                { kind: 'Field', name: { kind: 'Name', value: 'metric' } },
                { kind: 'Field', name: { kind: 'Name', value: 'goal' } },
                { kind: 'Field', name: { kind: 'Name', value: 'trialCount' } },
                { kind: 'Field', name: { kind: 'Name', value: 'updatedAt' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SweepUpdatedSubscription, SweepUpdatedSubscriptionVariables>;
export const PauseSweepDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'PauseSweep' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            alias: { kind: 'Name', value: 'sweep' },
            name: { kind: 'Name', value: 'pauseSweep' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'id' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<PauseSweepMutation, PauseSweepMutationVariables>;
export const ResumeSweepDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'ResumeSweep' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            alias: { kind: 'Name', value: 'sweep' },
            name: { kind: 'Name', value: 'resumeSweep' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'id' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ResumeSweepMutation, ResumeSweepMutationVariables>;
export const CancelSweepDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'CancelSweep' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            alias: { kind: 'Name', value: 'sweep' },
            name: { kind: 'Name', value: 'cancelSweep' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'id' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<CancelSweepMutation, CancelSweepMutationVariables>;
export const UpdateSweepDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'UpdateSweep' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
          },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'change' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'SweepChangeInput' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'updateSweep' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'id' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'change' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'change' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                { kind: 'Field', name: { kind: 'Name', value: 'trialCount' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<UpdateSweepMutation, UpdateSweepMutationVariables>;
export const RetryFailedTrialsDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'RetryFailedTrials' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'sweepId' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
          },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'trialIds' } },
          type: {
            kind: 'ListType',
            type: {
              kind: 'NonNullType',
              type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
            },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'retryFailedTrials' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'sweepId' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'sweepId' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'trialIds' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'trialIds' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<RetryFailedTrialsMutation, RetryFailedTrialsMutationVariables>;
export const WorkersDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'Workers' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'pool' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'workers' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'pool' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'pool' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'pool' } },
                { kind: 'Field', name: { kind: 'Name', value: 'host' } },
                { kind: 'Field', name: { kind: 'Name', value: 'pid' } },
                { kind: 'Field', name: { kind: 'Name', value: 'backend' } },
                { kind: 'Field', name: { kind: 'Name', value: 'device' } },
                { kind: 'Field', name: { kind: 'Name', value: 'slots' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                { kind: 'Field', name: { kind: 'Name', value: 'startedAt' } },
                { kind: 'Field', name: { kind: 'Name', value: 'lastSeenAt' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<WorkersQuery, WorkersQueryVariables>;
export const LeaderboardDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'Leaderboard' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'task' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'Task' } },
          },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'metric' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
          },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'groupBy' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'LeaderboardGroupBy' } },
          },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'epoch' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'LeaderboardEpoch' } },
          },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'pareto' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'ParetoCost' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'sweepIds' } },
          type: {
            kind: 'ListType',
            type: {
              kind: 'NonNullType',
              type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
            },
          },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'withReferences' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'Boolean' } },
          },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'limit' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'Int' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'leaderboard' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'task' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'task' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'metric' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'metric' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'groupBy' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'groupBy' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'epoch' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'epoch' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'pareto' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'pareto' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'sweepIds' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'sweepIds' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'withReferences' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'withReferences' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'limit' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'limit' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'after' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'rows' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'rank' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'd_m' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'heads' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'd_h' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'qk_tied' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'params' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'n' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'mean' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'std' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'min' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'max' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'paramCount' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'flops' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'metrics' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'trials' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'sweepId' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'value' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'epoch' } },
                          ],
                        },
                      },
                    ],
                  },
                },
                { kind: 'Field', name: { kind: 'Name', value: 'next' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'references' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'task' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'label' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'citation' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'url' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'd_m' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'heads' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'd_h' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'qk_tied' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'metrics' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'note' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<LeaderboardQuery, LeaderboardQueryVariables>;
export const CreateApiTokenDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'CreateApiToken' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'CreateApiTokenInput' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'createApiToken' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'input' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'token' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'apiToken' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'FragmentSpread', name: { kind: 'Name', value: 'ApiTokenFields' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'ApiTokenFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'ApiToken' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'owner' } },
          { kind: 'Field', name: { kind: 'Name', value: 'role' } },
          { kind: 'Field', name: { kind: 'Name', value: 'createdBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'createdAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'expiresAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'revokedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'lastUsedAt' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<CreateApiTokenMutation, CreateApiTokenMutationVariables>;
export const ApiTokensDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'ApiTokens' },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'apiTokens' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'FragmentSpread', name: { kind: 'Name', value: 'ApiTokenFields' } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'ApiTokenFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'ApiToken' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'owner' } },
          { kind: 'Field', name: { kind: 'Name', value: 'role' } },
          { kind: 'Field', name: { kind: 'Name', value: 'createdBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'createdAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'expiresAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'revokedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'lastUsedAt' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ApiTokensQuery, ApiTokensQueryVariables>;
export const RevokeApiTokenDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'RevokeApiToken' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'revokeApiToken' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'id' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'FragmentSpread', name: { kind: 'Name', value: 'ApiTokenFields' } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'ApiTokenFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'ApiToken' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'owner' } },
          { kind: 'Field', name: { kind: 'Name', value: 'role' } },
          { kind: 'Field', name: { kind: 'Name', value: 'createdBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'createdAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'expiresAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'revokedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'lastUsedAt' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<RevokeApiTokenMutation, RevokeApiTokenMutationVariables>;
export const AuditLogDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'AuditLog' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'Int' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'sweepId' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'auditLog' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'first' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'after' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'sweepId' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'sweepId' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'rows' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'at' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'tokenId' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'owner' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'role' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'action' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'sweepId' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'outcome' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'message' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'requestId' } },
                    ],
                  },
                },
                { kind: 'Field', name: { kind: 'Name', value: 'next' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<AuditLogQuery, AuditLogQueryVariables>;
export const TrialLogDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'TrialLog' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'sweepId' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
          },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'trialId' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
          },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'lines' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'Int' } },
          },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'Float' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'sweep' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'id' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'sweepId' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'trialsByIds' },
                  arguments: [
                    {
                      kind: 'Argument',
                      name: { kind: 'Name', value: 'ids' },
                      value: {
                        kind: 'ListValue',
                        values: [{ kind: 'Variable', name: { kind: 'Name', value: 'trialId' } }],
                      },
                    },
                  ],
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'logTail' },
                        arguments: [
                          {
                            kind: 'Argument',
                            name: { kind: 'Name', value: 'lines' },
                            value: { kind: 'Variable', name: { kind: 'Name', value: 'lines' } },
                          },
                          {
                            kind: 'Argument',
                            name: { kind: 'Name', value: 'after' },
                            value: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
                          },
                        ],
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'text' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'end' } },
                          ],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<TrialLogQuery, TrialLogQueryVariables>;
