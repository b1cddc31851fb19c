import { type ChildProcess, spawn } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { unusedPort } from './api-process';

const READY_DEADLINE_MS = 60_000;

export interface TemporalDevServer {
  address: string;
  connection: Connection;
  stop(): Promise<void>;
}

/** `temporal server start-dev` (in memory, no UI) on a free port; resolves once a client can connect. */
export async function startTemporalDevServer(): Promise<TemporalDevServer> {
  const port = await unusedPort();
  const address = `127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'temporal',
    ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let exited = false;
  child.once('exit', () => (exited = true));

  const stop = () =>
    new Promise<void>((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });

  const deadline = Date.now() + READY_DEADLINE_MS;
  for (;;) {
    if (exited) throw new Error(`temporal server start-dev exited early:\n${stderr}`);
    // Each attempt waits up to its connect timeout for the port to answer, which paces this poll.
    const connection = Connection.lazy({ address, connectTimeout: 1_000 });
    try {
      await connection.ensureConnected();
      return { address, connection, stop };
    } catch (err) {
      await connection.close().catch(() => undefined);
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`Temporal dev server at ${address} not ready within ${READY_DEADLINE_MS} ms: ${String(err)}\n${stderr}`);
      }
    }
  }
}
