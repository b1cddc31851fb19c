export const FOREIGN_KEY_VIOLATION = '23503';

/** SQLSTATE of a failed query; drizzle wraps the driver's error, so look through `cause`. */
export function sqlState(err: unknown): string | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}
