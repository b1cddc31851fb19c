/** PGlite helpers for this package's tests; a fresh PostgreSQL database comes from @headroom/test-support. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '@headroom/test-support';
import { openDatabase } from '../src/database';
import type { DbHandle } from '../src/database';

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
      const database = await createTestDatabase('headroom_db_test');
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

/** A pending pose3d sweep of `trials` trials (one geometry; each trial's params name its index), for insertSweep. */
export function sweepInput(id: string, trials: number) {
  return {
    id,
    name: id,
    task: 'pose3d' as const,
    method: 'grid' as const,
    metricName: 'mpjpe',
    metricGoal: 'minimize' as const,
    spec: { id },
    trials: Array.from({ length: trials }, (_, index) => ({
      index,
      params: { index },
      dModel: 512,
      heads: 8,
      dH: 64,
      qkTied: false,
      epochs: 3,
    })),
  };
}
