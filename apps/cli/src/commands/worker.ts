import { spawn } from 'node:child_process';
import { appEntry } from '../stack/local-stack';
import { readStackState } from '../stack-state';

/**
 * `headroom worker --pool NAME [--slots N]`: a train worker polling the pool's task queue
 * (one per GPU on GPU nodes). It needs Temporal and the artifact store only; beside a
 * `headroom up` on this machine it finds Temporal by itself.
 */
export async function runWorker(opts: {
  pool?: string;
  slots?: string;
  control?: boolean;
}): Promise<number> {
  const env = { ...process.env };
  const up = readStackState();
  if (!env.TEMPORAL_ADDRESS && up) env.TEMPORAL_ADDRESS = up.temporalAddress;
  // A train worker never gets database credentials, whatever this shell has.
  if (!opts.control) delete env.DATABASE_URL;
  const args = opts.control
    ? [appEntry('worker'), 'control']
    : [appEntry('worker'), 'train', '--pool', opts.pool ?? 'default', '--slots', opts.slots ?? '1'];
  const child = spawn(process.execPath, args, { env, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))),
  );
}
