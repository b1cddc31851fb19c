import { Client, Connection } from '@temporalio/client';
import { CONTROL_TASK_QUEUE } from '@headroom/sweep';
import type { WorkerEnv } from './env';
import type { WorkerInfo } from './types';
import { WORKER_SEEN_SIGNAL, WORKER_STOPPED_SIGNAL } from './workflows/signals';

/** How often a train worker says it is alive; the workers table shows the last time. */
export const PRESENCE_INTERVAL_MS = 15_000;

/**
 * Registers a train worker and keeps its last-seen time fresh — through Temporal
 * (signal-with-start of `worker-<identity>` on the control queue), since train workers
 * hold no database credentials. Failures are logged, never fatal: training matters more.
 */
export async function announceWorker(env: WorkerEnv, info: WorkerInfo): Promise<{ stop(): Promise<void> }> {
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  const workflowId = `worker-${info.id}`;
  const say = async (signal: string) => {
    try {
      await client.workflow.signalWithStart('workerWorkflow', {
        workflowId,
        taskQueue: CONTROL_TASK_QUEUE,
        args: [info],
        signal,
        signalArgs: [{ at: new Date().toISOString() }],
      });
    } catch (err) {
      console.error(`headroom worker: could not report presence (${String(err)}); will try again`);
    }
  };
  await say(WORKER_SEEN_SIGNAL);
  const timer = setInterval(() => void say(WORKER_SEEN_SIGNAL), PRESENCE_INTERVAL_MS);
  return {
    async stop() {
      clearInterval(timer);
      await say(WORKER_STOPPED_SIGNAL);
      await connection.close();
    },
  };
}
