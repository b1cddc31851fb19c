import path from 'node:path';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { HeadroomError } from '@headroom/errors';
import { migrateEmbedded, openPgliteClient } from './database';
import { isolateExtendedProtocolBatches } from './socket-queue';

export interface ServeEmbeddedDatabaseOptions {
  /** PGlite data directory; created if missing. Only this process may open it while it is served. */
  dataDir: string;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** TCP port; 0 or undefined picks a free one. */
  port?: number;
  /** Concurrent client connections accepted (default 64): each API or worker process holds a small pool. */
  maxConnections?: number;
}

export interface EmbeddedDatabaseServer {
  /** postgres:// URL for DATABASE_URL of the processes sharing this database. */
  url: string;
  close(): Promise<void>;
}

const DEFAULT_MAX_CONNECTIONS = 64;

/**
 * Serves a migrated PGlite database over the Postgres wire protocol, so that several processes on one
 * machine (an API and workers) share it through `pg` as if it were a server. PGlite runs one statement
 * at a time and has one session: transactions from different clients run one after another.
 */
export async function serveEmbeddedDatabase(
  opts: ServeEmbeddedDatabaseOptions,
): Promise<EmbeddedDatabaseServer> {
  const dataDir = path.resolve(opts.dataDir);
  const host = opts.host ?? '127.0.0.1';
  const client = await openPgliteClient(dataDir);
  try {
    await migrateEmbedded(client);
  } catch (err) {
    await client.close().catch(() => undefined);
    throw new HeadroomError(
      'CONFIG',
      `Applying migrations to the embedded database at ${dataDir} failed: ${message(err)}`,
    );
  }

  const server = new PGLiteSocketServer({
    db: client,
    host,
    port: opts.port ?? 0,
    maxConnections: opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
  });
  isolateExtendedProtocolBatches(server);
  try {
    await server.start();
  } catch (err) {
    await client.close().catch(() => undefined);
    throw new HeadroomError(
      'CONFIG',
      `Cannot serve the embedded database on ${host}:${opts.port ?? 0}: ${message(err)}; choose a free port or pass 0.`,
    );
  }

  const port = Number(server.getServerConn().split(':').pop());
  const url = `postgres://postgres@${urlHost(host)}:${port}/postgres`;
  let closing: Promise<void> | undefined;
  return {
    url,
    close: () =>
      (closing ??= (async () => {
        await server.stop();
        await client.close();
      })()),
  };
}

/** The address clients should dial: wildcard binds are reached through loopback; IPv6 needs brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
