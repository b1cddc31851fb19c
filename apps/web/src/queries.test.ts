import { fileURLToPath } from 'node:url';
import { staleGeneratedFiles } from '@headroom/test-support/codegen';
import { describe, expect, it } from 'vitest';
import config from '../codegen';

describe("the page's GraphQL documents and their generated types", () => {
  it('src/gql/ is what codegen makes of schema.gql and queries.ts now (run `pnpm --filter @headroom/web codegen`)', async () => {
    const dir = fileURLToPath(new URL('gql/', import.meta.url));
    expect(await staleGeneratedFiles(config, dir)).toEqual([]);
  }, 60_000);
});
