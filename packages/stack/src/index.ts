export { startProcess, type ManagedProcess, type StartOptions } from './child-process';
export { freePort, freePortOr } from './ports';
export {
  findTemporalCli,
  requireTemporalCli,
  startDevServer,
  startTemporal,
  type StartTemporalOptions,
  type TemporalHandle,
} from './temporal-dev-server';
export { waitFor } from './wait-for';
export {
  DEFAULT_TEMPORAL_ADDRESS,
  describeTemporalConnection,
  temporalConnection,
  type TemporalConnection,
  type TemporalConnectionEnv,
} from './temporal-connection';
export { resolveLogFormat, type LogFormat } from './log-format';
