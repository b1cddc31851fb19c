import { HeadroomError } from '@headroom/errors';

/** The options every image batch stream (COCO, ChestX-ray14) takes besides its data. */
export interface StreamOptions {
  batchSize: number;
  seed: number;
  epoch: number;
  /** Batches decoded ahead while the consumer works on the current one (default 2; 0 = on demand). */
  prefetch?: number;
  /** Skip a last batch smaller than batchSize (default false: every sample is visited). */
  dropLast?: boolean;
  /** Images decoded at once within a batch (default 4; sharp decodes off the main thread). */
  decodeConcurrency?: number;
}

/** `options` checked (INVALID_INPUT naming the field) with the defaults filled in. */
export function streamOptions(options: StreamOptions): Required<StreamOptions> {
  const { batchSize, seed, epoch, prefetch = 2, dropLast = false, decodeConcurrency = 4 } = options;
  const atLeast = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min)
      throw new HeadroomError('INVALID_INPUT', `${name} must be an integer ≥ ${min}, got ${v}`);
  };
  atLeast('batchSize', batchSize, 1);
  atLeast('epoch', epoch, 0);
  atLeast('prefetch', prefetch, 0);
  atLeast('decodeConcurrency', decodeConcurrency, 1);
  if (!Number.isSafeInteger(seed))
    throw new HeadroomError('INVALID_INPUT', `seed must be an integer, got ${seed}`);
  return { batchSize, seed, epoch, prefetch, dropLast, decodeConcurrency };
}

/**
 * Items 0..count-1 loaded in order, up to `prefetch` ahead of the consumer, as an async
 * generator: loading overlaps the consumer's work while memory holds at most `prefetch + 1`
 * items. Item k+1 starts loading when item k is done, so the one the consumer needs next
 * never waits behind later ones. Leaving the loop early stops loading further items.
 * `onScheduled` is told of each item as it is queued (streams count them for their tests).
 */
export async function* prefetchInOrder<T>(
  count: number,
  prefetch: number,
  load: (k: number) => Promise<T>,
  onScheduled: (k: number) => void = () => {},
): AsyncGenerator<T, void, undefined> {
  const pending: Array<Promise<T>> = [];
  let previous: Promise<unknown> = Promise.resolve();
  let scheduled = 0;
  let closed = false;
  const schedule = () => {
    const k = scheduled++;
    onScheduled(k);
    const run = () => (closed ? Promise.reject(new Error('stream closed')) : load(k));
    const p = previous.then(run, run);
    // Failures surface when the item is awaited; this only stops Node from reporting an
    // unhandled rejection for an item the consumer never reached.
    p.catch(() => undefined);
    previous = p;
    pending.push(p);
  };
  try {
    for (let k = 0; k < count; k++) {
      while (scheduled < count && scheduled <= k + prefetch) schedule();
      yield await (pending.shift() as Promise<T>);
    }
  } finally {
    closed = true;
  }
}
