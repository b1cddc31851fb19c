import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * A new PGlite database starts from a copy of a freshly initialised data directory, as
 * PostgreSQL's CREATE DATABASE copies template1: PGlite's initdb takes 3–5 s of CPU on a 2-core
 * machine, loading the copy under 1 s. The copy is made by the first initdb on the machine and
 * kept in the cache folder (HEADROOM_CACHE_DIR, else $XDG_CACHE_HOME/headroom or
 * ~/.cache/headroom), one file per PGlite version, since initdb's output is that build's. It holds
 * no data and no migrations (they run as for any new database). A copy that cannot be read or
 * loaded is removed and the database initialised as before: the cache only ever saves time.
 */

/** Where the template of this PGlite build is kept. */
export function templateFile(env: NodeJS.ProcessEnv = process.env): string {
  const cache =
    env.HEADROOM_CACHE_DIR ||
    path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'headroom');
  return path.join(cache, `pglite-${pgliteVersion()}-initdb.tar`);
}

/**
 * A new PGlite database: at `dataDir` (an empty folder) or in memory, from the
 * template when there is one, saving the template when there is none.
 */
export async function createFromTemplate(dataDir: string | undefined): Promise<PGlite> {
  const file = templateFile();
  const template = readTemplate(file);
  if (template) {
    try {
      return await PGlite.create({
        ...(dataDir === undefined ? {} : { dataDir }),
        loadDataDir: template,
      });
    } catch {
      // A damaged copy: forget it, clear what it left, and initialise as without one.
      fs.rmSync(file, { force: true });
      if (dataDir !== undefined) emptyDirectory(dataDir);
    }
  }
  const client = await PGlite.create(dataDir === undefined ? {} : { dataDir });
  await saveTemplate(client, file).catch(() => undefined);
  return client;
}

/** True when `dataDir` (which exists) holds nothing yet: a template may be loaded into it. */
export function isNewDataDir(dataDir: string): boolean {
  return fs.readdirSync(dataDir).length === 0;
}

function readTemplate(file: string): Blob | undefined {
  try {
    return new Blob([fs.readFileSync(file)]);
  } catch {
    return undefined;
  }
}

/** Written beside and renamed into place: processes starting at once never read half a file. */
async function saveTemplate(client: PGlite, file: string): Promise<void> {
  const dump = await client.dumpDataDir('none');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  try {
    fs.writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(partial, file);
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

function emptyDirectory(dir: string): void {
  for (const entry of fs.readdirSync(dir))
    fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
}

let version: string | undefined;
/** The installed PGlite's version (its package.json is not exported; it sits above its entry point). */
function pgliteVersion(): string {
  if (version === undefined) {
    let dir = path.dirname(require.resolve('@electric-sql/pglite'));
    for (;;) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (pkg.name === '@electric-sql/pglite' && pkg.version) {
          version = pkg.version;
          break;
        }
      }
      const up = path.dirname(dir);
      if (up === dir) throw new Error('cannot find the version of @electric-sql/pglite');
      dir = up;
    }
  }
  return version;
}
