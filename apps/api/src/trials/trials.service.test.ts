import type {
  Database,
  EpochPageKey,
  SweepTrialsPageQuery,
  TrialMetricRow,
  TrialRow,
} from '@headroom/db';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { isHeadroomError, type HeadroomError } from '@headroom/errors';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  isObjectType,
  Kind,
  parse,
  type FieldNode,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { createRequestLoaders } from '../common/request-loaders';
import { trialHistory, TrialsService } from './trials.service';

// In-memory stand-ins for the db reads; each call is one query.
const EPOCHS: Record<string, number[]> = { 'sw-0': [1, 2, 3], 'sw-1': [1], 'sw-2': [] };
const metric = (trialId: string, epoch: number): TrialMetricRow => ({
  trialId,
  epoch,
  metrics: { mpjpe: 100 - epoch },
  breakdown: { Walking: { mpjpe: 100 - epoch } },
  createdAt: new Date(0),
  updatedAt: new Date(0),
});
const listTrialEpochPages = vi.fn(
  async (_db: Database, keys: readonly EpochPageKey[], limit: number) =>
    keys.map((k) =>
      (EPOCHS[k.trialId] ?? [])
        .filter((e) => e > (k.afterEpoch ?? -1))
        .slice(0, limit)
        .map((e) => metric(k.trialId, e)),
    ),
);
const latestTrialEpochs = vi.fn(
  async (_db: Database, ids: readonly string[]) =>
    new Map(
      ids.flatMap((id) => {
        const last = EPOCHS[id]?.at(-1);
        return last === undefined ? [] : [[id, metric(id, last)] as const];
      }),
    ),
);
const TRIALS = Array.from({ length: 5 }, (_, index) => ({ id: `sw-${index}`, index }) as TrialRow);
const listSweepTrialsPage = vi.fn(async (_db: Database, q: SweepTrialsPageQuery) =>
  TRIALS.filter((t) => t.index > (q.afterIndex ?? -1)).slice(0, q.limit),
);
vi.mock('@headroom/db', () => ({
  listTrialEpochPages: (db: Database, keys: EpochPageKey[], limit: number) =>
    listTrialEpochPages(db, keys, limit),
  latestTrialEpochs: (db: Database, ids: string[]) => latestTrialEpochs(db, ids),
  listSweepTrialsPage: (db: Database, q: SweepTrialsPageQuery) => listSweepTrialsPage(db, q),
  countSweepTrials: (_db: Database, ids: string[]) =>
    Promise.resolve(new Map(ids.map((id) => [id, TRIALS.length]))),
  trialId: (sweepId: string, index: number) => `${sweepId}-${index}`,
}));

const db = {} as Database;

async function errorOf(promise: Promise<unknown>): Promise<HeadroomError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isHeadroomError(err)) throw new Error(`expected a HeadroomError, got ${String(err)}`);
  return err;
}
const service = new TrialsService(db);
const trial = (id: string) => ({ id }) as TrialRow;

beforeEach(() => {
  vi.clearAllMocks();
});

describe('TrialsService.history', () => {
  it('loads the history of every trial of a page in one query per request', async () => {
    const loaders = createRequestLoaders(db);
    const pages = await Promise.all(
      ['sw-0', 'sw-1', 'sw-2'].map((id) => service.history(trial(id), { first: 100 }, loaders)),
    );
    expect(listTrialEpochPages).toHaveBeenCalledTimes(1);
    expect(pages.map((p) => p.rows.map((r) => r.epoch))).toEqual([[1, 2, 3], [1], []]);
    expect(pages.map((p) => p.next)).toEqual([null, null, null]);
    // No breakdown on a history row: EpochMetrics.breakdown reads it when asked.
    expect(pages[0]!.rows[0]).toEqual({ trialId: 'sw-0', epoch: 1, metrics: { mpjpe: 99 } });

    await service.history(trial('sw-0'), { first: 100 }, createRequestLoaders(db));
    expect(listTrialEpochPages).toHaveBeenCalledTimes(2);
  });

  it('pages by epoch with the cursor it hands out', async () => {
    const loaders = createRequestLoaders(db);
    const first = await service.history(trial('sw-0'), { first: 2 }, loaders);
    expect(first.rows.map((r) => r.epoch)).toEqual([1, 2]);
    expect(first.next).toEqual(expect.any(String));
    const second = await service.history(trial('sw-0'), { first: 2, after: first.next }, loaders);
    expect(second.rows.map((r) => r.epoch)).toEqual([3]);
    expect(second.next).toBeNull();
  });

  it('refuses a bad cursor and a page size out of range, naming each argument', async () => {
    const loaders = createRequestLoaders(db);
    const err = await errorOf(
      service.history(trial('sw-0'), { first: 0, after: 'nonsense' }, loaders),
    );
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.violations).toEqual([
      { path: 'first', message: expect.stringContaining('from 1 to 1000') },
      { path: 'after', message: expect.stringContaining('not a cursor of Trial.history') },
    ]);
    // A cursor of another list is not one of this list.
    const trials = await service.page('sw', { first: 1 });
    const wrong = await errorOf(service.history(trial('sw-0'), { after: trials.next }, loaders));
    expect(wrong.violations.map((v) => v.path)).toEqual(['after']);
  });
});

