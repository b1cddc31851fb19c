import { setTimeout as delay } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { getSweep, listSweeps, type Database, type SweepRow } from '@headroom/db';
import { HeadroomError } from '@headroom/errors';
import { CONTROL_TASK_QUEUE, newSweepId, sweepWorkflowId } from '@headroom/sweep';
import { checkLimit, throwIfViolations } from '../common/limits';
import { API_ENV, DATABASE } from '../common/tokens';
import type { ApiEnv } from '../env';
import { TemporalService } from '../temporal/temporal.service';
import { parseSweepInput, type SweepSource } from './sweep-input';

const REGISTRATION_POLL_MS = 100;
const REGISTRATION_DEADLINE_MS = 20_000;

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
