import DataLoader from 'dataloader';
import type { Access } from '../access/authenticator';
import {
  countSweepTrials,
  sweepOwnersOf,
  latestTrialEpochs,
  listEpochBreakdowns,
  listTrialEpochPages,
  type Database,
  type EpochMetricsRow,
  type TrialEpochKey,
  type TrialMetricRow,
} from '@headroom/db';
import { FINAL_TRIAL_STATUSES, type MetricBreakdown } from '@headroom/sweep';

/** A trial's epochs after `afterEpoch`, at most `limit` of them. */
export interface EpochPageKey {
  trialId: string;
  afterEpoch?: number;
  limit: number;
}

/**
 * Per-request batching of the loads that every row of a page asks for: a page of 100 trials
 * asking for `history`, `breakdown` (of the trial or of each epoch) or a list of sweeps asking for `trialCount` or `trialsDone` cost one query
 * each, not one per row. Made per request (in the GraphQL context), so a request sees fresh data.
 */
export function createRequestLoaders(db: Database) {
  // A page holds at most MAX_LIMIT rows; a batch stays well under Postgres's parameter limit.
  const maxBatchSize = 1000;
  return {
    trialCount: new DataLoader<string, number>(
      async (sweepIds) => {
        const counts = await countSweepTrials(db, sweepIds);
        return sweepIds.map((id) => counts.get(id) ?? 0);
      },
      { maxBatchSize },
    ),
    trialsDone: new DataLoader<string, number>(
      async (sweepIds) => {
        const counts = await countSweepTrials(db, sweepIds, { statuses: FINAL_TRIAL_STATUSES });
        return sweepIds.map((id) => counts.get(id) ?? 0);
      },
      { maxBatchSize },
    ),
    epochPage: new DataLoader<EpochPageKey, EpochMetricsRow[], string>(
      async (keys) => {
        // Usually one limit (every trial of a page asks history(first: N)): one query.
        const byLimit = new Map<number, number[]>();
        keys.forEach((k, i) => byLimit.set(k.limit, [...(byLimit.get(k.limit) ?? []), i]));
        const pages: EpochMetricsRow[][] = keys.map(() => []);
        await Promise.all(
          [...byLimit].map(async ([limit, indices]) => {
            const found = await listTrialEpochPages(
              db,
              indices.map((i) => keys[i]!),
              limit,
            );
            indices.forEach((i, j) => (pages[i] = found[j] ?? []));
          }),
        );
        return pages;
      },
      {
        maxBatchSize,
        cacheKeyFn: (k) => `${k.trialId}\u0000${k.afterEpoch ?? ''}\u0000${k.limit}`,
      },
    ),
    epochBreakdown: new DataLoader<TrialEpochKey, MetricBreakdown | null, string>(
      (keys) => listEpochBreakdowns(db, keys),
      { maxBatchSize, cacheKeyFn: (k) => `${k.trialId}\u0000${k.epoch}` },
    ),
    latestEpoch: new DataLoader<string, TrialMetricRow | null>(
      async (trialIds) => {
        const latest = await latestTrialEpochs(db, trialIds);
        return trialIds.map((id) => latest.get(id) ?? null);
      },
      { maxBatchSize },
    ),
    sweepOwner: new DataLoader<string, string | null>(
      async (sweepIds) => {
        const owners = await sweepOwnersOf(db, sweepIds);
        return sweepIds.map((id) => owners.get(id) ?? null);
      },
      { maxBatchSize },
    ),
  };
}

export type RequestLoaders = ReturnType<typeof createRequestLoaders>;

export interface GraphQLContext {
  loaders: RequestLoaders;
  /** Who sent the request (src/access): checked by AccessGuard before any root field runs. */
  access: Access;
}
