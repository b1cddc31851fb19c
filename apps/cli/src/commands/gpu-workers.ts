import { type ChildProcess, spawnSync } from 'node:child_process';
import { HeadroomError } from '@headroom/errors';

/** One GPU as nvidia-smi lists it. */
export interface Gpu {
  index: number;
  name: string;
}

/**
 * The GPUs of this node, from `nvidia-smi` (or `HEADROOM_NVIDIA_SMI`, the path of another
 * executable that answers the same query: tests, containers with it elsewhere).
 */
export function listGpus(nvidiaSmi = process.env.HEADROOM_NVIDIA_SMI ?? 'nvidia-smi'): Gpu[] {
  const r = spawnSync(nvidiaSmi, ['--query-gpu=index,name', '--format=csv,noheader'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr.trim().split('\n')[0] ?? `exit ${r.status}`);
    throw new HeadroomError(
      'CONFIG',
      `cannot list this node's GPUs with ${nvidiaSmi} (${why}); install the NVIDIA driver, or start one CPU worker without --gpus`,
    );
  }
  return r.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [index, ...name] = line.split(',');
      return { index: Number(index), name: name.join(',').trim() };
    });
}

/** `--gpus all` or `--gpus 0,2`: the GPUs to start one worker each for, checked against the node's. */
/**
 * Each GPU's worker serves its own `/metrics`: the address given for the node (`IP:port`), its
 * port plus the GPU's index (9464, 9465, … for GPUs 0, 1, …). Unset stays unset.
 */
export function metricsAddressFor(address: string | undefined, gpu: Gpu): string | undefined {
  if (!address) return address;
  const m = /^(.*):(\d+)$/.exec(address);
  if (!m)
    throw new HeadroomError(
      'CONFIG',
      `HEADROOM_METRICS_ADDRESS must be IP:port, e.g. 0.0.0.0:9464 (with --gpus, GPU i serves port 9464 + i); got ${address}`,
    );
  return `${m[1]}:${Number(m[2]) + gpu.index}`;
}

export function chooseGpus(spec: string, gpus: Gpu[]): Gpu[] {
  if (gpus.length === 0)
    throw new HeadroomError(
      'CONFIG',
      'nvidia-smi lists no GPU on this node; start a CPU worker without --gpus',
    );
  if (spec === 'all') return gpus;
  const wanted = spec.split(',').map((s) => s.trim());
  return wanted.map((w) => {
    const gpu = /^\d+$/.test(w) ? gpus.find((g) => g.index === Number(w)) : undefined;
    if (!gpu)
      throw new HeadroomError(
        'INVALID_INPUT',
        `--gpus ${spec}: no GPU ${w} on this node; it has ${gpus.map((g) => `${g.index} (${g.name})`).join(', ')}, or say all`,
      );
    return gpu;
  });
}

/** The first restart waits this long, doubling up to MAX_BACKOFF_MS; a worker up this long resets it. */
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 60_000;
const HEALTHY_AFTER_MS = 60_000;

/**
 * The exit code of a worker that refused to start for a reason a restart cannot fix (a CONFIG
 * error: CUDA libraries missing, a bad environment variable): BSD's EX_CONFIG. Not restarted.
 */
export const EXIT_CONFIG = 78;

export interface SupervisorOptions {
  gpus: Gpu[];
  /** Starts one worker process for a GPU (its CUDA_VISIBLE_DEVICES set by the caller's env). */
  start: (gpu: Gpu) => ChildProcess;
  log?: (line: string) => void;
  /** Overridable for tests. */
  firstBackoffMs?: number;
}

/**
 * One worker process per GPU, each restarted with backoff when it crashes (a non-zero exit or a
 * signal it was not asked to stop by), except one that refused to start (EXIT_CONFIG); `stop()`
 * (SIGINT/SIGTERM) passes the signal on, so each worker drains. `done` resolves once all have
 * exited, with the first non-zero code (0 if none).
 */
export function superviseGpuWorkers(opts: SupervisorOptions): {
  stop(signal?: NodeJS.Signals): void;
  done: Promise<number>;
} {
  const log = opts.log ?? ((line: string) => console.error(line));
  const first = opts.firstBackoffMs ?? FIRST_BACKOFF_MS;
  let stopping = false;
  const running = new Map<number, ChildProcess>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let code = 0;
  let settle: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => (settle = resolve));
  const finishIfIdle = () => {
    if (stopping && running.size === 0 && timers.size === 0) settle(code);
  };

  const launch = (gpu: Gpu, backoff: number) => {
    const child = opts.start(gpu);
    const started = Date.now();
    running.set(gpu.index, child);
    log(`[gpu ${gpu.index}] worker started (pid ${child.pid}) on ${gpu.name}`);
    child.once('exit', (exitCode, signal) => {
      running.delete(gpu.index);
      if (stopping) {
        if (exitCode !== 0 && exitCode !== null) code ||= exitCode;
        return finishIfIdle();
      }
      if (exitCode === EXIT_CONFIG) {
        log(`[gpu ${gpu.index}] worker refused to start (its message says why); not restarting it`);
        code ||= EXIT_CONFIG;
        if (running.size === 0 && timers.size === 0) {
          stopping = true;
          finishIfIdle();
        }
        return;
      }
      const next = Date.now() - started >= HEALTHY_AFTER_MS ? first : backoff;
      log(
        `[gpu ${gpu.index}] worker exited (${signal ?? `code ${exitCode}`}); restarting in ${Math.round(next / 1000)} s`,
      );
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (stopping) return finishIfIdle();
        launch(gpu, Math.min(next * 2, MAX_BACKOFF_MS));
      }, next);
      timers.add(timer);
    });
  };
  for (const gpu of opts.gpus) launch(gpu, first);

  return {
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      stopping = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const child of running.values()) child.kill(signal);
      finishIfIdle();
    },
    done,
  };
}