describe('TrialsService.breakdown', () => {
  it("reads only each trial's latest epoch, the page's trials in one query", async () => {
    const loaders = createRequestLoaders(db);
    const found = await Promise.all(
      ['sw-0', 'sw-1', 'sw-2'].map((id) => service.breakdown(trial(id), loaders)),
    );
    expect(latestTrialEpochs).toHaveBeenCalledTimes(1);
    expect(listTrialEpochPages).not.toHaveBeenCalled();
    expect(found).toEqual([{ Walking: { mpjpe: 97 } }, { Walking: { mpjpe: 99 } }, null]);
  });
});

describe('TrialsService.page', () => {
  it('follows next to the end, each trial once, in index order', async () => {
    const seen: number[] = [];
    let after: string | null = null;
    do {
      const page = await service.page('sw', { first: 2, after });
      seen.push(...page.rows.map((t) => t.index));
      after = page.next;
    } while (after !== null);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(listSweepTrialsPage.mock.calls.map(([, q]) => [q.afterIndex, q.limit])).toEqual([
      [undefined, 3],
      [1, 3],
      [3, 3],
    ]);
  });
});

// The shape of the real schema around Trial.history; only what the read-ahead looks at.
const schema = buildSchema(`
  type EpochMetricsPage { next: String }
  type Trial { id: ID, history(first: Int = 100, after: String): EpochMetricsPage }
  type TrialPage { rows: [Trial] }
  type Sweep { trials(first: Int): TrialPage }
  type Query { sweep: Sweep }
`);
const infoOf = (
  query: string,
  variableValues: Record<string, unknown>,
  inSchema: GraphQLSchema = schema,
) => {
  const doc = parse(query);
  const operation = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
  const sweep = operation.selectionSet.selections[0] as FieldNode;
  const trials = sweep.selectionSet!.selections[0] as FieldNode;
  const fragments = Object.fromEntries(
    doc.definitions.flatMap((d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [],
    ),
  );
  return {
    schema: inSchema,
    fieldNodes: [trials],
    fragments,
    variableValues,
  } as unknown as GraphQLResolveInfo;
};

describe('TrialsService.page reading histories ahead', () => {
  it("reads every history page the query asks of the page's rows (fragments, aliases, variables) up front, then answers each without a query", async () => {
    const info = infoOf(
      `query ($n: Int) {
        sweep { trials(first: 3) { rows { id history(first: 1) { next } ...F } } }
      }
      fragment F on Trial { h: history(first: $n) { next } bad: history(first: 0) { next } }`,
      { n: 2 },
    );
    const loaders = createRequestLoaders(db);
    const page = await service.page('sw', { first: 3 }, { info, loaders });
    // One query per page size asked (1 and 2), for the page's trial ids as known before the page
    // was read (no status filter); the invalid one is left to Trial.history to refuse.
    expect(listTrialEpochPages).toHaveBeenCalledTimes(2);
    expect(listTrialEpochPages.mock.calls.map(([, keys, limit]) => [keys.length, limit])).toEqual([
      [3, 2],
      [3, 3],
    ]);
    const answered = page.rows.map((t) => trialHistory(t, { first: 2 }, loaders));
    expect(answered.some((h) => h instanceof Promise)).toBe(false);
    expect(answered.map((h) => 'rows' in h && h.rows.map((r) => r.epoch))).toEqual([
      [1, 2],
      [1],
      [],
    ]);
    expect(listTrialEpochPages).toHaveBeenCalledTimes(2);
    // A page not read ahead still comes through the batched loader.
    await trialHistory(page.rows[0]!, { first: 5 }, loaders);
    expect(listTrialEpochPages).toHaveBeenCalledTimes(3);
  });

  it('reads ahead only the rows a status-filtered page holds, once it is read', async () => {
    const info = infoOf(
      `{ sweep { trials(first: 3) { rows { id history(first: 1) { next } } } } }`,
      {},
    );
    const loaders = createRequestLoaders(db);
    const page = await service.page(
      'sw',
      { first: 3, after: null, status: ['succeeded'] },
      { info, loaders },
    );
    expect(listTrialEpochPages).toHaveBeenCalledTimes(1);
    expect(listTrialEpochPages.mock.calls[0]![1].map((k) => k.trialId)).toEqual(
      page.rows.map((t) => t.id),
    );
  });

  it('reads ahead no further than the sweep holds trials', async () => {
    const info = infoOf(
      `{ sweep { trials(first: 3) { rows { id history(first: 1) { next } } } } }`,
      {},
    );
    const loaders = createRequestLoaders(db);
    const first = await service.page('sw', { first: 3 }, { info, loaders });
    const rest = await service.page('sw', { first: 3, after: first.next }, { info, loaders });
    expect(rest.rows.map((t) => t.id)).toEqual(['sw-3', 'sw-4']);
    expect(listTrialEpochPages.mock.calls.map(([, keys]) => keys.map((k) => k.trialId))).toEqual([
      ['sw-0', 'sw-1', 'sw-2'],
      ['sw-3', 'sw-4'],
    ]);
  });
});

describe('TrialsService.page reading only the columns asked', () => {
  const columnsRead = () => listSweepTrialsPage.mock.calls.at(-1)![1].columns;

  it("reads the columns the rows' fields need, through fragments and aliases, renamed fields and resolvers included", async () => {
    const info = infoOf(
      `{ sweep { trials(first: 3) {
        rows { n: index d_m ...F ... on Trial { logTail { text } metrics } }
        next
      } } }
      fragment F on Trial { qk_tied history(first: 1) { next } breakdown __typename updatedAt }`,
      {},
    );
    const page = await service.page(
      'sw',
      { first: 3 },
      { info, loaders: createRequestLoaders(db) },
    );
    expect(page.rows).toHaveLength(3);
    // d_m reads dModel, qk_tied qkTied, logTail the sweep's id; history and breakdown the trial's id.
    expect([...(columnsRead() ?? [])].sort()).toEqual([
      'dModel',
      'index',
      'metrics',
      'qkTied',
      'sweepId',
      'updatedAt',
    ]);
  });

  it('knows every Trial field of the schema, so none of them reads every column', async () => {
    const real = buildSchema(readFileSync(join(__dirname, '..', '..', 'schema.gql'), 'utf8'));
    const trial = real.getType('Trial');
    if (!isObjectType(trial)) throw new Error('schema.gql has no Trial type');
    const fields = Object.keys(trial.getFields());
    expect(fields).toContain('logTail');
    const info = infoOf(`{ sweep { trials { rows { ${fields.join(' ')} } } } }`, {}, real);
    await service.page('sw', { first: 3 }, { info, loaders: createRequestLoaders(db) });
    expect(columnsRead()).toEqual(expect.arrayContaining(['sweepId', 'dModel', 'updatedAt']));
  });

  it('reads every column for a field it does not know, or without the request', async () => {
    const info = infoOf(`{ sweep { trials { rows { id notYetKnown } } } }`, {});
    await service.page('sw', { first: 3 }, { info, loaders: createRequestLoaders(db) });
    expect(columnsRead()).toBeUndefined();
    await service.page('sw', { first: 3 });
    expect(columnsRead()).toBeUndefined();
  });
});
