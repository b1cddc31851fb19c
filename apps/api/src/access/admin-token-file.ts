import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { checkApiToken, createApiToken, type Database } from '@headroom/db';
import { HeadroomError } from '@headroom/errors';
import { OWNER_NAME } from '@headroom/sweep';

/**
 * Zero configuration on one machine: unless `file` holds a usable admin token, make one and write
 * it there (mode 0600, written whole then renamed, so a reader never sees half a token). Whoever
 * can read the file can read the database on this machine anyway. Returns what happened, for the log.
 */
export async function ensureAdminTokenFile(
  db: Database,
  file: string,
): Promise<'kept' | 'created'> {
  const path = resolve(file);
  let existing: string | undefined;
  try {
    existing = readFileSync(path, 'utf8').trim();
  } catch {
    existing = undefined;
  }
  if (existing) {
    const check = await checkApiToken(db, existing);
    if (check.ok && check.token.role === 'admin') return 'kept';
  }
  const issued = await createApiToken(db, {
    name: 'local admin (HEADROOM_ADMIN_TOKEN_FILE)',
    owner: localOwner(),
    role: 'admin',
  });
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${issued.token}\n`, { mode: 0o600 });
  renameSync(temp, path);
  return 'created';
}

/**
 * `node apps/api/dist/main.js create-admin-token --owner NAME [--name N]`: a cluster's first admin
 * token, made on the API's database and printed once to the operator's terminal (e.g. through
 * `kubectl exec`), never written anywhere. Personal tokens then come from `headroom token create`.
 */
export async function printNewAdminToken(
  db: Database,
  args: { owner: string; name?: string },
): Promise<void> {
  if (!OWNER_NAME.test(args.owner))
    throw new HeadroomError(
      'INVALID_INPUT',
      `create-admin-token needs --owner NAME: 1 to 64 letters, digits or . _ @ -, e.g. ops; got ${JSON.stringify(args.owner)}`,
    );
  const issued = await createApiToken(db, {
    name: args.name ?? 'admin (create-admin-token)',
    owner: args.owner,
    role: 'admin',
  });
  process.stdout.write(`${issued.token}\n`);
  console.error(
    `headroom api: admin token ${issued.info.id} for ${args.owner}; it is shown only now (revoke it with \`headroom token revoke ${issued.info.id}\`)`,
  );
}

/** The machine's user: sweeps created with the local token are theirs. */
function localOwner(): string {
  try {
    const name = userInfo().username;
    return OWNER_NAME.test(name) ? name : 'admin';
  } catch {
    return 'admin';
  }
}
