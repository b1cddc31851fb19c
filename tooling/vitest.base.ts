import { defineConfig, type ViteUserConfig } from 'vitest/config';

type TestOptions = NonNullable<ViteUserConfig['test']>;

/**
 * One package's test settings. Its test files share one process (`isolate: false`): vitest does
 * not load TF.js, PGlite's WebAssembly, Nest or the Temporal SDK afresh for every file, which was
 * a third to a half of a package's CPU on a 2-core machine. So a file restores what it changes
 * (environment variables, globals); a file that changes its process for good (module resolution,
 * the TF.js backend) is listed in `ownProcess` and runs in a process of its own (vitest gives
 * each project a fresh worker).
 */
export function packageTestConfig(
  test: TestOptions = {},
  { ownProcess = [] }: { ownProcess?: string[] } = {},
) {
  const { include = ['src/**/*.test.ts', 'test/**/*.test.ts'], ...rest } = test;
  const base: TestOptions = { testTimeout: 60_000, hookTimeout: 120_000, ...rest, isolate: false };
  if (ownProcess.length === 0) return defineConfig({ test: { ...base, include } });
  // Projects extending the root merge its lists into theirs: the root keeps no `include`.
  return defineConfig({
    test: {
      ...base,
      projects: [
        { extends: true as const, test: { name: 'shared', include, exclude: ownProcess } },
        ...ownProcess.map((file) => ({
          extends: true as const,
          test: { name: file, include: [file] },
        })),
      ],
    },
  });
}
