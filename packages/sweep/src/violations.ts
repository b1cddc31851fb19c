import { HeadroomError, type Violation } from '@headroom/errors';
import type { z } from 'zod';

/** `parameters` + `d_h` → `parameters.d_h`; a number key becomes an index: `values[1]`. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}

/** A value as a user would recognise it in their file. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function hasKey(obj: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** `a, b or c` */
export function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/**
 * Parses one piece of a spec with its zod schema, turning every issue into a violation
 * under `base`, so the caller can carry on with the other pieces and report everything.
 */
export function parsePiece<T extends z.ZodType>(
  schema: T,
  value: unknown,
  base: string,
  violations: Violation[],
): z.output<T> | undefined {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    let path = base;
    for (const key of issue.path)
      path = joinPath(path, typeof key === 'number' ? key : String(key));
    if (issue.code === 'unrecognized_keys') {
      // One violation per key, so each points at the line to fix.
      for (const key of issue.keys)
        violations.push({ path: joinPath(path, key), message: issue.message });
    } else {
      violations.push({ path: path || 'spec', message: issue.message });
    }
  }
  return undefined;
}

export function throwIfViolations(what: string, violations: Violation[]): void {
  if (violations.length > 0) throw HeadroomError.invalid('INVALID_SPEC', what, violations);
}
