import { Inject, Injectable } from '@nestjs/common';
import { listSweepTrialsPage, type Database, type TrialRow } from '@headroom/db';
import type { Violation } from '@headroom/errors';
import type { MetricBreakdown, TrialStatus } from '@headroom/sweep';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { checkLimit, throwIfViolations } from '../common/limits';
import type { RequestLoaders } from '../common/request-loaders';
import { DATABASE } from '../common/tokens';
import type { EpochMetrics, EpochMetricsPage } from './epoch-metrics.model';
import type { TrialPage } from './trial-page.model';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** `first` and `after` checked together, every problem at once. */
function checkPage(
  what: string,
  kind: 'trial' | 'epoch',
  args: PageArgs,
): { first: number; after?: number } {
  const violations: Violation[] = [];
  const { limit: first, violation } = checkLimit(args.first, 100, 'first');
  if (violation) violations.push(violation);
  const cursor = decodeCursor(kind, args.after);
  if (cursor.violation) violations.push(cursor.violation);
  throwIfViolations(what, violations);
  return { first, after: cursor.position };
}

@Injectable()
export class TrialsService {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** A page of a sweep's trials in index order; keyset on the index, so writes between pages shift nothing. */
  async page(
    sweepId: string,
    args: PageArgs & { status?: readonly TrialStatus[] | null },
  ): Promise<TrialPage> {
    const { first, after } = checkPage('Sweep.trials', 'trial', args);
    const rows = await listSweepTrialsPage(this.db, {
      sweepId,
      limit: first + 1,
      afterIndex: after,
      statuses: args.status ?? undefined,
    });
    return pageOf(rows, first, (t: TrialRow) => encodeCursor('trial', t.index));
  }

  /** A page of a trial's epochs, oldest first; the trials of one page share one query. */
  async history(
    trial: TrialRow,
    args: PageArgs,
    loaders: RequestLoaders,
  ): Promise<EpochMetricsPage> {
    const { first, after } = checkPage('Trial.history', 'epoch', args);
    const rows = await loaders.epochPage.load({
      trialId: trial.id,
      afterEpoch: after,
      limit: first + 1,
    });
    const page = pageOf(rows, first, (r) => encodeCursor('epoch', r.epoch));
    return {
      next: page.next,
      rows: page.rows.map((r) => ({ trialId: r.trialId, epoch: r.epoch, metrics: r.metrics })),
    };
  }

  /** One epoch's breakdown, read only when asked (batched over the page's epochs). */
  async epochBreakdown(
    epoch: EpochMetrics,
    loaders: RequestLoaders,
  ): Promise<MetricBreakdown | null> {
    return loaders.epochBreakdown.load({ trialId: epoch.trialId, epoch: epoch.epoch });
  }

  /** The latest epoch's breakdown, reading that epoch alone (batched over the page's trials). */
  async breakdown(trial: TrialRow, loaders: RequestLoaders): Promise<MetricBreakdown | null> {
    return (await loaders.latestEpoch.load(trial.id))?.breakdown ?? null;
  }
}

/** `rows` holds up to `first + 1` rows: the extra one says another page follows. */
function pageOf<T>(
  rows: T[],
  first: number,
  cursorOf: (row: T) => string,
): { rows: T[]; next: string | null } {
  const shown = rows.slice(0, first);
  const last = shown.at(-1);
  return { rows: shown, next: rows.length > first && last !== undefined ? cursorOf(last) : null };
}
