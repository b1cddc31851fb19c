/**
 * The Temporal contract (`@headroom/sweep/temporal`): task queues, workflow types and ids,
 * signals, updates, queries and every payload that crosses Temporal, in one place. The API
 * (starts and updates workflows by these names; never imports workflow code), the workflows,
 * the control and train activities and the train worker's presence all import it.
 *
 * Not in the main entry, so that stays free of @temporalio/*. `define*` from
 * @temporalio/workflow only make named definitions and are safe outside a workflow.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { ERROR_CODES, HeadroomError, type ErrorCode, type Violation } from '@headroom/errors';
import { trialId } from './ids';
import type { ProgramTrialParams } from './parameter-spec';
import type { SweepChange } from './sweep-change';
import type { TrialParams } from './parameters';
import type { MetricBreakdown, MetricValues, TrialArtifact } from './results';
import type { ProgramSweepSpec, TaskSweepSpec } from './spec';
import type { FinalTrialStatus, SweepStatus } from './statuses';

// ─── Task queues ────────────────────────────────────────────────────────────────────────

/** Sweep, trial and worker workflows, and the activities that write the database. */
export const CONTROL_TASK_QUEUE = 'headroom-control';

/** The train queue of a pool: a GPU node's workers poll the queue of their pool. */
export function trainTaskQueue(pool: string): string {
  if (pool === '') throw new HeadroomError('INVALID_INPUT', 'a pool name must not be empty');
  return `headroom-train-${pool}`;
}

// ─── Workflow types and ids ─────────────────────────────────────────────────────────────

export const SWEEP_WORKFLOW_TYPE = 'sweepWorkflow';
export const TRIAL_WORKFLOW_TYPE = 'trialWorkflow';
export const WORKER_WORKFLOW_TYPE = 'workerWorkflow';

/** One workflow per sweep: starting it twice cannot run it twice. */
export function sweepWorkflowId(sweepId: string): string {
  return `sweep-${sweepId}`;
}

/** One workflow per trial, keyed by its index in the sweep, for the same reason. */
export function trialWorkflowId(sweepId: string, index: number): string {
  return `trial-${trialId(sweepId, index)}`;
}

/** One workflow per train worker, signalled-with-start by the worker itself. */
export function workerWorkflowId(identity: string): string {
  return `worker-${identity}`;
}

// ─── Workflow inputs ────────────────────────────────────────────────────────────────────

/**
 * A sweep as the control plane runs it: a built-in task's, or a program's (which has no task and
 * no dataset, so code reading `spec.task` sees `undefined` for it).
 */
export type ControlSweepSpec =
  TaskSweepSpec | (ProgramSweepSpec & { task?: undefined; dataset?: undefined });

export interface SweepWorkflowInput {
  sweepId: string;
  spec: ControlSweepSpec;
  /** Started only to run failed trials again (retryFailedTrials after the sweep ended): no new trials. */
  retryOnly?: boolean;
}

/** One trial as the sweep workflow runs it, or hands it to a trial workflow (sweeps from before). */
export interface TrialWorkflowInput {
  sweepId: string;
  trialId: string;
  index: number;
  /**
   * A built-in task's trial: its task and dataset. A program trial has neither; its workflow
   * reads the sweep's program (`ProgramRun`) from the sweep's row.
   */
  task?: TaskSweepSpec['task'];
  dataset?: TaskSweepSpec['dataset'];
  params: TrialParams | ProgramTrialParams;
  pool: string;
  /** The sweep metric, reported to the sweep after every epoch when it prunes (ASHA). */
  reportMetric?: string;
  /** A re-run (retryFailedTrials): resume from the newest checkpoint recorded in the database. */
  rerun?: boolean;
  /**
   * Set by sweeps since the trial's control writes are local activities and it tells its sweep
   * through one (`tellSweep`). Absent from trials started before, which replay as they ran: a
   * version carried in the input, so a trial records no patch marker.
   */
  localControl?: boolean;
  /**
   * Set by sweeps since they learn a trial's end from its child workflow's completion: the trial
   * signals its end (`trialFinished`) only once `handOverTrialSignal` told it to (the run that
   * started it continuing as new). Absent: it always signals, as trials started before did.
   */
  endsByCompletion?: boolean;
}

/** Train worker → control plane: the worker workflow's input, registered in the workers table. */
export interface WorkerInfo {
  id: string;
  pool: string;
  host: string;
  pid: number;
  backend: string;
  device: string;
  slots: number;
  /** ISO 8601: payloads are JSON, so dates travel as strings. */
  startedAt: string;
  /** How often it reports (ms); absent from workers older than the field: WORKER_REPORT_EVERY_MS. */
  reportEveryMs?: number;
}

