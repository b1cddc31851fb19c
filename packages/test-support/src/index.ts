export { freePort, waitFor } from '@headroom/stack';
// The product's generator (datasets: reproducible synthetic data), so tests and data share one mulberry32.
export { createRng, type Rng } from '@headroom/datasets';
export {
  createTestDatabase,
  startPrivatePostgres,
  TEST_POSTGRES_URL,
  type PrivatePostgres,
  type TestDatabase,
} from './postgres';
export { createTestWorkflowEnvironment } from './temporal';
export { headroomErrorOf } from './errors';
export { setEnv } from './env';
