import type { LogMetadata, MetricMeter } from '@temporalio/common';
import type { BackendInfo } from '@headroom/models';
import type { EpochReport, TrainHeartbeat } from '@headroom/sweep/temporal';

/** How a trainer talks to the outside world; the activity supplies Temporal-backed ones, tests plain ones. */
export interface TrainHooks {
  artifactsDir: string;
  backend: BackendInfo;
  /** Once per attempt, after the checkpoint (if any) is loaded; with the model's size and cost. */
  onStart(info: { resumedFromEpoch: number; paramCount: number; flops: number }): Promise<void>;
  heartbeat(details: TrainHeartbeat): void;
  cancelled: AbortSignal;
  /**
   * The worker is stopping (SIGTERM): finish the epoch in progress, checkpoint and report it,
   * then stop with `WorkerDraining`, so the trial's next attempt resumes there on another worker.
   */
  draining?: AbortSignal;
  onEpoch(report: EpochReport): Promise<void>;
  warn(message: string): void;
  /** A progress event (an epoch done); unset: the running activity's logger (none outside one). */
  info?(message: string, meta?: LogMetadata): void;
  /**
   * Where the loop records epoch durations, samples trained and GPU memory (WORKER_METRICS);
   * unset: the running activity's meter (none outside an activity).
   */
  metricMeter?: MetricMeter;
}

/** Thrown by the epoch loop when it stopped for a draining worker, its last epoch reported. */
export class WorkerDraining extends Error {
  constructor(readonly epoch: number) {
    super(`the worker is shutting down; stopped after epoch ${epoch}, checkpointed and reported`);
    this.name = 'WorkerDraining';
  }
}

/**
 * Hooks for a trainer run outside Temporal (tests, scripts, benches): nothing is reported
 * and nothing cancels, except what `overrides` sets.
 */
export function plainHooks(
  artifactsDir: string,
  backend: BackendInfo,
  overrides: Partial<TrainHooks> = {},
): TrainHooks {
  return {
    artifactsDir,
    backend,
    onStart: async () => {},
    heartbeat: () => {},
    cancelled: new AbortController().signal,
    onEpoch: async () => {},
    warn: () => {},
    ...overrides,
  };
}