/** A train worker reports itself this often (signal-with-start of its worker workflow). */
export const WORKER_REPORT_EVERY_MS = 15_000;
/** Reports missed before the worker workflow marks a worker `lost`. */
export const WORKER_LOST_AFTER_REPORTS = 3;

/** The three workflows by their signatures: clients start them by type name with these. */
export type SweepWorkflow = (input: SweepWorkflowInput) => Promise<unknown>;
export type TrialWorkflow = (input: TrialWorkflowInput) => Promise<TrialOutcome>;
export type WorkerWorkflow = (info: WorkerInfo, registered?: boolean) => Promise<void>;

// ─── The train activity (train queue; no database) ──────────────────────────────────────

/** Where a training attempt starts from: the newest checkpoint known to the caller. */
export interface ResumePoint {
  epoch: number;
  path: string;
}

export interface TrainTrialInput {
  sweepId: string;
  trialId: string;
  task: TaskSweepSpec['task'];
  dataset: TaskSweepSpec['dataset'];
  params: TrialParams;
  /** From the database (e.g. after retryFailedTrials); heartbeat details of a retried attempt win when newer. */
  resumeFrom?: ResumePoint;
}

export interface TrainTrialResult {
  /** The last epoch's metrics. */
  metrics: MetricValues;
  /** The model's trainable parameters; a program trial has none it tells. */
  paramCount?: number;
  /** The final weights. */
  artifactPath: string;
  /** Files for people to look at (Grad-CAM overlays); empty for tasks that write none. */
  artifacts: TrialArtifact[];
  epochsCompleted: number;
  backend: string;
  device: string;
}

/** Heartbeat details of the training activity: a retried attempt resumes from `checkpoint`. */
export interface TrainHeartbeat {
  epoch: number;
  checkpoint?: string;
  batchesSeen?: number;
  /** A program trial's latest value of each metric so far: a retried attempt's final metrics start from them. */
  metrics?: MetricValues;
}

/** What a program trial runs: the sweep's `program`, `command` and `workdir`, as the spec has them. */
export type ProgramRun = Pick<ProgramSweepSpec, 'program' | 'command' | 'workdir'>;

export interface RunProgramInput {
  sweepId: string;
  trialId: string;
  program: ProgramRun;
  params: ProgramTrialParams;
  /**
   * The trial ran before (resumed after a pause, or run again by retryFailedTrials): the program
   * gets `HEADROOM_RESUME=1` as on a retried attempt.
   */
  resume?: boolean;
}

/**
 * A program's exit code that says "do not retry": the trial fails at once with its log's tail
 * (BSD's EX_CONFIG, what `headroom worker` also exits with on a configuration error). Any other
 * non-zero exit is retried, up to the trial's attempts.
 */
export const PROGRAM_EXIT_PERMANENT = 78;

/**
 * A program trial's files in the artifact store: `<store>/<sweep id>/<trial id>/` holds the
 * program's log (stdout and stderr, every attempt appended) and its checkpoint directory
 * (`HEADROOM_CHECKPOINT_DIR`, the same for every attempt). The train worker writes them; the API
 * reads the log's tail from the same place.
 */
export const PROGRAM_LOG_NAME = 'program.log';
export const PROGRAM_CHECKPOINT_DIR_NAME = 'checkpoint';
export function programTrialDir(store: string, sweepId: string, trialId: string): string {
  return `${store.replace(/\/+$/, '')}/${sweepId}/${trialId}`;
}

/** What a train worker serves on `trainTaskQueue(pool)`; the trial workflow calls it. */
export interface TrainActivities {
  trainTrial(input: TrainTrialInput): Promise<TrainTrialResult>;
  /** A program trial: runs the sweep's program with the trial's parameters (see docs/programs.md). */
  runProgram(input: RunProgramInput): Promise<TrainTrialResult>;
}

export interface CheckpointInfo {
  epoch: number;
  path: string;
  sizeBytes: number;
  sha256: string;
}

// ─── Signals ────────────────────────────────────────────────────────────────────────────

/** Sent once per attempt when training starts (train activity → its trial workflow). */
export interface TrialStarted {
  trialId: string;
  /** Workflow run id + Temporal's attempt number: counts each attempt once. */
  attemptKey: string;
  resumedFromEpoch: number;
  backend: string;
  device: string;
  worker: string;
  /** The model's trainable parameters and FLOPs per sample, for leaderboards before the trial ends. */
  paramCount?: number;
  flops?: number;
}

