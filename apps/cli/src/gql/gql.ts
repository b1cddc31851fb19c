/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

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
  '\n  fragment TrialFields on Trial {\n    id\n    index\n    status\n    params\n    d_m\n    heads\n    d_h\n    qk_tied\n    epochs\n    epochsCompleted\n    paramCount\n    metrics\n    error\n    attempts\n    resumedFromEpoch\n    backend\n    device\n    worker\n    prunedAtRung\n    breakdown\n    artifacts {\n      name\n      path\n      bytes\n    }\n    updatedAt\n  }\n': typeof types.TrialFieldsFragmentDoc;
  '\n  mutation CreateSweep($input: CreateSweepInput!) {\n    createSweep(input: $input) {\n      id\n      name\n      status\n      trialCount\n    }\n  }\n': typeof types.CreateSweepDocument;
  '\n  query SweepPage(\n    $id: ID!\n    $first: Int\n    $after: String\n    $historyFirst: Int\n    $historyAfter: String\n  ) {\n    sweep(id: $id) {\n      id\n      name\n      task\n      status\n      metric\n      goal\n      trialCount\n      updatedAt\n      trials(first: $first, after: $after) {\n        rows {\n          ...TrialFields\n          history(first: $historyFirst, after: $historyAfter) {\n            rows {\n              epoch\n              metrics\n            }\n            next\n          }\n        }\n        next\n      }\n    }\n  }\n': typeof types.SweepPageDocument;
  '\n  query SweepProblem($id: ID!) {\n    sweep(id: $id) {\n      id\n      problem {\n        kind\n        message\n        attempts\n        since\n      }\n    }\n  }\n': typeof types.SweepProblemDocument;
  '\n  subscription TrialUpdated($sweepId: ID!, $historyFirst: Int) {\n    trialUpdated(sweepId: $sweepId) {\n      ...TrialFields\n      history(first: $historyFirst) {\n        rows {\n          epoch\n          metrics\n        }\n        next\n      }\n    }\n  }\n': typeof types.TrialUpdatedDocument;
  '\n  subscription SweepUpdated($id: ID!) {\n    sweepUpdated(id: $id) {\n      id\n      name\n      task\n      status\n      metric\n      goal\n      trialCount\n      updatedAt\n    }\n  }\n': typeof types.SweepUpdatedDocument;
  '\n    mutation PauseSweep($id: ID!) {\n      sweep: pauseSweep(id: $id) {\n        id\n        name\n        status\n      }\n    }\n  ': typeof types.PauseSweepDocument;
  '\n    mutation ResumeSweep($id: ID!) {\n      sweep: resumeSweep(id: $id) {\n        id\n        name\n        status\n      }\n    }\n  ': typeof types.ResumeSweepDocument;
  '\n    mutation CancelSweep($id: ID!) {\n      sweep: cancelSweep(id: $id) {\n        id\n        name\n        status\n      }\n    }\n  ': typeof types.CancelSweepDocument;
  '\n  mutation UpdateSweep($id: ID!, $change: SweepChangeInput!) {\n    updateSweep(id: $id, change: $change) {\n      id\n      name\n      status\n      trialCount\n    }\n  }\n': typeof types.UpdateSweepDocument;
  '\n  mutation RetryFailedTrials($sweepId: ID!, $trialIds: [ID!]) {\n    retryFailedTrials(sweepId: $sweepId, trialIds: $trialIds) {\n      id\n      name\n      status\n    }\n  }\n': typeof types.RetryFailedTrialsDocument;
  '\n  query Workers($pool: String) {\n    workers(pool: $pool) {\n      id\n      pool\n      host\n      pid\n      backend\n      device\n      slots\n      status\n      startedAt\n      lastSeenAt\n    }\n  }\n': typeof types.WorkersDocument;
  '\n  query Leaderboard(\n    $task: Task!\n    $metric: String!\n    $groupBy: LeaderboardGroupBy!\n    $epoch: LeaderboardEpoch!\n    $pareto: ParetoCost\n    $sweepIds: [ID!]\n    $withReferences: Boolean!\n    $limit: Int\n    $after: String\n  ) {\n    leaderboard(\n      task: $task\n      metric: $metric\n      groupBy: $groupBy\n      epoch: $epoch\n      pareto: $pareto\n      sweepIds: $sweepIds\n      withReferences: $withReferences\n      limit: $limit\n      after: $after\n    ) {\n      rows {\n        rank\n        d_m\n        heads\n        d_h\n        qk_tied\n        params\n        n\n        mean\n        std\n        min\n        max\n        paramCount\n        flops\n        metrics\n        trials {\n          id\n          sweepId\n          value\n          epoch\n        }\n      }\n      next\n      references {\n        id\n        task\n        label\n        citation\n        url\n        d_m\n        heads\n        d_h\n        qk_tied\n        metrics\n        note\n      }\n    }\n  }\n': typeof types.LeaderboardDocument;
  '\n  fragment ApiTokenFields on ApiToken {\n    id\n    name\n    owner\n    role\n    createdBy\n    createdAt\n    expiresAt\n    revokedAt\n    lastUsedAt\n  }\n': typeof types.ApiTokenFieldsFragmentDoc;
  '\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        ...ApiTokenFields\n      }\n    }\n  }\n': typeof types.CreateApiTokenDocument;
  '\n  query ApiTokens {\n    apiTokens {\n      ...ApiTokenFields\n    }\n  }\n': typeof types.ApiTokensDocument;
  '\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      ...ApiTokenFields\n    }\n  }\n': typeof types.RevokeApiTokenDocument;
  '\n  query AuditLog($first: Int, $after: String, $sweepId: ID) {\n    auditLog(first: $first, after: $after, sweepId: $sweepId) {\n      rows {\n        id\n        at\n        tokenId\n        owner\n        role\n        action\n        sweepId\n        outcome\n        message\n        requestId\n      }\n      next\n    }\n  }\n': typeof types.AuditLogDocument;
  '\n  query TrialLog($sweepId: ID!, $trialId: ID!, $lines: Int!, $after: Float) {\n    sweep(id: $sweepId) {\n      trialsByIds(ids: [$trialId]) {\n        id\n        status\n        logTail(lines: $lines, after: $after) {\n          text\n          end\n        }\n      }\n    }\n  }\n': typeof types.TrialLogDocument;
};
const documents: Documents = {
  '\n  fragment TrialFields on Trial {\n    id\n    index\n    status\n    params\n    d_m\n    heads\n    d_h\n    qk_tied\n    epochs\n    epochsCompleted\n    paramCount\n    metrics\n    error\n    attempts\n    resumedFromEpoch\n    backend\n    device\n    worker\n    prunedAtRung\n    breakdown\n    artifacts {\n      name\n      path\n      bytes\n    }\n    updatedAt\n  }\n':
    types.TrialFieldsFragmentDoc,
  '\n  mutation CreateSweep($input: CreateSweepInput!) {\n    createSweep(input: $input) {\n      id\n      name\n      status\n      trialCount\n    }\n  }\n':
    types.CreateSweepDocument,
  '\n  query SweepPage(\n    $id: ID!\n    $first: Int\n    $after: String\n    $historyFirst: Int\n    $historyAfter: String\n  ) {\n    sweep(id: $id) {\n      id\n      name\n      task\n      status\n      metric\n      goal\n      trialCount\n      updatedAt\n      trials(first: $first, after: $after) {\n        rows {\n          ...TrialFields\n          history(first: $historyFirst, after: $historyAfter) {\n            rows {\n              epoch\n              metrics\n            }\n            next\n          }\n        }\n        next\n      }\n    }\n  }\n':
    types.SweepPageDocument,
  '\n  query SweepProblem($id: ID!) {\n    sweep(id: $id) {\n      id\n      problem {\n        kind\n        message\n        attempts\n        since\n      }\n    }\n  }\n':
    types.SweepProblemDocument,
  '\n  subscription TrialUpdated($sweepId: ID!, $historyFirst: Int) {\n    trialUpdated(sweepId: $sweepId) {\n      ...TrialFields\n      history(first: $historyFirst) {\n        rows {\n          epoch\n          metrics\n        }\n        next\n      }\n    }\n  }\n':
    types.TrialUpdatedDocument,
  '\n  subscription SweepUpdated($id: ID!) {\n    sweepUpdated(id: $id) {\n      id\n      name\n      task\n      status\n      metric\n      goal\n      trialCount\n      updatedAt\n    }\n  }\n':
    types.SweepUpdatedDocument,
  '\n    mutation PauseSweep($id: ID!) {\n      sweep: pauseSweep(id: $id) {\n        id\n        name\n        status\n      }\n    }\n  ':
    types.PauseSweepDocument,
  '\n    mutation ResumeSweep($id: ID!) {\n      sweep: resumeSweep(id: $id) {\n        id\n        name\n        status\n      }\n    }\n  ':
    types.ResumeSweepDocument,
  '\n    mutation CancelSweep($id: ID!) {\n      sweep: cancelSweep(id: $id) {\n        id\n        name\n        status\n      }\n    }\n  ':
    types.CancelSweepDocument,
  '\n  mutation UpdateSweep($id: ID!, $change: SweepChangeInput!) {\n    updateSweep(id: $id, change: $change) {\n      id\n      name\n      status\n      trialCount\n    }\n  }\n':
    types.UpdateSweepDocument,
  '\n  mutation RetryFailedTrials($sweepId: ID!, $trialIds: [ID!]) {\n    retryFailedTrials(sweepId: $sweepId, trialIds: $trialIds) {\n      id\n      name\n      status\n    }\n  }\n':
    types.RetryFailedTrialsDocument,
  '\n  query Workers($pool: String) {\n    workers(pool: $pool) {\n      id\n      pool\n      host\n      pid\n      backend\n      device\n      slots\n      status\n      startedAt\n      lastSeenAt\n    }\n  }\n':
    types.WorkersDocument,
  '\n  query Leaderboard(\n    $task: Task!\n    $metric: String!\n    $groupBy: LeaderboardGroupBy!\n    $epoch: LeaderboardEpoch!\n    $pareto: ParetoCost\n    $sweepIds: [ID!]\n    $withReferences: Boolean!\n    $limit: Int\n    $after: String\n  ) {\n    leaderboard(\n      task: $task\n      metric: $metric\n      groupBy: $groupBy\n      epoch: $epoch\n      pareto: $pareto\n      sweepIds: $sweepIds\n      withReferences: $withReferences\n      limit: $limit\n      after: $after\n    ) {\n      rows {\n        rank\n        d_m\n        heads\n        d_h\n        qk_tied\n        params\n        n\n        mean\n        std\n        min\n        max\n        paramCount\n        flops\n        metrics\n        trials {\n          id\n          sweepId\n          value\n          epoch\n        }\n      }\n      next\n      references {\n        id\n        task\n        label\n        citation\n        url\n        d_m\n        heads\n        d_h\n        qk_tied\n        metrics\n        note\n      }\n    }\n  }\n':
    types.LeaderboardDocument,
  '\n  fragment ApiTokenFields on ApiToken {\n    id\n    name\n    owner\n    role\n    createdBy\n    createdAt\n    expiresAt\n    revokedAt\n    lastUsedAt\n  }\n':
    types.ApiTokenFieldsFragmentDoc,
  '\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        ...ApiTokenFields\n      }\n    }\n  }\n':
    types.CreateApiTokenDocument,
  '\n  query ApiTokens {\n    apiTokens {\n      ...ApiTokenFields\n    }\n  }\n':
    types.ApiTokensDocument,
  '\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      ...ApiTokenFields\n    }\n  }\n':
    types.RevokeApiTokenDocument,
  '\n  query AuditLog($first: Int, $after: String, $sweepId: ID) {\n    auditLog(first: $first, after: $after, sweepId: $sweepId) {\n      rows {\n        id\n        at\n        tokenId\n        owner\n        role\n        action\n        sweepId\n        outcome\n        message\n        requestId\n      }\n      next\n    }\n  }\n':
    types.AuditLogDocument,
  '\n  query TrialLog($sweepId: ID!, $trialId: ID!, $lines: Int!, $after: Float) {\n    sweep(id: $sweepId) {\n      trialsByIds(ids: [$trialId]) {\n        id\n        status\n        logTail(lines: $lines, after: $after) {\n          text\n          end\n        }\n      }\n    }\n  }\n':
    types.TrialLogDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment TrialFields on Trial {\n    id\n    index\n    status\n    params\n    d_m\n    heads\n    d_h\n    qk_tied\n    epochs\n    epochsCompleted\n    paramCount\n    metrics\n    error\n    attempts\n    resumedFromEpoch\n    backend\n    device\n    worker\n    prunedAtRung\n    breakdown\n    artifacts {\n      name\n      path\n      bytes\n    }\n    updatedAt\n  }\n',
): (typeof documents)['\n  fragment TrialFields on Trial {\n    id\n    index\n    status\n    params\n    d_m\n    heads\n    d_h\n    qk_tied\n    epochs\n    epochsCompleted\n    paramCount\n    metrics\n    error\n    attempts\n    resumedFromEpoch\n    backend\n    device\n    worker\n    prunedAtRung\n    breakdown\n    artifacts {\n      name\n      path\n      bytes\n    }\n    updatedAt\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation CreateSweep($input: CreateSweepInput!) {\n    createSweep(input: $input) {\n      id\n      name\n      status\n      trialCount\n    }\n  }\n',
): (typeof documents)['\n  mutation CreateSweep($input: CreateSweepInput!) {\n    createSweep(input: $input) {\n      id\n      name\n      status\n      trialCount\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query SweepPage(\n    $id: ID!\n    $first: Int\n    $after: String\n    $historyFirst: Int\n    $historyAfter: String\n  ) {\n    sweep(id: $id) {\n      id\n      name\n      task\n      status\n      metric\n      goal\n      trialCount\n      updatedAt\n      trials(first: $first, after: $after) {\n        rows {\n          ...TrialFields\n          history(first: $historyFirst, after: $historyAfter) {\n            rows {\n              epoch\n              metrics\n            }\n            next\n          }\n        }\n        next\n      }\n    }\n  }\n',
): (typeof documents)['\n  query SweepPage(\n    $id: ID!\n    $first: Int\n    $after: String\n    $historyFirst: Int\n    $historyAfter: String\n  ) {\n    sweep(id: $id) {\n      id\n      name\n      task\n      status\n      metric\n      goal\n      trialCount\n      updatedAt\n      trials(first: $first, after: $after) {\n        rows {\n          ...TrialFields\n          history(first: $historyFirst, after: $historyAfter) {\n            rows {\n              epoch\n              metrics\n            }\n            next\n          }\n        }\n        next\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query SweepProblem($id: ID!) {\n    sweep(id: $id) {\n      id\n      problem {\n        kind\n        message\n        attempts\n        since\n      }\n    }\n  }\n',
): (typeof documents)['\n  query SweepProblem($id: ID!) {\n    sweep(id: $id) {\n      id\n      problem {\n        kind\n        message\n        attempts\n        since\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  subscription TrialUpdated($sweepId: ID!, $historyFirst: Int) {\n    trialUpdated(sweepId: $sweepId) {\n      ...TrialFields\n      history(first: $historyFirst) {\n        rows {\n          epoch\n          metrics\n        }\n        next\n      }\n    }\n  }\n',
): (typeof documents)['\n  subscription TrialUpdated($sweepId: ID!, $historyFirst: Int) {\n    trialUpdated(sweepId: $sweepId) {\n      ...TrialFields\n      history(first: $historyFirst) {\n        rows {\n          epoch\n          metrics\n        }\n        next\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  subscription SweepUpdated($id: ID!) {\n    sweepUpdated(id: $id) {\n      id\n      name\n      task\n      status\n      metric\n      goal\n      trialCount\n      updatedAt\n    }\n  }\n',
): (typeof documents)['\n  subscription SweepUpdated($id: ID!) {\n    sweepUpdated(id: $id) {\n      id\n      name\n      task\n      status\n      metric\n      goal\n      trialCount\n      updatedAt\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n    mutation PauseSweep($id: ID!) {\n      sweep: pauseSweep(id: $id) {\n        id\n        name\n        status\n      }\n    }\n  ',
): (typeof documents)['\n    mutation PauseSweep($id: ID!) {\n      sweep: pauseSweep(id: $id) {\n        id\n        name\n        status\n      }\n    }\n  '];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n    mutation ResumeSweep($id: ID!) {\n      sweep: resumeSweep(id: $id) {\n        id\n        name\n        status\n      }\n    }\n  ',
): (typeof documents)['\n    mutation ResumeSweep($id: ID!) {\n      sweep: resumeSweep(id: $id) {\n        id\n        name\n        status\n      }\n    }\n  '];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n    mutation CancelSweep($id: ID!) {\n      sweep: cancelSweep(id: $id) {\n        id\n        name\n        status\n      }\n    }\n  ',
): (typeof documents)['\n    mutation CancelSweep($id: ID!) {\n      sweep: cancelSweep(id: $id) {\n        id\n        name\n        status\n      }\n    }\n  '];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation UpdateSweep($id: ID!, $change: SweepChangeInput!) {\n    updateSweep(id: $id, change: $change) {\n      id\n      name\n      status\n      trialCount\n    }\n  }\n',
): (typeof documents)['\n  mutation UpdateSweep($id: ID!, $change: SweepChangeInput!) {\n    updateSweep(id: $id, change: $change) {\n      id\n      name\n      status\n      trialCount\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation RetryFailedTrials($sweepId: ID!, $trialIds: [ID!]) {\n    retryFailedTrials(sweepId: $sweepId, trialIds: $trialIds) {\n      id\n      name\n      status\n    }\n  }\n',
): (typeof documents)['\n  mutation RetryFailedTrials($sweepId: ID!, $trialIds: [ID!]) {\n    retryFailedTrials(sweepId: $sweepId, trialIds: $trialIds) {\n      id\n      name\n      status\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Workers($pool: String) {\n    workers(pool: $pool) {\n      id\n      pool\n      host\n      pid\n      backend\n      device\n      slots\n      status\n      startedAt\n      lastSeenAt\n    }\n  }\n',
): (typeof documents)['\n  query Workers($pool: String) {\n    workers(pool: $pool) {\n      id\n      pool\n      host\n      pid\n      backend\n      device\n      slots\n      status\n      startedAt\n      lastSeenAt\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Leaderboard(\n    $task: Task!\n    $metric: String!\n    $groupBy: LeaderboardGroupBy!\n    $epoch: LeaderboardEpoch!\n    $pareto: ParetoCost\n    $sweepIds: [ID!]\n    $withReferences: Boolean!\n    $limit: Int\n    $after: String\n  ) {\n    leaderboard(\n      task: $task\n      metric: $metric\n      groupBy: $groupBy\n      epoch: $epoch\n      pareto: $pareto\n      sweepIds: $sweepIds\n      withReferences: $withReferences\n      limit: $limit\n      after: $after\n    ) {\n      rows {\n        rank\n        d_m\n        heads\n        d_h\n        qk_tied\n        params\n        n\n        mean\n        std\n        min\n        max\n        paramCount\n        flops\n        metrics\n        trials {\n          id\n          sweepId\n          value\n          epoch\n        }\n      }\n      next\n      references {\n        id\n        task\n        label\n        citation\n        url\n        d_m\n        heads\n        d_h\n        qk_tied\n        metrics\n        note\n      }\n    }\n  }\n',
): (typeof documents)['\n  query Leaderboard(\n    $task: Task!\n    $metric: String!\n    $groupBy: LeaderboardGroupBy!\n    $epoch: LeaderboardEpoch!\n    $pareto: ParetoCost\n    $sweepIds: [ID!]\n    $withReferences: Boolean!\n    $limit: Int\n    $after: String\n  ) {\n    leaderboard(\n      task: $task\n      metric: $metric\n      groupBy: $groupBy\n      epoch: $epoch\n      pareto: $pareto\n      sweepIds: $sweepIds\n      withReferences: $withReferences\n      limit: $limit\n      after: $after\n    ) {\n      rows {\n        rank\n        d_m\n        heads\n        d_h\n        qk_tied\n        params\n        n\n        mean\n        std\n        min\n        max\n        paramCount\n        flops\n        metrics\n        trials {\n          id\n          sweepId\n          value\n          epoch\n        }\n      }\n      next\n      references {\n        id\n        task\n        label\n        citation\n        url\n        d_m\n        heads\n        d_h\n        qk_tied\n        metrics\n        note\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment ApiTokenFields on ApiToken {\n    id\n    name\n    owner\n    role\n    createdBy\n    createdAt\n    expiresAt\n    revokedAt\n    lastUsedAt\n  }\n',
): (typeof documents)['\n  fragment ApiTokenFields on ApiToken {\n    id\n    name\n    owner\n    role\n    createdBy\n    createdAt\n    expiresAt\n    revokedAt\n    lastUsedAt\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        ...ApiTokenFields\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        ...ApiTokenFields\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query ApiTokens {\n    apiTokens {\n      ...ApiTokenFields\n    }\n  }\n',
): (typeof documents)['\n  query ApiTokens {\n    apiTokens {\n      ...ApiTokenFields\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      ...ApiTokenFields\n    }\n  }\n',
): (typeof documents)['\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      ...ApiTokenFields\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query AuditLog($first: Int, $after: String, $sweepId: ID) {\n    auditLog(first: $first, after: $after, sweepId: $sweepId) {\n      rows {\n        id\n        at\n        tokenId\n        owner\n        role\n        action\n        sweepId\n        outcome\n        message\n        requestId\n      }\n      next\n    }\n  }\n',
): (typeof documents)['\n  query AuditLog($first: Int, $after: String, $sweepId: ID) {\n    auditLog(first: $first, after: $after, sweepId: $sweepId) {\n      rows {\n        id\n        at\n        tokenId\n        owner\n        role\n        action\n        sweepId\n        outcome\n        message\n        requestId\n      }\n      next\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query TrialLog($sweepId: ID!, $trialId: ID!, $lines: Int!, $after: Float) {\n    sweep(id: $sweepId) {\n      trialsByIds(ids: [$trialId]) {\n        id\n        status\n        logTail(lines: $lines, after: $after) {\n          text\n          end\n        }\n      }\n    }\n  }\n',
): (typeof documents)['\n  query TrialLog($sweepId: ID!, $trialId: ID!, $lines: Int!, $after: Float) {\n    sweep(id: $sweepId) {\n      trialsByIds(ids: [$trialId]) {\n        id\n        status\n        logTail(lines: $lines, after: $after) {\n          text\n          end\n        }\n      }\n    }\n  }\n'];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> =
  TDocumentNode extends DocumentNode<infer TType, any> ? TType : never;
