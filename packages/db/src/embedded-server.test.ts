import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, sweepInput as sweep, tempDir } from '../test/databases';
import { openDatabase } from './database';
import { serveEmbeddedDatabase } from './embedded-server';
import type { EmbeddedDatabaseServer } from './embedded-server';
import { getSweep, insertSweep, listTrialMetrics, listTrials, recordEpochMetrics } from './index';

describe('serveEmbeddedDatabase', () => {
  const tmp = tempDir('serve');
  let server: EmbeddedDatabaseServer;
  const clients: pg.Client[] = [];

  async function connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    server = await serveEmbeddedDatabase({ dataDir: tmp.dir, port: 0 });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await server.close();
    tmp.remove();
  });

  it('returns a postgres:// URL on a free port', () => {
    const url = new URL(server.url);
    expect(url.protocol).toBe('postgres:');
    expect(url.hostname).toBe('127.0.0.1');
    expect(Number(url.port)).toBeGreaterThan(0);
  });

  it('serves two pg clients whose parameterised queries interleave', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    // Statements of different shapes: a Bind landing on the other client's Parse would error or mix rows.
    const loop = async <T>(run: (i: number) => Promise<T>) => {
      const out: T[] = [];
      for (let i = 0; i < 200; i++) out.push(await run(i));
      return out;
    };
    const [fromA, fromB] = await Promise.all([
      loop(async (i) => (await a.query('select $1::int as v, $2::text as who', [i, 'a'])).rows[0]),
      loop(async (i) => (await b.query('select $1::int * 2 as v', [i])).rows[0]),
    ]);
    expect(fromA).toEqual(Array.from({ length: 200 }, (_, i) => ({ v: i, who: 'a' })));
    expect(fromB).toEqual(Array.from({ length: 200 }, (_, i) => ({ v: i * 2 })));
  });

  it('answers a multi-megabyte query while another client keeps querying', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    // The parameter reaches the server in many TCP chunks (socket-queue.test.ts pins the ordering).
    const big = 'x'.repeat(2_000_000);
    let stop = false;
    const small = (async () => {
      let n = 0;
      while (!stop) {
        const r = await b.query('select $1::int as v', [n]);
        expect(r.rows[0].v).toBe(n);
        n++;
      }
      return n;
    })();
    try {
      for (let i = 0; i < 15; i++) {
        const r = await a.query('select length($1::text) as n, $2::int as i', [big, i]);
        expect(r.rows[0]).toEqual({ n: big.length, i });
      }
    } finally {
      stop = true;
    }
    expect(await small).toBeGreaterThan(0);
  });

  it('lets an API and a worker share the database through openDatabase', async () => {
    const [api, worker] = await Promise.all([
      openDatabase({ url: server.url, maxConnections: 3 }),
      openDatabase({ url: server.url, maxConnections: 3 }),
    ]);
    try {
      expect(api.kind).toBe('postgres');
      // Transactions from both at once: the socket server runs them one after the other.
      await Promise.all([
        insertSweep(worker.db, sweep('served-a', 1500)),
        insertSweep(api.db, sweep('served-b', 1500)),
      ]);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          recordEpochMetrics(i % 2 ? api.db : worker.db, {
            trialId: `served-a-${i}`,
            epoch: 1,
            metrics: { mpjpe: i },
          }),
        ),
      );
      expect(await listTrials(api.db, 'served-a')).toHaveLength(1500);
      expect(await listTrials(worker.db, 'served-b')).toHaveLength(1500);
      expect((await listTrialMetrics(api.db, 'served-a-7'))[0]?.metrics).toEqual({ mpjpe: 7 });
    } finally {
      await Promise.all([api.close(), worker.close()]);
    }
  });

  it('leaves the data in the directory after it stops', async () => {
    const dir = tempDir('persist');
    try {
      const served = await serveEmbeddedDatabase({ dataDir: dir.dir });
      const handle = await openDatabase({ url: served.url, maxConnections: 1 });
      await insertSweep(handle.db, sweep('persisted', 2));
      await handle.close();
      await served.close();

      const reopened = await openPglite(dir.dir);
      try {
        expect((await getSweep(reopened.db, 'persisted'))?.name).toBe('persisted');
      } finally {
        await reopened.close();
      }
    } finally {
      dir.remove();
    }
  });
});
