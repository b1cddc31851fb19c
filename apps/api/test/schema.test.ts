import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_DIR } from './helpers/api-process';

describe('schema.gql', () => {
  it('matches what the code generates (run `pnpm --filter @headroom/api schema` to update it)', () => {
    const generated = execFileSync(
      process.execPath,
      [resolve(API_DIR, 'dist', 'print-schema.js')],
      {
        cwd: API_DIR,
        encoding: 'utf8',
      },
    );
    const committed = readFileSync(resolve(API_DIR, 'schema.gql'), 'utf8');
    expect(generated).toContain('type Query');
    expect(committed).toBe(generated);
  });
});
