import type { MetricValues } from '@headroom/sweep';

/** One progress line of a program: `{"epoch": 3, "val_loss": 0.21}`. */
export interface ProgressLine {
  /** `epoch`, else `_step` (W&B's step), when the line gives a whole number ≥ 0. */
  epoch?: number;
  metrics: MetricValues;
}

/** Keys that say where a line is, not what was measured. */
const POSITION_KEYS = ['epoch', '_step'] as const;

/**
 * A line of the program's stdout as progress, or undefined when it is not a JSON object (any
 * other output is only logged). Numbers and nulls are metrics; strings, booleans, lists and
 * nested objects are left out (they are in the log).
 */
export function parseProgressLine(line: string): ProgressLine | undefined {
  const text = line.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const metrics: MetricValues = {};
  for (const [name, v] of Object.entries(record)) {
    if ((POSITION_KEYS as readonly string[]).includes(name)) continue;
    if (v === null || (typeof v === 'number' && Number.isFinite(v))) metrics[name] = v;
  }
  const position = POSITION_KEYS.map((k) => record[k]).find(
    (v): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0,
  );
  return position === undefined ? { metrics } : { epoch: position, metrics };
}

/**
 * A program's progress over an attempt: each line becomes an epoch (its own number, else the one
 * after the last), and the final metrics are the latest value of each metric reported — starting
 * from what an earlier attempt reported (its heartbeat), so a resumed program that reports
 * nothing new still ends with them.
 */
export class ProgressTracker {
  private lastEpoch: number;
  private readonly latest: MetricValues;

  constructor(previous?: { epoch: number; metrics?: MetricValues }) {
    this.lastEpoch = previous?.epoch ?? 0;
    this.latest = { ...previous?.metrics };
  }

  /** The epoch report of a progress line, or undefined when it has no metric. */
  take(line: ProgressLine): { epoch: number; metrics: MetricValues } | undefined {
    if (Object.keys(line.metrics).length === 0) return undefined;
    const epoch = line.epoch ?? this.lastEpoch + 1;
    this.lastEpoch = epoch;
    Object.assign(this.latest, line.metrics);
    return { epoch, metrics: line.metrics };
  }

  get epoch(): number {
    return this.lastEpoch;
  }

  get metrics(): MetricValues {
    return { ...this.latest };
  }
}
