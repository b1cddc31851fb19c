import type { Goal, Trial } from './queries';

// Pure helpers shared by the pages (unit-tested in format.test.ts).

/** The unit a metric is printed in: MPJPE and P-MPJPE in mm; AP, AR and AUC are fractions. */
export function metricUnit(metric: string): string {
  return metric === 'mpjpe' || metric === 'p_mpjpe' ? 'mm' : '';
}

/** A metric name with its unit, for axes and headers: "mpjpe (mm)". */
export function metricLabel(metric: string): string {
  const unit = metricUnit(metric);
  return unit ? `${metric} (${unit})` : metric;
}

/** A metric's value as the JSON maps carry it: a finite number, else none (null, absent, NaN). */
export function isMetricValue(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Millimetres with one decimal, fractions with three (AP 0.726, AUC 0.834). */
export function formatMetric(metric: string, value: unknown): string {
  if (!isMetricValue(value)) return '–';
  return metricUnit(metric) === 'mm' ? value.toFixed(1) : value.toFixed(3);
}

/** 1234567 → "1.23M", 45100 → "45.1k". */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toPrecision(3)}M`;
  if (Math.abs(n) >= 1e3) return `${(n / 1e3).toPrecision(3)}k`;
  return String(n);
}

/** "3 min ago" style, from an ISO date and now. */
export function formatAgo(iso: string, now: number = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/**
 * Orders values best first by the goal; missing values always last, whatever the direction.
 * `ascending` flips the goal's order (a click on the column header).
 */
export function compareByGoal(a: unknown, b: unknown, goal: Goal, reversed = false): number {
  if (!isMetricValue(a) || !isMetricValue(b)) {
    const missingA = !isMetricValue(a);
    return missingA === !isMetricValue(b) ? 0 : missingA ? 1 : -1;
  }
  const d = goal === 'minimize' ? a - b : b - a;
  return reversed ? -d : d;
}

/** The best of some values by the goal; null when there are none. */
export function bestOf(values: unknown[], goal: Goal): number | null {
  let best: number | null = null;
  for (const v of values) {
    if (!isMetricValue(v)) continue;
    if (best === null || (goal === 'minimize' ? v < best : v > best)) best = v;
  }
  return best;
}

/** The geometry and search parameters shown as their own columns, in the thesis's order. */
export const GEOMETRY = ['d_m', 'heads', 'd_h', 'qk_tied'] as const;

/**
 * The parameters besides the geometry that differ between trials (lr, layers, seed…): the
 * table and the parallel-coordinates chart show those, not the constants.
 */
export function varyingParams(
  trials: readonly Trial[],
  skip: readonly string[] = GEOMETRY,
): string[] {
  const seen = new Map<string, string>();
  const varying = new Set<string>();
  for (const t of trials) {
    for (const [k, v] of Object.entries(t.params)) {
      if (skip.includes(k)) continue;
      const s = JSON.stringify(v);
      const before = seen.get(k);
      if (before === undefined) seen.set(k, s);
      else if (before !== s) varying.add(k);
    }
  }
  return [...varying].sort();
}

/** A parameter's value as a cell shows it. */
export function formatParam(v: unknown): string {
  if (v === undefined || v === null) return '–';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(+v.toPrecision(4));
  return String(v);
}
