import { registerEnumType } from '@nestjs/graphql';
import { LEADERBOARD_EPOCHS, LEADERBOARD_GROUP_BYS, PARETO_COSTS } from '@headroom/db';
import {
  METRIC_GOALS,
  SWEEP_METHODS,
  SWEEP_STATUSES,
  TASK_IDS,
  TOKEN_ROLES,
  TRIAL_STATUSES,
  WORKER_STATUSES,
} from '@headroom/sweep';

/**
 * @headroom/sweep's lists as GraphQL enums. Values keep their lowercase words (`pose3d`,
 * `succeeded`), so the schema, the sweep files, the database and the page say the same thing.
 */
function enumOf<const T extends string>(values: readonly T[]): { [K in T]: K } {
  return Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
}

export const Task = enumOf(TASK_IDS);
export const SweepStatus = enumOf(SWEEP_STATUSES);
export const TrialStatus = enumOf(TRIAL_STATUSES);
export const WorkerStatus = enumOf(WORKER_STATUSES);
export const MetricGoal = enumOf(METRIC_GOALS);
export const SearchMethod = enumOf(SWEEP_METHODS);
export const LeaderboardGroupBy = enumOf(LEADERBOARD_GROUP_BYS);
export const LeaderboardEpoch = enumOf(LEADERBOARD_EPOCHS);
export const ParetoCost = enumOf(PARETO_COSTS);
export const TokenRole = enumOf(TOKEN_ROLES);

/** Each enum with what its values are called in an error message ("unknown task …; known tasks: …"). */
const ENUMS = [
  {
    name: 'Task',
    values: Task,
    noun: 'task',
    plural: 'tasks',
    description:
      'A built-in task: pose3d (Human3.6M lifting), pose2d (COCO keypoints), chest (ChestX-ray14).',
  },
  {
    name: 'SweepStatus',
    values: SweepStatus,
    noun: 'sweep status',
    plural: 'sweep statuses',
    description: 'Where a sweep is in its life: succeeded, failed and cancelled are final.',
  },
  {
    name: 'TrialStatus',
    values: TrialStatus,
    noun: 'trial status',
    plural: 'trial statuses',
    description: 'Where a trial is in its life: succeeded, failed, cancelled and pruned are final.',
  },
  {
    name: 'WorkerStatus',
    values: WorkerStatus,
    noun: 'worker status',
    plural: 'worker statuses',
    description: 'A train worker as it last reported itself.',
  },
  {
    name: 'MetricGoal',
    values: MetricGoal,
    noun: 'goal',
    plural: 'goals',
    description: 'Which direction makes a metric better.',
  },
  {
    name: 'SearchMethod',
    values: SearchMethod,
    noun: 'method',
    plural: 'methods',
    description:
      'How a sweep picks its trials: every grid point, seeded random samples, or bayes (TPE, from the results so far).',
  },
  {
    name: 'LeaderboardGroupBy',
    values: LeaderboardGroupBy,
    noun: 'grouping',
    plural: 'groupings',
    description:
      'geometry: the trials of one head geometry (and the same other non-seed parameters) as one row, mean ± std over seeds; trial: a row per trial.',
  },
  {
    name: 'LeaderboardEpoch',
    values: LeaderboardEpoch,
    noun: 'epoch choice',
    plural: 'epoch choices',
    description:
      "final: each trial's last epoch (the honest default when the test split is also the validation split); best: its best epoch on the ranked metric.",
  },
  {
    name: 'ParetoCost',
    values: ParetoCost,
    noun: 'cost',
    plural: 'costs',
    description: 'The cost axis of a Pareto front: parameter count or FLOPs per sample.',
  },
  {
    name: 'TokenRole',
    values: TokenRole,
    noun: 'role',
    plural: 'roles',
    description:
      'What an API token may do: viewer reads; researcher also creates sweeps and controls its own; admin controls any sweep and manages tokens.',
  },
] as const;

for (const e of ENUMS) registerEnumType(e.values, { name: e.name, description: e.description });

/** The noun and the valid values of one of our enums, by its GraphQL name (for error messages). */
export function describeEnum(
  name: string,
): { noun: string; plural: string; values: string[] } | undefined {
  const e = ENUMS.find((x) => x.name === name);
  return e && { noun: e.noun, plural: e.plural, values: Object.keys(e.values) };
}
