import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  Client,
  Connection,
  isGrpcServiceError,
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type WorkflowHandle,
} from '@temporalio/client';
import { HeadroomError } from '@headroom/errors';
import { temporalConnection } from '@headroom/stack';
import type { TaskSweepSpec } from '@headroom/sweep';
import {
  cancelSweepUpdate,
  CONTROL_TASK_QUEUE,
  createSweepUpdate,
  headroomErrorOf,
  pauseSweepUpdate,
  resumeSweepUpdate,
  retryTrialsUpdate,
  SWEEP_WORKFLOW_TYPE,
  sweepWorkflowId,
  type SweepControlResult,
  type SweepRegistered,
  type SweepWorkflow,
  type SweepWorkflowInput,
} from '@headroom/sweep/temporal';
import { API_ENV } from '../common/tokens';
import type { ApiEnv } from '../env';

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
      if (timedOut(err)) throw this.noControlWorker(input.sweepId, deadlineMs);
      throw headroomErrorOf(err) ?? this.translate(err);
    }
  }

  /** Pause, resume or cancel a sweep's workflow; waits up to `deadlineMs` for the change to be written. */
  async controlSweep(
    sweepId: string,
    action: keyof typeof CONTROL_UPDATES,
    deadlineMs: number,
  ): Promise<ControlOutcome> {
    const client = await this.getClient();
    const handle: WorkflowHandle<SweepWorkflow> = client.workflow.getHandle(
      sweepWorkflowId(sweepId),
    );
    try {
      const result = await client.withDeadline(Date.now() + deadlineMs, () =>
        handle.executeUpdate(CONTROL_UPDATES[action]),
      );
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
    spec: TaskSweepSpec,
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
