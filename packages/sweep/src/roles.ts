/**
 * What an API token may do, each role including the ones before it: `viewer` reads (queries and
 * subscriptions); `researcher` also creates sweeps and controls its own (pause, resume, cancel,
 * retry, update); `admin` controls any sweep and manages tokens. The database's CHECK, the GraphQL
 * enum and the CLI's `--role` are built from this list.
 */
export const TOKEN_ROLES = ['viewer', 'researcher', 'admin'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** Whether a token of `role` may do what `needed` may. */
export function roleAllows(role: TokenRole, needed: TokenRole): boolean {
  return TOKEN_ROLES.indexOf(role) >= TOKEN_ROLES.indexOf(needed);
}

/** Who a token acts for (its owner, e.g. `alice`): 1 to 64 letters, digits or `. _ @ -`, starting with a letter or digit. */
export const OWNER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
