import { describe, expect, it } from 'vitest';
import {
  FINAL_SWEEP_STATUSES,
  FINAL_TRIAL_STATUSES,
  isFinalSweepStatus,
  isFinalTrialStatus,
  isRetryableTrialStatus,
  SWEEP_STATUSES,
  TRIAL_STATUSES,
} from './statuses';
import {
  CHEST_LABELS,
  CHESTXRAY14_FINDINGS,
  chestAucMetric,
  isTaskId,
  resolveMetric,
  TASK_IDS,
  TASKS,
} from './tasks';

describe('tasks and their metrics', () => {
  it('every task has its default metric among its metrics, named as sweep files, SQL and GraphQL write it', () => {
    for (const id of TASK_IDS) {
      const task = TASKS[id];
      expect(Object.keys(task.metrics)).toContain(task.defaultMetric);
      // Lower-case words, except a class's AUC, which keeps the dataset's label as written.
      for (const name of Object.keys(task.metrics))
        expect(name).toMatch(/^[a-z][a-z0-9_]*$|^auc_[A-Za-z][A-Za-z0-9_-]*$/);
    }
    expect(Object.keys(TASKS).sort()).toEqual([...TASK_IDS].sort());
  });

  it('chest reports an AUC per label (the 14 findings, then COVID-19) and two means', () => {
    expect(CHEST_LABELS.slice(0, 14)).toEqual([...CHESTXRAY14_FINDINGS]);
    expect(CHEST_LABELS[14]).toBe('COVID-19');
    expect(Object.keys(TASKS.chest.metrics).sort()).toEqual(
      ['mean_auc', 'mean_auc_14', ...CHEST_LABELS.map((l) => `auc_${l}`)].sort(),
    );
    expect(chestAucMetric('COVID-19')).toBe('auc_COVID-19');
    expect(Object.values(TASKS.chest.metrics).every((g) => g === 'maximize')).toBe(true);
    expect(resolveMetric({ task: 'chest' })).toEqual({ name: 'mean_auc', goal: 'maximize' });
  });

  it("pose2d reports pycocotools' ten keypoint stats; pose3d MPJPE and P-MPJPE", () => {
    expect(Object.keys(TASKS.pose2d.metrics)).toEqual([
      'ap',
      'ap50',
      'ap75',
      'apm',
      'apl',
      'ar',
      'ar50',
      'ar75',
      'arm',
      'arl',
    ]);
    expect(TASKS.pose3d.metrics).toEqual({ mpjpe: 'minimize', p_mpjpe: 'minimize' });
  });

  it('resolveMetric takes the task default and the task goal', () => {
    expect(resolveMetric({ task: 'pose2d' })).toEqual({ name: 'ap', goal: 'maximize' });
    expect(resolveMetric({ task: 'pose3d', metric: { name: 'p_mpjpe' } })).toEqual({
      name: 'p_mpjpe',
      goal: 'minimize',
    });
  });

  it('isTaskId accepts exactly the task ids', () => {
    expect(TASK_IDS.every(isTaskId)).toBe(true);
    expect(isTaskId('pose4d')).toBe(false);
    expect(isTaskId(undefined)).toBe(false);
  });
});

describe('statuses', () => {
  it('final statuses are statuses, and the predicates agree with the lists', () => {
    for (const s of SWEEP_STATUSES)
      expect(isFinalSweepStatus(s)).toBe((FINAL_SWEEP_STATUSES as readonly string[]).includes(s));
    for (const s of TRIAL_STATUSES)
      expect(isFinalTrialStatus(s)).toBe((FINAL_TRIAL_STATUSES as readonly string[]).includes(s));
    expect(SWEEP_STATUSES.filter(isFinalSweepStatus)).toEqual(['succeeded', 'failed', 'cancelled']);
    expect(TRIAL_STATUSES.filter(isRetryableTrialStatus)).toEqual(['failed', 'cancelled']);
    expect(isFinalTrialStatus('running')).toBe(false);
  });
});
