import { requireTemporalCli } from '@headroom/stack';
import type {
  LocalTestWorkflowEnvironmentOptions,
  TestWorkflowEnvironment,
} from '@temporalio/testing';

/**
 * A Temporal dev server for one test file (in memory, on a free port), run from the installed
 * `temporal` CLI: the SDK's default would download the server, which an offline machine cannot.
 * `teardown()` stops it. Workflow tests use its `nativeConnection`/`client`; tests that need only
 * a server use its `address`/`connection`.
 */
export async function createTestWorkflowEnvironment(
  opts: LocalTestWorkflowEnvironmentOptions = {},
): Promise<TestWorkflowEnvironment> {
  // Loaded on first use: the SDK's native bridge is heavy, and most tests importing this package never start Temporal.
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  return TestWorkflowEnvironment.createLocal({
    ...opts,
    // Errors only: the server's start-up warnings would fill every test's output.
    server: {
      log: { format: 'pretty', level: 'error' },
      ...opts.server,
      executable: { type: 'existing-path', path: requireTemporalCli() },
      ip: '127.0.0.1',
    },
  });
}
