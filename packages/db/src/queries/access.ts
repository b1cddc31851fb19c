import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { TokenRole } from '@headroom/sweep';
import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../database';
import type { ApiTokenRow, AuditRow } from '../rows';
import { apiTokens, auditLog, sweepOwners } from '../schema';

/** A token as lists show it: everything but its hash. */
export type ApiTokenInfo = Omit<ApiTokenRow, 'hash'>;
export type AuditInput = Omit<typeof auditLog.$inferInsert, 'id' | 'at'>;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID_LENGTH = 10;
/** 32 base62 characters: 190 bits. */
const SECRET_LENGTH = 32;
const TOKEN = new RegExp(`^hr_([0-9A-Za-z]{${ID_LENGTH}})_([0-9A-Za-z]{${SECRET_LENGTH}})$`);
/** `lastUsedAt` is written at most this often per token, not on every request. */
const LAST_USED_EVERY_MS = 60_000;

function randomBase62(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[randomInt(BASE62.length)];
  return out;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A new token and the only time its secret is seen: store nothing but what the row keeps. */
export interface IssuedToken {
  token: string;
  info: ApiTokenInfo;
}

export async function createApiToken(
  db: Database,
  input: {
    name: string;
    owner: string;
    role: TokenRole;
    expiresAt?: Date | null;
    createdBy?: string | null;
  },
): Promise<IssuedToken> {
  for (;;) {
    const id = randomBase62(ID_LENGTH);
    const token = `hr_${id}_${randomBase62(SECRET_LENGTH)}`;
    const [row] = await db
      .insert(apiTokens)
      .values({
        id,
        hash: sha256(token),
        name: input.name,
        owner: input.owner,
        role: input.role,
        expiresAt: input.expiresAt ?? null,
        createdBy: input.createdBy ?? null,
      })
      .onConflictDoNothing()
      .returning();
    // 62¹⁰ ids: a clash is all but impossible, and then simply drawn again.
    if (row) {
      const { hash: _hash, ...info } = row;
      return { token, info };
    }
  }
}

export type TokenCheck =
  | { ok: true; token: ApiTokenInfo }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'expired' };

/**
 * Whether `token` may be used now: well formed, known, its hash equal (compared in constant time),
 * not revoked (a revocation counts at once: nothing is cached), not expired.
 */
export async function checkApiToken(
  db: Database,
  token: string,
  now: Date = new Date(),
): Promise<TokenCheck> {
  const match = TOKEN.exec(token);
  if (!match) return { ok: false, reason: 'malformed' };
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, match[1]!));
  const given = Buffer.from(sha256(token), 'hex');
  if (!row || !timingSafeEqual(given, Buffer.from(row.hash, 'hex')))
    return { ok: false, reason: 'unknown' };
  if (row.revokedAt !== null) return { ok: false, reason: 'revoked' };
  if (row.expiresAt !== null && row.expiresAt <= now) return { ok: false, reason: 'expired' };
  if (row.lastUsedAt === null || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_EVERY_MS) {
    await db
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(
        and(
          eq(apiTokens.id, row.id),
          or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, now)),
        ),
      );
  }
  const { hash: _hash, ...info } = row;
  return { ok: true, token: info };
}

/** Revokes a token (idempotent: the first revocation's time stays); undefined if there is none. */
export async function revokeApiToken(db: Database, id: string): Promise<ApiTokenInfo | undefined> {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, now())`, updatedAt: sql`now()` })
    .where(eq(apiTokens.id, id))
    .returning();
  if (!row) return undefined;
  const { hash: _hash, ...info } = row;
  return info;
}

/** Every token, newest first, without hashes. */
export async function listApiTokens(db: Database): Promise<ApiTokenInfo[]> {
  const rows = await db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt), apiTokens.id);
  return rows.map(({ hash: _hash, ...info }) => info);
}

/** Whether any admin token can still be used (the first start of `headroom up` makes one if not). */
export async function hasUsableAdminToken(db: Database, now: Date = new Date()): Promise<boolean> {
  const [row] = await db
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(
      and(
        eq(apiTokens.role, 'admin'),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), sql`${apiTokens.expiresAt} > ${now.toISOString()}`),
      ),
    )
    .limit(1);
  return row !== undefined;
}

/**
 * Claims a sweep for its creator before the sweep exists; a second claim of the same id (a
 * retried createSweep) keeps the first. Returns the owner the sweep has.
 */
export async function claimSweep(
  db: Database,
  claim: { sweepId: string; owner: string; tokenId: string | null },
): Promise<string> {
  await db.insert(sweepOwners).values(claim).onConflictDoNothing();
  const [row] = await db.select().from(sweepOwners).where(eq(sweepOwners.sweepId, claim.sweepId));
  return row!.owner;
}

/** The owners of some sweeps, by sweep id (sweeps without a claim are left out). */
export async function sweepOwnersOf(
  db: Database,
  sweepIds: readonly string[],
): Promise<Map<string, string>> {
  if (sweepIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(sweepOwners)
    .where(inArray(sweepOwners.sweepId, [...sweepIds]));
  return new Map(rows.map((r) => [r.sweepId, r.owner]));
}

const AUDIT_MESSAGE_CHARS = 500;

export async function recordAudit(db: Database, entry: AuditInput): Promise<void> {
  await db
    .insert(auditLog)
    .values({ ...entry, message: entry.message?.slice(0, AUDIT_MESSAGE_CHARS) ?? null });
}

/** The audit log newest first, a page at a time (`after`: the last id of the previous page). */
export async function listAudit(
  db: Database,
  opts: { first: number; after?: number; sweepId?: string },
): Promise<{ rows: AuditRow[]; next: number | null }> {
  const conditions = [
    opts.after === undefined ? undefined : lt(auditLog.id, opts.after),
    opts.sweepId === undefined ? undefined : eq(auditLog.sweepId, opts.sweepId),
  ].filter((c) => c !== undefined);
  const rows = await db
    .select()
    .from(auditLog)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(opts.first + 1);
  const page = rows.slice(0, opts.first);
  return { rows: page, next: rows.length > opts.first ? page.at(-1)!.id : null };
}
