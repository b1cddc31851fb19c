import { Inject, Injectable } from '@nestjs/common';
import {
  getSweeps,
  groupedLeaderboard,
  type Database,
  type LeaderboardEpoch,
  type LeaderboardFilter,
  type LeaderboardGroupBy,
  type ParetoCost,
} from '@headroom/db';
import { HeadroomError, type Violation } from '@headroom/errors';
import {
  isTaskId,
  referenceRows,
  TASK_IDS,
  TASKS,
  type MetricGoal,
  type TaskId,
} from '@headroom/sweep';
import { checkLimit, throwIfViolations } from '../common/limits';
import { DATABASE } from '../common/tokens';
import { toReferenceRow } from '../references/reference-row.model';
import type { LeaderboardPage } from './leaderboard-group.model';

export interface LeaderboardArgs {
  task: TaskId;
  metric: string;
  groupBy: LeaderboardGroupBy;
  epoch: LeaderboardEpoch;
  pareto?: ParetoCost | null;
  sweepIds?: string[] | null;
  where?: LeaderboardFilter | null;
  withReferences?: boolean | null;
  limit?: number | null;
  after?: string | null;
}

@Injectable()
export class LeaderboardsService {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * Rows of one geometry (or one trial) with mean ± std over their trials, best first, a page at
   * a time; published rows beside them when asked, never mixed into the statistics. The goal
   * (and so the order) comes from the task's metric, never from the caller.
   */
  async leaderboard(args: LeaderboardArgs): Promise<LeaderboardPage> {
    const sweepIds = args.sweepIds ?? [];
    const { goal, limit } = await this.check(args, sweepIds);
    const page = await groupedLeaderboard(this.db, {
      task: args.task,
      metric: args.metric,
      goal,
      groupBy: args.groupBy,
      epoch: args.epoch,
      pareto: args.pareto ?? undefined,
      sweepIds: sweepIds.length > 0 ? sweepIds : undefined,
      where: args.where ? withoutNulls(args.where) : undefined,
      limit,
      after: args.after ?? undefined,
    });
    return {
      next: page.next,
      rows: page.rows.map((row) => ({
        rank: row.rank,
        key: row.key,
        d_m: row.geometry.dModel,
        heads: row.geometry.heads,
        d_h: row.geometry.dH,
        qk_tied: row.geometry.qkTied,
        params: row.params,
        n: row.n,
        mean: row.mean,
        std: row.std,
        min: row.min,
        max: row.max,
        paramCount: row.paramCount,
        paramCountRange: row.paramCountRange,
        flops: row.flops,
        metrics: row.metrics,
        trials: row.trials,
      })),
      references: args.withReferences
        ? referenceRows(args.task, args.metric).map(toReferenceRow)
        : [],
    };
  }

  /**
   * The metric's goal and the page size, after checking the task, the metric, the limit and that
   * every sweep exists and is of the task; every problem at once, each with its argument's path.
   */
  private async check(
    args: { task: TaskId; metric: string; limit?: number | null },
    sweepIds: readonly string[],
  ): Promise<{ goal: MetricGoal; limit: number }> {
    const violations: Violation[] = [];
    // GraphQL refuses an unknown task (an enum) before this runs; other callers may not.
    const taskInfo = isTaskId(args.task) ? TASKS[args.task] : undefined;
    if (!taskInfo)
      violations.push({
        path: 'task',
        message: `unknown task "${args.task}"; known tasks: ${TASK_IDS.join(', ')}`,
      });
    const goal =
      taskInfo && Object.hasOwn(taskInfo.metrics, args.metric)
        ? taskInfo.metrics[args.metric]
        : undefined;
    if (taskInfo && !goal) {
      const metrics = Object.keys(taskInfo.metrics).join(', ');
      violations.push({
        path: 'metric',
        message: `task ${args.task} has no metric "${args.metric}"; its metrics: ${metrics}`,
      });
    }
    const { limit, violation } = checkLimit(args.limit, 20);
    if (violation) violations.push(violation);
    throwIfViolations('the leaderboard query', violations);
    if (!goal)
      throw new HeadroomError('INTERNAL', 'leaderboard: metric goal unresolved after validation');

    const found = await getSweeps(this.db, sweepIds);
    for (const [i, sweepId] of sweepIds.entries()) {
      const path = `sweepIds[${i}]`;
      const sweep = found.get(sweepId);
      if (!sweep) {
        throw new HeadroomError(
          'NOT_FOUND',
          `${path}: no sweep ${sweepId}; list sweeps with the sweeps query`,
          [{ path, message: `no sweep ${sweepId}` }],
        );
      }
      if (sweep.task !== args.task) {
        throw HeadroomError.invalid('INVALID_INPUT', 'the leaderboard query', [
          {
            path,
            message: `sweep ${sweepId} is a ${sweep.task} sweep; ask for task: "${sweep.task}"`,
          },
        ]);
      }
    }
    return { goal, limit };
  }
}

/** GraphQL sends `null` for a field given as null; the query reads absent fields only. */
function withoutNulls(where: LeaderboardFilter): LeaderboardFilter {
  const range = where.paramCount && {
    ...(where.paramCount.min != null ? { min: where.paramCount.min } : {}),
    ...(where.paramCount.max != null ? { max: where.paramCount.max } : {}),
  };
  return Object.fromEntries(
    Object.entries({ ...where, paramCount: range }).filter(([, v]) => v != null),
  ) as LeaderboardFilter;
}
