import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../src/database';
import type { DbHandle } from '../src/database';

/** The server test databases are created on: CI sets DATABASE_URL, locally the trust-auth one. */
export const POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database per caller, so parallel test runs never share tables. */
export async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `headroom_db_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database "${name}"`));
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      admin((c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** openDatabase on PGlite even where DATABASE_URL is set (CI), which would otherwise win. */
export async function openPglite(dataDir?: string): Promise<DbHandle> {
  const saved = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  try {
    return await openDatabase({ dataDir });
  } finally {
    if (saved !== undefined) process.env.DATABASE_URL = saved;
  }
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `headroom-db-${prefix}-`));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface Backend {
  kind: 'pglite' | 'postgres';
  /** A migrated, empty database and how to dispose of it. */
  open(): Promise<{ handle: DbHandle; dispose(): Promise<void> }>;
}

export const BACKENDS: Backend[] = [
  {
    kind: 'pglite',
    open: async () => {
      const handle = await openPglite();
      return { handle, dispose: () => handle.close() };
    },
  },
  {
    kind: 'postgres',
    open: async () => {
      const database = await createPostgresDatabase();
      const handle = await openDatabase({ url: database.url });
      return {
        handle,
        dispose: async () => {
          await handle.close();
          await database.drop();
        },
      };
    },
  },
];
