import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestWorkflowEnvironment } from './temporal';

describe('createTestWorkflowEnvironment', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTestWorkflowEnvironment();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('serves the default namespace on 127.0.0.1 from the installed CLI', async () => {
    expect(env.address).toMatch(/^127\.0\.0\.1:\d+$/);
    const { namespaceInfo } = await env.connection.workflowService.describeNamespace({
      namespace: 'default',
    });
    expect(namespaceInfo?.name).toBe('default');
  });
});
