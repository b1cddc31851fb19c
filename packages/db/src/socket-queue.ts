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

/** The fields of pglite-socket's (unexported) connection handlers the notification relay writes to. */
interface HandlerInternals {
  id: number;
  socket: { writable: boolean; write(data: Uint8Array): boolean } | null;
}

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
 *
 * It also relays LISTEN/NOTIFY. On the shared session, the NotificationResponse of a NOTIFY arrives
 * in the output of whichever connection's message committed it (the writer), never on the
 * connection that ran LISTEN (measured with 0.2.17: a listener over the wire received nothing).
 * So the notifications are taken out of every output and written to the connections that listen
 * on their channel (`relayNotifications`), as Postgres would, after the message that committed them.
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
  const relay = relayNotifications(server, (message) =>
    run(message, () => undefined).catch(() => undefined),
  );

  let pinned: number | null = null; // connection whose extended-protocol batch is open
  let running: number | null = null; // connection whose message PGlite is executing
  let runningLeft = false; // that connection closed while its message ran

  const run = (message: Uint8Array, onData: (data: Uint8Array) => void) =>
    db.runExclusive(() => db.execProtocolRawStream(message, { onRawData: onData }));

  async function release(handlerId: number): Promise<void> {
    relay.forget(handlerId);
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
        const output = relay.filter(item.handlerId, item.message, (data) => {
          bytes += data.length;
          item.onData(data);
        });
        try {
          await run(item.message, output);
        } catch (err) {
          failure = { err };
        }
        running = null;
        await relay.deliver();
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
    relay.forget(handlerId);
    if (running === handlerId)
      runningLeft = true; // processQueue releases it once the message is done
    else await release(handlerId);
    await queue.processQueue();
  };
}

const NOTIFICATION = 0x41; // 'A' NotificationResponse
const QUERY = 0x51; // 'Q' simple query
const PARSE = 0x50; // 'P' Parse
const LISTEN_STATEMENT = /\b(UNLISTEN|LISTEN)\s+("(?:[^"]|"")+"|[A-Za-z_][\w$]*|\*)/gi;

interface Notification {
  channel: string;
  message: Uint8Array;
}

/**
 * The LISTEN/NOTIFY relay of `isolateExtendedProtocolBatches`. `filter` wraps one message's output:
 * it notes the LISTEN / UNLISTEN the message runs and takes NotificationResponses out of the
 * output; `deliver` then writes them to the connections listening on their channel. Only
 * statements sent as text (pg sends LISTEN as a simple query) are seen; a connection that leaves
 * stops listening. Because PGlite has one session, an UNLISTEN would silence every connection on
 * that channel: the relay sends LISTEN again for the channels other connections still want.
 */
function relayNotifications(
  server: PGLiteSocketServer,
  runQuiet: (message: Uint8Array) => Promise<void>,
) {
  const channels = new Map<number, Set<string>>();
  let pending: Notification[] = [];
  let relisten = new Set<string>();

  const socketOf = (handlerId: number) => {
    const handlers = (server as unknown as { handlers?: Set<HandlerInternals> }).handlers;
    for (const h of handlers ?? []) if (h.id === handlerId) return h.socket;
    return null;
  };

  function noteListens(handlerId: number, message: Uint8Array): void {
    const text = statementText(message);
    if (text === null || !/listen/i.test(text)) return;
    for (const [, verb, name] of text.matchAll(LISTEN_STATEMENT)) {
      const mine = channels.get(handlerId) ?? new Set<string>();
      channels.set(handlerId, mine);
      const channel = name!.startsWith('"')
        ? name!.slice(1, -1).replaceAll('""', '"')
        : name!.toLowerCase();
      if (verb!.toUpperCase() === 'LISTEN') mine.add(channel);
      else
        for (const c of channel === '*' && !name!.startsWith('"') ? [...mine] : [channel]) {
          mine.delete(c);
          relisten.add(c);
        }
    }
  }

  return {
    filter(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void) {
      noteListens(handlerId, message);
      const split = new BackendMessageSplitter(onData, (m) =>
        pending.push({ channel: notificationChannel(m), message: m }),
      );
      return (data: Uint8Array) => split.push(data);
    },
    async deliver(): Promise<void> {
      const wanted = [...relisten].filter((c) => [...channels.values()].some((s) => s.has(c)));
      relisten = new Set();
      for (const c of wanted) await runQuiet(simpleQuery(`LISTEN "${c.replaceAll('"', '""')}"`));
      const notifications = pending;
      pending = [];
      for (const n of notifications) {
        for (const [handlerId, listened] of channels) {
          if (!listened.has(n.channel)) continue;
          const socket = socketOf(handlerId);
          if (socket?.writable) socket.write(n.message);
        }
      }
    },
    forget(handlerId: number): void {
      channels.delete(handlerId);
    },
  };
}

