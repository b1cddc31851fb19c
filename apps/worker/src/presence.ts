import { Client, Connection } from '@temporalio/client';
import type { Logger } from '@temporalio/common';
import {
  CONTROL_TASK_QUEUE,
  WORKER_REPORT_EVERY_MS,
  WORKER_WORKFLOW_TYPE,
  workerSeenSignal,
  workerStoppedSignal,
  workerWorkflowId,
  type WorkerInfo,
  type WorkerSeen,
  type WorkerWorkflow,
} from '@headroom/sweep/temporal';
import { temporalConnection } from '@headroom/stack';
import type { WorkerEnv } from './env';

/**
 * Registers a train worker and keeps its last-seen time fresh — through Temporal
 * (signal-with-start of `worker-<identity>` on the control queue), since train workers
 * hold no database credentials. Failures are logged, never fatal: training matters more.
 */
export async function announceWorker(
  env: WorkerEnv,
  log: Logger,
  info: WorkerInfo,
): Promise<{ stop(): Promise<void> }> {
  const connection = await Connection.connect(temporalConnection(env));
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  const workflowId = workerWorkflowId(info.id);
  const say = async (signal: typeof workerSeenSignal) => {
    try {
      await client.workflow.signalWithStart<WorkerWorkflow, [WorkerSeen]>(WORKER_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: CONTROL_TASK_QUEUE,
        args: [info],
        signal,
        signalArgs: [{ at: new Date().toISOString() }],
      });
    } catch (err) {
      log.warn(`headroom worker: could not report presence (${String(err)}); will try again`, {
        workerId: info.id,
      });
    }
  };
  await say(workerSeenSignal);
  const timer = setInterval(
    () => void say(workerSeenSignal),
    info.reportEveryMs ?? WORKER_REPORT_EVERY_MS,
  );
  return {
    async stop() {
      clearInterval(timer);
      await say(workerStoppedSignal);
      await connection.close();
    },
  };
}
