import type { Database, TrialMetricRow, TrialRow } from '@headroom/db';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { RequestCache } from '../common/request-cache';
import { TrialsService } from './trials.service';

const listSweepMetrics = vi.fn<(db: Database, sweepId: string) => Promise<TrialMetricRow[]>>();
vi.mock('@headroom/db', () => ({
  listSweepMetrics: (db: Database, id: string) => listSweepMetrics(db, id),
  listTrials: vi.fn(),
}));

const row = (trialId: string, epoch: number, mpjpe: number): TrialMetricRow => ({
  trialId,
  epoch,
  metrics: { mpjpe },
  breakdown: epoch === 2 ? { Walking: { mpjpe } } : null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});
const trial = (sweepId: string, id: string) => ({ id, sweepId }) as TrialRow;

describe('TrialsService.history', () => {
  beforeEach(() => {
    listSweepMetrics.mockReset();
    listSweepMetrics.mockImplementation(async (_db, sweepId) =>
      sweepId === 'swa'
        ? [row('swa-1', 2, 50), row('swa-0', 1, 70), row('swa-1', 1, 60)]
        : [row('swb-0', 1, 40)],
    );
  });

  it('loads each sweep once per request however many trials ask, grouped by trial in epoch order', async () => {
    const service = new TrialsService({} as Database);
    const cache = new RequestCache();
    const [a0, a1, a2, b0] = await Promise.all([
      service.history(trial('swa', 'swa-0'), cache),
      service.history(trial('swa', 'swa-1'), cache),
      service.history(trial('swa', 'swa-2'), cache),
      service.history(trial('swb', 'swb-0'), cache),
    ]);
    expect(listSweepMetrics.mock.calls.map(([, sweepId]) => sweepId)).toEqual(['swa', 'swb']);
    expect(a0).toEqual([{ epoch: 1, metrics: { mpjpe: 70 }, breakdown: null }]);
    expect(a1).toEqual([
      { epoch: 1, metrics: { mpjpe: 60 }, breakdown: null },
      { epoch: 2, metrics: { mpjpe: 50 }, breakdown: { Walking: { mpjpe: 50 } } },
    ]);
    expect(a2).toEqual([]);
    expect(b0).toEqual([{ epoch: 1, metrics: { mpjpe: 40 }, breakdown: null }]);
  });

  it('queries again for a new request', async () => {
    const service = new TrialsService({} as Database);
    await service.history(trial('swa', 'swa-0'), new RequestCache());
    await service.history(trial('swa', 'swa-0'), new RequestCache());
    expect(listSweepMetrics).toHaveBeenCalledTimes(2);
  });
});
