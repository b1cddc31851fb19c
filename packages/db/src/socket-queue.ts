import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { HeadroomError } from '@headroom/errors';

/** The fields of pglite-socket's (unexported) QueryQueueManager this module relies on; 0.2.17 is pinned. */
interface QueueInternals {
  queue: QueuedMessage[];
  processing: boolean;
  db: PGlite;
  lastHandlerId: number | null;
  processQueue(): Promise<void>;
  clearTransactionIfNeeded(handlerId: number): Promise<void>;
}

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(err: unknown): void;
}

// Frontend messages that leave an extended-protocol batch open until the client's Sync ('S').
const BATCH_MESSAGES = new Set([
  0x50 /* Parse */, 0x42 /* Bind */, 0x44 /* Describe */, 0x45 /* Execute */, 0x43 /* Close */,
  0x48 /* Flush */,
]);
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

/**
 * Makes PGLiteSocketServer safe for several `pg` clients at once.
 *
 * All connections share PGlite's single session, and pglite-socket 0.2.17 only keeps a connection's
 * messages together while a transaction is open. A parameterised query outside a transaction is
 * Parse/Bind/Describe/Execute/Sync; when another connection's Parse lands in between, it replaces the
 * unnamed statement and the first client binds to the wrong SQL (electric-sql/pglite#1046, reproduced
 * by socket-queue.test.ts). This replaces the queue's scheduler so a connection keeps PGlite from its
 * first batch message to its Sync (and, as before, through a transaction), so that one failed message
 * no longer stops the queue, and so that a client leaving mid-batch or mid-transaction releases it.
 */
export function isolateExtendedProtocolBatches(server: PGLiteSocketServer): void {
  const q = (server as unknown as { queryQueue?: Partial<QueueInternals> }).queryQueue;
  if (
    !q ||
    !Array.isArray(q.queue) ||
    typeof q.processQueue !== 'function' ||
    typeof q.clearTransactionIfNeeded !== 'function' ||
    typeof q.db?.execProtocolRawStream !== 'function'
  ) {
    throw new HeadroomError(
      'INTERNAL',
      'the installed @electric-sql/pglite-socket no longer has the query queue packages/db/src/socket-queue.ts patches; review it against that version',
    );
  }
  const queue = q as QueueInternals;
  const db = queue.db;

  let pinned: number | null = null; // connection whose extended-protocol batch is open
  let running: number | null = null; // connection whose message PGlite is executing
  let runningLeft = false; // that connection closed while its message ran

  const run = (message: Uint8Array, onData: (data: Uint8Array) => void) =>
    db.runExclusive(() => db.execProtocolRawStream(message, { onRawData: onData }));

  async function release(handlerId: number): Promise<void> {
    if (pinned === handlerId) {
      pinned = null;
      // Close the departed client's half-sent batch; after an error PGlite would skip messages until a Sync.
      await run(SYNC, () => undefined).catch(() => undefined);
    }
    if (db.isInTransaction() && queue.lastHandlerId === handlerId) {
      queue.lastHandlerId = null;
      await db.exec('ROLLBACK').catch(() => undefined);
    }
  }

  queue.processQueue = async () => {
    if (queue.processing) return;
    queue.processing = true;
    try {
      while (queue.queue.length > 0) {
        const owner = pinned ?? (db.isInTransaction() ? queue.lastHandlerId : null);
        const at = owner === null ? 0 : queue.queue.findIndex((m) => m.handlerId === owner);
        if (at === -1) break; // the owner's next message restarts processing
        const item = queue.queue.splice(at, 1)[0]!;
        running = item.handlerId;
        runningLeft = false;
        let bytes = 0;
        let failure: { err: unknown } | undefined;
        try {
          await run(item.message, (data) => {
            bytes += data.length;
            item.onData(data);
          });
        } catch (err) {
          failure = { err };
        }
        running = null;
        queue.lastHandlerId = item.handlerId;
        const type = item.message[0];
        pinned = type !== undefined && BATCH_MESSAGES.has(type) ? item.handlerId : null;
        if (runningLeft) await release(item.handlerId);
        if (failure) item.reject(failure.err);
        else item.resolve(bytes);
      }
    } finally {
      queue.processing = false;
    }
  };

  queue.clearTransactionIfNeeded = async (handlerId: number) => {
    if (running === handlerId)
      runningLeft = true; // processQueue releases it once the message is done
    else await release(handlerId);
    await queue.processQueue();
  };
}
