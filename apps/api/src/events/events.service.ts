import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import {
  type Database,
  type DatabaseEvent,
  type DatabaseEventListener,
  type DbHandle,
  getSweep,
  type SweepRow,
  sweepsByIds,
  type TrialRow,
  trialsAt,
  trialsChangedSince,
  type WorkerRow,
  workersByIds,
  workersChangedSince,
} from '@headroom/db';
import { HeadroomError } from '@headroom/errors';
import { DATABASE, DATABASE_EVENTS } from '../common/tokens';
import { RowStream } from './row-stream';

/** How the API hears of the database's writes: `DbHandle.listen` (a dedicated connection or PGlite's own). */
export type DatabaseEvents = Pick<DbHandle, 'listen'>;

interface Changes {
  trials: Map<string, Set<number>>;
  sweeps: Set<string>;
  workers: Set<string>;
  /** After a gap in the notifications: everything written since then. */
  since?: Date;
}

/**
 * Holds the one database listener of the process and the open subscriptions. Events are handled
 * in order, a batch at a time: while one batch's rows load, the next events gather, and each
 * batch reads each kind of row in one query however many subscribers want them. An event nobody
 * subscribed to reads nothing.
 */
@Injectable()
export class EventsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Events');
  private listener: DatabaseEventListener | undefined;
  private readonly trialStreams = new Map<string, Set<RowStream<TrialRow>>>();
  private readonly sweepStreams = new Map<string, Set<RowStream<SweepRow>>>();
  private readonly workerStreams = new Set<RowStream<WorkerRow>>();
  private pending: Changes = emptyChanges();
  private pumping: Promise<void> | undefined;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(DATABASE_EVENTS) private readonly source: DatabaseEvents,
  ) {}

  async onModuleInit(): Promise<void> {
    this.listener = await this.source.listen({
      onEvent: (e) => this.note(e),
      onGap: (since) => {
        this.logger.warn(`listening again; re-sending what changed since ${since.toISOString()}`);
        this.pending.since =
          this.pending.since && this.pending.since < since ? this.pending.since : since;
        this.pump();
      },
      onError: (err) => this.logger.warn(`database events: ${err.message}; reconnecting`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.close();
    const all = [
      ...[...this.trialStreams.values()].flatMap((s) => [...s]),
      ...[...this.sweepStreams.values()].flatMap((s) => [...s]),
      ...this.workerStreams,
    ];
    for (const stream of all) stream.end();
    await this.pumping;
  }

  /** A sweep's trials as they change (status, epochs, attempts, resumes), from now on. */
  trials(sweepId: string): RowStream<TrialRow> {
    return this.open(this.trialStreams, sweepId);
  }

  /** The sweep as it is now, then each time it changes; NOT_FOUND when there is no such sweep. */
  async sweep(id: string): Promise<RowStream<SweepRow>> {
    const stream = this.open(this.sweepStreams, id);
    const row = await getSweep(this.db, id).catch((err: unknown) => {
      stream.end();
      throw err;
    });
    if (!row) {
      stream.end();
      throw new HeadroomError('NOT_FOUND', `sweep ${id} does not exist`);
    }
    stream.push([row]);
    return stream;
  }

  /** Train workers as they register, report and stop. */
  workers(): RowStream<WorkerRow> {
    const stream = new RowStream<WorkerRow>(() => this.workerStreams.delete(stream));
    this.workerStreams.add(stream);
    return stream;
  }

  private open<T extends { id: string; updatedAt: Date }>(
    streams: Map<string, Set<RowStream<T>>>,
    key: string,
  ): RowStream<T> {
    const set = streams.get(key) ?? new Set<RowStream<T>>();
    streams.set(key, set);
    const stream: RowStream<T> = new RowStream<T>(() => {
      set.delete(stream);
      if (set.size === 0 && streams.get(key) === set) streams.delete(key);
    });
    set.add(stream);
    return stream;
  }

  private note(e: DatabaseEvent): void {
    if (e.kind === 'trial') {
      if (!this.trialStreams.has(e.sweepId)) return;
      const indexes = this.pending.trials.get(e.sweepId) ?? new Set<number>();
      for (const i of e.indexes) indexes.add(i);
      this.pending.trials.set(e.sweepId, indexes);
    } else if (e.kind === 'sweep') {
      if (!this.sweepStreams.has(e.id)) return;
      this.pending.sweeps.add(e.id);
    } else {
      if (this.workerStreams.size === 0) return;
      this.pending.workers.add(e.id);
    }
    this.pump();
  }

  private pump(): void {
    this.pumping ??= (async () => {
      try {
        while (hasChanges(this.pending)) {
          const batch = this.pending;
          this.pending = emptyChanges();
          await this.deliver(batch).catch((err: unknown) =>
            this.logger.error(
              `database events: loading changed rows failed: ${err instanceof Error ? err.message : String(err)}`,
            ),
          );
        }
      } finally {
        this.pumping = undefined;
      }
    })();
  }

  private async deliver(batch: Changes): Promise<void> {
    const { since } = batch;
    if (since) {
      for (const id of this.trialStreams.keys()) batch.trials.set(id, new Set());
      for (const id of this.sweepStreams.keys()) batch.sweeps.add(id);
    }
    const [trialLists, sweepRows, workerRows] = await Promise.all([
      Promise.all(
        [...batch.trials].map(async ([sweepId, indexes]) => {
          const rows = since
            ? await trialsChangedSince(this.db, sweepId, since)
            : await trialsAt(this.db, sweepId, [...indexes]);
          return [sweepId, rows] as const;
        }),
      ),
      sweepsByIds(this.db, [...batch.sweeps]),
      this.workerStreams.size === 0
        ? []
        : since
          ? workersChangedSince(this.db, since)
          : workersByIds(this.db, [...batch.workers]),
    ]);
    for (const [sweepId, rows] of trialLists)
      for (const stream of this.trialStreams.get(sweepId) ?? []) stream.push(rows);
    for (const row of sweepRows)
      for (const stream of this.sweepStreams.get(row.id) ?? []) stream.push([row]);
    for (const stream of this.workerStreams) stream.push(workerRows);
  }
}

function emptyChanges(): Changes {
  return { trials: new Map(), sweeps: new Set(), workers: new Set() };
}

function hasChanges(c: Changes): boolean {
  return c.since !== undefined || c.trials.size > 0 || c.sweeps.size > 0 || c.workers.size > 0;
}
