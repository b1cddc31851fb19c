import { fileURLToPath } from 'node:url';
import type { CodegenConfig } from '@graphql-codegen/cli';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The page's GraphQL documents (src/queries.ts), checked against the API's committed schema and
 * typed from it into src/gql/ by `pnpm --filter @headroom/web codegen`; a test fails when the
 * committed files drift. Documents are plain strings (`documentMode: 'string'`): the page sends
 * them with fetch and graphql-ws and bundles no GraphQL parser.
 */
const config: CodegenConfig = {
  schema: here('../api/schema.gql'),
  documents: [here('src/queries.ts')],
  generates: {
    [here('src/gql/')]: {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: 'string',
        enumsAsTypes: true,
        onlyOperationTypes: true,
        skipTypename: true,
        useTypeImports: true,
        scalars: {
          DateTime: { input: 'string', output: 'string' },
          JSON: { input: 'unknown', output: 'Record<string, unknown>' },
        },
      },
    },
  },
  hooks: { afterAllFileWrite: ['prettier --write'] },
  silent: true,
};

export default config;
