import { spawn } from 'node:child_process';
import { appEntry } from '../stack/local-stack';
import { readStackState } from '../stack-state';
import { chooseGpus, listGpus, metricsAddressFor, superviseGpuWorkers } from './gpu-workers';

/**
 * `headroom worker --pool NAME [--slots N]`: a train worker polling the pool's task queue. It
 * needs Temporal and the artifact store only; beside a `headroom up` on this machine it finds
 * Temporal by itself. `--gpus all|0,2`: one worker per GPU, each seeing only its own
 * (CUDA_VISIBLE_DEVICES), on tensorflow-gpu — a worker whose CUDA libraries do not load refuses
 * to start, saying which, unless `--allow-cpu` — restarted with backoff when one crashes.
 */
export interface WorkerOptions {
  pool?: string;
  slots?: string;
  control?: boolean;
  gpus?: string;
  allowCpu?: boolean;
}

export async function runWorker(opts: WorkerOptions): Promise<number> {
  const env = { ...process.env };
  const up = readStackState();
  if (!env.TEMPORAL_ADDRESS && up) env.TEMPORAL_ADDRESS = up.temporalAddress;
  // A train worker never gets database credentials, whatever this shell has.
  if (!opts.control) delete env.DATABASE_URL;
  const args = opts.control
    ? [appEntry('worker'), 'control']
    : [appEntry('worker'), 'train', '--pool', opts.pool ?? 'default', '--slots', opts.slots ?? '1'];
  if (opts.gpus !== undefined) {
    const gpus = chooseGpus(opts.gpus, listGpus());
    const supervisor = superviseGpuWorkers({
      gpus,
      start: (gpu) =>
        spawn(process.execPath, args, {
          env: {
            ...env,
            CUDA_VISIBLE_DEVICES: String(gpu.index),
            HEADROOM_METRICS_ADDRESS: metricsAddressFor(env.HEADROOM_METRICS_ADDRESS, gpu),
            // Unset with --allow-cpu: the worker takes the first backend that starts.
            HEADROOM_BACKEND: opts.allowCpu ? env.HEADROOM_BACKEND : 'tensorflow-gpu',
          },
          stdio: 'inherit',
        }),
    });
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => supervisor.stop(sig));
    return supervisor.done;
  }
  const child = spawn(process.execPath, args, { env, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))),
  );
}
