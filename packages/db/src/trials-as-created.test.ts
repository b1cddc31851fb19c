import { parseSweepSpec, suggestBayesTrial, type SweepSpec } from '@headroom/sweep';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../test/databases';
import type { Database } from './database';
import {
  completeTrial,
  dropUnstartedTrials,
  failTrial,
  getSweep,
  insertSweep,
  insertTrials,
  listTrials,
  newTrial,
  recordEpochMetrics,
  setSweepSpec,
  sweepRegistration,
  trialId,
  trialResults,
} from './index';

const bayes = parseSweepSpec({
  name: 'tpe',
  task: 'pose3d',
  dataset: { kind: 'synthetic' },
  method: 'bayes',
  run_cap: 20,
  parameters: { d_m: { value: 32 }, heads: { value: 4 }, lr: { min: 0.0001, max: 0.01 } },
});
const params = (lr: number) => ({ ...suggestBayesTrial(bayes, [], 0), lr });

describe.each(BACKENDS)('trials registered as the workflow creates them, on $kind', (backend) => {
  let db: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    const opened = await backend.open();
    db = opened.handle.db;
    dispose = opened.dispose;
  });
  afterAll(() => dispose());

  it('registers a bayes sweep (the method CHECK takes it) without trials; each is inserted once', async () => {
    const registration = sweepRegistration('swbayes01', bayes);
    expect(registration.trials).toEqual([]);
    await insertSweep(db, registration);
    expect((await getSweep(db, 'swbayes01'))?.method).toBe('bayes');
    const first = newTrial(bayes, 0, params(0.002));
    expect(first).toMatchObject({ index: 0, dModel: 32, heads: 4, dH: 8, epochs: 10 });
    await insertTrials(db, 'swbayes01', [first]);
    // Idempotent on (sweep, index): a retried activity keeps the row as it was.
    await insertTrials(db, 'swbayes01', [newTrial(bayes, 0, params(0.009))]);
    await insertTrials(db, 'swbayes01', [newTrial(bayes, 1, params(0.005))]);
    const rows = await listTrials(db, 'swbayes01');
    expect(rows.map((t) => [t.index, (t.params as { lr: number }).lr])).toEqual([
      [0, 0.002],
      [1, 0.005],
    ]);
    expect(rows.every((t) => t.groupId !== null)).toBe(true);
  });

  it("reads finished trials' values: the final one, or a pruned trial's last", async () => {
    await recordEpochMetrics(db, {
      trialId: trialId('swbayes01', 0),
      epoch: 1,
      metrics: { mpjpe: 90 },
    });
    await completeTrial(db, {
      trialId: trialId('swbayes01', 0),
      metrics: { mpjpe: 80 },
      artifactPath: '/x',
      artifacts: [],
      epochsCompleted: 2,
      backend: 'cpu',
      device: 'cpu',
    });
    await recordEpochMetrics(db, {
      trialId: trialId('swbayes01', 1),
      epoch: 1,
      metrics: { mpjpe: 120 },
    });
    await failTrial(db, { trialId: trialId('swbayes01', 1), status: 'pruned', error: null });
    expect(
      await trialResults(db, { sweepId: 'swbayes01', metric: 'mpjpe', indices: [1, 0] }),
    ).toEqual([
      { index: 0, status: 'succeeded', value: 80, epochsCompleted: 2 },
      { index: 1, status: 'pruned', value: 120, epochsCompleted: 1 },
    ]);
  });

  it('drops only unstarted trials past an index, and keeps the spec an update wrote', async () => {
    const grid = parseSweepSpec({
      name: 'grid',
      task: 'pose3d',
      dataset: { kind: 'synthetic' },
      method: 'grid',
      parameters: { d_m: { value: 32 }, heads: { value: 4 }, lr: { values: [0.1, 0.01, 0.001] } },
    });
    await insertSweep(db, sweepRegistration('swgrid0001', grid));
    expect(await listTrials(db, 'swgrid0001')).toHaveLength(3);
    expect(await dropUnstartedTrials(db, 'swgrid0001', 1)).toBe(2);
    expect((await listTrials(db, 'swgrid0001')).map((t) => t.index)).toEqual([0]);
    await setSweepSpec(db, 'swgrid0001', { ...grid, run_cap: 1 });
    expect(((await getSweep(db, 'swgrid0001'))?.spec as SweepSpec).run_cap).toBe(1);
  });
});
