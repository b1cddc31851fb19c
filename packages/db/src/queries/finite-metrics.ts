import type { MetricValues } from '@headroom/sweep';

/**
 * The metrics that can be ranked: finite numbers only. A null (a NaN sent over the wire) or a
 * non-finite number has no place in a mean or an order, so it is kept in the jsonb report only.
 */
export function finiteMetrics(metrics: MetricValues): Array<[name: string, value: number]> {
  return Object.entries(metrics).filter(
    (entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]),
  );
}
