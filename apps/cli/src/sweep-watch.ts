import { isFinalSweepStatus } from '@headroom/sweep';
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
