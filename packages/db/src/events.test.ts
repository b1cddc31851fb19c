import { createTestDatabase } from '@headroom/test-support';
import { createServer, connect as connectTcp, type AddressInfo, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, sweepInput as sweep, tempDir } from '../test/databases';
import { openDatabase, type DbHandle } from './database';
import { serveEmbeddedDatabase } from './embedded-server';
import {
  type DatabaseEvent,
  type DatabaseEventListener,
  listenPostgres,
  trialsChangedSince,
} from './events';
import {
  getSweep,
  insertSweep,
  markTrialRunning,
  recordEpochMetrics,
  registerWorker,
  setSweepStatus,
} from './index';
import { sweeps } from './schema';

/** Events as they arrive; `until` waits (with a deadline) for one matching, returning all before it too. */
function collector() {
  const events: DatabaseEvent[] = [];
  let wake: (() => void) | undefined;
  return {
    events,
    onEvent(e: DatabaseEvent) {
      events.push(e);
      wake?.();
    },
    async until(match: (e: DatabaseEvent) => boolean, what: string, ms = 20_000) {
      const deadline = Date.now() + ms;
      while (!events.some(match)) {
        if (Date.now() > deadline)
          throw new Error(`no ${what} event; got ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
      const at = events.findIndex(match);
      return events.splice(0, at + 1);
    },
  };
}

const isWorker = (id: string) => (e: DatabaseEvent) => e.kind === 'worker' && e.id === id;

async function markerWrite(handle: DbHandle, id: string): Promise<void> {
  await registerWorker(handle.db, {
    id,
    pool: 'p',
    host: 'h',
    pid: 1,
    backend: 'cpu',
    device: 'cpu',
    slots: 1,
    startedAt: new Date(),
  });
}

/** What every backend must do; `writer` and `listener` may be one handle (in-process PGlite). */
function describeEvents(
  kind: string,
  open: () => Promise<{ writer: DbHandle; listener: DbHandle; dispose(): Promise<void> }>,
) {
  describe(`database events (${kind})`, () => {
    let writer: DbHandle;
    let listener: DatabaseEventListener;
    let dispose: () => Promise<void>;
    const got = collector();

    beforeAll(async () => {
      const opened = await open();
      writer = opened.writer;
      dispose = opened.dispose;
      listener = await opened.listener.listen({ onEvent: (e) => got.onEvent(e) });
    });
    afterAll(async () => {
      await listener?.close();
      await dispose?.();
    });

    it('announces a registration: the sweep, and its trials 500 at a time', async () => {
      await insertSweep(writer.db, sweep('ev-a', 1200));
      const seen = await got.until(
        (e) => e.kind === 'trial' && e.indexes.includes(1199),
        'last trial',
      );
      expect(seen).toEqual([
        { kind: 'sweep', id: 'ev-a' },
        { kind: 'trial', sweepId: 'ev-a', indexes: range(0, 500) },
        { kind: 'trial', sweepId: 'ev-a', indexes: range(500, 1000) },
        { kind: 'trial', sweepId: 'ev-a', indexes: range(1000, 1200) },
      ]);
    });

    it('announces a status change, an epoch and a worker, each once, in commit order', async () => {
      await markTrialRunning(writer.db, 'ev-a-7', { attemptKey: 'run-1/1' });
      await recordEpochMetrics(writer.db, { trialId: 'ev-a-7', epoch: 1, metrics: { mpjpe: 50 } });
      await setSweepStatus(writer.db, 'ev-a', 'running');
      await markerWrite(writer, 'w-1');
      expect(await got.until(isWorker('w-1'), 'worker')).toEqual([
        { kind: 'trial', sweepId: 'ev-a', indexes: [7] },
        { kind: 'trial', sweepId: 'ev-a', indexes: [7] },
        { kind: 'sweep', id: 'ev-a' },
        { kind: 'worker', id: 'w-1' },
      ]);
    });

    it('announces nothing for a rolled-back write', async () => {
      await writer.db
        .transaction(async (tx) => {
          await setSweepStatus(tx, 'ev-a', 'paused');
          throw new Error('roll back');
        })
        .catch(() => undefined);
      await markerWrite(writer, 'w-2');
      expect(await got.until(isWorker('w-2'), 'worker')).toEqual([{ kind: 'worker', id: 'w-2' }]);
      expect((await getSweep(writer.db, 'ev-a'))?.status).toBe('running');
    });

    it('keeps updated_at strictly increasing per row, to the millisecond', async () => {
      const seen: number[] = [];
      for (const status of ['paused', 'running', 'paused', 'running'] as const) {
        await setSweepStatus(writer.db, 'ev-a', status);
        seen.push((await getSweep(writer.db, 'ev-a'))!.updatedAt.getTime());
      }
      for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
      const changed = await trialsChangedSince(writer.db, 'ev-a', new Date(seen[0]! - 60_000));
      expect(changed.map((t) => t.index)).toContain(7);
    });
  });
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

for (const backend of BACKENDS) {
  describeEvents(backend.kind, async () => {
    const { handle, dispose } = await backend.open();
    return { writer: handle, listener: handle, dispose };
  });
}

// PGlite served over the wire: a listener on one connection, the writes on others (socket-queue.ts relays).
describeEvents('PGlite served over the wire', async () => {
  const tmp = tempDir('events');
  const server = await serveEmbeddedDatabase({ dataDir: tmp.dir });
  const writer = await openDatabase({ url: server.url, maxConnections: 2 });
  const listener = await openDatabase({ url: server.url, maxConnections: 1 });
  return {
    writer,
    listener,
    dispose: async () => {
      await Promise.all([writer.close(), listener.close()]);
      await server.close();
      tmp.remove();
    },
  };
});

describe('database events on PostgreSQL', () => {
  it('are sent at commit, not before', async () => {
    const database = await createTestDatabase('headroom_db_events');
    const handle = await openDatabase({ url: database.url, maxConnections: 3 });
    const got = collector();
    const listener = await handle.listen({ onEvent: (e) => got.onEvent(e) });
    try {
      await insertSweep(handle.db, sweep('ev-c', 1));
      await got.until((e) => e.kind === 'trial', 'registration');
      let commit!: () => void;
      const open = new Promise<void>((resolve) => (commit = resolve));
      const tx = handle.db.transaction(async (t) => {
        await t.update(sweeps).set({ status: 'running' });
        await open;
      });
      // A write committed while the transaction is open is announced; the open one is not.
      await markerWrite(handle, 'w-c');
      expect(await got.until(isWorker('w-c'), 'worker')).toEqual([{ kind: 'worker', id: 'w-c' }]);
      commit();
      await tx;
      expect(await got.until((e) => e.kind === 'sweep', 'sweep')).toEqual([
        { kind: 'sweep', id: 'ev-c' },
      ]);
    } finally {
      await listener.close();
      await handle.close();
      await database.drop();
    }
  });

  it('listens again after its connection drops and says since when events may be missing', async () => {
    const database = await createTestDatabase('headroom_db_events');
    const handle = await openDatabase({ url: database.url, maxConnections: 2 });
    const got = collector();
    const gaps: Date[] = [];
    const listener = await listenPostgres(
      database.url,
      { onEvent: (e) => got.onEvent(e), onGap: (since) => gaps.push(since), onError: () => {} },
      { backoffMs: 50 },
    );
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const before = new Date();
      const { rowCount } = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
         where datname = current_database() and application_name = 'headroom-events'`,
      );
      expect(rowCount).toBe(1);
      // Writes until one is announced: the listener is back (the ones before may be lost: the gap).
      for (let i = 0; ; i++) {
        await markerWrite(handle, `w-r${i}`);
        const back = await got
          .until(isWorker(`w-r${i}`), 'worker', 1_000)
          .then(() => true)
          .catch(() => false);
        if (back) break;
        expect(i).toBeLessThan(30);
      }
      expect(gaps).toHaveLength(1);
      expect(gaps[0]!.getTime()).toBeLessThan(before.getTime());
    } finally {
      await admin.end();
      await listener.close();
      await handle.close();
      await database.drop();
    }
  });

  it('waits at start for a server that is restarting, and fails with CONFIG once the wait is over', async () => {
    const database = await createTestDatabase('headroom_db_events');
    const target = new URL(database.url);
    // A port nobody listens on yet (connections refused, as while PostgreSQL restarts); after
    // 600 ms a TCP relay to the real server opens on it.
    const relay = createServer((client: Socket) => {
      const upstream = connectTcp(Number(target.port || 5432), target.hostname);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    const port = await new Promise<number>((resolve) =>
      relay.listen(0, '127.0.0.1', () => resolve((relay.address() as AddressInfo).port)),
    );
    await new Promise<void>((resolve) => relay.close(() => resolve()));
    const url = new URL(database.url);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    try {
      await expect(
        listenPostgres(url.toString(), { onEvent: () => {} }, { startRetryMs: 300, backoffMs: 50 }),
      ).rejects.toThrow(/Cannot LISTEN for database events on DATABASE_URL: .*ECONNREFUSED/);
      const opening = setTimeout(() => relay.listen(port, '127.0.0.1'), 600);
      const started = Date.now();
      const listener = await listenPostgres(
        url.toString(),
        { onEvent: () => {} },
        { startRetryMs: 10_000, backoffMs: 50 },
      );
      clearTimeout(opening);
      expect(Date.now() - started).toBeGreaterThanOrEqual(500);
      await listener.close();
    } finally {
      await new Promise<void>((resolve) => relay.close(() => resolve()));
      await database.drop();
    }
  });
});
