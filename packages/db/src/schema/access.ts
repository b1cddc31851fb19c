import { TOKEN_ROLES, type TokenRole } from '@headroom/sweep';
import { bigserial, check, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { isOneOf, timestamps } from './columns';

/**
 * Who may use the API (written by the API, the one writer of the access tables). A token is
 * `hr_<id>_<secret>`: the id (public, for lookup and display) and a 190-bit secret; only the
 * SHA-256 of the whole token is kept, so the database never holds a usable token.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    /** 10 base62 characters, shown in lists and the audit log. */
    id: text().primaryKey(),
    /** Hex SHA-256 of the whole token (a high-entropy secret needs no slow hash). */
    hash: text().notNull(),
    name: text().notNull(),
    /** Who the token acts for: sweeps it creates are theirs. */
    owner: text().notNull(),
    role: text().$type<TokenRole>().notNull(),
    /** The token that created it (null for the one `headroom up` makes at first start). */
    createdBy: text(),
    expiresAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    lastUsedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [check('api_tokens_role_check', isOneOf(t.role, TOKEN_ROLES))],
);

/**
 * Who created each sweep, claimed by the API before it starts the sweep's workflow (so a sweep is
 * never without its owner); no foreign key, since the sweep row is written afterwards by the
 * control worker, and a claim for a sweep never registered is harmless.
 */
export const sweepOwners = pgTable('sweep_owners', {
  sweepId: text().primaryKey(),
  owner: text().notNull(),
  tokenId: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Every mutation the API was asked for: who, what, which sweep, when, and how it ended. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    tokenId: text(),
    owner: text(),
    role: text(),
    /** The mutation's name, e.g. `cancelSweep`. */
    action: text().notNull(),
    sweepId: text(),
    /** `ok`, or the error code it ended with (`FORBIDDEN`, `INVALID_SPEC`…). */
    outcome: text().notNull(),
    /** The error's message, first 500 characters. */
    message: text(),
    requestId: text(),
  },
  (t) => [index('audit_log_sweep_idx').on(t.sweepId, t.id)],
);
