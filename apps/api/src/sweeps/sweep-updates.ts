import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  Client,
  Connection,
  isGrpcServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { HeadroomError } from '@headroom/errors';
import { temporalConnection } from '@headroom/stack';
import {
  headroomErrorOf,
  sweepWorkflowId,
  updateSweepUpdate,
  type SweepChange,
} from '@headroom/sweep/temporal';
import { API_ENV } from '../common/tokens';
import type { ApiEnv } from '../env';
import type { ControlOutcome } from '../temporal/temporal.service';

// gRPC status codes (from @grpc/grpc-js, which the client does not re-export).
const GRPC_NOT_FOUND = 5;
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/**
 * `updateSweep`'s Temporal Update of the sweep's workflow. Its own client, connected on first use
 * like TemporalService's; it belongs beside TemporalService.controlSweep (one client) once that
 * file takes it.
 */
@Injectable()
export class SweepUpdates implements OnApplicationShutdown {
  private client: Promise<Client> | undefined;

  constructor(@Inject(API_ENV) private readonly env: ApiEnv) {}

  /** Sends the change; waits up to `deadlineMs` for the workflow to have applied and written it. */
  async update(sweepId: string, change: SweepChange, deadlineMs: number): Promise<ControlOutcome> {
    const client = await this.getClient();
    const handle = client.workflow.getHandle(sweepWorkflowId(sweepId));
    try {
      const result = await client.withDeadline(Date.now() + deadlineMs, () =>
        handle.executeUpdate(updateSweepUpdate, { args: [change] }),
      );
      return { kind: 'applied', result };
    } catch (err) {
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return { kind: 'pending' };
      const code = grpcCode(err);
      if (code === GRPC_DEADLINE_EXCEEDED) return { kind: 'pending' };
      if (err instanceof WorkflowNotFoundError || code === GRPC_NOT_FOUND) return { kind: 'ended' };
      if (code === GRPC_UNAVAILABLE) throw this.unreachable(err);
      throw headroomErrorOf(err) ?? err;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const client = await this.client?.catch(() => undefined);
    this.client = undefined;
    await client?.connection.close();
  }

  private getClient(): Promise<Client> {
    this.client ??= (async () => {
      const connection = Connection.lazy({
        ...temporalConnection(this.env),
        connectTimeout: 5_000,
      });
      try {
        await connection.ensureConnected();
      } catch (err) {
        await connection.close().catch(() => undefined);
        throw this.unreachable(err);
      }
      return new Client({ connection, namespace: this.env.TEMPORAL_NAMESPACE });
    })().catch((err: unknown) => {
      // Forget the failure so the next request tries again (Temporal may have been started meanwhile).
      this.client = undefined;
      throw err;
    });
    return this.client;
  }

  private unreachable(err: unknown): HeadroomError {
    const address = this.env.TEMPORAL_ADDRESS;
    return new HeadroomError(
      'CONFIG',
      `cannot reach Temporal at ${address} (TEMPORAL_ADDRESS): ${err instanceof Error ? err.message : String(err)}. ` +
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
