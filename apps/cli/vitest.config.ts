import { packageTestConfig } from '../../tooling/vitest.base';

export default packageTestConfig(
  {
    include: ['src/**/*.test.ts'],
    // The end-to-end test starts real servers; files run one at a time on this 2-core machine.
    fileParallelism: false,
  },
  // It replaces a module (vi.mock), which a shared process may have loaded already.
  { ownProcess: ['src/sweep-pages.test.ts'] },
);
