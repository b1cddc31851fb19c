/**
 * One subscription's rows, as an async iterator for graphql-js. A row goes out only when it is
 * newer (`updatedAt`, strictly increasing per row) than the last one sent with its id, so the
 * repeats a batch or a re-sync after a gap would cause are dropped here. Rows waiting for a slow
 * client are conflated by id: a newer version replaces the queued one in its place, so the queue
 * holds at most one row per id (a sweep's trials) however far the client falls behind, and what it
 * gets is each row's latest state.
 */
export class RowStream<
  T extends { id: string; updatedAt: Date },
> implements AsyncIterableIterator<T> {
  private readonly queue = new Map<string, T>();
  private readonly sent = new Map<string, number>();
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private done = false;

  constructor(private readonly onEnd: () => void) {}

  push(rows: readonly T[]): void {
    if (this.done) return;
    for (const row of rows) {
      const at = row.updatedAt.getTime();
      if ((this.sent.get(row.id) ?? Number.NEGATIVE_INFINITY) >= at) continue;
      this.sent.set(row.id, at);
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) waiting({ value: row, done: false });
      else this.queue.set(row.id, row);
    }
  }

  next(): Promise<IteratorResult<T>> {
    const first = this.queue.entries().next();
    if (!first.done) {
      const [id, row] = first.value;
      this.queue.delete(id);
      return Promise.resolve({ value: row, done: false });
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** The client unsubscribed or went away (graphql-js calls this). */
  return(): Promise<IteratorResult<T>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Ends the stream (also on shutdown): what is queued is dropped, a waiting `next` finishes. */
  end(): void {
    if (this.done) return;
    this.done = true;
    this.queue.clear();
    this.onEnd();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
