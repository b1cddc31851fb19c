import { Inject, Injectable } from '@nestjs/common';
import {
  bestEpochValue,
  claimSweep,
  getSweep,
  getTrial,
  groupedLeaderboard,
  listSweeps,
  listTrials,
  type ApiTokenInfo,
  type Database,
  type SweepRow,
  type TrialRow,
} from '@headroom/db';
import { HeadroomError, isHeadroomError } from '@headroom/errors';
import {
  countTrials,
  isFinalSweepStatus,
  isRetryableTrialStatus,
  newSweepId,
  parseSweepSpec,
} from '@headroom/sweep';
import { sweepActionRefused, type SweepChange } from '@headroom/sweep/temporal';
import { checkLimit, throwIfViolations } from '../common/limits';
import { API_ENV, DATABASE } from '../common/tokens';
import type { ApiEnv } from '../env';
import { TemporalService } from '../temporal/temporal.service';
import { parseSweepInput, refuseWhatCannotRunYet, type SweepSource } from './sweep-input';
import type { SweepChangeInput } from './sweep-change.input';
import type { SweepValidation } from './sweep-validation.model';

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
   * The API writes no sweep or trial: createSweep claims the sweep's id for its owner (the API's
   * own access tables), then sends an update-with-start of the sweep's workflow, which returns once
   * its first activity (on the control worker) has written the sweep and its trials.
   */
  async create(input: SweepSource, caller: ApiTokenInfo): Promise<SweepRow> {
    const spec = parseSweepInput(input);
    const sweepId = newSweepId(Math.random);
    // Claimed before the workflow starts, so a sweep is never without its owner.
    await claimSweep(this.db, { sweepId, owner: caller.owner, tokenId: caller.id });
    await this.temporal.createSweep(
      { sweepId, spec },
      this.env.HEADROOM_REGISTRATION_TIMEOUT_SECONDS * 1000,
    );
    return this.require(sweepId);
  }

  /** The best value of the sweep's metric over its succeeded trials' epochs (the leaderboard's BEST). */
  async best(sweep: SweepRow): Promise<number | null> {
    // Leaderboards rank a task's trials; a program sweep's trials are in none: its own epochs.
    if (sweep.task === null)
      return bestEpochValue(this.db, {
        sweepId: sweep.id,
        metric: sweep.metricName,
        goal: sweep.metricGoal,
      });
    const page = await groupedLeaderboard(this.db, {
      task: sweep.task,
      metric: sweep.metricName,
      goal: sweep.metricGoal,
      groupBy: 'trial',
      epoch: 'best',
      sweepIds: [sweep.id],
      limit: 1,
    });
    return page.rows[0]?.mean ?? null;
  }

  /** Trials of one sweep by id, in the order asked (the page's learning curves ask for a few). */
  async trialsByIds(sweepId: string, ids: readonly string[]): Promise<TrialRow[]> {
    if (ids.length > 100)
      throwIfViolations('trialsByIds', [
        { path: 'ids', message: `at most 100 ids at a time; got ${ids.length}` },
      ]);
    const rows = await Promise.all(ids.map((id) => getTrial(this.db, id)));
    return rows.filter((t): t is TrialRow => t?.sweepId === sweepId);
  }

  /**
   * What create would refuse, as data: the same parsing and checks (`parseSweepInput`), every
   * violation at its path, and how many trials a valid spec expands to (null for a sweep that
   * runs until stopped). Nothing is started.
   */
  validate(input: SweepSource): SweepValidation {
    const invalid = (violations: SweepValidation['violations']): SweepValidation => ({
      valid: false,
      violations,
      trialCount: null,
      name: null,
      task: null,
      method: null,
      metric: null,
      goal: null,
    });
    try {
      const spec = parseSweepInput(input);
      return {
        valid: true,
        violations: [],
        trialCount: countTrials(spec),
        name: spec.name,
        task: spec.task ?? null,
        method: spec.method,
        metric: spec.metric?.name ?? null,
        goal: spec.metric?.goal ?? null,
      };
    } catch (err) {
      if (!isHeadroomError(err) || (err.code !== 'INVALID_SPEC' && err.code !== 'INVALID_INPUT'))
        throw err;
      return invalid(
        err.violations.length > 0 ? [...err.violations] : [{ path: 'input', message: err.message }],
      );
    }
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
   * updateSweep: the change goes to the sweep's workflow, whose validator refuses what cannot
   * apply (every refusal an INVALID_INPUT naming the field) and returns once it is in effect.
   */
  async update(id: string, input: SweepChangeInput): Promise<SweepRow> {
    const sweep = await this.require(id);
    const change: SweepChange = {
      ...(input.runCap != null ? { runCap: input.runCap } : {}),
      ...(input.maxConcurrent != null ? { maxConcurrent: input.maxConcurrent } : {}),
      ...(input.add != null
        ? {
            add: input.add.map((a) => ({
              parameter: a.parameter,
              values: a.values as NonNullable<SweepChange['add']>[number]['values'],
            })),
          }
        : {}),
      ...(input.stop != null ? { stop: input.stop } : {}),
    };
    const outcome = await this.temporal.updateSweep(id, change, STATUS_DEADLINE_MS);
    if (outcome.kind === 'ended') {
      if (isFinalSweepStatus(sweep.status)) throw sweepActionRefused(id, 'update', sweep.status);
      throw new HeadroomError(
        'INVALID_INPUT',
        `sweep ${id} is not running (its workflow has ended), so it cannot be updated`,
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
      refuseWhatCannotRunYet(parseSweepSpec(sweep.spec)),
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
