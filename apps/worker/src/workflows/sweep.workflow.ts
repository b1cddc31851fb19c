import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { HeadroomError } from '@headroom/errors';
import {
  addGridValues,
  ashaReport,
  bayesDimensionsOf,
  countGridTrials,
  createAsha,
  gridTrialAt,
  reachesTarget,
  resolveAshaConfig,
  resolveMetric,
  suggestBayesTrial,
  trialId,
  trialSpace,
  type ProgramTrialParams,
  type SweepChange,
  type SweepStatus,
  type TpeObservation,
  type TrialParams,
} from '@headroom/sweep/workflow';
import {
  cancelSweepUpdate,
  CONTROL_TASK_QUEUE,
  createSweepUpdate,
  epochCompletedSignal,
  handOverTrialSignal,
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
  trialResumePointQuery,
  trialStartedSignal,
  trialWorkflowId,
  updateSweepUpdate,
  type ControlSweepSpec,
  type RetryTrialsRequest,
  type SweepAction,
  type SweepWorkflow,
  type TrialEpochNotice,
  type TrialOutcome,
  type TrialWorkflowInput,
} from '@headroom/sweep/temporal';
import type { ControlActivities } from '../activities/control.activities';
import type { SweepState, SweepWorkflowArgs } from '../types';
import { localControlInTurn, TrialRun } from './trial-run';
import { trialWorkflow } from './trial.workflow';

