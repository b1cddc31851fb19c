import { checkApiToken, type ApiTokenInfo, type Database } from '@headroom/db';
import { HeadroomError } from '@headroom/errors';
import { RateLimiterMemory } from 'rate-limiter-flexible';

/**
 * Who sent a request: a usable token, nobody (no token at all), or a token that was refused —
 * kept as the error to answer with, so that a query with a bad token fails even where reads are public.
 */
export type Access =
  | { kind: 'token'; token: ApiTokenInfo }
  | { kind: 'anonymous' }
  | { kind: 'refused'; error: HeadroomError };

/** Failed token checks allowed per client address in a window before it must wait. */
export const FAILED_AUTH_LIMIT = { attempts: 10, windowSeconds: 60, blockSeconds: 60 };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

const HOW_TO_GET_ONE =
  'an admin makes one with `headroom token create --role researcher`; on the machine running `headroom up` the CLI reads $HEADROOM_DATA_DIR/token';

/**
 * Turns an `Authorization` header (HTTP, or graphql-ws's connection payload) into an Access.
 * Failed checks count per client address (GraphQL Armor has no brute-force guard; this is
 * rate-limiter-flexible's): past the limit every token from there is refused, valid or not, until
 * the block ends — letting a valid one through would answer the guesses it is meant to stop.
 */
export class Authenticator {
  private readonly failures = new RateLimiterMemory({
    points: FAILED_AUTH_LIMIT.attempts,
    duration: FAILED_AUTH_LIMIT.windowSeconds,
    blockDuration: FAILED_AUTH_LIMIT.blockSeconds,
  });

  constructor(private readonly db: Database) {}

  async authenticate(authorization: unknown, address: string): Promise<Access> {
    if (authorization === undefined || authorization === null || authorization === '')
      return { kind: 'anonymous' };
    const blocked = await this.failures.get(address);
    if (blocked && blocked.consumedPoints >= FAILED_AUTH_LIMIT.attempts) {
      const seconds = Math.ceil(blocked.msBeforeNext / 1000);
      return {
        kind: 'refused',
        error: new HeadroomError(
          'RATE_LIMITED',
          `too many failed token attempts from ${address}; try again in ${seconds} s with a valid token`,
        ),
      };
    }
    const refuse = async (message: string): Promise<Access> => {
      // Rejects once the limit is passed; the next request sees the block above.
      await this.failures.consume(address).catch(() => undefined);
      return { kind: 'refused', error: new HeadroomError('UNAUTHENTICATED', message) };
    };
    const match = typeof authorization === 'string' ? BEARER.exec(authorization) : null;
    if (!match)
      return refuse(
        `the Authorization header must be "Bearer <token>" with a Headroom API token (hr_…); ${HOW_TO_GET_ONE}`,
      );
    const check = await checkApiToken(this.db, match[1]!);
    if (check.ok) return { kind: 'token', token: check.token };
    const shown = tokenIdOf(match[1]!);
    const why = {
      malformed: 'is not a Headroom API token (hr_<id>_<secret>)',
      unknown: 'is not known to this API',
      revoked: 'has been revoked',
      expired: 'has expired',
    }[check.reason];
    return refuse(`the token ${shown} ${why}; ${HOW_TO_GET_ONE}`);
  }
}

/** A token as it may appear in a message or a log: its public id, never its secret. */
function tokenIdOf(token: string): string {
  const id = /^hr_([0-9A-Za-z]+)_/.exec(token)?.[1];
  return id ? `hr_${id}_…` : '(not hr_…)';
}

/** The message of a request without a token where one is needed. */
export function tokenNeeded(what: string): HeadroomError {
  return new HeadroomError(
    'UNAUTHENTICATED',
    `${what} needs an API token: send "Authorization: Bearer <token>" (the CLI: --token or HEADROOM_TOKEN); ${HOW_TO_GET_ONE}`,
  );
}
