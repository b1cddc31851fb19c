import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ashaReport,
  CONTROL_TASK_QUEUE,
  countTrials,
  createAsha,
  resolveAshaConfig,
  resolveMetric,
  trialAt,
  trialId,
  trialWorkflowId,
} from '@headroom/sweep';
import type { ControlActivities } from '../activities/control.activities';
import type { SweepState, SweepWorkflowArgs, TrialOutcome } from '../types';
import {
  cancelSweepSignal,
  pauseSweepSignal,
  pauseTrialSignal,
  pruneTrialSignal,
  resumeSweepSignal,
  resumeTrialSignal,
  retryTrialsSignal,
  trialEpochSignal,
  trialFinishedSignal,
} from './signals';
import { trialWorkflow } from './trial.workflow';

const control = proxyActivities<ControlActivities>({
  taskQueue: CONTROL_TASK_QUEUE,
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** Trials run at once when the spec sets no `resources.max_concurrent`. */
export const DEFAULT_MAX_CONCURRENT = 4;
/**
 * Continue-as-new well before Temporal's 51,200-event limit. Each trial costs the sweep
 * about 5 events (child start, started, finished signal, completion), plus ASHA notices.
 */
export const HISTORY_EVENTS_BEFORE_CONTINUE = 10_000;

/**
 * A sweep as a durable service: registers itself and its trials, runs each trial as a
 * child workflow (`trial-<sweepId>-<index>`: starting twice cannot run twice) at most
 * `resources.max_concurrent` at a time, prunes with ASHA, obeys pause / resume / cancel /
 * retry signals, and continues-as-new before its history grows too long. Children are
 * abandoned on continue-as-new and report back by signal to the sweep's workflow id.
 */
export async function sweepWorkflow(args: SweepWorkflowArgs): Promise<SweepState> {
  const { sweepId, spec } = args;
  const total = countTrials(spec);
  const state: SweepState = args.state ?? {
    registered: false,
    next: args.retryOnly ? total : 0,
    running: [],
    retryQueue: [],
    paused: false,
    cancelled: false,
  };
  const ashaConfig = resolveAshaConfig(spec);
  if (ashaConfig && !state.asha) state.asha = createAsha(ashaConfig);
  const metric = resolveMetric(spec).name;
  const lanes = Math.max(1, spec.resources?.max_concurrent ?? DEFAULT_MAX_CONCURRENT);
  const pool = spec.resources?.pool ?? 'default';

  // Work the signal handlers leave for the main loop (they must not block).
  const outbox: Array<() => Promise<void>> = [];
  const toTrial = (index: number) => getExternalWorkflowHandle(trialWorkflowId(sweepId, index));
  const running = new Set(state.running);

  // Outcomes are in the database (the trial wrote them); the sweep only frees the lane.
  setHandler(trialFinishedSignal, (o: TrialOutcome) => void running.delete(o.index));
  setHandler(trialEpochSignal, (n) => {
    if (!state.asha || !running.has(n.index)) return;
    const d = ashaReport(state.asha, { trialId: n.trialId, epoch: n.epoch, value: n.value });
    // A trial may end before the signal reaches it; then there is nothing left to prune.
    if (d.decision === 'prune') outbox.push(() => toTrial(n.index).signal(pruneTrialSignal, { rung: d.rung ?? 0 }).catch(() => {}));
  });
  setHandler(pauseSweepSignal, () => {
    if (state.paused || state.cancelled) return;
    state.paused = true;
    outbox.push(() => control.setSweepStatus({ sweepId, status: 'paused' }));
    for (const i of running) outbox.push(() => toTrial(i).signal(pauseTrialSignal).catch(() => {}));
  });
  setHandler(resumeSweepSignal, () => {
    if (!state.paused || state.cancelled) return;
    state.paused = false;
    outbox.push(() => control.setSweepStatus({ sweepId, status: 'running' }));
    for (const i of running) outbox.push(() => toTrial(i).signal(resumeTrialSignal).catch(() => {}));
  });
  setHandler(cancelSweepSignal, () => {
    if (state.cancelled) return;
    state.cancelled = true;
    state.retryQueue = [];
    for (const i of running) outbox.push(() => toTrial(i).cancel().catch(() => {}));
  });
  setHandler(retryTrialsSignal, ({ indices }) => {
    if (state.cancelled) return;
    for (const i of indices) {
      if (!running.has(i) && !state.retryQueue.includes(i) && i < total) state.retryQueue.push(i);
    }
  });

  if (!state.registered) {
    await control.registerSweep({ sweepId, spec });
    state.registered = true;
  }
  await control.setSweepStatus({ sweepId, status: state.paused ? 'paused' : 'running' });

  const startTrial = async (index: number, rerun: boolean) => {
    running.add(index);
    try {
      await startChild(trialWorkflow, {
        workflowId: trialWorkflowId(sweepId, index),
        taskQueue: workflowInfo().taskQueue,
        // Children outlive this run (continue-as-new) and report back by signal.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        args: [
          {
            sweepId,
            trialId: trialId(sweepId, index),
            index,
            task: spec.task,
            dataset: spec.dataset,
            params: trialAt(spec, index),
            pool,
            reportMetric: state.asha ? metric : undefined,
            rerun,
          },
        ],
      });
    } catch (err) {
      // Already running (a retry of a trial that never stopped): it will report when it ends.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  };

  const hasWork = () => state.retryQueue.length > 0 || state.next < total;
  for (;;) {
    await condition(
      () =>
        outbox.length > 0 ||
        (state.cancelled && running.size === 0) ||
        (!state.cancelled && !state.paused && running.size < lanes && hasWork()) ||
        (!hasWork() && running.size === 0) ||
        workflowInfo().historyLength > HISTORY_EVENTS_BEFORE_CONTINUE,
    );
    for (let job = outbox.shift(); job; job = outbox.shift()) await job();

    if (state.cancelled) {
      if (running.size > 0) continue;
      await control.cancelPendingTrials({ sweepId });
      await control.setSweepStatus({ sweepId, status: 'cancelled' });
      return snapshot();
    }
    if (workflowInfo().historyLength > HISTORY_EVENTS_BEFORE_CONTINUE || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      for (let job = outbox.shift(); job; job = outbox.shift()) await job();
      await continueAsNew<typeof sweepWorkflow>({ sweepId, spec, state: snapshot() });
    }
    // Start every free lane's trial at once: one workflow task for the batch, not one per trial.
    const starts: Promise<void>[] = [];
    while (!state.paused && running.size < lanes && hasWork()) {
      const rerun = state.retryQueue.length > 0;
      starts.push(startTrial(rerun ? state.retryQueue.shift()! : state.next++, rerun));
    }
    await Promise.all(starts);
    if (!hasWork() && running.size === 0) break;
  }

  await control.settleSweepStatus({ sweepId });
  return snapshot();

  function snapshot(): SweepState {
    return { ...state, running: [...running] };
  }
}
