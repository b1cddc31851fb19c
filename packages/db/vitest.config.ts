import { packageTestConfig } from '../../tooling/vitest.base';

export default packageTestConfig({ hookTimeout: 60_000 });
