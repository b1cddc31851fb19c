import {
  cancelPendingTrials,
  completeTrial,
  dropUnstartedTrials,
  failTrial,
  getSweep,
  getTrial,
  insertSweep,
  insertTrials,
  latestCheckpoint,
  markTrialRunning,
  markWorkerSeen,
  recordCheckpoint,
  recordEpochMetrics,
  registerWorker,
  setSweepStatus,
  setSweepSpec,
  settleSweepStatus,
  sweepRegistration,
  newTrial,
  trialResults,
  type Database,
  type FailTrialInput,
  type TrialResult,
} from '@headroom/db';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowNotFoundError } from '@temporalio/client';
import { HeadroomError, isHeadroomError } from '@headroom/errors';
import {
  isProgramSweep,
  parseSweepSpec,
  trialId,
  type ProgramTrialParams,
  type SweepStatus,
  type TrialParams,
  type WorkerStatus,
} from '@headroom/sweep';
import {
  headroomFailure,
  sweepWorkflowId,
  trialEpochSignal,
  trialFinishedSignal,
  type ControlSweepSpec,
  type EpochReport,
  type ProgramRun,
  type ResumePoint,
  type TrainTrialResult,
  type TrialEpochNotice,
  type TrialOutcome,
  type TrialStarted,
  type WorkerInfo,
} from '@headroom/sweep/temporal';

/** What a trial tells its sweep: that it ended, or (for ASHA) an epoch's value. */
export type SweepNotice =
  { sweepId: string; finished: TrialOutcome } | { sweepId: string; epoch: TrialEpochNotice };

/**
 * Signals the sweep's workflow (its current run, after any continue-as-new). Sent by the trial
 * workflow as a local activity: one signal, where a signal from workflow code costs the trial two
 * more history events and a workflow task to confirm it. At least once, like every activity: the
 * sweep ignores a trial's end it has already counted. A sweep that has ended needs no news.
 */
