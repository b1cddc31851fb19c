// One lint setup for the monorepo (flat config).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Everywhere: a package is imported by its name, never by its files. */
const CROSS_PACKAGE = [
  {
    group: ['@headroom/*/src', '@headroom/*/src/*', '@headroom/*/dist/*'],
    message: 'Import a package by its name; its src/index.ts is its public API.',
  },
  {
    group: ['../../packages/*', '../../../packages/*', '../../apps/*', '../../../apps/*'],
    message: 'Never reach across packages with ../ — depend on the package.',
  },
];

/** Workflow code is replayed and must stay deterministic (as in Temporal's samples). */
const WORKFLOW_BANS = [
  {
    group: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
    message: 'Workflows are deterministic: no Node builtins.',
  },
  {
    group: ['@tensorflow/*', '@headroom/models', '@headroom/datasets', '@headroom/metrics'],
    message: 'Workflows never train; activities do.',
  },
  {
    group: ['@headroom/db', 'pg', 'drizzle-orm', 'drizzle-orm/*', '@electric-sql/*'],
    message: 'Workflows reach the database through control activities only.',
  },
  {
    group: [
      '@temporalio/client',
      '@temporalio/worker',
      '@temporalio/activity',
      '@temporalio/testing',
    ],
    message: 'Workflow code uses @temporalio/workflow only.',
  },
  {
    group: ['../activities', '../activities/*', './activities', './activities/*'],
    allowTypeImports: true,
    message: 'Activities are imported as types (`import type`) and called through proxyActivities.',
  },
];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.cache/**',
      '**/.headroom/**',
      '**/drizzle/**',
      'bench/results/**',
      // The benches' Python environment (Ray ships JavaScript of its own).
      'bench/.venv/**',
      'apps/cli/src/gql/**',
      'apps/web/src/gql/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: CROSS_PACKAGE }],
    },
  },
  {
    // A later block replaces the rule's options, so the cross-package patterns are repeated here.
    files: ['apps/worker/src/workflows/**/*.ts'],
    ignores: ['apps/worker/src/workflows/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [...CROSS_PACKAGE, ...WORKFLOW_BANS] },
      ],
    },
  },
  {
    // The web page runs in the browser (React, ESM, bundled by Vite): browser globals, and the
    // type-aware rules on its .tsx files too.
    files: ['apps/web/src/**/*.{ts,tsx}'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    files: [
      '**/*.test.ts',
      '**/test/**/*.ts',
      '**/*.mjs',
      '**/vitest.config.ts',
      'tooling/vitest.base.ts',
      '**/vite.config.ts',
      '**/drizzle.config.ts',
      '**/codegen.ts',
    ],
    languageOptions: { parserOptions: { projectService: false } },
    ...tseslint.configs.disableTypeChecked,
  },
);
