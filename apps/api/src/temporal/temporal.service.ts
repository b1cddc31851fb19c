import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  Client,
  Connection,
  decodePendingActivityState,
  isGrpcServiceError,
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type WorkflowHandle,
} from '@temporalio/client';
import { HeadroomError, isHeadroomError } from '@headroom/errors';
import { temporalConnection } from '@headroom/stack';
import {
  cancelSweepUpdate,
  CONTROL_TASK_QUEUE,
  createSweepUpdate,
  headroomErrorOf,
  type ControlSweepSpec,
  pauseSweepUpdate,
  resumeSweepUpdate,
  retryTrialsUpdate,
  SWEEP_WORKFLOW_TYPE,
  sweepProgressQuery,
  sweepWorkflowId,
  trialWorkflowId,
  updateSweepUpdate,
  type SweepChange,
  type SweepControlResult,
  type SweepRegistered,
  type SweepWorkflow,
  type SweepWorkflowInput,
} from '@headroom/sweep/temporal';
import { API_ENV } from '../common/tokens';
import type { ApiEnv } from '../env';
import {
  sweepProblemOf,
  type SweepProblem,
  type SweepWorkflowState,
} from '../sweeps/sweep-problem';

/** How long `Sweep.problem` waits for the sweep's workflow to answer its progress query. */
const QUERY_DEADLINE_MS = 3_000;

/** temporal.api.enums.v1.PendingWorkflowTaskState (the client does not re-export the protos). */
const PENDING_WORKFLOW_TASK_STATE_STARTED = 2;

// gRPC status codes (from @grpc/grpc-js, which the client does not re-export).
const GRPC_NOT_FOUND = 5;
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/** Long enough for a remote cluster to answer, short enough that a missing dev server is reported promptly. */
const CONNECT_TIMEOUT_MS = 5_000;

const CONTROL_UPDATES = {
  pause: pauseSweepUpdate,
  resume: resumeSweepUpdate,
  cancel: cancelSweepUpdate,
} as const;

/**
 * What a control update came to: `applied` (the workflow wrote the change), `pending` (no answer
 * before the deadline: accepted and applied later, or no control worker is running), or `ended`
 * (the sweep's workflow has ended, so nothing can be changed).
 */
export type ControlOutcome =
  { kind: 'applied'; result: SweepControlResult } | { kind: 'pending' } | { kind: 'ended' };

/**
 * Temporal client, connected on first use: the read API (sweeps, trials, leaderboards) must work
 * without Temporal, and a Temporal started after the API must still be picked up. Every handshake
 * with a sweep is a Temporal Update: it returns when the workflow has done the thing, and an error
 * raised there (an invalid spec, a refused pause) arrives here as the HeadroomError it was.
 */
@Injectable()
export class TemporalService implements OnApplicationShutdown {
  private client: Promise<Client> | undefined;

  constructor(@Inject(API_ENV) private readonly env: ApiEnv) {}