/** The SQL text of a simple Query or a Parse message; null for any other message. */
function statementText(message: Uint8Array): string | null {
  const type = message[0];
  if (type !== QUERY && type !== PARSE) return null;
  let start = 5;
  if (type === PARSE) start = message.indexOf(0, start) + 1; // skip the statement name
  const end = message.indexOf(0, start);
  if (start <= 0 || end < 0) return null;
  return Buffer.from(message.buffer, message.byteOffset + start, end - start).toString('utf8');
}

function notificationChannel(message: Uint8Array): string {
  const start = 9; // type, length, sender pid
  const end = message.indexOf(0, start);
  return Buffer.from(message.buffer, message.byteOffset + start, end - start).toString('utf8');
}

function simpleQuery(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const message = Buffer.alloc(5 + text.length);
  message[0] = QUERY;
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return message;
}

/**
 * Splits a stream of backend messages as it arrives (a message or its header may span chunks):
 * NotificationResponses go to `onNotification` whole, everything else passes to `onData`
 * unchanged, a run of messages at a time.
 */
class BackendMessageSplitter {
  private readonly header = new Uint8Array(5);
  /** Header bytes read so far (held back until the type is known). */
  private headerLength = 0;
  /** Bytes of the current message's body still to come. */
  private remaining = 0;
  private notification: Uint8Array | null = null;
  private filled = 0;

  constructor(
    private readonly onData: (data: Uint8Array) => void,
    private readonly onNotification: (message: Uint8Array) => void,
  ) {}

  push(data: Uint8Array): void {
    let at = 0;
    let passFrom = 0;
    const flush = (end: number) => {
      if (end > passFrom) this.onData(data.subarray(passFrom, end));
      passFrom = end;
    };
    while (at < data.length) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, data.length - at);
        this.notification?.set(data.subarray(at, at + n), this.filled);
        this.filled += n;
        at += n;
        this.remaining -= n;
        if (this.remaining === 0 && this.notification) {
          this.endNotification();
          passFrom = at;
        }
        continue;
      }
      const held = this.headerLength;
      if (held === 0) flush(at);
      const n = Math.min(5 - held, data.length - at);
      this.header.set(data.subarray(at, at + n), held);
      this.headerLength += n;
      at += n;
      if (this.headerLength < 5) {
        passFrom = data.length; // the partial header waits for the next chunk
        break;
      }
      this.headerLength = 0;
      const length = new DataView(this.header.buffer).getInt32(1);
      this.remaining = length - 4;
      if (this.header[0] === NOTIFICATION) {
        this.notification = new Uint8Array(1 + length);
        this.notification.set(this.header);
        this.filled = 5;
        passFrom = at;
        if (this.remaining === 0) this.endNotification();
      } else {
        if (held > 0) this.onData(this.header.slice(0, held));
        passFrom = at - n;
      }
    }
    if (!this.notification && this.headerLength === 0) flush(data.length);
  }

  private endNotification(): void {
    this.onNotification(this.notification!);
    this.notification = null;
  }
}
