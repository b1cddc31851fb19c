import { useEffect, useRef, useState } from 'react';
import { ApiError } from './api';

/**
 * Loads now and again every `everyMs` while mounted (and when `deps` change), keeping the last
 * good value on a failed refresh. For lists the API has no subscription for.
 */
export function usePolled<T>(
  load: () => Promise<T>,
  everyMs: number,
  deps: readonly unknown[],
): { data: T | undefined; error: string | undefined; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const value = await loadRef.current();
        if (stopped) return;
        setData(value);
        setError(undefined);
      } catch (err) {
        if (!stopped) setError(errorText(err));
      }
      if (!stopped) timer = setTimeout(() => void run(), everyMs);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // deps are the caller's: the load function changes every render, its inputs do not.
  }, [everyMs, tick, ...deps]);

  return { data, error, reload: () => setTick((t) => t + 1) };
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError && err.violations.length > 0)
    return `${err.message} (${err.violations.map((v) => `${v.path}: ${v.message}`).join('; ')})`;
  return err instanceof Error ? err.message : String(err);
}