  /**
   * Update-with-start of the sweep's workflow: returns once the control worker has registered the
   * sweep and its trials. USE_EXISTING and a fixed update id: a repeated call joins the first.
   */
  async createSweep(input: SweepWorkflowInput, deadlineMs: number): Promise<SweepRegistered> {
    const client = await this.getClient();
    const workflowId = sweepWorkflowId(input.sweepId);
    const start = new WithStartWorkflowOperation<SweepWorkflow>(SWEEP_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: CONTROL_TASK_QUEUE,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A sweep that has ended is never started again by createSweep (retryFailedTrials revives it).
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    try {
      return await client.withDeadline(Date.now() + deadlineMs, () =>
        client.workflow.executeUpdateWithStart(createSweepUpdate, {
          updateId: `create-${input.sweepId}`,
          startWorkflowOperation: start,
        }),
      );
    } catch (err) {
      if (timedOut(err)) throw await this.notRegistered(client, input.sweepId, deadlineMs);
      throw headroomErrorOf(err) ?? this.translate(err);
    }
  }

  /**
   * Why a sweep that has not ended is not progressing, from Temporal's description of its
   * workflow (`sweepProblemOf`); null while it progresses.
   */
  async sweepProblem(sweepId: string): Promise<SweepProblem | null> {
    let client: Client;
    try {
      client = await this.getClient();
    } catch (err) {
      if (!isHeadroomError(err)) throw err;
      return { kind: 'temporal_unreachable', message: err.message, attempts: null, since: null };
    }
    try {
      const state = await this.readSweepWorkflow(client, sweepId, { trials: true });
      return sweepProblemOf(state, new Date());
    } catch (err) {
      const reason = this.translate(err);
      if (!isHeadroomError(reason)) throw reason;
      return { kind: 'temporal_unreachable', message: reason.message, attempts: null, since: null };
    }
  }

  /** Pause, resume or cancel a sweep's workflow; waits up to `deadlineMs` for the change to be written. */
  controlSweep(
    sweepId: string,
    action: keyof typeof CONTROL_UPDATES,
    deadlineMs: number,
  ): Promise<ControlOutcome> {
    return this.updateSweepWorkflow(sweepId, deadlineMs, (h) =>
      h.executeUpdate(CONTROL_UPDATES[action]),
    );
  }

  /** `updateSweep`: a change of a running sweep (run_cap, max_concurrent, grid values, stop). */
  updateSweep(sweepId: string, change: SweepChange, deadlineMs: number): Promise<ControlOutcome> {
    return this.updateSweepWorkflow(sweepId, deadlineMs, (h) =>
      h.executeUpdate(updateSweepUpdate, { args: [change] }),
    );
  }

  /** An Update of a sweep's workflow, waited for up to `deadlineMs`; `ended` when it has no running workflow. */
  private async updateSweepWorkflow(
    sweepId: string,
    deadlineMs: number,
    send: (handle: WorkflowHandle<SweepWorkflow>) => Promise<SweepControlResult>,
  ): Promise<ControlOutcome> {
    const client = await this.getClient();
    const handle: WorkflowHandle<SweepWorkflow> = client.workflow.getHandle(
      sweepWorkflowId(sweepId),
    );
    try {
      const result = await client.withDeadline(Date.now() + deadlineMs, () => send(handle));
      return { kind: 'applied', result };
    } catch (err) {
      if (timedOut(err)) return { kind: 'pending' };
      if (err instanceof WorkflowNotFoundError || grpcCode(err) === GRPC_NOT_FOUND)
        return { kind: 'ended' };
      throw headroomErrorOf(err) ?? this.translate(err);
    }
  }

  /**
   * Runs trials of a sweep again. Update-with-start: a running sweep takes them into its queue;
   * an ended one starts a new run of its workflow (same id, `retryOnly`) that runs only them.
   * Returns `pending` when the sweep did not answer within `deadlineMs`.
   */
  async retryTrials(
    sweepId: string,
    spec: ControlSweepSpec,
    indices: number[],
    deadlineMs: number,
  ): Promise<ControlOutcome> {
    const client = await this.getClient();
    const start = new WithStartWorkflowOperation<SweepWorkflow>(SWEEP_WORKFLOW_TYPE, {
      workflowId: sweepWorkflowId(sweepId),
      taskQueue: CONTROL_TASK_QUEUE,
      args: [{ sweepId, spec, retryOnly: true }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    try {
      const result = await client.withDeadline(Date.now() + deadlineMs, () =>
        client.workflow.executeUpdateWithStart(retryTrialsUpdate, {
          args: [{ indices }],
          startWorkflowOperation: start,
        }),
      );
      return { kind: 'applied', result };
    } catch (err) {
      if (timedOut(err)) return { kind: 'pending' };
      throw headroomErrorOf(err) ?? this.translate(err);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const pending = this.client;
    this.client = undefined;
    // A failed connect already closed itself; only a live client needs closing.
    const client = await pending?.catch(() => undefined);
    await client?.connection.close();
  }

  private getClient(): Promise<Client> {
    this.client ??= this.connect().catch((err: unknown) => {
      // Forget the failure so the next request tries again (Temporal may have been started meanwhile).
      this.client = undefined;
      throw err;
    });
    return this.client;
  }

  private async connect(): Promise<Client> {
    const connection = Connection.lazy({
      ...temporalConnection(this.env),
      connectTimeout: CONNECT_TIMEOUT_MS,
    });
    try {
      await connection.ensureConnected();
    } catch (err) {
      await connection.close().catch(() => undefined);
      throw this.unreachable(err);
    }
    return new Client({ connection, namespace: this.env.TEMPORAL_NAMESPACE });
  }

  private translate(err: unknown): unknown {
    const code = grpcCode(err);
    if (code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED) return this.unreachable(err);
    if (code === GRPC_NOT_FOUND) {
      const { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace } = this.env;
      return new HeadroomError(
        'CONFIG',
        `Temporal at ${address} has no namespace "${namespace}" (TEMPORAL_NAMESPACE): set TEMPORAL_NAMESPACE to an existing namespace, or create it with \`temporal operator namespace create --namespace ${namespace} --address ${address}\``,
        [
          {
            path: 'TEMPORAL_NAMESPACE',
            message: `namespace "${namespace}" not found on ${address}`,
          },
        ],
      );
    }
    return err;
  }

  /**
   * The latest run of a sweep's workflow: its status, pending workflow task and activities, and
   * with `trials` the trials it waits for whose workflow has ended.
   */
  private async readSweepWorkflow(
    client: Client,
    sweepId: string,
    { trials }: { trials: boolean },
  ): Promise<SweepWorkflowState> {
    const workflowId = sweepWorkflowId(sweepId);
    const namespace = this.env.TEMPORAL_NAMESPACE;
    let description;
    try {
      description = await client.workflow.getHandle(workflowId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || grpcCode(err) === GRPC_NOT_FOUND)
        return { found: false, workflowId, namespace };
      throw err;
    }
    const { raw, status, runId, closeTime } = description;
    const running = status.name === 'RUNNING';
    const pendingTask = raw.pendingWorkflowTask;
    // Failures of a workflow task and the end of a run are in history, not in the description.
    const taskFailing = running && (pendingTask?.attempt ?? 1) > 1;
    const recorded =
      taskFailing || ['FAILED', 'TERMINATED', 'TIMED_OUT'].includes(status.name)
        ? await this.lastRecordedFailure(client, workflowId, runId, running)
        : null;
    return {
      found: true,
      workflowId,
      namespace,
      status: status.name,
      closedAt: closeTime ?? null,
      endReason: running ? null : recorded,
      workflowTask: pendingTask
        ? {
            attempt: pendingTask.attempt ?? 1,
            started: pendingTask.state === PENDING_WORKFLOW_TASK_STATE_STARTED,
            scheduledAt: dateOf(pendingTask.originalScheduledTime ?? pendingTask.scheduledTime),
            lastFailure: running ? recorded : null,
          }
        : null,
      endedTrials:
        trials && running && !taskFailing
          ? await this.endedTrials(client, workflowId, sweepId)
          : [],
      activities: (raw.pendingActivities ?? []).map((a) => ({
        type: a.activityType?.name ?? 'unknown',
        attempt: a.attempt ?? 1,
        started: decodePendingActivityState(a.state) === 'STARTED',
        scheduledAt: dateOf(a.scheduledTime),
        lastFailure: a.lastFailure?.message ?? null,
      })),
    };
  }

  /**
   * The trials the sweep's workflow counts as running whose own workflow has ended. Asks the
   * workflow (a query: a control worker answers it, within QUERY_DEADLINE_MS or not at all).
   */
  private async endedTrials(
    client: Client,
    workflowId: string,
    sweepId: string,
  ): Promise<Array<{ workflowId: string; status: string; closedAt: Date | null }>> {
    let trials: number[];
    try {
      const progress = await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
        client.workflow.getHandle(workflowId).query(sweepProgressQuery),
      );
      // Only a trial that is a workflow of its own can end without its sweep hearing of it.
      trials = progress.trialWorkflows ?? progress.running;
    } catch {
      // No worker to answer, or an older workflow without the query: nothing to say here.
      return [];
    }
    const ended = await Promise.all(
      trials.map(async (index) => {
        const id = trialWorkflowId(sweepId, index);
        const d = await client.workflow
          .getHandle(id)
          .describe()
          .catch(() => undefined);
        return d && d.status.name !== 'RUNNING'
          ? [{ workflowId: id, status: d.status.name, closedAt: d.closeTime ?? null }]
          : [];
      }),
    );
    return ended.flat();
  }

  /**
   * Reading history backwards (newest first, a few pages at most): for a running workflow the
   * newest workflow task failure or timeout; for an ended one what ended it.
   */
  private async lastRecordedFailure(
    client: Client,
    workflowId: string,
    runId: string,
    running: boolean,
  ): Promise<string | null> {
    let nextPageToken: Uint8Array | undefined;
    for (let page = 0; page < 5; page++) {
      const res = await client.workflowService.getWorkflowExecutionHistoryReverse({
        namespace: this.env.TEMPORAL_NAMESPACE,
        execution: { workflowId, runId },
        maximumPageSize: 100,
        nextPageToken,
      });
      for (const e of res.history?.events ?? []) {
        const found = running
          ? (e.workflowTaskFailedEventAttributes?.failure?.message ??
            (e.workflowTaskTimedOutEventAttributes
              ? 'the workflow task timed out: the control worker that took it did not answer in time (it stopped, or a task ran too long)'
              : undefined))
          : (e.workflowExecutionFailedEventAttributes?.failure?.message ??
            e.workflowExecutionTerminatedEventAttributes?.reason ??
            (e.workflowExecutionTimedOutEventAttributes ? 'the workflow timed out' : undefined));
        if (found !== undefined) return found;
      }
      if (!res.nextPageToken?.length) break;
      nextPageToken = res.nextPageToken;
    }
    return null;
  }

  /**
   * createSweep's update did not return in time: say why, from the workflow's state. A workflow
   * task or activity that keeps failing is the cause (a bug, or a database that refuses); a task
   * no worker takes means no control worker; otherwise registration is still under way.
   */
  private async notRegistered(
    client: Client,
    sweepId: string,
    deadlineMs: number,
  ): Promise<HeadroomError> {
    let problem: SweepProblem | null;
    let state: SweepWorkflowState | undefined;
    try {
      state = await this.readSweepWorkflow(client, sweepId, { trials: false });
      // The deadline has passed: a task still waiting for a worker has waited all of it.
      problem = sweepProblemOf(state, new Date(), deadlineMs);
    } catch {
      return this.noControlWorker(sweepId, deadlineMs);
    }
    if (problem === null || problem.kind === 'waiting_for_worker') {
      const registering = state.found
        ? state.activities.find((a) => a.type === 'registerSweep' && a.started)
        : undefined;
      if (!registering) return this.noControlWorker(sweepId, deadlineMs);
      return new HeadroomError(
        'INTERNAL',
        `sweep ${sweepId} is still being registered: the control worker has been writing it and its trials since ${registering.scheduledAt?.toISOString() ?? 'the start'} (more than ${deadlineMs / 1000} s); it starts once written (\`headroom sweep show ${sweepId}\` shows it then)`,
        [
          {
            path: 'input',
            message: `sweep ${sweepId} not registered within ${deadlineMs / 1000} s`,
          },
        ],
      );
    }
    const { TEMPORAL_ADDRESS: address } = this.env;
    return new HeadroomError(
      'INTERNAL',
      `sweep ${sweepId} was started (Temporal at ${address}) but could not be registered within ${deadlineMs / 1000} s: ${problem.message}`,
      [{ path: 'input', message: `sweep ${sweepId} not registered: ${problem.kind}` }],
    );
  }

  private noControlWorker(sweepId: string, deadlineMs: number): HeadroomError {
    const { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace } = this.env;
    return new HeadroomError(
      'CONFIG',
      `sweep ${sweepId} was started (Temporal workflow ${sweepWorkflowId(sweepId)} at ${address}, ` +
        `namespace ${namespace}) but no control worker registered it within ${deadlineMs / 1000} s: ` +
        `is \`headroom worker --control\` (or \`headroom up\`) running on task queue ${CONTROL_TASK_QUEUE}, ` +
        'with the same Temporal namespace and database as this API? The workflow stays queued and runs when one starts.',
      [
        {
          path: 'input',
          message: `sweep ${sweepId} not registered by a control worker within ${deadlineMs / 1000} s`,
        },
      ],
    );
  }

  private unreachable(err: unknown): HeadroomError {
    const address = this.env.TEMPORAL_ADDRESS;
    return new HeadroomError(
      'CONFIG',
      `cannot reach Temporal at ${address} (TEMPORAL_ADDRESS): ${describe(err)}. ` +
        'Start the local stack with `pnpm headroom up`, or set TEMPORAL_ADDRESS to the address of a running Temporal frontend.',
      [{ path: 'TEMPORAL_ADDRESS', message: `no Temporal server answered at ${address}` }],
    );
  }
}

/** The deadline passed before the workflow answered (the SDK reports it in either form). */
function timedOut(err: unknown): boolean {
  return (
    err instanceof WorkflowUpdateRPCTimeoutOrCancelledError ||
    grpcCode(err) === GRPC_DEADLINE_EXCEEDED
  );
}

function grpcCode(err: unknown): number | undefined {
  if (isGrpcServiceError(err)) return err.code;
  const cause = err instanceof Error ? err.cause : undefined;
  return cause === undefined ? undefined : grpcCode(cause);
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
  return `${err.message}${cause}`;
}

/** A protobuf Timestamp (seconds may be a Long) as a Date. */
function dateOf(
  ts:
    { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined,
): Date | null {
  if (!ts) return null;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : (ts.seconds?.toNumber() ?? 0);
  return new Date(seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6));
}
