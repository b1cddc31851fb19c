import { asyncLocalStorage } from '@temporalio/activity';
import { noopMetricMeter, type LogMetadata, type MetricMeter } from '@temporalio/common';
import { activityMeter } from './metrics';

// The running activity's meter and logger, for code the activity calls without passing them
// (the epoch loop); outside an activity (tests, scripts) the meter drops everything and the log is silent.

/** Temporal's meter, tagged with the activity's namespace, task queue and type (`activityMeter`). */
export function currentActivityMeter(): MetricMeter {
  const ctx = asyncLocalStorage.getStore();
  return ctx ? activityMeter(ctx.info) : noopMetricMeter;
}

/** An info event on its logger, which adds the activity's ids (workflow, attempt, sweep, trial). */
export function logActivityInfo(message: string, meta?: LogMetadata): void {
  asyncLocalStorage.getStore()?.log.info(message, meta);
}
