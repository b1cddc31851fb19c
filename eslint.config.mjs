// One lint setup for the monorepo (flat config).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.cache/**', '**/.headroom/**', '**/drizzle/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@headroom/*/src', '@headroom/*/src/*', '@headroom/*/dist/*'], message: 'Import a package by its name; its src/index.ts is its public API.' },
            { group: ['../../packages/*', '../../../packages/*', '../../apps/*', '../../../apps/*'], message: 'Never reach across packages with ../ — depend on the package.' },
          ],
        },
      ],
    },
  },
  {
    // Workflow code must stay deterministic: no Node builtins, no TF.js, no database.
    files: ['apps/worker/src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process'], message: 'Workflows are deterministic: no Node builtins.' },
            { group: ['@tensorflow/*', '@headroom/models', '@headroom/datasets'], message: 'Workflows never train; activities do.' },
            { group: ['@headroom/db', 'pg', 'drizzle-orm', 'drizzle-orm/*'], message: 'Workflows reach the database through control activities only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts', '**/*.mjs', '**/vitest.config.ts', '**/drizzle.config.ts'],
    languageOptions: { parserOptions: { projectService: false } },
    ...tseslint.configs.disableTypeChecked,
  },
);
