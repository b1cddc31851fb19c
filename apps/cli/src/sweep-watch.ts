import { isFinalSweepStatus, type TaskId } from '@headroom/sweep';
import { graphql } from './graphql-client';
import { LEADERBOARD, type SweepView } from './queries';
import { fetchSweep } from './sweep-pages';

/** Polls the sweep (every page of it) until it ends, calling `onUpdate` with every fresh view. */
export async function watchSweep(
  apiUrl: string,
  sweepId: string,
  onUpdate: (s: SweepView) => void,
  opts: { everyMs?: number; timeoutMs?: number } = {},
): Promise<SweepView> {
  const deadline = Date.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
  for (;;) {
    const sweep = await fetchSweep(apiUrl, sweepId);
    if (!sweep) throw new Error(`sweep ${sweepId} not found`);
    onUpdate(sweep);
    if (isFinalSweepStatus(sweep.status)) return sweep;
    if (Date.now() > deadline)
      throw new Error(
        `sweep ${sweepId} still ${sweep.status} after ${(opts.timeoutMs ?? 0) / 1000} s`,
      );
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 1000));
  }
}

/**
 * The best trials of one sweep, a row each (`leaderboard(groupBy: trial, sweepIds: [id])`: n = 1,
 * `trials[0]` is the trial), by the final value of the metric.
 */
export async function fetchSweepLeaderboard(
  apiUrl: string,
  q: { task: TaskId; metric: string; sweepId: string; limit?: number },
) {
  const { leaderboard } = await graphql(apiUrl, LEADERBOARD, {
    task: q.task,
    metric: q.metric,
    groupBy: 'trial',
    epoch: 'final',
    pareto: null,
    sweepIds: [q.sweepId],
    withReferences: false,
    limit: q.limit ?? 20,
    after: null,
  });
  return leaderboard.rows;
}
