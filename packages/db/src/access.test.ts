import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../test/databases';
import type { DbHandle } from './database';
import {
  checkApiToken,
  claimSweep,
  createApiToken,
  hasUsableAdminToken,
  listApiTokens,
  listAudit,
  recordAudit,
  revokeApiToken,
  sweepOwnersOf,
} from './queries/access';

describe.each(BACKENDS)('access tables on $kind', (backend) => {
  let handle: DbHandle;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ handle, dispose } = await backend.open());
  });
  afterAll(() => dispose());

  it('issues a token once, keeps only its hash, and recognises it', async () => {
    expect(await hasUsableAdminToken(handle.db)).toBe(false);
    const issued = await createApiToken(handle.db, { name: 'lab', owner: 'ana', role: 'admin' });
    expect(issued.token).toMatch(/^hr_[0-9A-Za-z]{10}_[0-9A-Za-z]{32}$/);
    expect(issued.token.slice(3, 13)).toBe(issued.info.id);
    expect(issued.info).not.toHaveProperty('hash');
    const stored = await handle.db.execute(
      sql`select * from api_tokens where id = ${issued.info.id}`,
    );
    expect(JSON.stringify(stored.rows)).not.toContain(issued.token.slice(14));
    const check = await checkApiToken(handle.db, issued.token);
    expect(check.ok && check.token.owner).toBe('ana');
    expect(await hasUsableAdminToken(handle.db)).toBe(true);
    const listed = await listApiTokens(handle.db);
    expect(listed.map((t) => t.id)).toContain(issued.info.id);
    expect(JSON.stringify(listed)).not.toContain(issued.token.slice(14));
  });

  it('refuses a malformed, an unknown, a tampered, a revoked and an expired token', async () => {
    const issued = await createApiToken(handle.db, { name: 'r', owner: 'bo', role: 'researcher' });
    expect(await checkApiToken(handle.db, 'Bearer nonsense')).toEqual({
      ok: false,
      reason: 'malformed',
    });
    const tampered = `${issued.token.slice(0, -1)}${issued.token.endsWith('a') ? 'b' : 'a'}`;
    expect(await checkApiToken(handle.db, tampered)).toEqual({ ok: false, reason: 'unknown' });
    expect(await checkApiToken(handle.db, `hr_ZZZZZZZZZZ_${issued.token.slice(14)}`)).toEqual({
      ok: false,
      reason: 'unknown',
    });
    const revoked = await revokeApiToken(handle.db, issued.info.id);
    expect(revoked?.revokedAt).toBeInstanceOf(Date);
    // At once: nothing caches a token's state.
    expect(await checkApiToken(handle.db, issued.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await revokeApiToken(handle.db, issued.info.id))?.revokedAt).toEqual(
      revoked!.revokedAt,
    );
    expect(await revokeApiToken(handle.db, 'nosuchtokn')).toBeUndefined();

    const soon = new Date(Date.now() + 60_000);
    const expiring = await createApiToken(handle.db, {
      name: 'e',
      owner: 'cy',
      role: 'viewer',
      expiresAt: soon,
    });
    expect((await checkApiToken(handle.db, expiring.token)).ok).toBe(true);
    expect(await checkApiToken(handle.db, expiring.token, new Date(soon.getTime() + 1))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('keeps the first claim of a sweep, and reads owners by sweep', async () => {
    expect(await claimSweep(handle.db, { sweepId: 'sw1', owner: 'ana', tokenId: null })).toBe(
      'ana',
    );
    expect(await claimSweep(handle.db, { sweepId: 'sw1', owner: 'bo', tokenId: null })).toBe('ana');
    await claimSweep(handle.db, { sweepId: 'sw2', owner: 'bo', tokenId: null });
    expect(await sweepOwnersOf(handle.db, ['sw1', 'sw2', 'sw3'])).toEqual(
      new Map([
        ['sw1', 'ana'],
        ['sw2', 'bo'],
      ]),
    );
  });

  it('records the audit log and pages it newest first', async () => {
    for (let i = 0; i < 5; i++)
      await recordAudit(handle.db, {
        action: i % 2 ? 'pauseSweep' : 'createSweep',
        sweepId: `sw${i % 2}`,
        owner: 'ana',
        outcome: i === 4 ? 'FORBIDDEN' : 'ok',
        message: i === 4 ? 'x'.repeat(600) : null,
      });
    const first = await listAudit(handle.db, { first: 3 });
    expect(first.rows.map((r) => r.outcome)).toEqual(['FORBIDDEN', 'ok', 'ok']);
    expect(first.rows[0]!.message).toHaveLength(500);
    const second = await listAudit(handle.db, { first: 3, after: first.next! });
    expect(second.rows).toHaveLength(2);
    expect(second.next).toBeNull();
    expect((await listAudit(handle.db, { first: 10, sweepId: 'sw1' })).rows).toHaveLength(2);
  });
});
