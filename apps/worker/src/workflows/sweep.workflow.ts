import {
  allHandlersFinished,
  ApplicationFailure,
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
import { HeadroomError } from '@headroom/errors';
import {
  ashaReport,
  createAsha,
  requireTrialCount,
  resolveAshaConfig,
  resolveMetric,
  trialAt,
  trialId,
  type SweepStatus,
} from '@headroom/sweep';
import {
  cancelSweepUpdate,
  CONTROL_TASK_QUEUE,
  createSweepUpdate,
  headroomErrorOf,
  headroomFailure,
  pauseSweepUpdate,
  pauseTrialSignal,
  pruneTrialSignal,
  resumeSweepUpdate,
  resumeTrialSignal,
  retryTrialsUpdate,
  sweepActionRefused,
  sweepProgressQuery,
  trialEpochSignal,
  trialFinishedSignal,
  trialWorkflowId,
  type RetryTrialsRequest,
  type SweepAction,
  type SweepWorkflow,
  type TrialOutcome,
} from '@headroom/sweep/temporal';
import type { ControlActivities } from '../activities/control.activities';
import type { SweepState, SweepWorkflowArgs } from '../types';
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
 * `resources.max_concurrent` at a time, prunes with ASHA, and continues-as-new before its
 * history grows too long. Children are abandoned on continue-as-new and report back by
 * signal to the sweep's workflow id.
 *
 * The API talks to it by update: `createSweep` (update-with-start) returns once the sweep is
 * registered; pause / resume / cancel / retryTrials are refused by their validators when they
 * cannot apply and return once the change is written.
 */
export async function sweepWorkflow(args: SweepWorkflowArgs): Promise<SweepState> {
  const { sweepId, spec } = args;
  const total = requireTrialCount(spec);
  const continueAfter = args.historyEventsBeforeContinue ?? HISTORY_EVENTS_BEFORE_CONTINUE;
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

  const hasWork = () => state.retryQueue.length > 0 || state.next < total;
  const toTrial = (index: number) => getExternalWorkflowHandle(trialWorkflowId(sweepId, index));
  const running = new Set(state.running);
  /** The status this run last wrote to the database. */
  let status: SweepStatus | undefined;
  /** Between settling the final status and learning whether a retry came in meanwhile. */
  let settling = false;
  /** Set once the sweep has settled with nothing left to run: control updates are refused. */
  let ended: SweepStatus | undefined;
  let registrationFailure: ApplicationFailure | undefined;

  // Database writes and signals to trials happen one at a time, in the order they were asked
  // for, whether the main loop or an update handler asked: a pause is never overtaken by a resume.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(job: () => Promise<T>): Promise<T> => {
    const done = queue.then(job);
    queue = done.catch(() => undefined);
    return done;
  };
  const writeStatus = (next: SweepStatus) =>
    serially(async () => {
      await control.setSweepStatus({ sweepId, status: next });
      status = next;
    });
  // A trial may end before the signal reaches it; then there is nothing left to tell it.
  const tellTrials = (send: (trial: ReturnType<typeof toTrial>) => Promise<void>) => {
    for (const i of [...running]) void serially(() => send(toTrial(i)).catch(() => undefined));
  };
  // Awaited only before registration, so a handler changes state in the activation its update arrived in.
  const registration = async () => {
    await condition(() => state.registered || registrationFailure !== undefined);
    if (registrationFailure) throw registrationFailure;
  };
  /** The validators: what cannot apply is refused before it enters history. */
  const refuse = (action: SweepAction) => {
    if (state.cancelled && action !== 'cancel') {
      throw headroomFailure(
        sweepActionRefused(sweepId, action, status === 'cancelled' ? 'cancelled' : 'cancelling'),
      );
    }
    if (
      ended !== undefined &&
      action !== 'retry' &&
      !(action === 'cancel' && ended === 'cancelled')
    ) {
      throw headroomFailure(sweepActionRefused(sweepId, action, ended));
    }
  };

  // Outcomes are in the database (the trial wrote them); the sweep only frees the lane.
  setHandler(trialFinishedSignal, (o: TrialOutcome) => void running.delete(o.index));
  setHandler(trialEpochSignal, (n) => {
    if (!state.asha || !running.has(n.index)) return;
    const d = ashaReport(state.asha, { trialId: n.trialId, epoch: n.epoch, value: n.value });
    if (d.decision === 'prune')
      void serially(() =>
        toTrial(n.index)
          .signal(pruneTrialSignal, { rung: d.rung ?? 0 })
          .catch(() => undefined),
      );
  });

  setHandler(createSweepUpdate, async () => {
    if (!state.registered) await registration();
    return { sweepId, trials: total };
  });
  setHandler(
    pauseSweepUpdate,
    async () => {
      if (!state.registered) await registration();
      if (!state.paused && !state.cancelled) {
        state.paused = true;
        const written = writeStatus('paused');
        tellTrials((t) => t.signal(pauseTrialSignal));
        await written;
      }
      await serially(async () => undefined);
      return { status: status ?? 'paused' };
    },
    { validator: () => refuse('pause') },
  );
  setHandler(
    resumeSweepUpdate,
    async () => {
      if (!state.registered) await registration();
      if (state.paused && !state.cancelled) {
        state.paused = false;
        const written = writeStatus('running');
        tellTrials((t) => t.signal(resumeTrialSignal));
        await written;
      }
      await serially(async () => undefined);
      return { status: status ?? 'running' };
    },
    { validator: () => refuse('resume') },
  );
  setHandler(
    cancelSweepUpdate,
    async () => {
      if (!state.registered) await registration();
      if (!state.cancelled) {
        state.cancelled = true;
        state.retryQueue = [];
        tellTrials((t) => t.cancel());
      }
      // Returns when the running trials have stopped and the sweep is `cancelled`.
      await condition(() => status === 'cancelled');
      return { status: 'cancelled' as const };
    },
    { validator: () => refuse('cancel') },
  );
  setHandler(
    retryTrialsUpdate,
    async ({ indices }) => {
      for (const i of indices)
        if (!running.has(i) && !state.retryQueue.includes(i)) state.retryQueue.push(i);
      // Returns once the sweep runs again (an ended one is revived below).
      await condition(
        () => !settling && ended === undefined && (status === 'running' || status === 'paused'),
      );
      return { status: status! };
    },
    {
      validator: ({ indices }: RetryTrialsRequest) => {
        refuse('retry');
        const bad = indices.filter((i) => !Number.isSafeInteger(i) || i < 0 || i >= total);
        if (bad.length > 0) {
          throw headroomFailure(
            new HeadroomError(
              'INVALID_INPUT',
              `sweep ${sweepId} has trials 0..${total - 1}; cannot retry ${bad.join(', ')}`,
              [{ path: 'trialIds', message: `not trials of sweep ${sweepId}: ${bad.join(', ')}` }],
            ),
          );
        }
      },
    },
  );
  setHandler(sweepProgressQuery, () => ({
    status,
    registered: state.registered,
    total,
    next: state.next,
    running: [...running],
    retryQueue: [...state.retryQueue],
    paused: state.paused,
    cancelled: state.cancelled,
  }));

  if (!state.registered) {
    try {
      await control.registerSweep({ sweepId, spec });
    } catch (err) {
      // createSweep's caller gets this error (code, message, violations); the sweep never existed.
      const reason = headroomErrorOf(err);
      registrationFailure = reason
        ? headroomFailure(reason)
        : ApplicationFailure.nonRetryable(
            `sweep ${sweepId} could not be registered: ${String(err)}`,
            'INTERNAL',
          );
      await condition(allHandlersFinished);
      throw registrationFailure;
    }
    state.registered = true;
  }
  if (args.retryOnly && !args.state) {
    // Only the retryTrials update that started this run gives it work; a refused one leaves
    // nothing to do, and the ended sweep's status stays as it was.
    await condition(() => hasWork() || allHandlersFinished());
    if (!hasWork()) return snapshot();
  }
  await writeStatus(state.paused ? 'paused' : 'running');

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

  const historyFull = () =>
    workflowInfo().historyLength > continueAfter || workflowInfo().continueAsNewSuggested;
  for (;;) {
    for (;;) {
      await condition(
        () =>
          (state.cancelled && running.size === 0) ||
          (!state.cancelled && !state.paused && running.size < lanes && hasWork()) ||
          (!hasWork() && running.size === 0) ||
          historyFull(),
      );

      if (state.cancelled) {
        if (running.size > 0) continue;
        await serially(() => control.cancelPendingTrials({ sweepId }));
        await writeStatus('cancelled');
        ended = 'cancelled';
        await condition(allHandlersFinished);
        return snapshot();
      }
      if (historyFull()) {
        await condition(allHandlersFinished);
        await serially(async () => undefined);
        await continueAsNew<typeof sweepWorkflow>({
          sweepId,
          spec,
          state: snapshot(),
          historyEventsBeforeContinue: args.historyEventsBeforeContinue,
        });
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

    settling = true;
    const final = await serially(() => control.settleSweepStatus({ sweepId }));
    status = final;
    settling = false;
    if (!hasWork()) {
      ended = final;
      // A retryTrials accepted from here on revives the sweep instead of racing its end.
      await condition(() => allHandlersFinished() || hasWork());
      if (!hasWork()) return snapshot();
      ended = undefined;
    }
    await writeStatus(state.paused ? 'paused' : 'running');
  }

  function snapshot(): SweepState {
    return { ...state, running: [...running] };
  }
}

// The API starts this workflow by type name with the contract's input.
sweepWorkflow satisfies SweepWorkflow;
