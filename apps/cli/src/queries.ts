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

export const SWEEP_PROGRESS = graphql(`
  query Sweep($id: ID!) {
    sweep(id: $id) {
      id
      name
      task
      status
      metric
      goal
      trials {
        ...TrialFields
        history {
          epoch
          metrics
        }
      }
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
  query Leaderboard($task: Task!, $metric: String!, $sweepId: ID, $limit: Int) {
    leaderboard(task: $task, metric: $metric, sweepId: $sweepId, limit: $limit) {
      rank
      value
      sweepId
      sweepName
      trial {
        ...TrialFields
      }
    }
  }
`);

export const LEADERBOARD_GROUPS = graphql(`
  query LeaderboardGroups(
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
    leaderboardGroups(
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

/** A sweep as `sweep show` and the progress view read it. */
export type SweepView = NonNullable<ResultOf<typeof SWEEP_PROGRESS>['sweep']>;
export type TrialView = SweepView['trials'][number];
export type LeaderboardRow = ResultOf<typeof LEADERBOARD>['leaderboard'][number];
export type LeaderboardGroupsPage = ResultOf<typeof LEADERBOARD_GROUPS>['leaderboardGroups'];
