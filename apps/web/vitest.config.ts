import { packageTestConfig } from '../../tooling/vitest.base';

// Pure modules only: the page itself is driven in a real browser by apps/cli's browser test.
export default packageTestConfig({ include: ['src/**/*.test.ts'], environment: 'node' });
