/**
 * One error type for the whole project. The code says what kind of failure it is
 * (apps map codes to GraphQL errors, exit codes and Temporal retry policy in one
 * place each); the message says what to do about it.
 */
export const ERROR_CODES = [
  'INVALID_SPEC', // a sweep spec or API input violates a constraint
  'INVALID_INPUT', // a file or argument given by the user is malformed
  'NOT_FOUND', // a sweep, trial or file does not exist
  'DATA', // training data missing or malformed
  'TRAINING_DIVERGED', // NaN/Inf loss
  'OUT_OF_MEMORY', // even the smallest batch does not fit
  'CONFIG', // environment or setup problem on this machine
  'UNAUTHENTICATED', // no API token, or one that is unknown, revoked or expired
  'FORBIDDEN', // the token's role or owner may not do this
  'RATE_LIMITED', // too many failed attempts; wait and try again
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface Violation {
  /** Where the problem is: a field path (`parameters.d_h`), a file, or `file[3].keypoints`. */
  path: string;
  /** What is wrong and what would be valid. */
  message: string;
}

export class HeadroomError extends Error {
  override readonly name = 'HeadroomError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly violations: readonly Violation[] = [],
  ) {
    super(message);
  }

  /** Several violations of one input, each with its path, in one error. */
  static invalid(code: 'INVALID_SPEC' | 'INVALID_INPUT', what: string, violations: Violation[]) {
    const lines = violations.map((v) => `  ${v.path}: ${v.message}`).join('\n');
    return new HeadroomError(code, `${what} is invalid:\n${lines}`, violations);
  }
}

export function isHeadroomError(err: unknown): err is HeadroomError {
  return err instanceof Error && err.name === 'HeadroomError' && 'code' in err;
}
