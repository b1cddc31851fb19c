/**
 * Collects updates keyed by id and hands them over at most once per `schedule` tick (an
 * animation frame in the page), the latest per key: a burst of 500 trial events costs one
 * render, not 500. Pure apart from the scheduler it is given, so it is tested without a browser.
 */
export function createBatcher<T>(
  keyOf: (item: T) => string,
  flush: (items: T[]) => void,
  schedule: (run: () => void) => void,
): { push(item: T): void } {
  let pending = new Map<string, T>();
  let scheduled = false;
  return {
    push(item) {
      pending.set(keyOf(item), item);
      if (scheduled) return;
      scheduled = true;
      schedule(() => {
        scheduled = false;
        const items = [...pending.values()];
        pending = new Map();
        if (items.length > 0) flush(items);
      });
    },
  };
}

/** Per animation frame in a visible tab; a hidden tab gets no frames, so fall back to a timer. */
export function nextFrame(run: () => void): void {
  if (typeof document !== 'undefined' && document.visibilityState === 'visible')
    requestAnimationFrame(run);
  else setTimeout(run, 250);
}
