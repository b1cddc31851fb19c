import { freePortOr } from '@headroom/stack';
import { pageUrl, startLocalStack } from '../stack/local-stack';
import { clearStackState, dataDir, tokenFile, writeStackState } from '../stack-state';

const DEFAULT_API_PORT = 4000;
const DEFAULT_TEMPORAL_PORT = 7233;

/**
 * `headroom up`: the local control plane — Temporal dev server (unless TEMPORAL_ADDRESS),
 * PGlite (unless DATABASE_URL), the API, the control worker and N train workers — with
 * its state under HEADROOM_DATA_DIR, until Ctrl-C / SIGTERM stops it all cleanly.
 */
export async function runUp(opts: {
  trainWorkers?: string;
  pool?: string;
  port?: string;
  verbose?: boolean;
}): Promise<number> {
  const trainWorkers = Number(opts.trainWorkers ?? '1');
  if (!Number.isInteger(trainWorkers) || trainWorkers < 0) {
    throw new Error(`--train-workers must be an integer ≥ 0, got ${opts.trainWorkers}`);
  }
  const dir = dataDir();
  const say = (line: string) => console.log(`[headroom up] ${line}`);
  const stack = await startLocalStack({
    dataDir: dir,
    trainWorkers,
    pool: opts.pool,
    apiPort: opts.port ? Number(opts.port) : await freePortOr(DEFAULT_API_PORT),
    temporalPort: await freePortOr(DEFAULT_TEMPORAL_PORT),
    log: say,
    echo: opts.verbose ? (l) => console.log(l) : undefined,
  });
  writeStackState({
    apiUrl: stack.api.url,
    temporalAddress: stack.temporalAddress,
    pid: process.pid,
  });
  say(`state in ${dir}`);
  say(`page ${pageUrl(stack.api.url)} (it asks once for the token in ${tokenFile(dir)})`);
  say(
    `API ${stack.api.url}; this machine's CLI sends the admin token in ${tokenFile(dir)} (mode 0600)`,
  );
  say(
    `add train workers elsewhere with: TEMPORAL_ADDRESS=${stack.temporalAddress} pnpm headroom worker --pool ${opts.pool ?? 'default'}`,
  );
  say('Ctrl-C stops everything');

  // Stay up until asked to stop, or until a service dies (then stop the rest and say which).
  const reason = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    for (const p of stack.processes) {
      p.child.once('exit', (code, signal) =>
        resolve(
          `${p.name} exited (${signal ?? `code ${code}`}); last output:\n${p.tail.join('\n')}`,
        ),
      );
    }
  });
  say(`stopping (${reason})`);
  await stack.stop();
  clearStackState();
  say('stopped');
  return reason.startsWith('SIG') ? 0 : 1;
}
