import { type HeadroomError, isHeadroomError } from '@headroom/errors';

/** The HeadroomError `fn` throws, for asserting its code, message and violations; anything else fails the test. */
export function headroomErrorOf(fn: () => unknown): HeadroomError {
  try {
    fn();
  } catch (err) {
    if (isHeadroomError(err)) return err;
    throw err;
  }
  throw new Error('expected a HeadroomError, nothing was thrown');
}