/** Sent after every epoch (train activity → its trial workflow). */
export interface EpochReport {
  trialId: string;
  /**
   * The attempt that trained it (TrialStarted's key). A report from an attempt the trial has moved
   * on from — a worker cut off from Temporal, heard from again — is dropped, not recorded.
   */
  attemptKey?: string;
  epoch: number;
  metrics: MetricValues;
  /** The per-group values behind the epoch's means (pose3d: per action). */
  breakdown?: MetricBreakdown;
  checkpoint?: CheckpointInfo;
}

/** Trial → sweep: one epoch's value of the sweep metric (for ASHA). */
export interface TrialEpochNotice {
  index: number;
  trialId: string;
  epoch: number;
  value: number;
}

/** Trial → sweep when the trial ends; its result is already in the database. */
export interface TrialOutcome {
  trialId: string;
  index: number;
  status: FinalTrialStatus;
  error?: string;
}

/** Train worker → its worker workflow. */
export interface WorkerSeen {
  /** ISO 8601. */
  at: string;
}

/**
 * Train activity → the workflow that runs its trial: the sweep's (which runs its trials itself), or
 * the trial's own workflow (a child of sweeps from before). The activity signals the workflow that
 * scheduled it, by id, without workflow code; the payloads name the trial.
 */
export const trialStartedSignal = defineSignal<[TrialStarted]>('trialStarted');
export const epochCompletedSignal = defineSignal<[EpochReport]>('epochCompleted');
/**
 * Train activity → the workflow that runs its trial, as an attempt starts: the newest checkpoint
 * whose epoch the trial has recorded (null: none). A retry resumes from it — fresher than its
 * predecessor's last heartbeat (throttled), and never past an epoch whose metrics were not
 * recorded. Asked with the trial's id (a trial's own workflow needs none).
 */
export const trialResumePointQuery = defineQuery<ResumePoint | null, [trialId?: string]>(
  'trialResumePoint',
);

/** Sweep workflow → trial workflow (children of sweeps from before they ran their trials). */
export const pauseTrialSignal = defineSignal('pauseTrial');
export const resumeTrialSignal = defineSignal('resumeTrial');
export const pruneTrialSignal = defineSignal<[{ rung: number }]>('pruneTrial');
/**
 * The run that started the trial is continuing as new and will not see it complete: signal the
 * end to the sweep's next run instead (`TrialWorkflowInput.endsByCompletion`).
 */
export const handOverTrialSignal = defineSignal('handOverTrial');

/** Trial workflow → sweep workflow (by workflow id, so it reaches the sweep's current run). */
export const trialEpochSignal = defineSignal<[TrialEpochNotice]>('trialEpoch');
export const trialFinishedSignal = defineSignal<[TrialOutcome]>('trialFinished');

/** Train worker → its worker workflow (signal-with-start, every PRESENCE interval). */
export const workerSeenSignal = defineSignal<[WorkerSeen]>('workerSeen');
export const workerStoppedSignal = defineSignal<[WorkerSeen]>('workerStopped');

// ─── Updates (API → sweep workflow) ─────────────────────────────────────────────────────

/** `createSweep`'s answer: the sweep and its trial rows are in the database. */
export interface SweepRegistered {
  sweepId: string;
  /** Trials the sweep runs: null for one that runs until stopped (random or bayes without run_cap). */
  trials: number | null;
}

/** A control update's answer: the status the sweep has now, written to the database. */
export interface SweepControlResult {
  status: SweepStatus;
}

/** Payload of `retryTrials`: trial indices to run again from their newest checkpoint. */
export interface RetryTrialsRequest {
  indices: number[];
}

/**
 * Update-with-start of `sweepWorkflow`: returns once the sweep and its trials are registered
 * (or fails with the registration's error, e.g. INVALID_SPEC with its violations).
 */
export const createSweepUpdate: UpdateDefinition<SweepRegistered> = defineUpdate('createSweep');
/** Each returns once the change is written (cancel: once running trials stopped and the sweep is `cancelled`). */
export const pauseSweepUpdate: UpdateDefinition<SweepControlResult> = defineUpdate('pauseSweep');
export const resumeSweepUpdate: UpdateDefinition<SweepControlResult> = defineUpdate('resumeSweep');
export const cancelSweepUpdate: UpdateDefinition<SweepControlResult> = defineUpdate('cancelSweep');
/** Also an update-with-start: an ended sweep starts a `retryOnly` run of its workflow. */
export const retryTrialsUpdate: UpdateDefinition<SweepControlResult, [RetryTrialsRequest]> =
  defineUpdate('retryTrials');

