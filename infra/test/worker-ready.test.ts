import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestWorkflowEnvironment } from '@headroom/test-support';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INFRA_DIR } from './repo';

// The readiness probe of the worker containers (k8s exec probe, compose healthcheck), run as
// they run it, against a real Temporal dev server with workers polling as Headroom's do.
const PROBE = join(INFRA_DIR, 'docker', 'worker-ready.mjs');
const run = promisify(execFile);

let env: TestWorkflowEnvironment;

async function probe(args: string[], extraEnv: Record<string, string> = {}) {
  try {
    await run(process.execPath, [PROBE, ...args], {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_NAMESPACE: 'default',
        ...extraEnv,
      },
    });
    return { ready: true, stderr: '' };
  } catch (err) {
    return { ready: false, stderr: String((err as { stderr?: string }).stderr) };
  }
}

/** Runs a worker polling `taskQueue` as `identity` while `fn` runs. */
async function polling(
  opts: { taskQueue: string; identity: string; workflows?: boolean },
  fn: () => Promise<void>,
) {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue: opts.taskQueue,
    identity: opts.identity,
    ...(opts.workflows
      ? { workflowsPath: join(__dirname, 'fixtures', 'workflows.ts') }
      : { activities: { noop: async () => {} } }),
  });
  await worker.runUntil(async () => {
    // Temporal lists a poller once its first poll arrived.
    const deadline = Date.now() + 20_000;
    while (
      !(await fn().then(
        () => true,
        () => false,
      )) &&
      Date.now() < deadline
    )
      await new Promise((r) => setTimeout(r, 250));
    await fn();
  });
}

describe('infra/docker/worker-ready.mjs', () => {
  beforeAll(async () => {
    env = await createTestWorkflowEnvironment();
  }, 120_000);
  afterAll(async () => {
    await env?.teardown();
  });

  it('is ready when a train worker of this host polls its pool, not another pool or host', async () => {
    await polling(
      { taskQueue: 'headroom-train-probe', identity: `train@${hostname()}/4242` },
      async () => {
        expect((await probe(['train', 'probe'])).ready).toBe(true);
      },
    );
    // The pool from HEADROOM_POOL (the pods' env), and a pool nobody polls.
    await polling(
      { taskQueue: 'headroom-train-envpool', identity: `train@${hostname()}/4243` },
      async () => {
        expect((await probe(['train'], { HEADROOM_POOL: 'envpool' })).ready).toBe(true);
      },
    );
    const other = await probe(['train', 'nobody']);
    expect(other.ready).toBe(false);
    expect(other.stderr).toMatch(/no worker on .* polled headroom-train-nobody/);
  });

  it("is not ready for another host's worker, whose name merely starts like this one", async () => {
    await polling(
      { taskQueue: 'headroom-train-otherhost', identity: `train@${hostname()}-2/4244` },
      async () => {
        const r = await probe(['train', 'otherhost']);
        expect(r.ready).toBe(false);
        expect(r.stderr).toMatch(/no worker on/);
      },
    );
  });

  it('is ready when the control worker of this host polls headroom-control', async () => {
    expect((await probe(['control'])).ready).toBe(false);
    await polling(
      { taskQueue: 'headroom-control', identity: `${process.pid}@${hostname()}`, workflows: true },
      async () => {
        expect((await probe(['control'])).ready).toBe(true);
      },
    );
  });

  it('says what is wrong when Temporal is unreachable or the role is unknown', async () => {
    const down = await probe(['control'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(down.ready).toBe(false);
    expect(down.stderr).toMatch(/cannot reach Temporal at 127\.0\.0\.1:1/);
    const usage = await probe(['api']);
    expect(usage.stderr).toMatch(/usage: worker-ready\.mjs control \| train/);
  });
});
