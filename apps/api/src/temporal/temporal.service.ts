import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection, isGrpcServiceError } from '@temporalio/client';
import { HeadroomError } from '@headroom/errors';
import {
  CONTROL_TASK_QUEUE,
  SWEEP_SIGNALS,
  SWEEP_WORKFLOW_TYPE,
  sweepWorkflowId,
  type RetryTrialsRequest,
  type SweepSpec,
  type SweepWorkflowInput,
} from '@headroom/sweep';
import { API_ENV } from '../common/tokens';
import type { ApiEnv } from '../env';

// gRPC status codes (from @grpc/grpc-js, which the client does not re-export).
const GRPC_NOT_FOUND = 5;
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/** Long enough for a remote cluster to answer, short enough that a missing dev server is reported promptly. */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Temporal client, connected on first use: the read API (sweeps, trials, leaderboards) must work
 * without Temporal, and a Temporal started after the API must still be picked up.
 */
@Injectable()
export class TemporalService implements OnApplicationShutdown {
  private client: Promise<Client> | undefined;

  constructor(@Inject(API_ENV) private readonly env: ApiEnv) {}

  async startSweepWorkflow(input: SweepWorkflowInput): Promise<void> {
    const client = await this.getClient();
    try {
      await client.workflow.start(SWEEP_WORKFLOW_TYPE, {
        taskQueue: CONTROL_TASK_QUEUE,
        workflowId: sweepWorkflowId(input.sweepId),
        args: [input],
      });
    } catch (err) {
      throw this.translate(err);
    }
  }

  /** Pause, resume or cancel a running sweep. */
  async signalSweep(sweepId: string, signal: 'pause' | 'resume' | 'cancel'): Promise<void> {
    const client = await this.getClient();
    try {
      await client.workflow.getHandle(sweepWorkflowId(sweepId)).signal(SWEEP_SIGNALS[signal]);
    } catch (err) {
      if (grpcCode(err) === GRPC_NOT_FOUND) {
        throw new HeadroomError(
          'INVALID_INPUT',
          `sweep ${sweepId} is not running (its workflow has ended), so it cannot be ${signal === 'cancel' ? 'cancelled' : `${signal}d`}; retryFailedTrials runs its failed trials again`,
          [{ path: 'id', message: `sweep ${sweepId} has ended` }],
        );
      }
      throw this.translate(err);
    }
  }

  /**
   * Runs trials of a sweep again. Signal-with-start: a running sweep takes them into its
   * queue; an ended one starts a new run of its workflow (same id) that runs only them.
   */
  async retryTrials(sweepId: string, spec: SweepSpec, indices: number[]): Promise<void> {
    const client = await this.getClient();
    const input: SweepWorkflowInput = { sweepId, spec, retryOnly: true };
    const request: RetryTrialsRequest = { indices };
    try {
      await client.workflow.signalWithStart(SWEEP_WORKFLOW_TYPE, {
        taskQueue: CONTROL_TASK_QUEUE,
        workflowId: sweepWorkflowId(sweepId),
        args: [input],
        signal: SWEEP_SIGNALS.retryTrials,
        signalArgs: [request],
      });
    } catch (err) {
      throw this.translate(err);
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
    const connection = Connection.lazy({ address: this.env.TEMPORAL_ADDRESS, connectTimeout: CONNECT_TIMEOUT_MS });
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
        [{ path: 'TEMPORAL_NAMESPACE', message: `namespace "${namespace}" not found on ${address}` }],
      );
    }
    return err;
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
