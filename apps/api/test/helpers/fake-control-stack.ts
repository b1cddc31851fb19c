import { join } from 'node:path';
import { type Database, type DbHandle, openDatabase } from '@headroom/db';
import { CONTROL_TASK_QUEUE } from '@headroom/sweep/temporal';
import {
  createTestDatabase,
  createTestWorkflowEnvironment,
  type TestDatabase,
} from '@headroom/test-support';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll } from 'vitest';
import { type ApiProcess, startApi } from './api-process';

export interface FakeControlStack {
  readonly api: ApiProcess;
  readonly database: TestDatabase;
  /** The test's own connection to that database. */
  readonly handle: DbHandle;
  readonly env: TestWorkflowEnvironment;
  /** The stand-in control worker, and its run (a test may shut it down). */
  readonly worker: Worker;
  readonly workerRunning: Promise<void>;
}

/**
 * For one test file: a fresh database, a real Temporal dev server, a stand-in control worker on
 * `headroom-control` running `workflows` (a file under test/fake-control/) with the activities
 * made from the database, and the API on both — started before the file's tests, stopped after.
 */
export function apiWithFakeControl(opts: {
  workflows: string;
  activities: (db: Database) => object;
  apiEnv?: Record<string, string>;
  /** Quiets Core's warnings too (a test whose workflow tasks fail on purpose). */
  quietCore?: boolean;
}): FakeControlStack {
  const s = {} as { -readonly [K in keyof FakeControlStack]: FakeControlStack[K] };
  beforeAll(async () => {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      ...(opts.quietCore
        ? {
            telemetryOptions: {
              logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} },
            },
          }
        : {}),
    });
    s.database = await createTestDatabase();
    s.handle = await openDatabase({ url: s.database.url, maxConnections: 2 });
    s.env = await createTestWorkflowEnvironment();
    s.worker = await Worker.create({
      connection: s.env.nativeConnection,
      taskQueue: CONTROL_TASK_QUEUE,
      workflowsPath: join(__dirname, '..', 'fake-control', opts.workflows),
      activities: opts.activities(s.handle.db),
    });
    s.workerRunning = s.worker.run();
    s.api = await startApi({
      DATABASE_URL: s.database.url,
      TEMPORAL_ADDRESS: s.env.address,
      ...opts.apiEnv,
    });
  }, 120_000);
  afterAll(async () => {
    await s.api?.stop();
    if (s.worker?.getState() === 'RUNNING') s.worker.shutdown();
    await s.workerRunning?.catch(() => undefined);
    await s.env?.teardown();
    await s.handle?.close();
    await s.database?.drop();
  }, 60_000);
  return s;
}
