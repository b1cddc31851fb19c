import type { ApolloServerPlugin } from '@apollo/server';
import { countTrialsByStatus, type Database } from '@headroom/db';
import { TRIAL_STATUSES } from '@headroom/sweep';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The API's Prometheus metrics (`GET /metrics`): the process's own (CPU, memory, event-loop lag,
 * GC), every GraphQL request by operation and outcome with its duration, and the trials in each
 * status, counted when scraped.
 */
export function createApiMetrics(db: Database): { registry: Registry; plugin: ApolloServerPlugin } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'headroom_api_' });
  const requests = new Counter({
    name: 'headroom_graphql_requests_total',
    help: 'GraphQL requests by operation type and outcome (ok, or the error code).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'headroom_graphql_request_duration_seconds',
    help: 'Time from receiving a GraphQL request to sending its response.',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [registry],
  });
  new Gauge({
    name: 'headroom_trials',
    help: 'Trials in each status, over every sweep.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const counts = await countTrialsByStatus(db);
      for (const status of TRIAL_STATUSES) this.set({ status }, counts.get(status) ?? 0);
    },
  });
  const plugin: ApolloServerPlugin = {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operation, response }) {
          const kind = operation?.operation ?? 'unknown';
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const code = body?.errors?.[0]?.extensions?.['code'];
          requests.inc({ operation: kind, outcome: typeof code === 'string' ? code : 'ok' });
          duration.observe({ operation: kind }, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
  return { registry, plugin };
}
