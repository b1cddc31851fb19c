import { packageTestConfig } from '../../tooling/vitest.base';

export default packageTestConfig(
  {},
  // They hide the native binding from module resolution, or leave TF.js on another backend.
  { ownProcess: ['src/backend.test.ts', 'src/backend-fallback.test.ts'] },
);
