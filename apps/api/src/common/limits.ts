import { HeadroomError, type Violation } from '@headroom/errors';

export const MAX_LIMIT = 1000;

/** Page sizes (`limit`, `first`): null means the default; anything else must be 1..MAX_LIMIT. */
export function checkLimit(
  limit: number | null | undefined,
  fallback: number,
  path = 'limit',
): { limit: number; violation?: Violation } {
  if (limit === null || limit === undefined) return { limit: fallback };
  if (Number.isInteger(limit) && limit >= 1 && limit <= MAX_LIMIT) return { limit };
  return {
    limit: fallback,
    violation: { path, message: `must be from 1 to ${MAX_LIMIT}; got ${limit}` },
  };
}

export function throwIfViolations(what: string, violations: Violation[]): void {
  if (violations.length > 0) throw HeadroomError.invalid('INVALID_INPUT', what, violations);
}
