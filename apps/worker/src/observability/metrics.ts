import type { Info } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure, type MetricMeter } from '@temporalio/common';
import { Runtime, type ActivityInterceptorsFactory } from '@temporalio/worker';
import type { TrainTrialInput } from '@headroom/sweep/temporal';

/**
 * Headroom's own worker metrics, one home for their names. They go through Temporal's metric
 * meter, so a worker has one Prometheus endpoint (Core's exporter, `HEADROOM_METRICS_ADDRESS`)
 * with Temporal's metrics and these side by side; recorded from an activity, they carry its
 * `namespace`, `task_queue` and `activity_type` tags (`activityMeter`) and the trial's `task`. Prometheus sees counters with `_total`.
 */
export const WORKER_METRICS = {
  /** trainTrial attempts begun on this worker (each attempt, retries included). */
  trialsStarted: { name: 'headroom_trials_started', kind: 'counter' },
  /** Of those, attempts after a failed or lost one (Temporal's attempt > 1). */
  trialsRetried: { name: 'headroom_trials_retried', kind: 'counter' },
  /** Attempts that trained the trial to its end. */
  trialsSucceeded: { name: 'headroom_trials_succeeded', kind: 'counter' },
  /** Attempts that failed; `retryable` false means the trial failed for good, `type` is the failure's code. */
  trialsFailed: { name: 'headroom_trials_failed', kind: 'counter' },
  /** Attempts stopped on request (pause, ASHA prune, cancelSweep). */
  trialsCancelled: { name: 'headroom_trials_cancelled', kind: 'counter' },
  /** From the attempt's scheduling to its start on this worker: how long trials wait for a free slot. */
  queueWait: { name: 'headroom_trial_queue_wait_seconds', kind: 'histogram' },
  /** One epoch: its training, evaluation, checkpoint and report. */
  epochDuration: { name: 'headroom_epoch_duration_seconds', kind: 'histogram' },
  /** Training samples stepped through; `rate()` of it is samples/s. */
  samplesTrained: { name: 'headroom_train_samples', kind: 'counter' },
  /** Bytes held by TF.js tensors after an epoch, on a GPU backend only (tf.memory(); nothing on CPU). */
  gpuMemory: { name: 'headroom_gpu_memory_bytes', kind: 'gauge' },
} as const;

/** The names Prometheus shows for WORKER_METRICS (the exporter adds `_total` to counters). */
export function exportedMetricName(metric: { name: string; kind: string }): string {
  return metric.kind === 'counter' ? `${metric.name}_total` : metric.name;
}

/** Bucket bounds (seconds) for the histograms above, given to Core's exporter by name. */
export const HISTOGRAM_BUCKETS: Record<string, number[]> = {
  [WORKER_METRICS.queueWait.name]: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
  [WORKER_METRICS.epochDuration.name]: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
};

/**
 * Temporal's meter tagged as Core tags its own activity metrics (`namespace`, `task_queue`,
 * `activity_type`), so one PromQL selector matches both. (The activity context's meter spells
 * them `taskQueue` and `activityType`, and a tag cannot be taken off it.)
 */
export function activityMeter(info: Info): MetricMeter {
  return Runtime.instance().metricMeter.withTags({
    namespace: info.namespace,
    task_queue: info.taskQueue,
    activity_type: info.activityType,
  });
}

/** What the epoch loop records; created per trial attempt, tagged with the trial's task. */
export interface TrainMetrics {
  samples(count: number): void;
  epoch(seconds: number): void;
  /** Called after each epoch; records only on a GPU backend. */
  memory(bytes: () => number): void;
}

export function trainMetrics(
  meter: MetricMeter,
  task: string,
  backend: { backend: string },
): TrainMetrics {
  const tagged = meter.withTags({ task });
  const samples = tagged.createCounter(
    WORKER_METRICS.samplesTrained.name,
    'samples',
    'Training samples stepped through.',
  );
  const epoch = tagged.createHistogram(
    WORKER_METRICS.epochDuration.name,
    'float',
    's',
    'One epoch: training, evaluation, checkpoint and report.',
  );
  const onGpu = backend.backend === 'tensorflow-gpu';
  const memory = onGpu
    ? tagged.createGauge(
        WORKER_METRICS.gpuMemory.name,
        'int',
        'By',
        'Bytes held by TF.js tensors after the last epoch.',
      )
    : undefined;
  return {
    samples: (count) => samples.add(count),
    epoch: (seconds) => epoch.record(seconds),
    memory: (bytes) => memory?.set(bytes()),
  };
}

/**
 * Counts trainTrial attempts and their outcomes and times their wait in the queue, around the
 * activity (an interceptor, so the activity itself stays about training); gives every log line
 * of any activity its sweep and trial ids when its input names them.
 */
export const observeActivities: ActivityInterceptorsFactory = (ctx) => {
  let ids: Record<string, string> = {};
  return {
    inbound: {
      async execute(input, next) {
        ids = idsOfActivityInput(input.args[0]);
        if (ctx.info.activityType !== 'trainTrial') return next(input);
        const task = (input.args[0] as Partial<TrainTrialInput> | undefined)?.task ?? 'unknown';
        const meter = activityMeter(ctx.info).withTags({ task });
        const counter = (m: { name: string }, help: string) =>
          meter.createCounter(m.name, 'attempts', help);
        meter
          .createHistogram(
            WORKER_METRICS.queueWait.name,
            'float',
            's',
            'From scheduling a trainTrial attempt to its start on a worker.',
          )
          .record(Math.max(0, Date.now() - ctx.info.currentAttemptScheduledTimestampMs) / 1000);
        counter(WORKER_METRICS.trialsStarted, 'trainTrial attempts begun.').add(1);
        if (ctx.info.attempt > 1)
          counter(WORKER_METRICS.trialsRetried, 'trainTrial attempts after a failed one.').add(1);
        try {
          const result = await next(input);
          counter(WORKER_METRICS.trialsSucceeded, 'trainTrial attempts that finished.').add(1);
          return result;
        } catch (err) {
          if (err instanceof CancelledFailure || ctx.cancellationSignal.aborted) {
            counter(WORKER_METRICS.trialsCancelled, 'trainTrial attempts stopped on request.').add(
              1,
            );
          } else {
            const failure = err instanceof ApplicationFailure ? err : undefined;
            counter(WORKER_METRICS.trialsFailed, 'trainTrial attempts that failed.').add(1, {
              type: failure?.type ?? (err instanceof Error ? err.name : 'unknown'),
              retryable: !failure?.nonRetryable,
            });
          }
          throw err;
        }
      },
    },
    outbound: {
      getLogAttributes: (attrs, next) => next({ ...attrs, ...ids }),
    },
  };
};

/** `sweepId` and `trialId` from an activity's first argument, when it has them (most do). */
function idsOfActivityInput(arg: unknown): Record<string, string> {
  if (typeof arg !== 'object' || arg === null) return {};
  const out: Record<string, string> = {};
  for (const key of ['sweepId', 'trialId'] as const) {
    const v = (arg as Record<string, unknown>)[key];
    if (typeof v === 'string') out[key] = v;
  }
  return out;
}
