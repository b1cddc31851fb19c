import { packageTestConfig } from '../../tooling/vitest.base';

export default packageTestConfig(
  {
    // The tests drive dist/main.js (tsc output: Nest needs decorator metadata esbuild cannot emit); build it first.
    globalSetup: ['test/global-setup.ts'],
    hookTimeout: 60_000,
  },
  // It replaces a module (vi.mock), which a shared process may have loaded already.
  { ownProcess: ['src/trials/trials.service.test.ts'] },
);
