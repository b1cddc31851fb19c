import { Inject, Injectable } from '@nestjs/common';
import {
  listSweepMetrics,
  listTrials,
  type Database,
  type TrialMetricRow,
  type TrialRow,
} from '@headroom/db';
import type { RequestCache } from '../common/request-cache';
import { DATABASE } from '../common/tokens';
import type { EpochMetrics } from './epoch-metrics.model';

@Injectable()
export class TrialsService {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Shared by `Sweep.trials` and `Sweep.trialCount` within a request. */
  listForSweep(sweepId: string, cache: RequestCache): Promise<TrialRow[]> {
    return cache.load(`trials:${sweepId}`, () => listTrials(this.db, sweepId));
  }

  /** One listSweepMetrics per sweep and request, however many of its trials ask for their history. */
  async history(trial: TrialRow, cache: RequestCache): Promise<EpochMetrics[]> {
    const byTrial = await cache.load(`metrics:${trial.sweepId}`, async () =>
      groupByTrial(await listSweepMetrics(this.db, trial.sweepId)),
    );
    return byTrial.get(trial.id) ?? [];
  }
}

function groupByTrial(rows: TrialMetricRow[]): Map<string, EpochMetrics[]> {
  const byTrial = new Map<string, EpochMetrics[]>();
  for (const row of rows) {
    let list = byTrial.get(row.trialId);
    if (!list) byTrial.set(row.trialId, (list = []));
    list.push({ epoch: row.epoch, metrics: row.metrics, breakdown: row.breakdown });
  }
  for (const list of byTrial.values()) list.sort((a, b) => a.epoch - b.epoch);
  return byTrial;
}
