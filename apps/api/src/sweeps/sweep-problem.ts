import { CONTROL_TASK_QUEUE } from '@headroom/sweep/temporal';

/**
 * Why a sweep is not making progress, as its Temporal workflow shows it:
 * - `workflow_task_failing`: the workflow's code fails (or times out) on the control worker,
 *   and Temporal retries it for ever;
 * - `activity_failing`: one of its activities (a database write) keeps failing and is retried;
 * - `waiting_for_worker`: a task of it has waited with no control worker taking it;
 * - `workflow_ended`: the workflow failed, was terminated or cancelled, or timed out, while the
 *   sweep had not ended;
 * - `no_workflow`: Temporal has no such workflow (e.g. a dev server's data was reset);
 * - `trial_unreported`: a trial's workflow ended without telling the sweep, which still counts it
 *   as running and waits for it (a pause, a cancel or the sweep's end never come);
 * - `temporal_unreachable`: the API cannot ask.
 */
export const SWEEP_PROBLEM_KINDS = [
  'workflow_task_failing',
  'activity_failing',
  'waiting_for_worker',
  'workflow_ended',
  'no_workflow',
  'trial_unreported',
  'temporal_unreachable',
] as const;
export type SweepProblemKind = (typeof SWEEP_PROBLEM_KINDS)[number];

export interface SweepProblem {
  kind: SweepProblemKind;
  /** What is wrong and what to do, with the failure Temporal recorded. */
  message: string;
  /** The attempt Temporal is on (for a failing task or activity). */
  attempts: number | null;
  /** When the failing task or activity was scheduled, or when the workflow ended. */
  since: Date | null;
}

/** A workflow's latest run as Temporal describes it, reduced to what a problem is read from. */
export type SweepWorkflowState =
  | { found: false; workflowId: string; namespace: string }
  | {
      found: true;
      workflowId: string;
      namespace: string;
      /** Temporal's status name: RUNNING, COMPLETED, FAILED, TERMINATED, CANCELLED, TIMED_OUT… */
      status: string;
      closedAt: Date | null;
      /** Why it ended (a failure message or a termination reason), for an ended run. */
      endReason: string | null;
      workflowTask: {
        attempt: number;
        started: boolean;
        scheduledAt: Date | null;
        /** The last recorded failure or timeout of a workflow task of this run. */
        lastFailure: string | null;
      } | null;
      activities: Array<{
        type: string;
        attempt: number;
        started: boolean;
        scheduledAt: Date | null;
        lastFailure: string | null;
      }>;
      /**
       * The trials the workflow counts as running (its `sweepProgress` query) whose own workflow
       * has ended; empty when not asked (the workflow could not answer, or has a problem above).
       */
      endedTrials: Array<{ workflowId: string; status: string; closedAt: Date | null }>;
    };

/** A task nobody took for this long means no worker is polling its queue. */
export const WAITING_FOR_WORKER_AFTER_MS = 30_000;
/** A trial's end reaches the sweep by signal within moments; one that has not after this, never will. */
export const UNREPORTED_AFTER_MS = 15_000;

const ENDED_STATUSES = new Set(['FAILED', 'TERMINATED', 'CANCELLED', 'TIMED_OUT']);

/** A failure message as Temporal recorded it, cut short if it carries a whole dump. */
const clip = (s: string) => (s.length > 500 ? `${s.slice(0, 500)}…` : s);

/**
 * The problem of a sweep that has not ended, from its workflow's state at `now`: a failing
 * workflow task first (nothing else can happen while it fails), then a failing activity, then a
 * task no worker has taken for `waitingAfterMs`, then an ended workflow. `null`: it progresses.
 */
export function sweepProblemOf(
  state: SweepWorkflowState,
  now: Date,
  waitingAfterMs = WAITING_FOR_WORKER_AFTER_MS,
): SweepProblem | null {
  const where = `workflow ${state.workflowId} (namespace ${state.namespace}, task queue ${CONTROL_TASK_QUEUE})`;
  if (!state.found) {
    return {
      kind: 'no_workflow',
      message: `Temporal has no ${where}, so nothing runs this sweep (was Temporal's data reset?); cancel it, or run its failed trials with retryFailedTrials`,
      attempts: null,
      since: null,
    };
  }
  if (state.status !== 'RUNNING') {
    if (!ENDED_STATUSES.has(state.status)) return null;
    return {
      kind: 'workflow_ended',
      message: `its ${where} ended ${state.status.toLowerCase().replace('_', ' ')}${state.endReason ? `: ${clip(state.endReason)}` : ''}; nothing runs the sweep now (retryFailedTrials starts it again)`,
      attempts: null,
      since: state.closedAt,
    };
  }
  const task = state.workflowTask;
  if (task && task.attempt > 1) {
    return {
      kind: 'workflow_task_failing',
      message: `its ${where} cannot make progress: its workflow task fails on the control worker and Temporal keeps retrying it (attempt ${task.attempt})${task.lastFailure ? `: ${clip(task.lastFailure)}` : ''}. Fix the cause (the control worker's log has it) and the sweep carries on`,
      attempts: task.attempt,
      since: task.scheduledAt,
    };
  }
  const failing = state.activities.find((a) => a.attempt > 1 && a.lastFailure !== null);
  if (failing) {
    return {
      kind: 'activity_failing',
      message: `activity ${failing.type} of its ${where} keeps failing and is retried (attempt ${failing.attempt}): ${clip(failing.lastFailure!)}`,
      attempts: failing.attempt,
      since: failing.scheduledAt,
    };
  }
  const waited = (at: Date | null, afterMs = waitingAfterMs) =>
    at !== null && now.getTime() - at.getTime() >= afterMs;
  const idleActivity = state.activities.find((a) => !a.started && waited(a.scheduledAt));
  if ((task && !task.started && waited(task.scheduledAt)) || idleActivity) {
    const since = task && !task.started ? task.scheduledAt : idleActivity!.scheduledAt;
    const what =
      idleActivity && !(task && !task.started) ? `activity ${idleActivity.type}` : 'workflow task';
    return {
      kind: 'waiting_for_worker',
      message: `no control worker has taken its ${what} for ${Math.round((now.getTime() - since!.getTime()) / 1000)} s: is \`headroom worker --control\` (or \`headroom up\`) running on task queue ${CONTROL_TASK_QUEUE}, with namespace ${state.namespace}, and not overloaded?`,
      attempts: null,
      since,
    };
  }
  const lost = state.endedTrials.find((t) => waited(t.closedAt, UNREPORTED_AFTER_MS));
  if (lost) {
    return {
      kind: 'trial_unreported',
      message: `trial workflow ${lost.workflowId} ended (${lost.status.toLowerCase().replace('_', ' ')}) without telling its sweep, whose ${where} still counts it as running and waits for it: a pause, a cancel or the sweep's end will not come. A bug in Headroom (please report it); \`temporal workflow terminate --workflow-id ${state.workflowId}\` stops the sweep's workflow`,
      attempts: null,
      since: lost.closedAt,
    };
  }
  return null;
}
