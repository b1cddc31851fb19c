import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, sweepInput, tempDir } from '../test/databases';
import { insertSweep, listTrials } from './index';
import { openPgliteClient } from './database';
import { templateFile } from './pglite-template';

describe('new PGlite databases start from a template of initdb', () => {
  const cache = tempDir('template-cache');
  const data = tempDir('template-data');
  const saved = process.env.HEADROOM_CACHE_DIR;
  let file: string;

  beforeAll(() => {
    process.env.HEADROOM_CACHE_DIR = cache.dir;
    file = templateFile();
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.HEADROOM_CACHE_DIR;
    else process.env.HEADROOM_CACHE_DIR = saved;
    cache.remove();
    data.remove();
  });

  it('is kept per PGlite version in HEADROOM_CACHE_DIR, else under XDG_CACHE_HOME or ~/.cache', () => {
    expect(path.dirname(file)).toBe(cache.dir);
    expect(path.basename(file)).toMatch(/^pglite-\d+\.\d+\.\d+.*-initdb\.tar$/);
    expect(templateFile({ XDG_CACHE_HOME: '/xdg' })).toBe(
      path.join('/xdg', 'headroom', path.basename(file)),
    );
    expect(templateFile({ HEADROOM_CACHE_DIR: '/c', XDG_CACHE_HOME: '/xdg' })).toBe(
      path.join('/c', path.basename(file)),
    );
  });

  it('is saved by the first initdb, then every new database, in memory or in a folder, loads it and migrates as usual', async () => {
    expect(fs.existsSync(file)).toBe(false);
    const first = await openPglite();
    await first.close();
    const size = fs.statSync(file).size;
    expect(size).toBeGreaterThan(1_000_000); // a whole data directory, as a tar

    for (const dataDir of [undefined, path.join(data.dir, 'a')]) {
      const handle = await openPglite(dataDir);
      await insertSweep(handle.db, sweepInput('from-template', 3));
      expect((await listTrials(handle.db, 'from-template')).length).toBe(3);
      await handle.close();
    }
    // The folder is a database of its own, kept across reopening; the template is unchanged.
    const again = await openPglite(path.join(data.dir, 'a'));
    expect((await listTrials(again.db, 'from-template')).length).toBe(3);
    await again.close();
    expect(fs.statSync(file).size).toBe(size);
  });

  it('is replaced when damaged: the database is initialised as without it, and a good copy saved', async () => {
    fs.writeFileSync(file, 'not a tar of a data directory');
    const dataDir = path.join(data.dir, 'b');
    const client = await openPgliteClient(dataDir);
    expect((await client.query<{ n: number }>('select 1 as n')).rows).toEqual([{ n: 1 }]);
    await client.close();
    expect(fs.statSync(file).size).toBeGreaterThan(1_000_000);
    const handle = await openPglite(path.join(data.dir, 'c'));
    await insertSweep(handle.db, sweepInput('after-repair', 2));
    expect((await listTrials(handle.db, 'after-repair')).length).toBe(2);
    await handle.close();
  });

  it('is never loaded over a folder that already holds a database', async () => {
    const dataDir = path.join(data.dir, 'a');
    fs.writeFileSync(file, 'not a tar of a data directory'); // would fail if it were read
    const handle = await openPglite(dataDir);
    expect((await listTrials(handle.db, 'from-template')).length).toBe(3);
    await handle.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('not a tar of a data directory');
  });
});
