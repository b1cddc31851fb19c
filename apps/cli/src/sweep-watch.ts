import { TASKS, isFinalSweepStatus, type TaskId } from '@headroom/sweep';
import type { VariablesOf } from '@graphql-typed-document-node/core';
import { graphql } from './graphql-client';
import { LEADERBOARD, SWEEP_PROGRESS, type SweepView } from './queries';

/** Polls the sweep until it ends, calling `onUpdate` with every fresh view. */
export async function watchSweep(
  apiUrl: string,
  sweepId: string,
  onUpdate: (s: SweepView) => void,
  opts: { everyMs?: number; timeoutMs?: number } = {},
): Promise<SweepView> {
  const deadline = Date.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
  for (;;) {
    const { sweep } = await graphql(apiUrl, SWEEP_PROGRESS, { id: sweepId });
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

export async function fetchLeaderboard(apiUrl: string, q: VariablesOf<typeof LEADERBOARD>) {
  const { leaderboard } = await graphql(apiUrl, LEADERBOARD, q);
  return leaderboard;
}

/** Columns for a task's leaderboard: each of its metrics, labelled as papers print them. */
export function metricColumns(task: TaskId): Array<{ key: string; label: string }> {
  const LABELS: Record<string, string> = {
    mpjpe: 'MPJPE (mm)',
    p_mpjpe: 'P-MPJPE (mm)',
    ap: 'AP',
    ar: 'AR',
    mean_auc: 'mean AUC',
  };
  return Object.keys(TASKS[task].metrics).map((key) => ({ key, label: LABELS[key] ?? key }));
}
