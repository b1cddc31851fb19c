import { setTimeout as delay } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { getSweep, listSweeps, listTrials, type Database, type SweepRow } from '@headroom/db';
import { HeadroomError } from '@headroom/errors';
import { CONTROL_TASK_QUEUE, newSweepId, parseSweepSpec, sweepWorkflowId } from '@headroom/sweep';
import { checkLimit, throwIfViolations } from '../common/limits';
import { API_ENV, DATABASE } from '../common/tokens';
import type { ApiEnv } from '../env';
import { TemporalService } from '../temporal/temporal.service';
import { parseSweepInput, type SweepSource } from './sweep-input';

const REGISTRATION_POLL_MS = 100;
const REGISTRATION_DEADLINE_MS = 20_000;
/** How long pause / resume / cancel / retry wait for the status to show the change before returning. */
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
   * The API never writes the database: it starts the sweep workflow, whose first activity (on the
   * control worker) writes the sweep and its trials, and returns the sweep once that row exists.
   */
  async create(input: SweepSource): Promise<SweepRow> {
    const spec = parseSweepInput(input);
    const sweepId = newSweepId(Math.random);
    await this.temporal.startSweepWorkflow({ sweepId, spec });
    return this.waitForRegistration(sweepId);
  }

  /**
   * Pause / resume / cancel: signals the sweep's workflow, then waits briefly for the
   * status to show it (cancel ends once running trials stop, within one heartbeat).
   */
  async control(id: string, action: 'pause' | 'resume' | 'cancel'): Promise<SweepRow> {
    const sweep = await this.require(id);
    const target = { pause: 'paused', resume: 'running', cancel: 'cancelled' }[action];
    const FINAL = ['succeeded', 'failed', 'cancelled'];
    if (FINAL.includes(sweep.status) && action !== 'cancel') {
      throw new HeadroomError('INVALID_INPUT', `sweep ${id} has ${sweep.status}; only a running sweep can be ${action}d`, [
        { path: 'id', message: `sweep ${id} is ${sweep.status}` },
      ]);
    }
    if (sweep.status === target) return sweep;
    await this.temporal.signalSweep(id, action);
    return this.waitForStatus(id, (s) => s.status === target, STATUS_DEADLINE_MS);
  }

  /**
   * Runs failed and cancelled trials again from their newest checkpoint — all of them, or
   * the ones named — also after the sweep's workflow has ended.
   */
  async retryFailed(id: string, trialIds: string[] | null | undefined): Promise<SweepRow> {
    const sweep = await this.require(id);
    const trials = await listTrials(this.db, id);
    const retryable = trials.filter((t) => t.status === 'failed' || t.status === 'cancelled');
    let chosen = retryable;
    if (trialIds && trialIds.length > 0) {
      const byId = new Map(trials.map((t) => [t.id, t]));
      const violations = trialIds.flatMap((tid, i) => {
        const t = byId.get(tid);
        if (!t) return [{ path: `trialIds[${i}]`, message: `${tid} is not a trial of sweep ${id}` }];
        if (t.status !== 'failed' && t.status !== 'cancelled') {
          return [{ path: `trialIds[${i}]`, message: `${tid} is ${t.status}; only failed or cancelled trials can be retried` }];
        }
        return [];
      });
      throwIfViolations('retryFailedTrials', violations);
      chosen = retryable.filter((t) => trialIds.includes(t.id));
    }
    if (chosen.length === 0) {
      throw new HeadroomError('INVALID_INPUT', `sweep ${id} has no failed or cancelled trials to retry`, [
        { path: 'sweepId', message: 'no failed or cancelled trials' },
      ]);
    }
    await this.temporal.retryTrials(id, parseSweepSpec(sweep.spec), chosen.map((t) => t.index));
    const ids = new Set(chosen.map((t) => t.id));
    // Returns once every retried trial has left failed/cancelled (it is queued or running again).
    await this.waitForTrials(id, (rows) => rows.filter((t) => ids.has(t.id)).every((t) => t.status !== 'failed' && t.status !== 'cancelled'));
    return this.require(id);
  }

  private async require(id: string): Promise<SweepRow> {
    const sweep = await getSweep(this.db, id);
    if (!sweep) throw new HeadroomError('NOT_FOUND', `no sweep ${id}; list sweeps with the sweeps query`, [{ path: 'id', message: `no sweep ${id}` }]);
    return sweep;
  }

  private async waitForStatus(id: string, done: (s: SweepRow) => boolean, deadlineMs: number): Promise<SweepRow> {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      const sweep = await this.require(id);
      if (done(sweep) || Date.now() >= deadline) return sweep;
      await delay(REGISTRATION_POLL_MS);
    }
  }

  private async waitForTrials(id: string, done: (rows: Awaited<ReturnType<typeof listTrials>>) => boolean): Promise<void> {
    const deadline = Date.now() + STATUS_DEADLINE_MS;
    while (Date.now() < deadline && !done(await listTrials(this.db, id))) await delay(REGISTRATION_POLL_MS);
  }

  private async waitForRegistration(sweepId: string): Promise<SweepRow> {
    const deadline = Date.now() + REGISTRATION_DEADLINE_MS;
    for (;;) {
      const sweep = await getSweep(this.db, sweepId);
      if (sweep) return sweep;
      if (Date.now() >= deadline) break;
      await delay(REGISTRATION_POLL_MS);
    }
    throw new HeadroomError(
      'CONFIG',
      `sweep ${sweepId} was started (Temporal workflow ${sweepWorkflowId(sweepId)} at ${this.env.TEMPORAL_ADDRESS}, ` +
        `namespace ${this.env.TEMPORAL_NAMESPACE}) but no control worker registered it within ${REGISTRATION_DEADLINE_MS / 1000} s: ` +
        `is \`headroom worker --control\` (or \`headroom up\`) running on task queue ${CONTROL_TASK_QUEUE}, ` +
        'with the same Temporal namespace and database as this API? The workflow stays queued and runs when one starts.',
      [{ path: 'input', message: `sweep ${sweepId} not registered by a control worker within ${REGISTRATION_DEADLINE_MS / 1000} s` }],
    );
  }
}
