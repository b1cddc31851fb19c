import type { MetricGoal } from '@headroom/sweep';

export interface ParetoOptions<T> {
  /** What a row costs (parameter count, FLOPs); rows without a finite cost are left out. */
  cost: (row: T) => number | null | undefined;
  /** The metric value; rows without a finite value are left out. */
  value: (row: T) => number | null | undefined;
  goal: MetricGoal;
}

/**
 * The non-dominated rows, cheapest first: a row stays when no other row costs at most as much and
 * is at least as good. A row is dropped when a cheaper-or-equal row is as good or better, so of
 * rows with equal cost only the best survives, and of exact duplicates (equal cost and value) only
 * the first in the input order: callers pass rows in a deterministic order (the ranking's) and get
 * a deterministic front. Pure: no database, no mutation of `rows`.
 */
export function paretoFront<T>(rows: readonly T[], opts: ParetoOptions<T>): T[] {
  const better =
    opts.goal === 'minimize' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b;
  const points = rows
    .map((row, order) => ({ row, order, cost: opts.cost(row), value: opts.value(row) }))
    .filter(
      (p): p is { row: T; order: number; cost: number; value: number } =>
        isFiniteNumber(p.cost) && isFiniteNumber(p.value),
    )
    // Cheapest first; at equal cost the best value first; then the input order.
    .sort(
      (a, b) =>
        a.cost - b.cost ||
        (better(a.value, b.value) ? -1 : better(b.value, a.value) ? 1 : 0) ||
        a.order - b.order,
    );
  const front: T[] = [];
  let best: number | undefined;
  for (const p of points) {
    // Strictly better than everything cheaper or equally cheap, else dominated.
    if (best === undefined || better(p.value, best)) {
      front.push(p.row);
      best = p.value;
    }
  }
  return front;
}

function isFiniteNumber(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}
