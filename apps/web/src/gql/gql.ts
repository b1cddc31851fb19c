/* eslint-disable */
import * as types from './graphql';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
  '\n  fragment TrialFields on Trial {\n    id\n    index\n    d_m\n    heads\n    d_h\n    qk_tied\n    params\n    status\n    epochs\n    epochsCompleted\n    attempts\n    resumedFromEpoch\n    worker\n    device\n    backend\n    paramCount\n    metrics\n    error\n    prunedAtRung\n    artifacts {\n      name\n      bytes\n    }\n  }\n': typeof types.TrialFieldsFragmentDoc;
  '\n  fragment SweepFields on Sweep {\n    id\n    name\n    task\n    program\n    method\n    metric\n    goal\n    status\n    createdAt\n    trialCount\n    trialsDone\n    best\n  }\n': typeof types.SweepFieldsFragmentDoc;
  '\n  query Tasks {\n    tasks {\n      id\n      metrics {\n        name\n        goal\n      }\n    }\n  }\n': typeof types.TasksDocument;
  '\n  query Sweeps($limit: Int) {\n    sweeps(limit: $limit) {\n      ...SweepFields\n    }\n  }\n': typeof types.SweepsDocument;
  '\n  query SweepTrials($id: ID!, $first: Int, $after: String, $status: [TrialStatus!]) {\n    sweep(id: $id) {\n      ...SweepFields\n      trials(first: $first, after: $after, status: $status) {\n        rows {\n          ...TrialFields\n        }\n        next\n      }\n    }\n  }\n': typeof types.SweepTrialsDocument;
  '\n  query TrialsByIds($id: ID!, $ids: [ID!]!) {\n    sweep(id: $id) {\n      trialsByIds(ids: $ids) {\n        ...TrialFields\n      }\n    }\n  }\n': typeof types.TrialsByIdsDocument;
  '\n  query TrialLog($id: ID!, $trial: ID!, $lines: Int!) {\n    sweep(id: $id) {\n      trialsByIds(ids: [$trial]) {\n        id\n        logTail(lines: $lines) {\n          text\n          end\n        }\n      }\n    }\n  }\n': typeof types.TrialLogDocument;
  '\n  query Histories($id: ID!, $ids: [ID!]!) {\n    sweep(id: $id) {\n      trialsByIds(ids: $ids) {\n        id\n        history(first: 1000) {\n          rows {\n            epoch\n            metrics\n          }\n        }\n      }\n    }\n  }\n': typeof types.HistoriesDocument;
  '\n  subscription TrialUpdated($sweepId: ID!) {\n    trialUpdated(sweepId: $sweepId) {\n      ...TrialFields\n    }\n  }\n': typeof types.TrialUpdatedDocument;
  '\n  subscription SweepUpdated($id: ID!) {\n    sweepUpdated(id: $id) {\n      ...SweepFields\n    }\n  }\n': typeof types.SweepUpdatedDocument;
  '\n  subscription WorkerUpdated {\n    workerUpdated {\n      id\n      pool\n      host\n      backend\n      device\n      slots\n      status\n      lastSeenAt\n    }\n  }\n': typeof types.WorkerUpdatedDocument;
  '\n    mutation PauseSweep($id: ID!) {\n      sweep: pauseSweep(id: $id) {\n        ...SweepFields\n      }\n    }\n  ': typeof types.PauseSweepDocument;
  '\n    mutation ResumeSweep($id: ID!) {\n      sweep: resumeSweep(id: $id) {\n        ...SweepFields\n      }\n    }\n  ': typeof types.ResumeSweepDocument;
  '\n    mutation CancelSweep($id: ID!) {\n      sweep: cancelSweep(id: $id) {\n        ...SweepFields\n      }\n    }\n  ': typeof types.CancelSweepDocument;
  '\n    mutation RetryFailedTrials($id: ID!) {\n      sweep: retryFailedTrials(sweepId: $id) {\n        ...SweepFields\n      }\n    }\n  ': typeof types.RetryFailedTrialsDocument;
  '\n  query ValidateSweep($input: CreateSweepInput!) {\n    validateSweep(input: $input) {\n      valid\n      violations {\n        path\n        message\n      }\n      trialCount\n      name\n      task\n      method\n      metric\n    }\n  }\n': typeof types.ValidateSweepDocument;
  '\n  mutation CreateSweep($input: CreateSweepInput!) {\n    createSweep(input: $input) {\n      id\n    }\n  }\n': typeof types.CreateSweepDocument;
  '\n  query Leaderboard(\n    $task: Task!\n    $metric: String!\n    $epoch: LeaderboardEpoch!\n    $pareto: ParetoCost\n    $limit: Int\n  ) {\n    leaderboard(task: $task, metric: $metric, epoch: $epoch, pareto: $pareto, limit: $limit) {\n      rows {\n        rank\n        key\n        d_m\n        heads\n        d_h\n        qk_tied\n        n\n        mean\n        std\n        min\n        max\n        paramCount\n        params\n      }\n      next\n    }\n  }\n': typeof types.LeaderboardDocument;
  '\n  query Workers {\n    workers {\n      id\n      pool\n      host\n      backend\n      device\n      slots\n      status\n      lastSeenAt\n    }\n    sweeps(limit: 100) {\n      id\n      name\n      status\n      trials(status: [running], first: 1000) {\n        rows {\n          id\n          index\n          worker\n        }\n      }\n    }\n  }\n': typeof types.WorkersDocument;
};
const documents: Documents = {
  '\n  fragment TrialFields on Trial {\n    id\n    index\n    d_m\n    heads\n    d_h\n    qk_tied\n    params\n    status\n    epochs\n    epochsCompleted\n    attempts\n    resumedFromEpoch\n    worker\n    device\n    backend\n    paramCount\n    metrics\n    error\n    prunedAtRung\n    artifacts {\n      name\n      bytes\n    }\n  }\n':
    types.TrialFieldsFragmentDoc,
  '\n  fragment SweepFields on Sweep {\n    id\n    name\n    task\n    program\n    method\n    metric\n    goal\n    status\n    createdAt\n    trialCount\n    trialsDone\n    best\n  }\n':
    types.SweepFieldsFragmentDoc,
  '\n  query Tasks {\n    tasks {\n      id\n      metrics {\n        name\n        goal\n      }\n    }\n  }\n':
    types.TasksDocument,
  '\n  query Sweeps($limit: Int) {\n    sweeps(limit: $limit) {\n      ...SweepFields\n    }\n  }\n':
    types.SweepsDocument,
  '\n  query SweepTrials($id: ID!, $first: Int, $after: String, $status: [TrialStatus!]) {\n    sweep(id: $id) {\n      ...SweepFields\n      trials(first: $first, after: $after, status: $status) {\n        rows {\n          ...TrialFields\n        }\n        next\n      }\n    }\n  }\n':
    types.SweepTrialsDocument,
  '\n  query TrialsByIds($id: ID!, $ids: [ID!]!) {\n    sweep(id: $id) {\n      trialsByIds(ids: $ids) {\n        ...TrialFields\n      }\n    }\n  }\n':
    types.TrialsByIdsDocument,
  '\n  query TrialLog($id: ID!, $trial: ID!, $lines: Int!) {\n    sweep(id: $id) {\n      trialsByIds(ids: [$trial]) {\n        id\n        logTail(lines: $lines) {\n          text\n          end\n        }\n      }\n    }\n  }\n':
    types.TrialLogDocument,
  '\n  query Histories($id: ID!, $ids: [ID!]!) {\n    sweep(id: $id) {\n      trialsByIds(ids: $ids) {\n        id\n        history(first: 1000) {\n          rows {\n            epoch\n            metrics\n          }\n        }\n      }\n    }\n  }\n':
    types.HistoriesDocument,
  '\n  subscription TrialUpdated($sweepId: ID!) {\n    trialUpdated(sweepId: $sweepId) {\n      ...TrialFields\n    }\n  }\n':
    types.TrialUpdatedDocument,
  '\n  subscription SweepUpdated($id: ID!) {\n    sweepUpdated(id: $id) {\n      ...SweepFields\n    }\n  }\n':
    types.SweepUpdatedDocument,
  '\n  subscription WorkerUpdated {\n    workerUpdated {\n      id\n      pool\n      host\n      backend\n      device\n      slots\n      status\n      lastSeenAt\n    }\n  }\n':
    types.WorkerUpdatedDocument,
  '\n    mutation PauseSweep($id: ID!) {\n      sweep: pauseSweep(id: $id) {\n        ...SweepFields\n      }\n    }\n  ':
    types.PauseSweepDocument,
  '\n    mutation ResumeSweep($id: ID!) {\n      sweep: resumeSweep(id: $id) {\n        ...SweepFields\n      }\n    }\n  ':
    types.ResumeSweepDocument,
  '\n    mutation CancelSweep($id: ID!) {\n      sweep: cancelSweep(id: $id) {\n        ...SweepFields\n      }\n    }\n  ':
    types.CancelSweepDocument,
  '\n    mutation RetryFailedTrials($id: ID!) {\n      sweep: retryFailedTrials(sweepId: $id) {\n        ...SweepFields\n      }\n    }\n  ':
    types.RetryFailedTrialsDocument,
  '\n  query ValidateSweep($input: CreateSweepInput!) {\n    validateSweep(input: $input) {\n      valid\n      violations {\n        path\n        message\n      }\n      trialCount\n      name\n      task\n      method\n      metric\n    }\n  }\n':
    types.ValidateSweepDocument,
  '\n  mutation CreateSweep($input: CreateSweepInput!) {\n    createSweep(input: $input) {\n      id\n    }\n  }\n':
    types.CreateSweepDocument,
  '\n  query Leaderboard(\n    $task: Task!\n    $metric: String!\n    $epoch: LeaderboardEpoch!\n    $pareto: ParetoCost\n    $limit: Int\n  ) {\n    leaderboard(task: $task, metric: $metric, epoch: $epoch, pareto: $pareto, limit: $limit) {\n      rows {\n        rank\n        key\n        d_m\n        heads\n        d_h\n        qk_tied\n        n\n        mean\n        std\n        min\n        max\n        paramCount\n        params\n      }\n      next\n    }\n  }\n':
    types.LeaderboardDocument,
  '\n  query Workers {\n    workers {\n      id\n      pool\n      host\n      backend\n      device\n      slots\n      status\n      lastSeenAt\n    }\n    sweeps(limit: 100) {\n      id\n      name\n      status\n      trials(status: [running], first: 1000) {\n        rows {\n          id\n          index\n          worker\n        }\n      }\n    }\n  }\n':
    types.WorkersDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment TrialFields on Trial {\n    id\n    index\n    d_m\n    heads\n    d_h\n    qk_tied\n    params\n    status\n    epochs\n    epochsCompleted\n    attempts\n    resumedFromEpoch\n    worker\n    device\n    backend\n    paramCount\n    metrics\n    error\n    prunedAtRung\n    artifacts {\n      name\n      bytes\n    }\n  }\n',
): typeof import('./graphql').TrialFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment SweepFields on Sweep {\n    id\n    name\n    task\n    program\n    method\n    metric\n    goal\n    status\n    createdAt\n    trialCount\n    trialsDone\n    best\n  }\n',
): typeof import('./graphql').SweepFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Tasks {\n    tasks {\n      id\n      metrics {\n        name\n        goal\n      }\n    }\n  }\n',
): typeof import('./graphql').TasksDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Sweeps($limit: Int) {\n    sweeps(limit: $limit) {\n      ...SweepFields\n    }\n  }\n',
): typeof import('./graphql').SweepsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query SweepTrials($id: ID!, $first: Int, $after: String, $status: [TrialStatus!]) {\n    sweep(id: $id) {\n      ...SweepFields\n      trials(first: $first, after: $after, status: $status) {\n        rows {\n          ...TrialFields\n        }\n        next\n      }\n    }\n  }\n',
): typeof import('./graphql').SweepTrialsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query TrialsByIds($id: ID!, $ids: [ID!]!) {\n    sweep(id: $id) {\n      trialsByIds(ids: $ids) {\n        ...TrialFields\n      }\n    }\n  }\n',
): typeof import('./graphql').TrialsByIdsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query TrialLog($id: ID!, $trial: ID!, $lines: Int!) {\n    sweep(id: $id) {\n      trialsByIds(ids: [$trial]) {\n        id\n        logTail(lines: $lines) {\n          text\n          end\n        }\n      }\n    }\n  }\n',
): typeof import('./graphql').TrialLogDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Histories($id: ID!, $ids: [ID!]!) {\n    sweep(id: $id) {\n      trialsByIds(ids: $ids) {\n        id\n        history(first: 1000) {\n          rows {\n            epoch\n            metrics\n          }\n        }\n      }\n    }\n  }\n',
): typeof import('./graphql').HistoriesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  subscription TrialUpdated($sweepId: ID!) {\n    trialUpdated(sweepId: $sweepId) {\n      ...TrialFields\n    }\n  }\n',
): typeof import('./graphql').TrialUpdatedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  subscription SweepUpdated($id: ID!) {\n    sweepUpdated(id: $id) {\n      ...SweepFields\n    }\n  }\n',
): typeof import('./graphql').SweepUpdatedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  subscription WorkerUpdated {\n    workerUpdated {\n      id\n      pool\n      host\n      backend\n      device\n      slots\n      status\n      lastSeenAt\n    }\n  }\n',
): typeof import('./graphql').WorkerUpdatedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n    mutation PauseSweep($id: ID!) {\n      sweep: pauseSweep(id: $id) {\n        ...SweepFields\n      }\n    }\n  ',
): typeof import('./graphql').PauseSweepDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n    mutation ResumeSweep($id: ID!) {\n      sweep: resumeSweep(id: $id) {\n        ...SweepFields\n      }\n    }\n  ',
): typeof import('./graphql').ResumeSweepDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n    mutation CancelSweep($id: ID!) {\n      sweep: cancelSweep(id: $id) {\n        ...SweepFields\n      }\n    }\n  ',
): typeof import('./graphql').CancelSweepDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n    mutation RetryFailedTrials($id: ID!) {\n      sweep: retryFailedTrials(sweepId: $id) {\n        ...SweepFields\n      }\n    }\n  ',
): typeof import('./graphql').RetryFailedTrialsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query ValidateSweep($input: CreateSweepInput!) {\n    validateSweep(input: $input) {\n      valid\n      violations {\n        path\n        message\n      }\n      trialCount\n      name\n      task\n      method\n      metric\n    }\n  }\n',
): typeof import('./graphql').ValidateSweepDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation CreateSweep($input: CreateSweepInput!) {\n    createSweep(input: $input) {\n      id\n    }\n  }\n',
): typeof import('./graphql').CreateSweepDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Leaderboard(\n    $task: Task!\n    $metric: String!\n    $epoch: LeaderboardEpoch!\n    $pareto: ParetoCost\n    $limit: Int\n  ) {\n    leaderboard(task: $task, metric: $metric, epoch: $epoch, pareto: $pareto, limit: $limit) {\n      rows {\n        rank\n        key\n        d_m\n        heads\n        d_h\n        qk_tied\n        n\n        mean\n        std\n        min\n        max\n        paramCount\n        params\n      }\n      next\n    }\n  }\n',
): typeof import('./graphql').LeaderboardDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Workers {\n    workers {\n      id\n      pool\n      host\n      backend\n      device\n      slots\n      status\n      lastSeenAt\n    }\n    sweeps(limit: 100) {\n      id\n      name\n      status\n      trials(status: [running], first: 1000) {\n        rows {\n          id\n          index\n          worker\n        }\n      }\n    }\n  }\n',
): typeof import('./graphql').WorkersDocument;

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
