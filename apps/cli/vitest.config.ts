import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The end-to-end test starts real servers; files run one at a time on this 2-core machine.
    fileParallelism: false,
  },
});
