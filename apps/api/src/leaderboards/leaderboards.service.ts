import { Inject, Injectable } from '@nestjs/common';
import { getSweep, leaderboard, type Database } from '@headroom/db';
import { HeadroomError, type Violation } from '@headroom/errors';
import { isTaskId, TASK_IDS, TASKS, type TaskId } from '@headroom/sweep';
import { checkLimit, throwIfViolations } from '../common/limits';
import { DATABASE } from '../common/tokens';
import type { LeaderboardEntry } from './leaderboard-entry.model';

export interface LeaderboardArgs {
  task: TaskId;
  metric: string;
  sweepId?: string | null;
  limit?: number | null;
}

@Injectable()
export class LeaderboardsService {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Best trials first; the goal (and so the order) comes from the task's metric, never from the caller. */
  async rank(args: LeaderboardArgs): Promise<LeaderboardEntry[]> {
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

    const sweepId = args.sweepId ?? undefined;
    if (sweepId !== undefined) {
      const sweep = await getSweep(this.db, sweepId);
      if (!sweep) {
        throw new HeadroomError(
          'NOT_FOUND',
          `sweepId: no sweep ${sweepId}; list sweeps with the sweeps query`,
          [{ path: 'sweepId', message: `no sweep ${sweepId}` }],
        );
      }
      if (sweep.task !== args.task) {
        throw HeadroomError.invalid('INVALID_INPUT', 'the leaderboard query', [
          {
            path: 'sweepId',
            message: `sweep ${sweepId} is a ${sweep.task} sweep; ask for task: "${sweep.task}"`,
          },
        ]);
      }
    }

    const rows = await leaderboard(this.db, {
      task: args.task,
      metric: args.metric,
      goal,
      sweepId,
      limit,
    });
    return rows.map((row) => ({
      rank: row.rank,
      value: row.value,
      sweepId: row.trial.sweepId,
      sweepName: row.sweepName,
      trial: row.trial,
    }));
  }
}
