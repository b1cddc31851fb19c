import { HeadroomError, type Violation } from '@headroom/errors';

/**
 * Collects every problem of a model config before throwing, so one error lists them all,
 * each with its sweep-file name (`d_h`, `heads`, …).
 */
export class ViolationList {
  readonly items: Violation[] = [];

  positiveInteger(path: string, value: unknown): value is number {
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return true;
    this.items.push({ path, message: `must be a positive integer, got ${JSON.stringify(value)}` });
    return false;
  }

  rate(path: string, value: unknown): void {
    if (typeof value === 'number' && value >= 0 && value < 1) return;
    this.items.push({ path, message: `must be a number in [0, 1), got ${JSON.stringify(value)}` });
  }

  add(path: string, message: string): void {
    this.items.push({ path, message });
  }

  /** Throws `HeadroomError('INVALID_SPEC')` listing every violation, if there is one. */
  throwIfAny(what: string): void {
    if (this.items.length > 0) throw HeadroomError.invalid('INVALID_SPEC', what, this.items);
  }
}