const control = proxyActivities<ControlActivities>({
  taskQueue: CONTROL_TASK_QUEUE,
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** Trials run at once when the spec sets no `resources.max_concurrent`. */
export const DEFAULT_MAX_CONCURRENT = 4;
/**
 * Continue-as-new well before Temporal's 51,200-event limit. A trial the sweep runs itself costs it
 * about 9 events (its training activity, its start and end written, a share of workflow tasks) plus
 * ~3 per epoch; the trials still running when the threshold is passed add theirs before the run
 * continues (see TRIALS_IN_SWEEP_PATCH), so the margin is wide.
 */
export const HISTORY_EVENTS_BEFORE_CONTINUE = 10_000;

/**
 * Behaviour a sweep started before it did not have: a sweep with `metric.target` reads its
 * finished trials' values (an activity) and stops at the target.
 */
export const METRIC_TARGET_PATCH = 'sweep-metric-target';
/**
 * A retry-only run (retryFailedTrials after the sweep ended) runs each trial with the parameters
 * of its row: the stored spec may have had grid values added, whose trials are not where the
 * whole grid would put them.
 */
export const RERUN_PARAMS_PATCH = 'sweep-rerun-params-from-row';
/**
 * The run learns the end of each trial it starts from the child's completion, not from a signal
 * (one event, one local activity and one call to Temporal fewer per trial); at continue-as-new it
 * hands its running trials over to the next run, which they then signal.
 */
export const ENDS_BY_COMPLETION_PATCH = 'sweep-trial-ends-by-completion';
/**
 * The run runs its trials itself (TrialRun: each trial's training activity and control writes are
 * the sweep's) instead of as child workflows: a trial costs Temporal an activity and a share of the
 * sweep's workflow tasks, not a workflow execution of its own (bench:sweep: ~4× less CPU per
 * trial). A trial's activities belong to the run, so past the history threshold the run starts no
 * trial, hands its running ones over (each stops at its next epoch boundary, and the next run
 * resumes it from that checkpoint: `handedOver`) and continues as new once none runs. Trials a run
 * of an older version started as children stay children, told by signal as before.
 */
export const TRIALS_IN_SWEEP_PATCH = 'sweep-runs-trials';
/**
 * The trials a run runs take turns for their local activities, batched (localControlInTurn): run
 * concurrently, their results could come back in another order on replay than they did.
 */
export const LOCAL_ACTIVITIES_IN_TURN_PATCH = 'sweep-local-activities-in-turn';

/**
 * What a run carries beyond `SweepState` (sweeps since bayes, run-until-stopped and updateSweep;
 * each field absent from older states, which mean what they meant then).
 */
export interface SweepRunState extends SweepState {
  /**
   * Trials below this index were registered with the sweep; the others are registered one at a
   * time as they start. Absent: every trial of the sweep was registered up front.
   */
  registeredUpTo?: number;
  /** No new trial starts: updateSweep's stop, `metric.target` reached, a retry-only run of an unbounded sweep. */
  stopped?: boolean;
  /** A grid after updateSweep added values: its first grid, then each addition's new points, in trial order. */
  gridBlocks?: Array<{ spec: ControlSweepSpec; count: number }>;
  /** Bayes: every trial started, with its parameters as TPE's dimensions and its result (TPE's history). */
  observations?: TpeObservation[];
  /** Trials that finished whose result this workflow has not read yet (bayes, `metric.target`). */
  unread?: number[];
  /** Re-runs take their parameters from their rows (a retry-only run; bayes always does). */
  paramsFromRows?: boolean;
  /**
   * Trials the previous run handed over as it continued as new (stopped at an epoch boundary,
   * no end recorded): this run resumes them first, from their checkpoints.
   */
  handedOver?: number[];
}

/**
 * A sweep as a durable service: registers itself and its trials, runs each trial as a
 * child workflow (`trial-<sweepId>-<index>`: starting twice cannot run twice) at most
 * `resources.max_concurrent` at a time, prunes with ASHA, and continues-as-new before its
 * history grows too long. The run sees the end of each trial it started as the child's
 * completion; on continue-as-new it abandons them, handing them over: they report their end by
 * signal to the sweep's workflow id. Grid and random trials are decodings of their index;
 * bayes trials are TPE's suggestions from the results read so far; a sweep without a trial
 * count runs until it is cancelled or stopped, and `metric.target` stops it.
 *
 * The API talks to it by update: `createSweep` (update-with-start) returns once the sweep is
 * registered; pause / resume / cancel / updateSweep / retryTrials are refused by their
 * validators when they cannot apply and return once the change is written.
 */
export async function sweepWorkflow(args: SweepWorkflowArgs): Promise<SweepState> {
  const { sweepId } = args;
  /** The spec as the sweep runs it now: updateSweep replaces it, continue-as-new carries it. */
  let spec = args.spec;
  const bayes = spec.method === 'bayes';
  // The spec is validated once per spec object (here, and again after continue-as-new or a
  // change); each trial's parameters are then a decoding of its index, however long the grid's axes.
  let space = bayes ? undefined : trialSpace(spec);
  const firstTotal = bayes ? (spec.run_cap ?? null) : space!.count;
  const continueAfter = args.historyEventsBeforeContinue ?? HISTORY_EVENTS_BEFORE_CONTINUE;
  const state: SweepRunState = (args.state as SweepRunState | undefined) ?? {
    registered: false,
    next: args.retryOnly ? (firstTotal ?? 0) : 0,
    running: [],
    retryQueue: [],
    paused: false,
    cancelled: false,
    // Bayes trials depend on the results before them, and an unbounded sweep has no list to write.
    ...(bayes || firstTotal === null ? { registeredUpTo: 0 } : {}),
    ...(args.retryOnly && firstTotal === null ? { stopped: true } : {}),
  };
  const ashaConfig = resolveAshaConfig(spec);
  if (ashaConfig && !state.asha) state.asha = createAsha(ashaConfig);
  const { name: metric, goal } = resolveMetric(spec);
  const lanes = () => Math.max(1, spec.resources?.max_concurrent ?? DEFAULT_MAX_CONCURRENT);
  const pool = spec.resources?.pool ?? 'default';
  const target = spec.metric?.target;
  // Finished trials' values are read (an activity) by TPE and for the target; nothing else reads them.
  const readsResults = bayes || (target !== undefined && patched(METRIC_TARGET_PATCH));
  if (bayes) state.observations ??= [];
  if (args.retryOnly && !args.state && patched(RERUN_PARAMS_PATCH)) state.paramsFromRows = true;
  const trialsInSweep = patched(TRIALS_IN_SWEEP_PATCH);
  const localInTurn =
    trialsInSweep && patched(LOCAL_ACTIVITIES_IN_TURN_PATCH) ? localControlInTurn() : undefined;
  const endsByCompletion = !trialsInSweep && patched(ENDS_BY_COMPLETION_PATCH);

  /** Trials the sweep runs as it stands (run_cap, added grid points); null: until stopped. */
  const total = (): number | null => {
    if (!state.gridBlocks) return bayes ? (spec.run_cap ?? null) : space!.count;
    const sum = state.gridBlocks.reduce((n, b) => n + b.count, 0);
    return spec.run_cap === undefined ? sum : Math.min(sum, spec.run_cap);
  };
  const registeredUpTo = () => state.registeredUpTo ?? total() ?? 0;
  const hasNewTrials = () => {
    const t = total();
    return !state.stopped && (t === null || state.next < t);
  };
  const handedOver = () => state.handedOver?.length ?? 0;
  const hasWork = () => state.retryQueue.length > 0 || handedOver() > 0 || hasNewTrials();
  const unread = () => state.unread?.length ?? 0;
  const toTrial = (index: number) => getExternalWorkflowHandle(trialWorkflowId(sweepId, index));
  const running = new Set(state.running);
  /** Trials this run started whose end is their completion (not handed over to a next run). */
  const awaitingCompletion = new Set<number>();
  /** The trials this run runs itself, by index, with the scope that cancels each. */
  const trialRuns = new Map<number, { trial: TrialRun; scope: CancellationScope }>();
  /** One of them by trial id (the train activity's signals and query name the trial). */
  const trialRunById = (id: string) =>
    [...trialRuns.values()].find((r) => r.trial.input.trialId === id)?.trial;
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
  /** A trial's status written by the sweep: one no trial is running to write. */
  const writeTrialStatus = (index: number, next: 'paused' | 'cancelled') =>
    void serially(() =>
      control.failTrial({
        trialId: trialId(sweepId, index),
        status: next,
        error: next === 'cancelled' ? 'cancelled' : null,
      }),
    );
  const writeStatus = (next: SweepStatus) =>
    serially(async () => {
      await control.setSweepStatus({ sweepId, status: next });
      status = next;
    });
  // A trial this run runs is told at once; a child by signal, in order with the writes (it may end
  // before the signal reaches it; then there is nothing left to tell it).
  const tellTrials = (
    tell: (trial: TrialRun, scope: CancellationScope) => void,
    send: (child: ReturnType<typeof toTrial>) => Promise<void>,
  ) => {
    for (const i of [...running]) {
      const run = trialRuns.get(i);
      if (run) tell(run.trial, run.scope);
      else void serially(() => send(toTrial(i)).catch(() => undefined));
    }
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

  // Outcomes are in the database (the trial wrote them); the sweep frees the lane, and reads the
  // result later when its search or target needs it. A trial's end may come twice (its signal,
  // then its completion): the second finds the lane free.
  const trialEnded = (o: TrialOutcome) => {
    awaitingCompletion.delete(o.index);
    if (!running.delete(o.index)) return;
    if (readsResults) (state.unread ??= []).push(o.index);
  };
  setHandler(trialFinishedSignal, trialEnded);
  // A trial workflow closed without an outcome (terminated, timed out), or a trial this run runs
  // stopped without one, wrote no end: the sweep records one, so neither the trial's row nor the
  // sweep waits for it for ever.
  const endedWithoutOutcome = (index: number, err: unknown, what: string) => {
    if (!running.has(index)) return;
    const cause = err instanceof ChildWorkflowFailure ? (err.cause ?? err) : err;
    const error = `${what} without an outcome: ${
      cause instanceof Error ? cause.message : String(cause)
    }`;
    const status = state.cancelled ? 'cancelled' : 'failed';
    const id = trialId(sweepId, index);
    void serially(() => control.failTrial({ trialId: id, status, error }));
    trialEnded({ trialId: id, index, status, error });
  };
  /**
   * Before continuing as new: the trials this run would see complete signal their end to the next
   * run instead. One that has closed already cannot be told; its completion reaches this run.
   */
  const handOverTrials = () =>
    Promise.all(
      [...awaitingCompletion].map(async (index) => {
        const told = await toTrial(index)
          .signal(handOverTrialSignal)
          .then(
            () => true,
            () => false,
          );
        if (told) awaitingCompletion.delete(index);
        else await condition(() => !running.has(index));
      }),
    );
  const ashaNotice = (n: TrialEpochNotice) => {
    if (!state.asha || !running.has(n.index)) return;
    const d = ashaReport(state.asha, { trialId: n.trialId, epoch: n.epoch, value: n.value });
    if (d.decision !== 'prune') return;
    const run = trialRuns.get(n.index);
    if (run) run.trial.prune(d.rung ?? 0);
    else
      void serially(() =>
        toTrial(n.index)
          .signal(pruneTrialSignal, { rung: d.rung ?? 0 })
          .catch(() => undefined),
      );
  };
  setHandler(trialEpochSignal, ashaNotice);
  // The train activities of the trials this run runs report here; a report for a trial it does not
  // run (an attempt heard from after its trial ended) has nowhere to go.
  const trialRunOf = (trialId: string, what: string) => {
    const trial = trialRunById(trialId);
    if (!trial) log.warn(`dropped ${what} for ${trialId}: sweep ${sweepId} does not run it now`);
    return trial;
  };
  setHandler(trialStartedSignal, (s) => trialRunOf(s.trialId, 'an attempt start')?.started(s));
  setHandler(epochCompletedSignal, (r) => trialRunOf(r.trialId, `epoch ${r.epoch}`)?.epoch(r));
  setHandler(
    trialResumePointQuery,
    (trialId) => (trialId && trialRunById(trialId)?.resumeFrom) || null,
  );

  setHandler(createSweepUpdate, async () => {
    if (!state.registered) await registration();
    return { sweepId, trials: total() };
  });
  setHandler(
    pauseSweepUpdate,
    async () => {
      if (!state.registered) await registration();
      if (!state.paused && !state.cancelled) {
        state.paused = true;
        const written = writeStatus('paused');
        for (const index of state.handedOver ?? []) writeTrialStatus(index, 'paused');
        tellTrials(
          (t) => t.pause(),
          (t) => t.signal(pauseTrialSignal),
        );
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
        tellTrials(
          (t) => t.resume(),
          (t) => t.signal(resumeTrialSignal),
        );
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
        // Handed over by the previous run and not started again: nothing runs them to their end.
        for (const index of state.handedOver?.splice(0) ?? []) writeTrialStatus(index, 'cancelled');
        tellTrials(
          (_, scope) => scope.cancel(),
          (t) => t.cancel(),
        );
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
        if (!running.has(i) && !state.retryQueue.includes(i) && !state.handedOver?.includes(i))
          state.retryQueue.push(i);
      // Returns once the sweep runs again (an ended one is revived below).
      await condition(
        () => !settling && ended === undefined && (status === 'running' || status === 'paused'),
      );
      return { status: status! };
    },
    {
      validator: ({ indices }: RetryTrialsRequest) => {
        refuse('retry');
        // Trials that have started: every index below `next` (an unbounded sweep's too).
        const upTo = Math.max(state.next, total() ?? 0);
        const bad = indices.filter((i) => !Number.isSafeInteger(i) || i < 0 || i >= upTo);
        if (bad.length > 0) {
          throw headroomFailure(
            new HeadroomError(
              'INVALID_INPUT',
              `sweep ${sweepId} has trials 0..${upTo - 1}; cannot retry ${bad.join(', ')}`,
              [{ path: 'trialIds', message: `not trials of sweep ${sweepId}: ${bad.join(', ')}` }],
            ),
          );
        }
      },
    },
  );
  /** The spec and grid an accepted change leads to (the validator and the handler both compute it). */
  const changed = (change: SweepChange) => {
    let next = spec;
    let blocks = state.gridBlocks;
    for (const { parameter, values } of change.add ?? []) {
      const r = addGridValues(next, parameter, values) as {
        spec: ControlSweepSpec;
        added: ControlSweepSpec;
        count: number;
      };
      blocks = [
        ...(blocks ?? [{ spec, count: countGridTrials(spec) }]),
        { spec: r.added, count: r.count },
      ];
      next = r.spec;
    }
    if (change.runCap !== undefined) next = { ...next, run_cap: change.runCap };
    if (change.maxConcurrent !== undefined)
      next = { ...next, resources: { ...next.resources, max_concurrent: change.maxConcurrent } };
    return { spec: next, blocks };
  };
  const refuseChange = (change: SweepChange) => {
    refuse('update');
    const bad = (path: string, message: string): never => {
      throw headroomFailure(
        new HeadroomError('INVALID_INPUT', `sweep ${sweepId}: ${message}`, [{ path, message }]),
      );
    };
    if (state.stopped)
      bad('id', `sweep ${sweepId} was stopped (no new trials start); it takes no more changes`);
    const given = ['runCap', 'maxConcurrent', 'add', 'stop'].filter(
      (k) => change[k as keyof SweepChange] !== undefined,
    );
    if (given.length === 0) bad('change', 'give at least one of runCap, maxConcurrent, add, stop');
    for (const key of ['runCap', 'maxConcurrent'] as const) {
      const v = change[key];
      if (v !== undefined && (!Number.isSafeInteger(v) || v <= 0))
        bad(`change.${key}`, `${key} must be an integer > 0; got ${String(v)}`);
    }
    if (change.runCap !== undefined && change.runCap < state.next)
      bad(
        'change.runCap',
        `${state.next} trials have started already; run_cap must be at least ${state.next}`,
      );
    if (change.stop !== undefined && typeof change.stop !== 'boolean')
      bad('change.stop', 'stop is true or false');
    try {
      changed(change);
    } catch (err) {
      const h = headroomErrorOf(err) ?? (err instanceof HeadroomError ? err : undefined);
      if (h) throw headroomFailure(h);
      throw err;
    }
  };
  setHandler(
    updateSweepUpdate,
    async (change: SweepChange) => {
      if (!state.registered) await registration();
      const before = registeredUpTo();
      const next = changed(change);
      if (next.blocks) state.gridBlocks = next.blocks;
      spec = next.spec;
      if (!bayes && !state.gridBlocks) space = trialSpace(spec);
      const now = total();
      // Rows past the new count never ran and never will; trials past the old one register as they start.
      state.registeredUpTo = now === null ? before : Math.min(before, now);
      const written = serially(() => control.setSweepSpec({ sweepId, spec }));
      if (state.registeredUpTo < before)
        void serially(() =>
          control.dropUnstartedTrials({ sweepId, fromIndex: state.registeredUpTo! }),
        );
      if (change.stop) stopNewTrials();
      await written;
      await serially(async () => undefined);
      return { status: status ?? 'running' };
    },
    { validator: (change: SweepChange) => refuseChange(change) },
  );
  setHandler(sweepProgressQuery, () => ({
    status,
    registered: state.registered,
    total: total(),
    next: state.next,
    running: [...running],
    trialWorkflows: [...running].filter((i) => !trialRuns.has(i)),
    retryQueue: [...state.retryQueue],
    paused: state.paused,
    cancelled: state.cancelled,
    stopped: state.stopped ?? false,
    maxConcurrent: lanes(),
  }));

  /** No new trial starts (stop, or the target reached); the rows registered for them leave the sweep. */
  function stopNewTrials(): void {
    if (state.stopped) return;
    state.stopped = true;
    state.retryQueue = [];
    if (registeredUpTo() > state.next) {
      const from = state.next;
      state.registeredUpTo = from;
      void serially(() => control.dropUnstartedTrials({ sweepId, fromIndex: from }));
    }
  }

  /** Reads finished trials' results: TPE's history, and whether one reached `metric.target`. */
  const readResults = async () => {
    const indices = state.unread!.splice(0);
    const results = await serially(() => control.trialResults({ sweepId, metric, indices }));
    for (const r of results) {
      const seen = state.observations?.find((o) => o.index === r.index);
      if (seen) {
        if (r.status === 'succeeded') Object.assign(seen, { state: 'complete', value: r.value });
        else if (r.status === 'pruned')
          Object.assign(seen, { state: 'pruned', value: r.value, step: r.epochsCompleted });
        else if (r.status === 'failed' || r.status === 'cancelled')
          Object.assign(seen, { state: 'failed', value: null });
      }
      if (target !== undefined && r.status === 'succeeded' && reachesTarget(goal, target, r.value))
        stopNewTrials();
    }
  };

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

  /** Trial `index`'s parameters: a grid point or random draw by index, or TPE's suggestion now. */
  const paramsOf = (index: number): TrialParams | ProgramTrialParams => {
    if (bayes) {
      const params = suggestBayesTrial(spec, state.observations!, index);
      // Pending until its result is read: the constant liar for the trials suggested after it.
      state.observations!.push({
        index,
        params: bayesDimensionsOf(spec, params),
        value: null,
        state: 'pending',
      });
      return params;
    }
    if (!state.gridBlocks) return space!.at(index);
    let i = index;
    for (const b of state.gridBlocks) {
      if (i < b.count) return gridTrialAt(b.spec, i);
      i -= b.count;
    }
    throw new HeadroomError('INTERNAL', `trial ${index} is past the grid of sweep ${sweepId}`);
  };

  const startTrial = async (
    index: number,
    rerun: boolean,
    given: TrialParams | ProgramTrialParams | undefined,
  ) => {
    running.add(index);
    let params = given;
    if (params === undefined) {
      // A trial again (retryTrials) with the parameters it was registered with: a bayes trial's
      // cannot be computed, an added grid point's not from the stored spec alone.
      params = await serially(() => control.trialParams({ sweepId, index }));
      const seen = state.observations?.find((o) => o.index === index);
      if (seen) Object.assign(seen, { state: 'pending', value: null });
    } else if (!rerun && index >= registeredUpTo()) {
      const p = params;
      await serially(() => control.registerTrial({ sweepId, spec, index, params: p }));
    }
    const input: TrialWorkflowInput = {
      sweepId,
      trialId: trialId(sweepId, index),
      index,
      task: spec.task,
      dataset: spec.dataset,
      params,
      pool,
      reportMetric: state.asha ? metric : undefined,
      rerun,
    };
    if (trialsInSweep) return runTrial(input);
    try {
      const child = await startChild(trialWorkflow, {
        workflowId: trialWorkflowId(sweepId, index),
        taskQueue: workflowInfo().taskQueue,
        // Children outlive this run (continue-as-new): handed over, they report back by signal.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        args: [
          {
            ...input,
            // The trial's version (its control writes are local activities); not a command: replays as before.
            localControl: true,
            ...(endsByCompletion ? { endsByCompletion: true } : {}),
          },
        ],
      });
      if (endsByCompletion) {
        awaitingCompletion.add(index);
        child
          .result()
          .then(trialEnded, (err: unknown) =>
            endedWithoutOutcome(
              index,
              err,
              `trial workflow ${trialWorkflowId(sweepId, index)} closed`,
            ),
          );
      }
    } catch (err) {
      // Already running (a retry of a trial that never stopped): it will report when it ends,
      // by signal (told again, in case this run would otherwise wait for a completion it cannot see).
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      if (endsByCompletion)
        void serially(() =>
          toTrial(index)
            .signal(handOverTrialSignal)
            .catch(() => undefined),
        );
    }
  };

  /**
   * Runs a trial in this run: its activities are the sweep's, its end frees its lane. A pause or
   * cancel that came while it was being registered applies to it from the start.
   */
  const runTrial = (input: TrialWorkflowInput) => {
    const trial = new TrialRun(input, {
      local: true,
      inTurn: localInTurn,
      epochValue: ashaNotice,
      end: async (outcome) => outcome,
    });
    const scope = new CancellationScope();
    trialRuns.set(input.index, { trial, scope });
    if (state.paused) trial.pause();
    if (state.cancelled) scope.cancel();
    scope
      .run(() => trial.run())
      .then(
        (outcome) => {
          trialRuns.delete(input.index);
          if (outcome) return trialEnded(outcome);
          // Handed over: the next run resumes it (a pause that came meanwhile is written for it).
          running.delete(input.index);
          (state.handedOver ??= []).push(input.index);
          if (state.paused) writeTrialStatus(input.index, 'paused');
        },
        (err: unknown) => {
          trialRuns.delete(input.index);
          endedWithoutOutcome(input.index, err, `trial ${input.trialId} stopped`);
        },
      );
  };

  const historyFull = () =>
    workflowInfo().historyLength > continueAfter || workflowInfo().continueAsNewSuggested;
  // Trials this run runs cannot move to the next run: past the threshold it starts none, hands
  // them over (each stops at its next epoch boundary), and continues as new once they have.
  const draining = () => trialsInSweep && historyFull();
  let handingOver = false;
  for (;;) {
    for (;;) {
      await condition(
        () =>
          (state.cancelled && running.size === 0) ||
          (!state.cancelled && unread() > 0) ||
          (!state.cancelled &&
            !state.paused &&
            running.size < lanes() &&
            hasWork() &&
            !draining()) ||
          (!hasWork() && running.size === 0) ||
          // Past the threshold: hand the trials this run runs over, then continue as new once
          // they have stopped. Not once cancelled: the trials stop, and the sweep ends here.
          (!state.cancelled &&
            historyFull() &&
            (trialRuns.size === 0 || (trialsInSweep && !handingOver))),
      );

      if (state.cancelled) {
        if (running.size > 0) continue;
        await serially(() => control.cancelPendingTrials({ sweepId }));
        await writeStatus('cancelled');
        ended = 'cancelled';
        await condition(allHandlersFinished);
        return snapshot();
      }
      if (draining() && !handingOver) {
        handingOver = true;
        for (const { trial } of trialRuns.values()) trial.handOver();
      }
      if (historyFull() && trialRuns.size === 0) {
        if (endsByCompletion) await handOverTrials();
        if (trialsInSweep) {
          // No update may be left running (its caller would get "the workflow completed before
          // the update completed"), nor a write queued: an update that starts while the queued
          // writes finish runs to its end first. A cancel arriving meanwhile waits for the sweep to
          // end as cancelled: this run does that.
          for (let idle = false; !idle && !state.cancelled;) {
            await condition(() => allHandlersFinished() || state.cancelled);
            await serially(async () => undefined);
            idle = allHandlersFinished();
          }
          if (state.cancelled) continue;
        } else {
          await condition(allHandlersFinished);
          await serially(async () => undefined);
        }
        await continueAsNew<typeof sweepWorkflow>({
          sweepId,
          spec,
          state: snapshot(),
          historyEventsBeforeContinue: args.historyEventsBeforeContinue,
        });
      }
      // Results first: TPE suggests from them, and one may have reached the target.
      if (unread() > 0) {
        await readResults();
        continue;
      }
      // Start every free lane's trial at once: one workflow task for the batch, not one per trial.
      // Parameters are computed here, in order, so each bayes suggestion sees the ones before it.
      const starts: Promise<void>[] = [];
      while (!state.paused && running.size < lanes() && hasWork() && !draining()) {
        // Trials handed over by the previous run first: they were running.
        const resumed = handedOver() > 0 ? state.handedOver!.shift() : undefined;
        const rerun = resumed !== undefined || state.retryQueue.length > 0;
        const index = resumed ?? (rerun ? state.retryQueue.shift()! : state.next++);
        const fromRow = rerun && (bayes || state.paramsFromRows === true);
        starts.push(startTrial(index, rerun, fromRow ? undefined : paramsOf(index)));
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

  function snapshot(): SweepRunState {
    return { ...state, running: [...running] };
  }
}

// The API starts this workflow by type name with the contract's input.
sweepWorkflow satisfies SweepWorkflow;
