import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@headroom/stack';
import pg from 'pg';

/** The PostgreSQL server test databases are created on: CI sets DATABASE_URL, locally the trust-auth one. */
export const TEST_POSTGRES_URL =
  process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** The new database's URL (same server, user and options as TEST_POSTGRES_URL). */
  url: string;
  name: string;
  /** Drops it, with any connections still open (a test that failed mid-way may leave some). */
  drop(): Promise<void>;
}

/**
 * Errors of a server that is restarting (the machine's PostgreSQL restarted under a running suite;
 * the chaos test restarts only a server of its own, startPrivatePostgres): the connection
 * terminated by the administrator, refused or reset.
 */
function restarting(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    e.code === '57P01' ||
    e.code === '57P03' ||
    e.code === 'ECONNREFUSED' ||
    e.code === 'ECONNRESET' ||
    /terminat|Connection terminated/i.test(e.message ?? '')
  );
}

/** One admin statement on its own connection, tried again for up to 30 s while the server restarts. */
async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await run(client);
    } catch (err) {
      if (!restarting(err) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * A fresh, empty database per test file (or per test), so parallel and repeated runs never share rows.
 * `prefix` names the caller in `\l` when one is left behind: letters, digits and `_` only.
 */
export async function createTestDatabase(prefix = 'headroom_test'): Promise<TestDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) {
    throw new Error(
      `createTestDatabase: prefix ${JSON.stringify(prefix)} must be lower-case letters, digits and _`,
    );
  }
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** A PostgreSQL server of a test's own (see startPrivatePostgres). */
export interface PrivatePostgres {
  /** Its `postgres` database, trust auth. */
  url: string;
  /** Stops and starts it again on the same port and data (a fast shutdown, like a crash for clients). */
  restart(): void;
  /** Stops it and removes its data. */
  stop(): void;
}

/**
 * A PostgreSQL cluster of its own (initdb into a temporary folder, the installed server's
 * binaries, run as the `postgres` user), for a test that restarts its database: restarting the
 * shared server would break every test running beside it in the other lane.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const version = readdirSync('/etc/postgresql').sort().at(-1);
  const bin = version && join('/usr/lib/postgresql', version, 'bin');
  if (!bin || !existsSync(join(bin, 'pg_ctl')))
    throw new Error(
      'startPrivatePostgres: no PostgreSQL server binaries under /usr/lib/postgresql',
    );
  const dir = mkdtempSync(join(tmpdir(), 'headroom-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  // initdb and the server refuse to run as root: run them as the server's own user.
  const asPostgres = (cmd: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe' });
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  // The server's output to a file: it would hold pg_ctl's pipes open, and execFileSync waits for them.
  const log = join(dir, 'server.log');
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', log, '-w', '-s', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: () =>
      void asPostgres('pg_ctl', [
        '-D',
        data,
        '-o',
        options,
        '-l',
        log,
        '-m',
        'fast',
        '-w',
        '-s',
        'restart',
      ]),
    stop: () => {
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-s', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
