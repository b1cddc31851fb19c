// The GraphQL documents the page sends. `pnpm --filter @headroom/web codegen` checks each against
// apps/api/schema.gql and types it (src/gql/); the page's types below are derived, never restated.
import type { ResultOf } from '@graphql-typed-document-node/core';
import { graphql } from './gql';

export const TRIAL_FIELDS = graphql(`
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
`);

export const SWEEP_FIELDS = graphql(`
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
`);

export const TASKS = graphql(`
  query Tasks {
    tasks {
      id
      metrics {
        name
        goal
      }
    }
  }
`);

export const SWEEPS = graphql(`
  query Sweeps($limit: Int) {
    sweeps(limit: $limit) {
      ...SweepFields
    }
  }
`);

export const SWEEP_TRIALS = graphql(`
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
`);

export const TRIALS_BY_IDS = graphql(`
  query TrialsByIds($id: ID!, $ids: [ID!]!) {
    sweep(id: $id) {
      trialsByIds(ids: $ids) {
        ...TrialFields
      }
    }
  }
`);

export const TRIAL_LOG = graphql(`
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
`);

export const HISTORIES = graphql(`
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
`);

export const TRIAL_UPDATED = graphql(`
  subscription TrialUpdated($sweepId: ID!) {
    trialUpdated(sweepId: $sweepId) {
      ...TrialFields
    }
  }
`);

export const SWEEP_UPDATED = graphql(`
  subscription SweepUpdated($id: ID!) {
    sweepUpdated(id: $id) {
      ...SweepFields
    }
  }
`);

export const WORKER_UPDATED = graphql(`
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
`);

// Each returns the sweep as the mutation left it, under one alias, so the page handles them alike.
export const SWEEP_ACTIONS = {
  pause: graphql(`
    mutation PauseSweep($id: ID!) {
      sweep: pauseSweep(id: $id) {
        ...SweepFields
      }
    }
  `),
  resume: graphql(`
    mutation ResumeSweep($id: ID!) {
      sweep: resumeSweep(id: $id) {
        ...SweepFields
      }
    }
  `),
  cancel: graphql(`
    mutation CancelSweep($id: ID!) {
      sweep: cancelSweep(id: $id) {
        ...SweepFields
      }
    }
  `),
  retry: graphql(`
    mutation RetryFailedTrials($id: ID!) {
      sweep: retryFailedTrials(sweepId: $id) {
        ...SweepFields
      }
    }
  `),
};
export type SweepAction = keyof typeof SWEEP_ACTIONS;

export const VALIDATE_SWEEP = graphql(`
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
`);

export const CREATE_SWEEP = graphql(`
  mutation CreateSweep($input: CreateSweepInput!) {
    createSweep(input: $input) {
      id
    }
  }
`);

export const LEADERBOARD = graphql(`
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
`);

export const WORKERS = graphql(`
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
`);

export type SweepSummary = ResultOf<typeof SWEEP_FIELDS>;
export type Trial = ResultOf<typeof TRIAL_FIELDS>;
export type SweepTrials = ResultOf<typeof SWEEP_TRIALS>;
export type Artifact = Trial['artifacts'][number];
export type TaskInfo = ResultOf<typeof TASKS>['tasks'][number];
export type Task = TaskInfo['id'];
export type Goal = SweepSummary['goal'];
export type SweepStatus = SweepSummary['status'];
export type TrialStatus = Trial['status'];
export type EpochPoint = NonNullable<
  ResultOf<typeof HISTORIES>['sweep']
>['trialsByIds'][number]['history']['rows'][number];
export type SweepValidation = ResultOf<typeof VALIDATE_SWEEP>['validateSweep'];
export type Violation = SweepValidation['violations'][number];
export type LeaderboardRow = ResultOf<typeof LEADERBOARD>['leaderboard']['rows'][number];
export type Worker = ResultOf<typeof WORKER_UPDATED>['workerUpdated'];
