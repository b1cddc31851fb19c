import { Runtime } from '@temporalio/worker';
import { HeadroomError } from '@headroom/errors';
import type { WorkerEnv } from '../env';
import { resolveLogFormat } from '@headroom/stack';
import { createWorkerLogger, type WorkerLogger } from './logging';
import { HISTOGRAM_BUCKETS } from './metrics';

/**
 * Installs Temporal's Runtime for this process: its logger (the SDK's, Core's — forwarded —,
 * the workflows' and activities' events, in HEADROOM_LOG_FORMAT) and, with
 * HEADROOM_METRICS_ADDRESS, Core's Prometheus exporter, which serves Temporal's metrics and
 * Headroom's (WORKER_METRICS, recorded through Temporal's metric meter) on one `/metrics`.
 * Counters end in `_total` and durations are in seconds, as Prometheus names them.
 */
export function installRuntime(env: WorkerEnv, role: string): WorkerLogger {
  const format = resolveLogFormat(env.HEADROOM_LOG_FORMAT);
  const logger = createWorkerLogger({
    format,
    level: env.HEADROOM_LOG_LEVEL ?? (format === 'json' ? 'info' : 'warn'),
    role,
  });
  const address = env.HEADROOM_METRICS_ADDRESS;
  try {
    Runtime.install({
      logger,
      telemetryOptions: {
        logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
        ...(address
          ? {
              metrics: {
                prometheus: {
                  bindAddress: address,
                  countersTotalSuffix: true,
                  useSecondsForDurations: true,
                  histogramBucketOverrides: HISTOGRAM_BUCKETS,
                },
              },
            }
          : {}),
      },
    });
  } catch (err) {
    // A port another process holds: a CONFIG error, which a supervisor does not restart.
    throw new HeadroomError(
      'CONFIG',
      `cannot serve metrics at HEADROOM_METRICS_ADDRESS=${address} (${err instanceof Error ? err.message : String(err)}); choose a free port, or unset it`,
    );
  }
  return logger;
}
