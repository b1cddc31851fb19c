import { join } from 'node:path';
import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * The CLI's GraphQL documents (src/queries.ts), checked against the API's committed schema and
 * typed from it into src/gql/ by `pnpm --filter @headroom/cli codegen`. A test regenerates them
 * in memory and fails when the committed files drift from the schema or the documents.
 */
const config: CodegenConfig = {
  // The API's generated SDL is the contract: read as a file, not imported.
  schema: join(__dirname, '..', 'api', 'schema.gql'),
  documents: [join(__dirname, 'src', 'queries.ts')],
  generates: {
    [join(__dirname, 'src', 'gql') + '/']: {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
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
