import { HeadroomError } from '@headroom/errors';
import { TOKEN_ROLES, type TokenRole } from '@headroom/sweep';
import { graphql, type ApiTarget } from '../graphql-client';
import {
  API_TOKENS,
  AUDIT_LOG,
  CREATE_API_TOKEN,
  REVOKE_API_TOKEN,
  type ApiTokenView,
  type AuditPageView,
} from '../queries';

interface Common {
  api: ApiTarget;
  json?: boolean;
}

const DURATION = /^(\d+)(m|h|d|w)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `30d`, `12h`, `90m`, `2w` → the moment that long from `now`. */
export function expiryOf(text: string, now = Date.now()): Date {
  const m = DURATION.exec(text.trim());
  if (!m || Number(m[1]) === 0)
    throw new HeadroomError(
      'INVALID_INPUT',
      `--expires must be a lifetime such as 90m, 12h, 30d or 2w; got ${JSON.stringify(text)}`,
      [{ path: '--expires', message: 'a whole number > 0 followed by m, h, d or w' }],
    );
  return new Date(now + Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
}

function roleOf(text: string | undefined): TokenRole {
  if (text && (TOKEN_ROLES as readonly string[]).includes(text)) return text as TokenRole;
  throw new HeadroomError(
    'INVALID_INPUT',
    `token create needs --role ${TOKEN_ROLES.join('|')}${text ? `; got ${JSON.stringify(text)}` : ''}`,
    [{ path: '--role', message: `one of ${TOKEN_ROLES.join(', ')}` }],
  );
}

/** `headroom token create --role R [--name N] [--owner O] [--expires 30d] [--json]` */
export async function createTokenCommand(
  opts: Common & { role?: string; name?: string; owner?: string; expires?: string },
): Promise<number> {
  const role = roleOf(opts.role);
  const name = opts.name ?? opts.owner;
  if (name === undefined)
    throw new HeadroomError(
      'INVALID_INPUT',
      'token create needs --name N (who or what it is for, e.g. alice; also its owner unless --owner O)',
      [{ path: '--name', message: 'required unless --owner is given' }],
    );
  const { createApiToken } = await graphql(opts.api, CREATE_API_TOKEN, {
    input: {
      name,
      owner: opts.owner ?? null,
      role,
      expiresAt: opts.expires ? expiryOf(opts.expires).toISOString() : null,
    },
  });
  const { token, apiToken } = createApiToken;
  if (opts.json) console.log(JSON.stringify({ ...apiToken, token }));
  else {
    console.log(token);
    console.error(
      `token ${apiToken.id}: ${apiToken.role} for ${apiToken.owner}, ${apiToken.expiresAt ? `expires ${apiToken.expiresAt}` : 'no expiry'}. ` +
        'It is shown only now: keep it (HEADROOM_TOKEN, or --token).',
    );
  }
  return 0;
}

function describeToken(t: ApiTokenView): string {
  const state = t.revokedAt
    ? `revoked ${t.revokedAt}`
    : t.expiresAt && Date.parse(t.expiresAt) <= Date.now()
      ? `expired ${t.expiresAt}`
      : t.expiresAt
        ? `expires ${t.expiresAt}`
        : 'no expiry';
  return [t.id, t.role, t.owner, t.name, state, `last used ${t.lastUsedAt ?? 'never'}`].join('\t');
}

/** `headroom token list [--json]` */
export async function listTokensCommand(opts: Common): Promise<number> {
  const { apiTokens } = await graphql(opts.api, API_TOKENS, {});
  if (opts.json) console.log(JSON.stringify(apiTokens));
  else for (const t of apiTokens) console.log(describeToken(t));
  return 0;
}

/** `headroom token revoke ID [--json]` */
export async function revokeTokenCommand(id: string, opts: Common): Promise<number> {
  const { revokeApiToken } = await graphql(opts.api, REVOKE_API_TOKEN, { id });
  console.log(opts.json ? JSON.stringify(revokeApiToken) : describeToken(revokeApiToken));
  return 0;
}

/** `headroom audit [--sweep ID] [--limit N] [--json]`: newest first, following pages up to the limit. */
export async function auditCommand(
  opts: Common & { sweep?: string; limit?: string },
): Promise<number> {
  const limit = opts.limit === undefined ? 100 : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new HeadroomError(
      'INVALID_INPUT',
      `--limit must be a whole number ≥ 1; got ${opts.limit}`,
      [{ path: '--limit', message: 'a whole number ≥ 1' }],
    );
  const rows: AuditPageView['rows'] = [];
  let after: string | null = null;
  do {
    const { auditLog: page }: { auditLog: AuditPageView } = await graphql(opts.api, AUDIT_LOG, {
      first: Math.min(1000, limit - rows.length),
      after,
      sweepId: opts.sweep ?? null,
    });
    rows.push(...page.rows);
    after = page.next;
  } while (after !== null && rows.length < limit);
  if (opts.json) console.log(JSON.stringify(rows));
  else
    for (const r of rows)
      console.log(
        [
          r.at,
          r.owner ?? '(no token)',
          r.action,
          r.sweepId ?? '-',
          r.outcome,
          r.message?.split('\n')[0] ?? '',
        ].join('\t'),
      );
  return 0;
}
