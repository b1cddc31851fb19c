#!/usr/bin/env node
// Readiness of a Headroom worker container (Kubernetes exec probe, compose healthcheck):
// exits 0 when Temporal lists a poller from this host on the worker's task queue, polled in
// the last two minutes; 1 otherwise, saying why. Workers serve no HTTP, and "the process is
// up" says nothing: this says "it is connected and taking tasks".
//
//   node infra/docker/worker-ready.mjs control
//   node infra/docker/worker-ready.mjs train [POOL]      (POOL defaults to $HEADROOM_POOL)
//
// Identities: the control worker has the SDK's `<pid>@<hostname>`, a train worker
// `train@<hostname>/<pid>`; in a pod the hostname is the pod's name. Reads TEMPORAL_ADDRESS
// and TEMPORAL_NAMESPACE as the workers do.
import { createRequire } from 'node:module';
import { hostname } from 'node:os';

// The worker's own dependencies, wherever this file is run from.
const workerRequire = createRequire(new URL('../../apps/worker/package.json', import.meta.url));
const { Connection } = workerRequire('@temporalio/client');
const { CONTROL_TASK_QUEUE, trainTaskQueue } = workerRequire('@headroom/sweep/temporal');
const { temporalConnection } = workerRequire('@headroom/stack');

const FRESH_MS = 120_000;
// temporal.api.enums.v1: TASK_QUEUE_KIND_NORMAL, TASK_QUEUE_TYPE_WORKFLOW / _ACTIVITY.
const KIND_NORMAL = 1;
const TYPE_WORKFLOW = 1;
const TYPE_ACTIVITY = 2;

function fail(message) {
  console.error(`worker-ready: ${message}`);
  process.exit(1);
}

async function main() {
  const [role, poolArg] = process.argv.slice(2);
  let taskQueue;
  let taskQueueType;
  if (role === 'control') {
    // Workflow tasks: only control workers run workflows.
    taskQueue = CONTROL_TASK_QUEUE;
    taskQueueType = TYPE_WORKFLOW;
  } else if (role === 'train') {
    const pool = poolArg || process.env.HEADROOM_POOL;
    if (!pool) fail('usage: worker-ready.mjs train POOL (or set HEADROOM_POOL)');
    taskQueue = trainTaskQueue(pool);
    taskQueueType = TYPE_ACTIVITY;
  } else {
    fail(`usage: worker-ready.mjs control | train [POOL] (got ${role ?? 'nothing'})`);
  }
  // Connected as the worker connects: address, and mTLS or API key (TEMPORAL_TLS_*,
  // TEMPORAL_API_KEY), by the worker's own reading of them.
  const options = temporalConnection(process.env);
  const { address } = options;
  const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
  const connection = await Connection.connect({ ...options, connectTimeout: '5s' }).catch((err) =>
    fail(`cannot reach Temporal at ${address}: ${err instanceof Error ? err.message : err}`),
  );
  try {
    const { pollers } = await connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue, kind: KIND_NORMAL },
      taskQueueType,
    });
    const host = hostname();
    const mine = (pollers ?? []).filter((p) => {
      const at = (p.identity ?? '').indexOf(`@${host}`);
      const rest = at < 0 ? undefined : (p.identity ?? '').slice(at + host.length + 1);
      return rest === '' || (rest !== undefined && rest.startsWith('/'));
    });
    // Timestamp seconds arrive as a protobufjs Long (or a number).
    const polledAt = (p) => Number(String(p.lastAccessTime?.seconds ?? 0)) * 1000;
    const fresh = mine.filter((p) => Date.now() - polledAt(p) <= FRESH_MS);
    if (fresh.length === 0)
      fail(
        `no worker on ${host} polled ${taskQueue} (namespace ${namespace}) in the last ${FRESH_MS / 1000} s` +
          (mine.length ? ' (it did before)' : ''),
      );
  } finally {
    await connection.close();
  }
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
