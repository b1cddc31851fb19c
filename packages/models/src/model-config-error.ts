/**
 * A model configuration that cannot be built. Carries one violation per bad field, each
 * with its path in sweep-file words (`d_h`, `heads`), the same shape as
 * `@headroom/errors`' `Violation`, so a caller can turn it into an `INVALID_SPEC` error
 * without this package depending on anything but TF.js.
 */
export interface ConfigViolation {
  path: string;
  message: string;
}

export class ModelConfigError extends Error {
  override readonly name = 'ModelConfigError';
  constructor(
    what: string,
    readonly violations: readonly ConfigViolation[],
  ) {
    super(`${what} is invalid:\n${violations.map((v) => `  ${v.path}: ${v.message}`).join('\n')}`);
  }
}

export function isModelConfigError(err: unknown): err is ModelConfigError {
  return err instanceof Error && err.name === 'ModelConfigError' && 'violations' in err;
}

/** Collects violations; `throwIfAny` raises them together so a user fixes a config in one go. */
export class ViolationList {
  readonly items: ConfigViolation[] = [];

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

  throwIfAny(what: string): void {
    if (this.items.length > 0) throw new ModelConfigError(what, this.items);
  }
}
