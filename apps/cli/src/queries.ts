// The GraphQL documents the CLI sends. `pnpm --filter @headroom/cli codegen` checks each against
// apps/api/schema.gql and types it (src/gql/); the result types below are derived, never restated.
import type { ResultOf } from '@graphql-typed-document-node/core';
import { graphql } from './gql';

export const TRIAL_FIELDS = graphql(`
  fragment TrialFields on Trial {
    id
    index
    status
    params
    d_m
    heads
    d_h
    qk_tied
    epochs
    epochsCompleted
    paramCount
    metrics
    error
    attempts
    resumedFromEpoch
    backend
    device
    worker
    prunedAtRung
    breakdown
    artifacts {
      name
      path
      bytes
    }
    updatedAt
  }
`);

export const CREATE_SWEEP = graphql(`
  mutation CreateSweep($input: CreateSweepInput!) {
    createSweep(input: $input) {
      id
      name
      status
      trialCount
    }
  }
`);

// A page of a sweep's trials; sweep-pages.ts follows `next` (and a long history's) to the end.
export const SWEEP_PAGE = graphql(`
  query SweepPage(
    $id: ID!
    $first: Int
    $after: String
    $historyFirst: Int
    $historyAfter: String
  ) {
    sweep(id: $id) {
      id
      name
      task
      status
      metric
      goal
      trialCount
      updatedAt
      trials(first: $first, after: $after) {
        rows {
          ...TrialFields
          history(first: $historyFirst, after: $historyAfter) {
            rows {
              epoch
              metrics
            }
            next
          }
        }
        next
      }
    }
  }
`);

// Why a sweep that has not ended is not progressing (read from its Temporal workflow when asked).
export const SWEEP_PROBLEM = graphql(`
  query SweepProblem($id: ID!) {
    sweep(id: $id) {
      id
      problem {
        kind
        message
        attempts
        since
      }
    }
  }
`);
export type SweepProblemView = NonNullable<
  NonNullable<ResultOf<typeof SWEEP_PROBLEM>['sweep']>['problem']
>;

// What `watchSweep` subscribes to (graphql-ws): a sweep's trials as they change, and the sweep,
// which answers first with itself (the sign that both subscriptions are live). `updatedAt` orders
// an event against what a query read.
export const TRIAL_UPDATED = graphql(`
  subscription TrialUpdated($sweepId: ID!, $historyFirst: Int) {
    trialUpdated(sweepId: $sweepId) {
      ...TrialFields
      history(first: $historyFirst) {
        rows {
          epoch
          metrics
        }
        next
      }
    }
  }
`);

export const SWEEP_UPDATED = graphql(`
  subscription SweepUpdated($id: ID!) {
    sweepUpdated(id: $id) {
      id
      name
      task
      status
      metric
      goal
      trialCount
      updatedAt
    }
  }
`);

// Each action's field is aliased `sweep`, so the three share one result type.
export const SWEEP_ACTIONS = {
  pause: graphql(`
    mutation PauseSweep($id: ID!) {
      sweep: pauseSweep(id: $id) {
        id
        name
        status
      }
    }
  `),
  resume: graphql(`
    mutation ResumeSweep($id: ID!) {
      sweep: resumeSweep(id: $id) {
        id
        name
        status
      }
    }
  `),
  cancel: graphql(`
    mutation CancelSweep($id: ID!) {
      sweep: cancelSweep(id: $id) {
        id
        name
        status
      }
    }
  `),
};
export type SweepAction = keyof typeof SWEEP_ACTIONS;

export const UPDATE_SWEEP = graphql(`
  mutation UpdateSweep($id: ID!, $change: SweepChangeInput!) {
    updateSweep(id: $id, change: $change) {
      id
      name
      status
      trialCount
    }
  }
`);

export const RETRY_FAILED = graphql(`
  mutation RetryFailedTrials($sweepId: ID!, $trialIds: [ID!]) {
    retryFailedTrials(sweepId: $sweepId, trialIds: $trialIds) {
      id
      name
      status
    }
  }
`);

export const WORKERS = graphql(`
  query Workers($pool: String) {
    workers(pool: $pool) {
      id
      pool
      host
      pid
      backend
      device
      slots
      status
      startedAt
      lastSeenAt
    }
  }
`);

export const LEADERBOARD = graphql(`
  query Leaderboard(
    $task: Task!
    $metric: String!
    $groupBy: LeaderboardGroupBy!
    $epoch: LeaderboardEpoch!
    $pareto: ParetoCost
    $sweepIds: [ID!]
    $withReferences: Boolean!
    $limit: Int
    $after: String
  ) {
    leaderboard(
      task: $task
      metric: $metric
      groupBy: $groupBy
      epoch: $epoch
      pareto: $pareto
      sweepIds: $sweepIds
      withReferences: $withReferences
      limit: $limit
      after: $after
    ) {
      rows {
        rank
        d_m
        heads
        d_h
        qk_tied
        params
        n
        mean
        std
        min
        max
        paramCount
        flops
        metrics
        trials {
          id
          sweepId
          value
          epoch
        }
      }
      next
      references {
        id
        task
        label
        citation
        url
        d_m
        heads
        d_h
        qk_tied
        metrics
        note
      }
    }
  }
`);

/** A page of a sweep as the API serves it. */
export type SweepPageView = NonNullable<ResultOf<typeof SWEEP_PAGE>['sweep']>;
type TrialPageRow = SweepPageView['trials']['rows'][number];
/** A trial as `sweep show` and the progress view read it: its whole history. */
export type TrialView = Omit<TrialPageRow, 'history'> & {
  history: TrialPageRow['history']['rows'];
};
/** A sweep as `sweep show` and the progress view read it: every trial, all pages read. */
export type SweepView = Omit<SweepPageView, 'trials'> & { trials: TrialView[] };
export type LeaderboardPage = ResultOf<typeof LEADERBOARD>['leaderboard'];

export const API_TOKEN_FIELDS = graphql(`
  fragment ApiTokenFields on ApiToken {
    id
    name
    owner
    role
    createdBy
    createdAt
    expiresAt
    revokedAt
    lastUsedAt
  }
`);

export const CREATE_API_TOKEN = graphql(`
  mutation CreateApiToken($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      token
      apiToken {
        ...ApiTokenFields
      }
    }
  }
`);

export const API_TOKENS = graphql(`
  query ApiTokens {
    apiTokens {
      ...ApiTokenFields
    }
  }
`);

export const REVOKE_API_TOKEN = graphql(`
  mutation RevokeApiToken($id: ID!) {
    revokeApiToken(id: $id) {
      ...ApiTokenFields
    }
  }
`);

export const AUDIT_LOG = graphql(`
  query AuditLog($first: Int, $after: String, $sweepId: ID) {
    auditLog(first: $first, after: $after, sweepId: $sweepId) {
      rows {
        id
        at
        tokenId
        owner
        role
        action
        sweepId
        outcome
        message
        requestId
      }
      next
    }
  }
`);
export type ApiTokenView = ResultOf<typeof API_TOKEN_FIELDS>;
export type AuditPageView = ResultOf<typeof AUDIT_LOG>['auditLog'];

/** A program trial's log: its tail, or what was written past `after` (`headroom trials logs`). */
export const TRIAL_LOG = graphql(`
  query TrialLog($sweepId: ID!, $trialId: ID!, $lines: Int!, $after: Float) {
    sweep(id: $sweepId) {
      trialsByIds(ids: [$trialId]) {
        id
        status
        logTail(lines: $lines, after: $after) {
          text
          end
        }
      }
    }
  }
`);
