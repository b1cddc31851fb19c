import type { Violation } from '@headroom/errors';

/**
 * Opaque keyset cursors (`next` of a page, `after` of the next): base64url of what the rows are
 * ordered by, tagged with what they page so a cursor of one list is refused by another.
 */
export type CursorKind = 'trial' | 'epoch';

const WHAT: Record<CursorKind, string> = { trial: 'Sweep.trials', epoch: 'Trial.history' };

export function encodeCursor(kind: CursorKind, position: number): string {
  return Buffer.from(`${kind}:${position}`, 'utf8').toString('base64url');
}

/** The position after which a page starts: undefined for the first page, or a violation naming `after`. */
export function decodeCursor(
  kind: CursorKind,
  after: string | null | undefined,
): { position?: number; violation?: Violation } {
  if (after === null || after === undefined) return {};
  const match = /^([a-z]+):(\d{1,9})$/.exec(Buffer.from(after, 'base64url').toString('utf8'));
  if (match?.[1] === kind && encodeCursor(kind, Number(match[2])) === after)
    return { position: Number(match[2]) };
  return {
    violation: {
      path: 'after',
      message: `"${after}" is not a cursor of ${WHAT[kind]}; pass the \`next\` of the page before, or leave after out for the first page`,
    },
  };
}
