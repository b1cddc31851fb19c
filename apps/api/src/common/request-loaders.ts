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

const epochPageKeyOf = (k: EpochPageKey): string =>
  `${k.trialId}\u0000${k.afterEpoch ?? ''}\u0000${k.limit}`;

/**
 * Pages of trials' histories for one request: batched like the other loaders (one query for a
 * page of trials), and also read ahead for a whole page of trials (`prefetch`, by Sweep.trials) and
 * then answered synchronously (`peek`), so a 1,000-trial page's history fields cost no promise each.
 */
export class EpochPageLoader {
  private readonly read = new Map<string, EpochMetricsRow[]>();
  private readonly loader: DataLoader<EpochPageKey, EpochMetricsRow[], string>;

  constructor(
    private readonly db: Database,
    maxBatchSize: number,
  ) {
    this.loader = new DataLoader((keys) => this.fetch(keys), {
      maxBatchSize,
      cacheKeyFn: epochPageKeyOf,
    });
  }

  /** The page if this request has read it already, else undefined. */
  peek(key: EpochPageKey): EpochMetricsRow[] | undefined {
    return this.read.get(epochPageKeyOf(key));
  }

  load(key: EpochPageKey): Promise<EpochMetricsRow[]> {
    const read = this.peek(key);
    return read ? Promise.resolve(read) : this.loader.load(key);
  }

  /** Reads the pages not read yet, in one query per limit, for `peek` to find. */
  async prefetch(keys: readonly EpochPageKey[]): Promise<void> {
    const missing = keys.filter((k) => !this.read.has(epochPageKeyOf(k)));
    if (missing.length > 0) await this.fetch(missing);
  }

  private async fetch(keys: readonly EpochPageKey[]): Promise<EpochMetricsRow[][]> {
    // Usually one limit (every trial of a page asks history(first: N)): one query.
    const byLimit = new Map<number, number[]>();
    keys.forEach((k, i) => {
      const indices = byLimit.get(k.limit);
      if (indices) indices.push(i);
      else byLimit.set(k.limit, [i]);
    });
    const pages: EpochMetricsRow[][] = keys.map(() => []);
    await Promise.all(
      [...byLimit].map(async ([limit, indices]) => {
        const found = await listTrialEpochPages(
          this.db,
          indices.map((i) => keys[i]!),
          limit,
        );
        indices.forEach((i, j) => (pages[i] = found[j] ?? []));
      }),
    );
    keys.forEach((k, i) => this.read.set(epochPageKeyOf(k), pages[i]!));
    return pages;
  }
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
    epochPage: new EpochPageLoader(db, maxBatchSize),
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
