import { Inject, Injectable } from '@nestjs/common';
import {
  listSweepTrialsPage,
  trialId,
  type Database,
  type EpochMetricsRow,
  type TrialColumn,
  type TrialRow,
} from '@headroom/db';
import type { Violation } from '@headroom/errors';
import type { MetricBreakdown, TrialStatus } from '@headroom/sweep';
import {
  getArgumentValues,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
  type FieldNode,
} from 'graphql';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { checkLimit, throwIfViolations } from '../common/limits';
import type { RequestLoaders } from '../common/request-loaders';
import { DATABASE } from '../common/tokens';
import type { EpochMetrics, EpochMetricsPage } from './epoch-metrics.model';
import { TRIAL_ROW_FIELDS } from './trial-row-fields';
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

  /**
   * A page of a sweep's trials in index order; keyset on the index, so writes between pages shift
   * nothing. Given the request (`asked`), it reads only the trial columns the query's fields need,
   * and also the page's histories that the query asks for, in one query, so each trial's `history`
   * is answered without a round of its own.
   */
  async page(
    sweepId: string,
    args: PageArgs & { status?: readonly TrialStatus[] | null },
    asked?: { info: GraphQLResolveInfo; loaders: RequestLoaders },
  ): Promise<TrialPage> {
    const { first, after } = checkPage('Sweep.trials', 'trial', args);
    const histories = asked ? historyPagesAsked(asked.info) : [];
    const prefetch = (ids: readonly string[]) =>
      Promise.all(
        histories.map((h) =>
          asked!.loaders.epochPage.prefetch(
            ids.map((trialId) => ({ trialId, afterEpoch: h.after, limit: h.first + 1 })),
          ),
        ),
      );
    // Without a status filter the page's trial ids are known before it is read (trialId(sweep,
    // index), the indices after the cursor, below the sweep's trial count), so their histories are
    // read alongside the page, on a second connection: PostgreSQL builds them (most of a whole
    // sweep's database time) while the page's rows are read and parsed. Only a guess: what it
    // misses, or fails to read, is read below, where an error shows.
    const early =
      histories.length > 0 && !args.status?.length
        ? (async () => {
            const from = (after ?? -1) + 1;
            const to = Math.min(from + first, await asked!.loaders.trialCount.load(sweepId));
            const indices = Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
            await prefetch(indices.map((index) => trialId(sweepId, index)));
          })().catch(() => undefined)
        : undefined;
    // Only the columns the query's Trial fields read (the rest would be parsed for nothing): the
    // rows hold no more, typed as whole rows for the resolvers, which read no more.
    const rows: TrialRow[] = await listSweepTrialsPage(this.db, {
      sweepId,
      limit: first + 1,
      afterIndex: after,
      statuses: args.status ?? undefined,
      columns: asked ? trialColumnsAsked(asked.info) : undefined,
    });
    const page = pageOf(rows, first, (t: TrialRow) => encodeCursor('trial', t.index));
    await early;
    if (page.rows.length > 0) await prefetch(page.rows.map((t) => t.id));
    return page;
  }

  /** A page of a trial's epochs, oldest first; the trials of one page share one query. */
  async history(
    trial: TrialRow,
    args: PageArgs,
    loaders: RequestLoaders,
  ): Promise<EpochMetricsPage> {
    return trialHistory(trial, args, loaders);
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

/**
 * Trial.history: a page of the trial's epochs, synchronously when the request has read it already
 * (Sweep.trials reads a page's histories ahead), else through the batched loader.
 */
export function trialHistory(
  trial: TrialRow,
  args: PageArgs,
  loaders: RequestLoaders,
): EpochMetricsPage | Promise<EpochMetricsPage> {
  const { first, after } = checkPage('Trial.history', 'epoch', args);
  const key = { trialId: trial.id, afterEpoch: after, limit: first + 1 };
  const read = loaders.epochPage.peek(key);
  return read
    ? historyPage(read, first)
    : loaders.epochPage.load(key).then((rows) => historyPage(rows, first));
}

function historyPage(rows: EpochMetricsRow[], first: number): EpochMetricsPage {
  const page = pageOf(rows, first, (r) => encodeCursor('epoch', r.epoch));
  return {
    next: page.next,
    // Only what a history row shows: its breakdown is read per epoch when asked.
    rows: page.rows.map((r) => ({ trialId: r.trialId, epoch: r.epoch, metrics: r.metrics })),
  };
}

/**
 * The distinct valid `history(first, after)` pages that the query asks of the rows of the trial
 * page being resolved (`rows { history(…) }`, through fragments too; @skip and @include are not
 * read: an extra read ahead only costs a query). Invalid ones are left to Trial.history to refuse.
 */
function historyPagesAsked(info: GraphQLResolveInfo): Array<{ first: number; after?: number }> {
  const trial = info.schema.getType('Trial');
  const field = isObjectType(trial) ? trial.getFields()['history'] : undefined;
  if (!field) return [];
  const asked = new Map<string, { first: number; after?: number }>();
  for (const rows of info.fieldNodes.flatMap((n) =>
    fieldsNamed(n.selectionSet, 'rows', info.fragments),
  )) {
    for (const node of fieldsNamed(rows.selectionSet, 'history', info.fragments)) {
      let page: { first: number; after?: number };
      try {
        const args = getArgumentValues(field, node, info.variableValues) as PageArgs;
        page = checkPage('Trial.history', 'epoch', args);
      } catch {
        continue;
      }
      asked.set(`${page.first}:${page.after ?? ''}`, page);
    }
  }
  return [...asked.values()];
}

/**
 * What each Trial field reads of its row (TrialRow properties; `id` and `index` are always read):
 * a row field its own column, the others as their resolvers read.
 * A field missing here (one added later) makes the page read every column, as does a fragment
 * that cannot be found.
 */
const TRIAL_FIELD_COLUMNS: Readonly<Record<string, readonly TrialColumn[]>> = {
  ...Object.fromEntries(TRIAL_ROW_FIELDS.map((field) => [field, [field]])),
  __typename: [],
  d_m: ['dModel'],
  d_h: ['dH'],
  qk_tied: ['qkTied'],
  updatedAt: ['updatedAt'],
  // Read by the trial's id: its epochs, its latest epoch's breakdown.
  history: [],
  breakdown: [],
  // The log's path is built from the trial's id and its sweep's (readLog).
  logTail: ['sweepId'],
};

/**
 * The columns the fields asked of the page's rows read (through fragments too; @skip and
 * @include are not read: a column too many only costs its parsing), or undefined for every column
 * when the selection holds a field or fragment not known here.
 */
function trialColumnsAsked(info: GraphQLResolveInfo): TrialColumn[] | undefined {
  const columns = new Set<TrialColumn>();
  for (const rows of info.fieldNodes.flatMap((n) =>
    fieldsNamed(n.selectionSet, 'rows', info.fragments),
  )) {
    const fields = fieldsIn(rows.selectionSet, info.fragments);
    if (!fields) return undefined;
    for (const field of fields) {
      const read = TRIAL_FIELD_COLUMNS[field.name.value];
      if (!read) return undefined;
      for (const column of read) columns.add(column);
    }
  }
  return [...columns];
}

/** The fields of a selection set with this name (not alias), inline fragments and spreads included. */
function fieldsNamed(
  set: SelectionSetNode | undefined,
  name: string,
  fragments: Record<string, FragmentDefinitionNode>,
): FieldNode[] {
  return (fieldsIn(set, fragments) ?? []).filter((f) => f.name.value === name);
}

/** The fields of a selection set, inline fragments and spreads included; undefined when a spread's fragment is missing. */
function fieldsIn(
  set: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
): FieldNode[] | undefined {
  const found: FieldNode[] = [];
  for (const s of set?.selections ?? []) {
    if (s.kind === Kind.FIELD) {
      found.push(s);
      continue;
    }
    const inner =
      s.kind === Kind.INLINE_FRAGMENT ? s.selectionSet : fragments[s.name.value]?.selectionSet;
    const fields = inner && fieldsIn(inner, fragments);
    if (!fields) return undefined;
    found.push(...fields);
  }
  return found;
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
