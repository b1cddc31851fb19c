import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import config from '../codegen';

const GQL_DIR = join(__dirname, 'gql');

/** What `pnpm codegen` would write now, without writing it. */
async function regenerate(
  documents = config.documents,
): Promise<Array<{ filename: string; content: string }>> {
  return generate({ ...config, documents, hooks: {}, silent: true }, false);
}

/** Compared as prettier prints them, so formatting the committed files is no drift. */
async function pretty(text: string, file: string): Promise<string> {
  return format(text, { ...(await resolveConfig(file)), filepath: file });
}

describe("the CLI's GraphQL documents and their generated types", () => {
  it('src/gql/ is what codegen makes of schema.gql and queries.ts now (run `pnpm --filter @headroom/cli codegen`)', async () => {
    const outputs = await regenerate();
    expect(outputs.map((o) => relative(GQL_DIR, o.filename)).sort()).toEqual(
      readdirSync(GQL_DIR).sort(),
    );
    for (const o of outputs) {
      const committed = readFileSync(o.filename, 'utf8');
      expect(
        await pretty(committed, o.filename),
        `${relative(__dirname, o.filename)} is stale`,
      ).toBe(await pretty(o.content, o.filename));
    }
  }, 60_000);

  it('refuses a document that does not validate against schema.gql', async () => {
    // queries.ts with one field the schema does not have.
    const source = readFileSync(join(__dirname, 'queries.ts'), 'utf8');
    expect(source).toContain('      trialCount\n');
    const dir = mkdtempSync(join(tmpdir(), 'headroom-codegen-'));
    const broken = join(dir, 'queries.ts');
    writeFileSync(broken, source.replace('      trialCount\n', '      trialTotal\n'));
    await expect(regenerate([broken])).rejects.toThrow(
      /Cannot query field "trialTotal" on type "Sweep"/,
    );
  }, 60_000);
});
