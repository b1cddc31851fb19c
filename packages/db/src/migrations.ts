import fs from 'node:fs';
import path from 'node:path';
import { HeadroomError } from '@headroom/errors';

/**
 * The committed drizzle-kit migrations. Resolved from the package root, which is one level above
 * both `src/` (tests) and `dist/` (built code), so this file must stay at the top of `src/`.
 */
export const MIGRATIONS_FOLDER = path.resolve(__dirname, '..', 'drizzle');

/** Session-level advisory lock key that serialises migrations across processes on one Postgres. */
export const MIGRATION_LOCK_KEY = 4_801_772_903;

export function migrationsFolder(): string {
  if (!fs.existsSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'))) {
    throw new HeadroomError(
      'INTERNAL',
      `@headroom/db migrations are missing at ${MIGRATIONS_FOLDER}; the package must ship its drizzle/ folder next to dist/`,
    );
  }
  return MIGRATIONS_FOLDER;
}
