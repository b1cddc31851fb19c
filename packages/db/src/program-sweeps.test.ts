import { parseSweepSpec } from '@headroom/sweep';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../test/databases';
import type { Database } from './database';
import { sqlState } from './queries/pg-error';
import {
  bestEpochValue,
  completeTrial,
  getSweep,
  insertSweep,
  leaderboardValues,
  listTrialMetrics,
  listTrials,
  recordEpochMetrics,
  sweepRegistration,
  trialId,
} from './index';

const spec = parseSweepSpec({
  name: 'my program',
  program: 'train.py',
  command: ['${env}', 'python3', '${program}', '${args}'],
  method: 'grid',
  metric: { name: 'val_loss' },
  parameters: { lr: { values: [0.1, 0.01] }, model: { parameters: { width: { value: 64 } } } },
});

describe.each(BACKENDS)('program sweeps on $kind', (backend) => {
  let db: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    const opened = await backend.open();
    db = opened.handle.db;
    dispose = opened.dispose;
  });
  afterAll(() => dispose());

  it('registers a program sweep: its program, trials with their parameters and no geometry', async () => {
    const registration = sweepRegistration('swprogram01', spec);
    expect(registration).toMatchObject({
      task: null,
      program: 'train.py',
      metricName: 'val_loss',
      metricGoal: 'minimize',
    });
    await insertSweep(db, registration);
    const sweep = await getSweep(db, 'swprogram01');
    expect(sweep).toMatchObject({ task: null, program: 'train.py' });
    const trials = await listTrials(db, 'swprogram01');
    expect(trials.map((t) => [t.params, t.dModel, t.epochs, t.groupId])).toEqual([
      [{ lr: 0.1, model: { width: 64 } }, null, null, null],
      [{ lr: 0.01, model: { width: 64 } }, null, null, null],
    ]);
  });

  it("records a program trial's epochs and result, and leaves it out of every leaderboard", async () => {
    const id = trialId('swprogram01', 0);
    await recordEpochMetrics(db, { trialId: id, epoch: 1, metrics: { val_loss: 0.5, acc: null } });
    await recordEpochMetrics(db, { trialId: id, epoch: 2, metrics: { val_loss: 0.25 } });
    expect((await listTrialMetrics(db, id)).map((m) => m.metrics)).toEqual([
      { val_loss: 0.5, acc: null },
      { val_loss: 0.25 },
    ]);
    await completeTrial(db, {
      trialId: id,
      metrics: { val_loss: 0.25 },
      epochsCompleted: 2,
      artifactPath: '/store/swprogram01/swprogram01-0/checkpoint',
      artifacts: [],
      backend: 'program',
      device: 'cpu',
    });
    const trial = (await listTrials(db, 'swprogram01'))[0]!;
    expect(trial).toMatchObject({ status: 'succeeded', epochsCompleted: 2, paramCount: null });
    const values = await db
      .select()
      .from(leaderboardValues)
      .where(eq(leaderboardValues.trialId, id));
    expect(values).toEqual([]);
    // The sweep's own best: over its succeeded trials' epochs, by the goal.
    const best = (goal: 'minimize' | 'maximize') =>
      bestEpochValue(db, { sweepId: 'swprogram01', metric: 'val_loss', goal });
    expect(await best('minimize')).toBe(0.25);
    expect(await best('maximize')).toBe(0.5);
    expect(
      await bestEpochValue(db, { sweepId: 'swprogram01', metric: 'acc', goal: 'maximize' }),
    ).toBeNull();
  });

  it('refuses a sweep row with both a task and a program, or neither', async () => {
    const insert = (task: string | null, program: string | null) =>
      db.execute(
        sql`insert into sweeps (id, name, task, program, method, metric_name, metric_goal, spec)
            values (${`sw${task ?? 'none'}${program ?? 'none'}`}, 'x', ${task}, ${program}, 'grid', 'loss', 'minimize', '{}')`,
      );
    for (const [task, program] of [
      ['pose3d', 'train.py'],
      [null, null],
    ] as const) {
      const err: unknown = await insert(task, program).catch((e: unknown) => e);
      // 23514: check_violation (drizzle wraps the driver's error).
      expect(sqlState(err)).toBe('23514');
      expect(String((err as Error).cause)).toContain('sweeps_task_or_program_check');
    }
  });
});
