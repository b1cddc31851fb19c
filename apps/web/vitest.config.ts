import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Pure modules only: the page itself is driven in a real browser by apps/cli's browser test.
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
