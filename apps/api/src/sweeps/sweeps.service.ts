import { Inject, Injectable } from '@nestjs/common';
import { getSweep, listSweeps, listTrials, type Database, type SweepRow } from '@headroom/db';
import { HeadroomError } from '@headroom/errors';
import {
  isFinalSweepStatus,
  isRetryableTrialStatus,
  newSweepId,
  parseSweepSpec,
} from '@headroom/sweep';
import { sweepActionRefused } from '@headroom/sweep/temporal';
import { checkLimit, throwIfViolations } from '../common/limits';
import { API_ENV, DATABASE } from '../common/tokens';
import type { ApiEnv } from '../env';
import { TemporalService } from '../temporal/temporal.service';
import { parseSweepInput, type SweepSource } from './sweep-input';

/** How long pause / resume / cancel / retry wait for the workflow to write the change before returning the sweep as it is. */
const STATUS_DEADLINE_MS = 15_000;

@Injectable()
export class SweepsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(API_ENV) private readonly env: ApiEnv,
    private readonly temporal: TemporalService,
  ) {}

  async get(id: string): Promise<SweepRow | null> {
    return (await getSweep(this.db, id)) ?? null;
  }

  list(limitArg: number | null | undefined): Promise<SweepRow[]> {
    const { limit, violation } = checkLimit(limitArg, 20);
    throwIfViolations('the sweeps query', violation ? [violation] : []);
    return listSweeps(this.db, { limit });
  }

  /**
   * The API never writes the database: createSweep is an update-with-start of the sweep's workflow,
   * which returns once its first activity (on the control worker) has written the sweep and its trials.
   */
  async create(input: SweepSource): Promise<SweepRow> {
    const spec = parseSweepInput(input);
    const sweepId = newSweepId(Math.random);
    await this.temporal.createSweep(
      { sweepId, spec },
      this.env.HEADROOM_REGISTRATION_TIMEOUT_SECONDS * 1000,
    );
    return this.require(sweepId);
  }

  /**
   * Pause / resume / cancel: an update of the sweep's workflow, which refuses what cannot apply
   * and returns once the status is written (cancel: once running trials have stopped, within a
   * heartbeat). Past the deadline the sweep is returned as it is; the change still happens.
   */
  async control(id: string, action: 'pause' | 'resume' | 'cancel'): Promise<SweepRow> {
    const sweep = await this.require(id);
    const outcome = await this.temporal.controlSweep(id, action, STATUS_DEADLINE_MS);
    if (outcome.kind === 'ended') {
      if (action === 'cancel' && sweep.status === 'cancelled') return sweep;
      if (isFinalSweepStatus(sweep.status)) throw sweepActionRefused(id, action, sweep.status);
      throw new HeadroomError(
        'INVALID_INPUT',
        `sweep ${id} is not running (its workflow has ended), so it cannot be ${action === 'cancel' ? 'cancelled' : `${action}d`}; retryFailedTrials runs its failed trials again`,
        [{ path: 'id', message: `sweep ${id} has ended` }],
      );
    }
    return this.require(id);
  }

  /**
   * Runs failed and cancelled trials again from their newest checkpoint — all of them, or
   * the ones named — also after the sweep's workflow has ended. Returns once the sweep runs again.
   */
  async retryFailed(id: string, trialIds: string[] | null | undefined): Promise<SweepRow> {
    const sweep = await this.require(id);
    const trials = await listTrials(this.db, id);
    const retryable = trials.filter((t) => isRetryableTrialStatus(t.status));
    let chosen = retryable;
    if (trialIds && trialIds.length > 0) {
      const byId = new Map(trials.map((t) => [t.id, t]));
      const violations = trialIds.flatMap((tid, i) => {
        const t = byId.get(tid);
        if (!t)
          return [{ path: `trialIds[${i}]`, message: `${tid} is not a trial of sweep ${id}` }];
        if (!isRetryableTrialStatus(t.status)) {
          return [
            {
              path: `trialIds[${i}]`,
              message: `${tid} is ${t.status}; only failed or cancelled trials can be retried`,
            },
          ];
        }
        return [];
      });
      throwIfViolations('retryFailedTrials', violations);
      chosen = retryable.filter((t) => trialIds.includes(t.id));
    }
    if (chosen.length === 0) {
      throw new HeadroomError(
        'INVALID_INPUT',
        `sweep ${id} has no failed or cancelled trials to retry`,
        [{ path: 'sweepId', message: 'no failed or cancelled trials' }],
      );
    }
    await this.temporal.retryTrials(
      id,
      parseSweepSpec(sweep.spec),
      chosen.map((t) => t.index),
      STATUS_DEADLINE_MS,
    );
    return this.require(id);
  }

  private async require(id: string): Promise<SweepRow> {
    const sweep = await getSweep(this.db, id);
    if (!sweep)
      throw new HeadroomError('NOT_FOUND', `no sweep ${id}; list sweeps with the sweeps query`, [
        { path: 'id', message: `no sweep ${id}` },
      ]);
    return sweep;
  }
}
