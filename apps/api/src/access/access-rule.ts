import { SetMetadata } from '@nestjs/common';
import type { TokenRole } from '@headroom/sweep';

export const ACCESS_RULE = 'headroom:access-rule';

/** Who may call a root field, and what the audit log says about a mutation. */
export interface AccessRule {
  /** The least role that may (queries default to viewer; a mutation without a rule is admin-only). */
  role: TokenRole;
  /**
   * The sweep it acts on: an argument naming it (a researcher may act on their own sweeps only),
   * or `created` (the sweep the mutation returns). Written to the audit log either way.
   */
  sweep?: { arg: string } | 'created';
  /** What else the audit log should say on success (never a secret). */
  note?: (args: Record<string, unknown>, result: unknown) => string | null;
}

/** Declares the AccessRule of a Query, Mutation or Subscription field (checked by AccessGuard). */
export const Requires = (role: TokenRole, rest: Omit<AccessRule, 'role'> = {}) =>
  SetMetadata(ACCESS_RULE, { role, ...rest } satisfies AccessRule);
