import { HeadroomError } from '@headroom/errors';

export function checkLimit(limit: number | undefined, fallback: number): number {
  const value = limit ?? fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new HeadroomError(
      'INVALID_INPUT',
      `limit must be a positive integer, got ${String(limit)}`,
    );
  }
  return value;
}
