import { isHeadroomError, type ErrorCode, type Violation } from '@headroom/errors';

/** The violations `fn` throws as a HeadroomError of `code`; fails the test on anything else or nothing. */
export function violationsOf(fn: () => unknown, code: ErrorCode = 'INVALID_SPEC'): Violation[] {
  try {
    fn();
  } catch (err) {
    if (isHeadroomError(err) && err.code === code) return [...err.violations];
    throw err;
  }
  throw new Error(`expected a ${code} HeadroomError, nothing was thrown`);
}
