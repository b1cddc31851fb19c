#!/usr/bin/env node
/**
 * `headroom-worker control`                 — sweep/trial workflows + database activities
 * `headroom-worker train [--pool P] [--slots N]` — trains trials from the pool's task queue
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { NativeConnection, Worker } from '@temporalio/worker';
import { openDatabase } from '@headroom/db';
import { HeadroomError, isHeadroomError } from '@headroom/errors';
import { selectBackend } from '@headroom/models';
import { POOL_PATTERN } from '@headroom/sweep';
import { describeTemporalConnection, resolveLogFormat, temporalConnection } from '@headroom/stack';
import {
  CONTROL_TASK_QUEUE,
  trainTaskQueue,
  WORKER_REPORT_EVERY_MS,
} from '@headroom/sweep/temporal';
import { announceWorker } from './presence';
import { createControlActivities } from './activities/control.activities';
import { createTrainActivities } from './activities/train.activities';
import { parseWorkerEnv } from './env';
import { parseProgramRoots } from './program/roots';
import { createWorkerLogger, type WorkerLogger } from './observability/logging';
import { observeActivities } from './observability/metrics';
import { installRuntime } from './observability/runtime';

/**
 * The workflows as `pnpm build` bundled them (scripts/bundle-workflows.mjs), so the control worker
 * starts without running webpack.
 */
function workflowBundle(): { codePath: string } {
  const codePath = join(__dirname, 'workflow-bundle.js');
  if (!existsSync(codePath))
    throw new HeadroomError(
      'CONFIG',
      `the workflow bundle ${codePath} is missing: build the worker with \`pnpm build\``,
    );
  return { codePath };
}

/** Until the Runtime is installed with the worker's settings: the format from the raw environment. */
let log: WorkerLogger = createWorkerLogger({
  format: resolveLogFormat(process.env.HEADROOM_LOG_FORMAT),
  level: 'info',
  role: 'worker',
});

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      pool: { type: 'string', default: 'default' },
      slots: { type: 'string', default: '1' },
    },
  });
  const role = positionals[0];
  if (role !== 'control' && role !== 'train') {
    throw new Error(
      `usage: headroom-worker control | train [--pool NAME] [--slots N] (got ${role ?? 'nothing'})`,
    );
  }
  const env = parseWorkerEnv();
  // Logs (text or JSON lines) and, with HEADROOM_METRICS_ADDRESS, Prometheus' /metrics.
  log = installRuntime(env, role);
  // TensorFlow's C++ library writes its notices straight to stderr, outside any log format;
  // keep its errors (unless the operator set its level). Two start-up lines escape it (absl's).
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  // A train worker's backend first: one that cannot train here (CUDA missing) refuses to start
  // before anything connects (a CONFIG error: a supervisor does not restart it).
  const trainBackend = role === 'train' ? await selectBackend(env.HEADROOM_BACKEND) : undefined;
  const temporal = temporalConnection(env);
  const connection = await NativeConnection.connect(temporal).catch((err: unknown) => {
    throw new Error(
      `cannot reach Temporal at TEMPORAL_ADDRESS=${describeTemporalConnection(temporal)} (${String(err)}); start it with \`pnpm headroom up\` or point TEMPORAL_ADDRESS at your cluster`,
    );
  });

  let worker: Worker;
  const drain = new AbortController();
  let close = async () => {};
  if (role === 'control') {
    const handle = await openDatabase({ maxConnections: 4 });
    close = () => handle.close();
    worker = await Worker.create({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: CONTROL_TASK_QUEUE,
      workflowBundle: workflowBundle(),
      activities: createControlActivities({ db: handle.db }),
      interceptors: { activity: [observeActivities] },
    });
    log.say(`headroom control worker ready on ${CONTROL_TASK_QUEUE} (database: ${handle.kind})`);
  } else {
    const slots = Number(values.slots);
    if (!Number.isInteger(slots) || slots < 1)
      throw new Error(`--slots must be a positive integer, got ${values.slots}`);
    const pool = values.pool!;
    if (!POOL_PATTERN.test(pool))
      throw new Error(`--pool ${pool}: use letters, digits, '-' and '_' (it names a task queue)`);
    const backend = trainBackend!;
    const artifactsDir = resolve(
      env.HEADROOM_ARTIFACTS_DIR ?? `${env.HEADROOM_DATA_DIR}/artifacts`,
    );
    const taskQueue = trainTaskQueue(pool);
    const identity = `train@${hostname()}/${process.pid}`;
    const drainSeconds = env.HEADROOM_DRAIN_SECONDS;
    worker = await Worker.create({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue,
      activities: createTrainActivities({
        artifactsDir,
        backend,
        identity,
        draining: drain.signal,
        programs: {
          roots: parseProgramRoots(env.HEADROOM_PROGRAM_ROOTS),
          graceMs: env.HEADROOM_PROGRAM_GRACE_SECONDS * 1000,
        },
      }),
      maxConcurrentActivityTaskExecutions: slots,
      identity,
      // Counts trials and times their wait for a slot (Headroom's metrics); ids on log lines.
      interceptors: { activity: [observeActivities] },
      // SIGTERM: a running trial finishes its epoch, checkpoints and reports it (then moves on to
      // another worker) within this; past it, it is cancelled and resumes from its last checkpoint.
      shutdownGraceTime: `${drainSeconds} seconds`,
      // Heartbeats carry cancellation (pause, prune, cancelSweep) back to the training loop:
      // send them at least every 2 s instead of the SDK's default of 80% of the timeout (24 s).
      maxHeartbeatThrottleInterval: '2 seconds',
      defaultHeartbeatThrottleInterval: '2 seconds',
    });
    const presence = await announceWorker(env, log, {
      id: identity,
      pool,
      host: hostname(),
      pid: process.pid,
      backend: backend.backend,
      device: backend.device,
      slots,
      startedAt: new Date().toISOString(),
      reportEveryMs: WORKER_REPORT_EVERY_MS,
    });
    close = presence.stop;
    log.say(
      `headroom train worker ready on ${taskQueue} (${slots} slot${slots > 1 ? 's' : ''}, backend ${backend.backend}, ${backend.device}, artifacts ${artifactsDir})`,
    );
  }

  // Ctrl-C / SIGTERM: stop polling; running trials stop after their epoch in progress (draining)
  // and move on to another worker; the SDK waits for them (shutdownGraceTime), then we exit.
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => {
      if (role === 'train')
        log.say(`headroom train worker draining (${sig}): running trials stop after their epoch`);
      drain.abort();
      worker.shutdown();
    });
  try {
    await worker.run();
  } finally {
    await close();
    await connection.close();
  }
}

/** What a supervisor (`headroom worker --gpus`) must not restart: a CONFIG error (BSD's EX_CONFIG). */
const EXIT_CONFIG = 78;

main().catch((err: unknown) => {
  log.error(`headroom worker: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(isHeadroomError(err) && err.code === 'CONFIG' ? EXIT_CONFIG : 1);
});
