import type { SweepChange } from '@headroom/sweep/temporal';
import { describe, expect, it } from 'vitest';
import { fakeControlActivities } from './fake-control/activities';
import type { GraphQLResponse } from './helpers/api-process';
import { apiWithFakeControl } from './helpers/fake-control-stack';
import { CREATE_SWEEP, validSpec } from './helpers/specs';

// updateSweep through the real API (access rule, audit log, the GraphQL input turned into the
// contract's SweepChange) to a stand-in sweep workflow on a real Temporal dev server.
const changes: SweepChange[] = [];
const stack = apiWithFakeControl({
  workflows: 'update-workflows.ts',
  activities: (db) => ({
    ...fakeControlActivities(db, []),
    async recordChange(change: SweepChange) {
      changes.push(change);
    },
  }),
});

const UPDATE = /* GraphQL */ `
  mutation ($id: ID!, $change: SweepChangeInput!) {
    updateSweep(id: $id, change: $change) {
      id
      status
    }
  }
`;
const TOKEN = /* GraphQL */ `
  mutation ($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      token
    }
  }
`;
const codeOf = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code;

async function tokenFor(owner: string, role: string): Promise<string> {
  const res = await stack.api.gql<{ createApiToken: { token: string } }>(TOKEN, {
    input: { name: owner, owner, role },
  });
  expect(res.errors).toBeUndefined();
  return res.data!.createApiToken.token;
}

describe('updateSweep', () => {
  it("sends the change to the sweep's workflow, for its owner only; refusals name the field; audited", async () => {
    const alice = await tokenFor('alice', 'researcher');
    const bob = await tokenFor('bob', 'researcher');
    const created = await stack.api.gql<{ createSweep: { id: string } }>(
      CREATE_SWEEP,
      { input: { spec: validSpec({ name: 'alices' }) } },
      { token: alice },
    );
    expect(created.errors).toBeUndefined();
    const id = created.data!.createSweep.id;

    const change = {
      runCap: 8,
      maxConcurrent: 3,
      add: [{ parameter: 'd_h', values: [96, 128] }],
    };
    const res = await stack.api.gql<{ updateSweep: { id: string } }>(
      UPDATE,
      { id, change },
      { token: alice },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.updateSweep.id).toBe(id);
    expect(changes).toEqual([change]);

    // Another researcher's token may not change alice's sweep.
    const other = await stack.api.gql(UPDATE, { id, change: { stop: true } }, { token: bob });
    expect(codeOf(other)).toBe('FORBIDDEN');
    expect(changes).toHaveLength(1);

    // The workflow's validator refuses; the error names the field.
    const refused = await stack.api.gql(UPDATE, { id, change: { runCap: 1 } }, { token: alice });
    expect(codeOf(refused)).toBe('INVALID_INPUT');
    expect(refused.errors?.[0]?.extensions?.violations).toEqual([
      { path: 'change.runCap', message: '2 trials have started already' },
    ]);

    const stop = await stack.api.gql(UPDATE, { id, change: { stop: true } }, { token: alice });
    expect(stop.errors).toBeUndefined();
    expect(changes.at(-1)).toEqual({ stop: true });
    // The workflow has ended: the API says so.
    await stack.env.client.workflow.getHandle(`sweep-${id}`).result();
    const ended = await stack.api.gql(UPDATE, { id, change: { runCap: 9 } }, { token: alice });
    expect(codeOf(ended)).toBe('INVALID_INPUT');
    expect(ended.errors?.[0]?.message).toContain('cannot be updated');

    const audit = await stack.api.gql<{
      auditLog: { rows: Array<{ action: string; outcome: string; owner: string | null }> };
    }>('query ($id: ID) { auditLog(sweepId: $id) { rows { action outcome owner } } }', { id });
    const updates = audit.data!.auditLog.rows.filter((r) => r.action === 'updateSweep');
    expect(updates.map((r) => [r.owner, r.outcome]).sort()).toEqual(
      [
        ['alice', 'ok'],
        ['alice', 'ok'],
        ['alice', 'INVALID_INPUT'],
        ['alice', 'INVALID_INPUT'],
        ['bob', 'FORBIDDEN'],
      ].sort(),
    );
  });
});