export async function tellSweep(notice: SweepNotice): Promise<void> {
  const sweep = Context.current().client.workflow.getHandle(sweepWorkflowId(notice.sweepId));
  try {
    if ('finished' in notice) await sweep.signal(trialFinishedSignal, notice.finished);
    else await sweep.signal(trialEpochSignal, notice.epoch);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}

/**
 * Activities on the control task queue: the only code that writes to the database.
 * Every one is idempotent (upserts keyed by sweep, trial, epoch and attempt), because
 * Temporal runs an activity at least once.
 */
export function createControlActivities({ db }: { db: Database }) {
  const activities = withHeadroomFailures({
    async registerSweep({
      sweepId,
      spec,
    }: {
      sweepId: string;
      spec: ControlSweepSpec;
    }): Promise<number> {
      const registration = sweepRegistration(sweepId, spec);
      await insertSweep(db, registration);
      return registration.trials.length;
    },

    /**
     * Registers one trial as the workflow creates it (bayes, a sweep until stopped, trials past a
     * raised run_cap or added grid points); idempotent on (sweep, index).
     */
    async registerTrial({
      sweepId,
      spec,
      index,
      params,
    }: {
      sweepId: string;
      spec: ControlSweepSpec;
      index: number;
      params: TrialParams | ProgramTrialParams;
    }): Promise<void> {
      await insertTrials(db, sweepId, [newTrial(spec, index, params)]);
    },

    /** A trial's parameters as registered: what a re-run of a bayes trial runs with again. */
    async trialParams({
      sweepId,
      index,
    }: {
      sweepId: string;
      index: number;
    }): Promise<TrialParams | ProgramTrialParams> {
      const row = await getTrial(db, trialId(sweepId, index));
      if (!row)
        throw new HeadroomError('NOT_FOUND', `trial ${trialId(sweepId, index)} does not exist`);
      return row.params as TrialParams | ProgramTrialParams;
    },

    /** Finished trials' metric values: TPE's history and the `metric.target` check. */
    async trialResults(q: {
      sweepId: string;
      metric: string;
      indices: number[];
    }): Promise<TrialResult[]> {
      return trialResults(db, q);
    },

    /** Trials never started from `fromIndex` on leave the sweep (run_cap lowered, stopped). */
    async dropUnstartedTrials({
      sweepId,
      fromIndex,
    }: {
      sweepId: string;
      fromIndex: number;
    }): Promise<number> {
      return dropUnstartedTrials(db, sweepId, fromIndex);
    },

    /** The spec as updateSweep changed it (run_cap, max_concurrent, grid values). */
    async setSweepSpec({
      sweepId,
      spec,
    }: {
      sweepId: string;
      spec: ControlSweepSpec;
    }): Promise<void> {
      await setSweepSpec(db, sweepId, spec);
    },

    /** What a program sweep's trials run: its program, command and workdir, from the stored spec. */
    async sweepProgram({ sweepId }: { sweepId: string }): Promise<ProgramRun> {
      const row = await getSweep(db, sweepId);
      if (!row) throw new HeadroomError('NOT_FOUND', `sweep ${sweepId} does not exist`);
      const spec = parseSweepSpec(row.spec, `sweep ${sweepId}`);
      if (!isProgramSweep(spec))
        throw new HeadroomError(
          'INVALID_SPEC',
          `sweep ${sweepId} runs task ${spec.task}, not a program; its trials have a task`,
        );
      const { program, command, workdir } = spec;
      return { program, command, workdir };
    },

    async setSweepStatus({
      sweepId,
      status,
    }: {
      sweepId: string;
      status: SweepStatus;
    }): Promise<void> {
      await setSweepStatus(db, sweepId, status);
    },

    async settleSweepStatus({ sweepId }: { sweepId: string }): Promise<SweepStatus> {
      return settleSweepStatus(db, sweepId);
    },

    async cancelPendingTrials({ sweepId }: { sweepId: string }): Promise<number> {
      return cancelPendingTrials(db, sweepId);
    },

    async markTrialRunning(s: TrialStarted): Promise<void> {
      await markTrialRunning(db, s.trialId, {
        attemptKey: s.attemptKey,
        resumedFromEpoch: s.resumedFromEpoch,
        backend: s.backend,
        device: s.device,
        worker: s.worker,
        paramCount: s.paramCount,
        flops: s.flops,
      });
    },

    async recordEpoch(report: EpochReport): Promise<void> {
      await recordEpochMetrics(db, {
        trialId: report.trialId,
        epoch: report.epoch,
        metrics: report.metrics,
        breakdown: report.breakdown,
      });
      const c = report.checkpoint;
      if (c)
        await recordCheckpoint(db, {
          trialId: report.trialId,
          epoch: c.epoch,
          path: c.path,
          sizeBytes: c.sizeBytes,
          sha256: c.sha256,
        });
    },

    async latestCheckpoint({ trialId }: { trialId: string }): Promise<ResumePoint | null> {
      const c = await latestCheckpoint(db, trialId);
      return c ? { epoch: c.epoch, path: c.path } : null;
    },

    async completeTrial({
      trialId,
      result,
    }: {
      trialId: string;
      result: TrainTrialResult;
    }): Promise<void> {
      await completeTrial(db, { trialId, ...result });
    },

    async failTrial(input: FailTrialInput): Promise<void> {
      await failTrial(db, input);
    },

    async registerWorker({ reportEveryMs: _every, ...info }: WorkerInfo): Promise<void> {
      await registerWorker(db, { ...info, startedAt: new Date(info.startedAt) });
    },

    tellSweep,

    async markWorkerSeen({
      id,
      at,
      status,
    }: {
      id: string;
      at: string;
      status: WorkerStatus;
    }): Promise<void> {
      await markWorkerSeen(db, id, new Date(at), status);
    },
  });
  return { ...activities, controlBatch: controlBatchOf(activities) };
}

/** One control write of a batch: an activity's name and its arguments. */
export interface ControlCall {
  name: string;
  args: unknown[];
}
/** A call's value, or the failure no retry can fix (any other failure retries the whole batch). */
export type ControlCallOutcome =
  { value: unknown } | { failure: Pick<ApplicationFailure, 'message' | 'type' | 'details'> };

/**
 * `controlBatch`: several control writes as one local activity, in order (the trials of a sweep
 * take turns for their local activities: TrialRunOptions.inTurn). Each write is an idempotent
 * upsert, so a batch retried after a transient failure (the database away) writes again what it
 * wrote before; a write that fails for good fails alone, its outcome a failure.
 */
export function controlBatchOf(activities: Record<string, (...args: never[]) => Promise<unknown>>) {
  return async (calls: ControlCall[]): Promise<ControlCallOutcome[]> => {
    const outcomes: ControlCallOutcome[] = [];
    for (const { name, args } of calls) {
      const activity = Object.hasOwn(activities, name) ? activities[name] : undefined;
      if (!activity)
        throw ApplicationFailure.nonRetryable(`no control activity "${name}" to batch`);
      try {
        outcomes.push({ value: await activity(...(args as never[])) });
      } catch (err) {
        // Activities wrapped by withHeadroomFailures: a HeadroomError is an ApplicationFailure here.
        if (!(err instanceof ApplicationFailure && err.nonRetryable)) throw err;
        const { message, type, details } = err;
        outcomes.push({ failure: { message, type, details } });
      }
    }
    return outcomes;
  };
}

/**
 * A HeadroomError leaves an activity as an ApplicationFailure with its code, message and
 * violations (non-retryable when no retry can fix it): an invalid spec in registerSweep reaches
 * createSweep's caller as INVALID_SPEC instead of being retried forever.
 */
export function withHeadroomFailures<
  T extends Record<string, (...args: never[]) => Promise<unknown>>,
>(activities: T): T {
  const wrapped: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw isHeadroomError(err) ? headroomFailure(err) : err;
      }
    };
  }
  return wrapped as T;
}

export type ControlActivities = ReturnType<typeof createControlActivities>;
