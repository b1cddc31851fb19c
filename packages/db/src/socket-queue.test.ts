import type net from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolateExtendedProtocolBatches } from './socket-queue';

/** Resolves once `condition()` holds; fails after `ms` instead of hanging the run. */
async function waitFor(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function withDeadline<T>(promise: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface PgInternals {
  connection: { stream: net.Socket; once(event: 'parseComplete', fn: () => void): void };
}

/**
 * Lets the client's next query send only its Parse; the rest of the batch (Bind … Sync) is held back
 * until `release()`, the way a large Bind arrives in later TCP chunks.
 */
function holdAfterParse(client: pg.Client) {
  const { connection } = client as unknown as PgInternals;
  const stream = connection.stream;
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  const held: unknown[][] = [];
  let sent = 0;
  stream.write = ((...args: unknown[]) => {
    if (sent++ === 0) return write(...args);
    held.push(args);
    return true;
  }) as typeof stream.write;
  const parsed = new Promise<void>((resolve) => connection.once('parseComplete', resolve));
  return {
    parsed,
    release() {
      stream.write = write as typeof stream.write;
      for (const args of held) write(...args);
    },
  };
}

describe('isolateExtendedProtocolBatches', () => {
  let db: PGlite;
  let server: PGLiteSocketServer;
  let url: string;
  const clients: pg.Client[] = [];

  async function connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined); // a client the test disconnects on purpose
    await client.connect();
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    db = await PGlite.create();
    server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
    isolateExtendedProtocolBatches(server);
    await server.start();
    url = `postgres://postgres@${server.getServerConn()}/postgres`;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await server.stop();
    await db.close();
  });

  it("keeps another connection's query out of an open Parse…Sync batch", async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    const hold = holdAfterParse(a);
    const first = a.query('select $1::int as v, $2::text as who', [7, 'a']);
    await hold.parsed;

    let secondDone = false;
    const second = b.query('select $1::int * 2 as v', [21]).finally(() => {
      secondDone = true;
    });
    // Unpatched, b's Parse would replace a's unnamed statement here and a's Bind would fail.
    await waitFor(
      () => secondDone || server.getStats().queuedQueries > 0,
      "b's query to reach the server",
    );
    expect(secondDone).toBe(false);
    hold.release();

    expect((await withDeadline(first, "a's query")).rows).toEqual([{ v: 7, who: 'a' }]);
    expect((await withDeadline(second, "b's query")).rows).toEqual([{ v: 42 }]);
  });

  it('releases the database when a connection leaves in the middle of a batch', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    const hold = holdAfterParse(a);
    const abandoned = a.query('select $1::int as v', [1]).catch((err: unknown) => err);
    await hold.parsed;
    (a as unknown as PgInternals).connection.stream.destroy();

    expect((await withDeadline(b.query('select $1::int as v', [2]), "b's query")).rows).toEqual([
      { v: 2 },
    ]);
    expect(await abandoned).toBeInstanceOf(Error);
  });

  it('rolls back a transaction abandoned by its connection', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    await b.query('create table if not exists abandoned (v int)');
    await a.query('begin');
    await a.query('insert into abandoned values ($1)', [1]);
    (a as unknown as PgInternals).connection.stream.destroy();

    const rows = await withDeadline(
      b.query('select count(*)::int as n from abandoned'),
      "b's query",
    );
    expect(rows.rows).toEqual([{ n: 0 }]);
  });

  it('keeps serving after a query fails', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    await expect(a.query('select $1::int / 0 as v', [1])).rejects.toThrow(/division by zero/);
    expect((await a.query('select $1::int as v', [3])).rows).toEqual([{ v: 3 }]);
    expect((await b.query('select $1::int as v', [4])).rows).toEqual([{ v: 4 }]);
  });

  it('relays NOTIFY to the connections that LISTEN, whichever connection commits it', async () => {
    const [a, b, writer] = await Promise.all([connect(), connect(), connect()]);
    const got = { a: [] as string[], b: [] as string[], writer: [] as string[] };
    for (const [name, c] of [
      ['a', a],
      ['b', b],
      ['writer', writer],
    ] as const)
      c.on('notification', (n) => got[name].push(`${n.channel}:${n.payload}`));
    await a.query('LISTEN chan');
    await b.query('LISTEN "Chan"; LISTEN chan');
    // In a transaction, with parameters (extended protocol): delivered after the commit only.
    await writer.query('begin');
    await writer.query('select pg_notify($1, $2)', ['chan', 'one']);
    await writer.query("select pg_notify('Chan', 'two')");
    // (a cannot query now: the open transaction holds PGlite until it ends)
    expect(got.a).toEqual([]);
    await writer.query('commit');
    await waitFor(() => got.a.length === 1 && got.b.length === 2, 'the notifications');
    expect(got).toEqual({ a: ['chan:one'], b: ['chan:one', 'Chan:two'], writer: [] });

    // PGlite has one session: a's UNLISTEN must not silence b.
    await a.query('UNLISTEN chan');
    await writer.query("NOTIFY chan, 'three'");
    await waitFor(() => got.b.length === 3, "b's notification");
    expect((await a.query('select 1 as v')).rows).toEqual([{ v: 1 }]);
    expect(got.a).toEqual(['chan:one']);
    expect(got.b.at(-1)).toBe('chan:three');
  });
});
