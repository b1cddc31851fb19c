import { HeadroomError } from '@headroom/errors';

/** A trial's id everywhere (database row, artifacts, logs): its sweep and its index in the sweep. */
export function trialId(sweepId: string, index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new HeadroomError('INVALID_INPUT', `a trial index is an integer ≥ 0; got ${index}`);
  }
  return `${sweepId}-${index}`;
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const ID_LENGTH = 10;

/** What `newSweepId` makes: `sw` and 10 base-36 characters. */
export const SWEEP_ID_PATTERN = /^sw[0-9a-z]{10}$/;

/**
 * A short, url-safe sweep id (`sw` + 10 base-36 characters, ~52 bits). The random source
 * is passed in so this stays pure: `Math.random` in apps, the workflow's seeded one in workflows.
 */
export function newSweepId(random: () => number): string {
  let id = 'sw';
  for (let i = 0; i < ID_LENGTH; i++) {
    const r = random();
    if (!(r >= 0 && r <= 1)) {
      throw new HeadroomError('INTERNAL', `newSweepId needs random numbers in [0, 1); got ${r}`);
    }
    // min(): a source that returns exactly 1 still gives a valid character.
    id += ID_ALPHABET[Math.min(ID_ALPHABET.length - 1, Math.floor(r * ID_ALPHABET.length))];
  }
  return id;
}
