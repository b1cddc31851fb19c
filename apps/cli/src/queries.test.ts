import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { regenerate, staleGeneratedFiles } from '@headroom/test-support/codegen';
import { describe, expect, it } from 'vitest';
import config from '../codegen';

describe("the CLI's GraphQL documents and their generated types", () => {
  it('src/gql/ is what codegen makes of schema.gql and queries.ts now (run `pnpm --filter @headroom/cli codegen`)', async () => {
    expect(await staleGeneratedFiles(config, join(__dirname, 'gql'))).toEqual([]);
  }, 60_000);

  it('refuses a document that does not validate against schema.gql', async () => {
    // queries.ts with one field the schema does not have.
    const source = readFileSync(join(__dirname, 'queries.ts'), 'utf8');
    expect(source).toContain('      trialCount\n');
    const dir = mkdtempSync(join(tmpdir(), 'headroom-codegen-'));
    const broken = join(dir, 'queries.ts');
    writeFileSync(broken, source.replace('      trialCount\n', '      trialTotal\n'));
    await expect(regenerate(config, [broken])).rejects.toThrow(
      /Cannot query field "trialTotal" on type "Sweep"/,
    );
  }, 60_000);
});
