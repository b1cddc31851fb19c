import { describe, expect, it } from 'vitest';
import {
  sweepProblemOf,
  UNREPORTED_AFTER_MS,
  WAITING_FOR_WORKER_AFTER_MS,
  type SweepWorkflowState,
} from './sweep-problem';

const NOW = new Date('2026-12-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

function running(overrides: Partial<Extract<SweepWorkflowState, { found: true }>> = {}) {
  return {
    found: true as const,
    workflowId: 'sweep-swabc',
    namespace: 'default',
    status: 'RUNNING',
    closedAt: null,
    endReason: null,
    workflowTask: null,
    activities: [],
    endedTrials: [],
    ...overrides,
  };
}

describe('sweepProblemOf', () => {
  it('sees no problem while tasks and activities are taken and succeed', () => {
    expect(sweepProblemOf(running(), NOW)).toBeNull();
    const busy = running({
      workflowTask: { attempt: 1, started: true, scheduledAt: ago(60_000), lastFailure: null },
      activities: [
        {
          type: 'registerSweep',
          attempt: 1,
          started: true,
          scheduledAt: ago(90_000),
          lastFailure: null,
        },
      ],
    });
    expect(sweepProblemOf(busy, NOW)).toBeNull();
    // Just scheduled: a worker has not had the time to take it.
    const fresh = running({
      workflowTask: { attempt: 1, started: false, scheduledAt: ago(1_000), lastFailure: null },
    });
    expect(sweepProblemOf(fresh, NOW)).toBeNull();
  });

  it('puts a failing workflow task first, with its failure', () => {
    const p = sweepProblemOf(
      running({
        workflowTask: {
          attempt: 4,
          started: false,
          scheduledAt: ago(5_000),
          lastFailure: 'Script execution timed out after 5000ms',
        },
        activities: [
          {
            type: 'setSweepStatus',
            attempt: 3,
            started: false,
            scheduledAt: ago(5_000),
            lastFailure: 'db down',
          },
        ],
      }),
      NOW,
    );
    expect(p?.kind).toBe('workflow_task_failing');
    expect(p?.attempts).toBe(4);
    expect(p?.message).toContain('(attempt 4): Script execution timed out after 5000ms');
  });

  it('names a task no control worker has taken for the waiting time, and its queue', () => {
    const p = sweepProblemOf(
      running({
        workflowTask: {
          attempt: 1,
          started: false,
          scheduledAt: ago(WAITING_FOR_WORKER_AFTER_MS + 5_000),
          lastFailure: null,
        },
      }),
      NOW,
    );
    expect(p?.kind).toBe('waiting_for_worker');
    expect(p?.message).toMatch(
      /no control worker has taken its workflow task for 35 s: is `headroom worker --control`/,
    );
    expect(p?.message).toContain('task queue headroom-control');
    const activity = sweepProblemOf(
      running({
        activities: [
          {
            type: 'settleSweepStatus',
            attempt: 1,
            started: false,
            scheduledAt: ago(120_000),
            lastFailure: null,
          },
        ],
      }),
      NOW,
    );
    expect(activity?.message).toContain('its activity settleSweepStatus for 120 s');
  });

  it('says a workflow that ended (or is missing) runs the sweep no more', () => {
    const ended = sweepProblemOf(
      running({ status: 'TERMINATED', closedAt: ago(10_000), endReason: 'cleaned up by hand' }),
      NOW,
    );
    expect(ended).toMatchObject({ kind: 'workflow_ended', since: ago(10_000) });
    expect(ended?.message).toContain('ended terminated: cleaned up by hand');
    expect(sweepProblemOf(running({ status: 'TIMED_OUT' }), NOW)?.message).toContain(
      'ended timed out',
    );
    // Completed: the sweep row is being settled; not a problem.
    expect(sweepProblemOf(running({ status: 'COMPLETED' }), NOW)).toBeNull();
    const missing = sweepProblemOf(
      { found: false, workflowId: 'sweep-swabc', namespace: 'default' },
      NOW,
    );
    expect(missing?.kind).toBe('no_workflow');
    expect(missing?.message).toContain('Temporal has no workflow sweep-swabc (namespace default');
  });

  it('names a trial whose workflow ended without telling the sweep, once its signal had the time to arrive', () => {
    const ended = (ms: number) =>
      running({
        endedTrials: [{ workflowId: 'trial-swabc-3', status: 'COMPLETED', closedAt: ago(ms) }],
      });
    expect(sweepProblemOf(ended(1_000), NOW)).toBeNull();
    const p = sweepProblemOf(ended(UNREPORTED_AFTER_MS + 1_000), NOW);
    expect(p?.kind).toBe('trial_unreported');
    expect(p?.message).toContain(
      'trial workflow trial-swabc-3 ended (completed) without telling its sweep',
    );
    expect(p?.message).toContain('temporal workflow terminate --workflow-id sweep-swabc');
  });
});
