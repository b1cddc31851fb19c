import {
  ApplicationFailure,
  CancellationScope,
  getExternalWorkflowHandle,
  patched,
  setHandler,
} from '@temporalio/workflow';
import {
  epochCompletedSignal,
  handOverTrialSignal,
  pauseTrialSignal,
  pruneTrialSignal,
  resumeTrialSignal,
  sweepWorkflowId,
  trialEpochSignal,
  trialResumePointQuery,
  trialFinishedSignal,
  trialStartedSignal,
  type TrialOutcome,
  type TrialWorkflow,
  type TrialWorkflowInput,
} from '@headroom/sweep/temporal';
import { localControl, TrialRun } from './trial-run';

/** Patch id: the sweep is told a trial's end even when a cancel lands with the trial's last write. */
const TELL_SWEEP_UNCANCELLABLE = 'tell-sweep-uncancellable';

/**
 * One trial as a workflow of its own (`trial-<sweepId>-<index>`), a child of its sweep: how
 * sweeps started before they ran their trials themselves (TRIALS_IN_SWEEP_PATCH) still run them.
 * The trial is a TrialRun; the sweep's signals are passed on to it, and its end and its ASHA values
 * are told to the sweep.
 */
export async function trialWorkflow(input: TrialWorkflowInput): Promise<TrialOutcome> {
  // Control writes as local activities and the sweep told by one (tellSweep) halve a trial's
  // workflow tasks (bench:sweep). Such trials also have every older patch's behaviour, without
  // recording their markers.
  const local = input.localControl === true;
  // The sweep's run that started this trial sees its end as the child's completion, unless it
  // handed the trial over to its next run (continue-as-new): then the end is a signal.
  let signalEnd = input.endsByCompletion !== true;

  const trial = new TrialRun(input, {
    local,
    epochValue: (notice) =>
      local
        ? localControl.tellSweep({ sweepId: input.sweepId, epoch: notice })
        : notifySweep(input, (h) => h.signal(trialEpochSignal, notice)),
    async end(outcome) {
      // Read in the activation that completes the workflow: a hand-over arriving after it makes
      // Temporal refuse that completion (a signal it has not seen), and the task runs again with it.
      if (!signalEnd) return outcome;
      const tell = () =>
        local
          ? localControl.tellSweep({ sweepId: input.sweepId, finished: outcome })
          : notifySweep(input, (h) => h.signal(trialFinishedSignal, outcome));
      // A cancel landing with the trial's last write must not swallow this signal: the sweep
      // would wait for the trial for ever.
      if (local || patched(TELL_SWEEP_UNCANCELLABLE)) await CancellationScope.nonCancellable(tell);
      else await tell();
      return outcome;
    },
  });
  setHandler(trialStartedSignal, (s) => trial.started(s));
  setHandler(epochCompletedSignal, (r) => trial.epoch(r));
  setHandler(pauseTrialSignal, () => trial.pause());
  setHandler(resumeTrialSignal, () => trial.resume());
  setHandler(pruneTrialSignal, ({ rung }) => trial.prune(rung));
  setHandler(handOverTrialSignal, () => void (signalEnd = true));
  setHandler(trialResumePointQuery, () => trial.resumeFrom ?? null);
  const outcome = await trial.run();
  // Only a sweep that runs its trials itself hands one over; nothing tells a trial workflow to.
  if (!outcome) throw ApplicationFailure.nonRetryable(`trial ${input.trialId} was handed over`);
  return outcome;
}

/** Tell the sweep (its current run, whichever that is after continue-as-new); a closed sweep is fine. */
async function notifySweep(
  input: TrialWorkflowInput,
  send: (h: ReturnType<typeof getExternalWorkflowHandle>) => Promise<void>,
): Promise<void> {
  try {
    await send(getExternalWorkflowHandle(sweepWorkflowId(input.sweepId)));
  } catch {
    // The sweep has ended (e.g. a trial retried on its own); the database already has the outcome.
  }
}

// The sweep starts this workflow as a child with the contract's input.
trialWorkflow satisfies TrialWorkflow;