/**
 * `updateSweep`: a change to a running (or paused) sweep, validated before it is accepted (see
 * `SweepChange`); returns once the change is in effect and written.
 */
export type { SweepChange };
export const updateSweepUpdate: UpdateDefinition<SweepControlResult, [SweepChange]> =
  defineUpdate('updateSweep');

export type SweepAction = 'pause' | 'resume' | 'cancel' | 'retry' | 'update';

/**
 * Why a control update cannot apply to a sweep in `status` (`cancelling`: cancel was asked
 * and running trials are stopping). The workflow's validators refuse with it; the API says the
 * same when the sweep's workflow has already ended.
 */
export function sweepActionRefused(
  sweepId: string,
  action: SweepAction,
  status: SweepStatus | 'cancelling',
): HeadroomError {
  const state = status === 'cancelling' ? 'is being cancelled' : `has ${status}`;
  const violation: Violation = { path: 'id', message: `sweep ${sweepId} is ${status}` };
  if (action === 'retry') {
    return new HeadroomError(
      'INVALID_INPUT',
      `sweep ${sweepId} ${state}; retryFailedTrials can run its failed and cancelled trials once it has ended`,
      [{ path: 'sweepId', message: violation.message }],
    );
  }
  if (action === 'cancel') {
    return new HeadroomError(
      'INVALID_INPUT',
      `sweep ${sweepId} ${state} (its workflow has ended), so it cannot be cancelled; retryFailedTrials runs its failed trials again`,
      [violation],
    );
  }
  const can = action === 'update' ? 'a running or paused sweep' : 'a running sweep';
  return new HeadroomError(
    'INVALID_INPUT',
    `sweep ${sweepId} ${state}; only ${can} can be ${action}d`,
    [violation],
  );
}

// ─── Queries ────────────────────────────────────────────────────────────────────────────

/** What a sweep workflow knows now (`temporal workflow query --type sweepProgress`). */
export interface SweepProgress {
  /** The last status this run wrote; undefined before it wrote one. */
  status?: SweepStatus;
  registered: boolean;
  /** Trials the sweep runs as it stands now (run_cap, added grid points); null: until stopped. */
  total: number | null;
  /** Next trial index never started yet. */
  next: number;
  running: number[];
  /**
   * Those of `running` that are workflows of their own (children of a sweep from before it ran its
   * trials itself); absent from workers older than the field, where every running trial was one.
   */
  trialWorkflows?: number[];
  retryQueue: number[];
  paused: boolean;
  cancelled: boolean;
  /** No new trial starts: stopped by updateSweep, or a trial reached `metric.target`. */
  stopped: boolean;
  maxConcurrent: number;
}

export const sweepProgressQuery = defineQuery<SweepProgress>('sweepProgress');

// ─── Errors across Temporal ─────────────────────────────────────────────────────────────

/** HeadroomError codes that no retry can fix: the activity fails at once with the message. */
export const PERMANENT_ERROR_CODES: readonly ErrorCode[] = [
  'INVALID_SPEC',
  'INVALID_INPUT',
  'DATA',
  'TRAINING_DIVERGED',
  'OUT_OF_MEMORY',
  'CONFIG',
];

/**
 * A HeadroomError as a Temporal failure: type = code, details = [violations], so it survives
 * the trip (activity → workflow → update → API) whole. Permanent codes are non-retryable.
 */
export function headroomFailure(err: HeadroomError): ApplicationFailure {
  return ApplicationFailure.create({
    type: err.code,
    message: err.message,
    details: [err.violations.map((v) => ({ path: v.path, message: v.message }))],
    nonRetryable: PERMANENT_ERROR_CODES.includes(err.code),
  });
}

/** The HeadroomError inside a Temporal failure chain (ActivityFailure, WorkflowUpdateFailedError…), if any. */
export function headroomErrorOf(err: unknown): HeadroomError | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (
      e instanceof ApplicationFailure &&
      e.type &&
      (ERROR_CODES as readonly string[]).includes(e.type)
    ) {
      const details = Array.isArray(e.details?.[0]) ? (e.details[0] as unknown[]) : [];
      const violations = details.filter(
        (v): v is Violation =>
          typeof v === 'object' &&
          v !== null &&
          typeof (v as Violation).path === 'string' &&
          typeof (v as Violation).message === 'string',
      );
      return new HeadroomError(e.type as ErrorCode, e.message, violations);
    }
  }
  return undefined;
}
