import { mkdirSync } from 'node:fs';
import type { ApiTarget } from '../graphql-client';
import { readTokenFile, tokenFile } from '../stack-state';
import { join, resolve } from 'node:path';
import { serveEmbeddedDatabase } from '@headroom/db';
import {
  startProcess,
  startTemporal,
  type ManagedProcess,
  type TemporalHandle,
} from '@headroom/stack';

export interface LocalStackOptions {
  /** Embedded database, Temporal's database file and artifacts live here. */
  dataDir: string;
  trainWorkers?: number;
  slotsPerWorker?: number;
  pool?: string;
  /** The API's port; 0 (default) picks a free one. */
  apiPort?: number;
  /** Temporal dev server's port when one is started; 0 (default) picks a free one. */
  temporalPort?: number;
  /** Receives every line the services print, prefixed with their name. */
  echo?: (line: string) => void;
  /** Progress of the start-up itself ("database ready", …). */
  log?: (line: string) => void;
}

export interface LocalStack {
  /** The API's URL and the admin token it made (kept in `<dataDir>/token`, mode 0600). */
  api: ApiTarget;
  databaseUrl: string;
  temporalAddress: string;
  /** Which parts were started here (and are stopped by stop()). */
  started: string[];
  processes: ManagedProcess[];
  stop(): Promise<void>;
}

/** apps/cli/dist/stack → apps/<name>/dist/main.js: the same entry points a cluster runs. */
export function appEntry(app: 'api' | 'worker'): string {
  return resolve(__dirname, '..', '..', '..', app, 'dist', 'main.js');
}

/** The web page the API serves beside its GraphQL endpoint: `http://host:port/`. */
export function pageUrl(apiUrl: string): string {
  return new URL('/', apiUrl).href;
}

/**
 * A page of the web app that signs in with the stack's token: the token rides in the URL's
 * fragment, which a browser never sends to the server; the page keeps it for the session and
 * drops it from the address bar. For throwaway stacks (`demo`) whose output is the user's.
 */
export function pageLink(api: ApiTarget, path = ''): string {
  const url = `${pageUrl(api.url)}${path}`;
  return api.token ? `${url}#token=${api.token}` : url;
}

/**
 * Resolves once every part is ready; rejects with the first failure, but only after the others
 * settled, so each part that did start has registered its stop for the caller's clean-up.
 */
async function allStarted(parts: Array<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(parts)).find(
    (r): r is PromiseRejectedResult => r.status === 'rejected',
  );
  if (failed) throw failed.reason;
}

/**
 * The whole stack on one machine: PGlite served over the Postgres protocol (unless
 * DATABASE_URL), a Temporal dev server (unless TEMPORAL_ADDRESS), the API, the control
 * worker and N train workers as child processes. Anything that fails to start stops
 * what was started before it.
 */
export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const log = opts.log ?? (() => {});
  mkdirSync(opts.dataDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const started: string[] = [];
  const processes: ManagedProcess[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    stops.length = 0;
  };

  try {
    // Independent parts start at once (12 → 9 s to a ready stack on a 2-core machine): the
    // database beside Temporal, then every worker beside the API. Each is ready before this returns.
    const startDatabase = async (): Promise<string> => {
      const url = process.env.DATABASE_URL;
      if (url) {
        log('database: DATABASE_URL');
        return url;
      }
      const db = await serveEmbeddedDatabase({ dataDir: join(opts.dataDir, 'pglite') });
      stops.push(() => db.close());
      started.push('embedded PostgreSQL (PGlite)');
      log(`database: embedded PGlite at ${join(opts.dataDir, 'pglite')}`);
      return db.url;
    };
    const startTemporalServer = async (): Promise<TemporalHandle> => {
      const temporal = await startTemporal({
        dbFile: join(opts.dataDir, 'temporal.db'),
        port: opts.temporalPort,
        echo: opts.echo,
      });
      stops.push(() => temporal.stop());
      if (temporal.source !== 'TEMPORAL_ADDRESS')
        started.push(`Temporal dev server (${temporal.source})`);
      log(`temporal: ${temporal.address} (${temporal.source})`);
      return temporal;
    };
    const [database, temporalStart] = [startDatabase(), startTemporalServer()];
    await allStarted([database, temporalStart]);
    const [databaseUrl, temporal] = [await database, await temporalStart];

    const env = {
      // Readable lines on a terminal (`--verbose`, a failed start's last lines), unless asked otherwise.
      HEADROOM_LOG_FORMAT: process.env.HEADROOM_LOG_FORMAT ?? 'text',
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      HEADROOM_DATA_DIR: opts.dataDir,
    };
    const spawnApp = async (
      name: string,
      app: 'api' | 'worker',
      args: string[],
      ready: RegExp,
      extraEnv: NodeJS.ProcessEnv = {},
    ) => {
      const { proc, match } = await startProcess({
        name,
        command: process.execPath,
        args: [appEntry(app), ...args],
        env: { ...env, ...extraEnv },
        ready,
        readyTimeoutMs: 90_000,
        echo: opts.echo,
      });
      processes.push(proc);
      stops.push(() => proc.stop());
      started.push(name);
      return match;
    };

    // The API may come up before the workers: its createSweep waits for the control worker to
    // register a sweep, and this returns only when every part is ready.
    const pool = opts.pool ?? 'default';
    const trainWorkers = Array.from({ length: opts.trainWorkers ?? 1 }, (_, i) =>
      // Train workers get no database credentials: they report through Temporal only.
      spawnApp(
        `train-worker-${i + 1}`,
        'worker',
        ['train', '--pool', pool, '--slots', String(opts.slotsPerWorker ?? 1)],
        /train worker ready/,
        {
          DATABASE_URL: undefined,
          // Program trials run from here only (docs/programs.md): the directory the stack starts in.
          HEADROOM_PROGRAM_ROOTS: process.env.HEADROOM_PROGRAM_ROOTS ?? process.cwd(),
        },
      ),
    );
    const apiStart = spawnApp('api', 'api', [], /listening on (http:\/\/\S+)/, {
      PORT: String(opts.apiPort ?? 0),
      // The API makes an admin token on first start (kept across restarts) for the CLI on this machine.
      HEADROOM_ADMIN_TOKEN_FILE: tokenFile(opts.dataDir),
    });
    const control = spawnApp('control-worker', 'worker', ['control'], /control worker ready/);
    await allStarted([apiStart, control, ...trainWorkers]);
    log('control worker ready');
    log(`${opts.trainWorkers ?? 1} train worker(s) ready on pool ${pool}`);
    const api = { url: (await apiStart)[1]!, token: readTokenFile(tokenFile(opts.dataDir)) };
    log(`api: ${api.url}`);
    return {
      api,
      databaseUrl,
      temporalAddress: temporal.address,
      started,
      processes,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
