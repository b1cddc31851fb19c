import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readRepoFile, REPO_ROOT } from './repo';

// Headroom's Grafana dashboard against what the processes export. Headroom's own names are read
// from the code that registers them (the API's prom-client registry, the workers' WORKER_METRICS);
// Temporal's (`temporal_*`, Core's exporter) are checked against a scrape of real control and
// train workers in apps/worker/src/observability/observability.test.ts.

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Array<{ refId: string; expr: string; datasource?: { uid: string } }>;
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query: string }> };
}

const dashboard = JSON.parse(readRepoFile('infra/grafana/headroom.json')) as Dashboard;
const queries = dashboard.panels.filter((p) => p.type !== 'row');

/** Metric names in a PromQL expression (a histogram's series by the histogram's name). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b((?:headroom|temporal)_[a-z0-9_]+)\b/g)].map((m) =>
    m[1]!.replace(/_(bucket|sum|count)$/, ''),
  );
}

/** What the API's /metrics serves: createApiMetrics' names and prom-client's process metrics under its prefix. */
function apiMetricNames(): Set<string> {
  const source = readRepoFile('apps/api/src/health/metrics.ts');
  const names = [...source.matchAll(/\bname: '([a-z0-9_]+)'/g)].map((m) => m[1]!);
  const prefix = /collectDefaultMetrics\(\{[^}]*prefix: '([a-z0-9_]+)'/.exec(source)?.[1];
  expect(prefix, 'the API registers the default metrics with a prefix').toBeDefined();
  // prom-client as the API has it installed: the default metrics it registers, by name.
  const promClient = createRequire(join(REPO_ROOT, 'apps/api/package.json'))('prom-client') as {
    Registry: new () => { getMetricsAsArray(): Array<{ name: string }> };
    collectDefaultMetrics(opts: { register: unknown; prefix: string }): void;
  };
  const registry = new promClient.Registry();
  promClient.collectDefaultMetrics({ register: registry, prefix: prefix! });
  const defaults = registry.getMetricsAsArray().map((m) => m.name);
  return new Set([...names, ...defaults]);
}

/** What a worker's /metrics serves of Headroom's own: WORKER_METRICS (counters with `_total`). */
function workerMetricNames(): Set<string> {
  const source = readRepoFile('apps/worker/src/observability/metrics.ts');
  const table = /export const WORKER_METRICS = \{([\s\S]*?)\} as const;/.exec(source)?.[1] ?? '';
  const entries = [...table.matchAll(/name: '([a-z0-9_]+)', kind: '(\w+)'/g)];
  expect(entries.length, 'WORKER_METRICS entries').toBeGreaterThan(5);
  return new Set(entries.map(([, name, kind]) => (kind === 'counter' ? `${name}_total` : name!)));
}

describe('infra/grafana/headroom.json', () => {
  it('is a dashboard whose every query panel reads the chosen Prometheus data source', () => {
    expect(dashboard.uid).toBe('headroom');
    const variable = dashboard.templating.list.find((v) => v.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    expect(queries.length).toBeGreaterThan(10);
    for (const p of queries) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      for (const t of p.targets!) expect(metricNames(t.expr).length, t.expr).toBeGreaterThan(0);
    }
  });

  it('shows what the issue asks for: trials by status, queue wait, epochs, samples/s, Temporal latencies, API requests', () => {
    const queried = new Set(queries.flatMap((p) => p.targets!.flatMap((t) => metricNames(t.expr))));
    for (const name of [
      'headroom_trials',
      'headroom_trials_started_total',
      'headroom_trials_failed_total',
      'headroom_trials_retried_total',
      'headroom_trial_queue_wait_seconds',
      'headroom_epoch_duration_seconds',
      'headroom_train_samples_total',
      'headroom_gpu_memory_bytes',
      'temporal_workflow_task_schedule_to_start_latency',
      'temporal_activity_schedule_to_start_latency',
      'headroom_graphql_requests_total',
      'headroom_graphql_request_duration_seconds',
    ])
      expect(queried, name).toContain(name);
  });

  it('queries only Headroom metrics that the API or the workers export', () => {
    const exported = new Set([...apiMetricNames(), ...workerMetricNames()]);
    const headroom = queries
      .flatMap((p) => p.targets!.flatMap((t) => metricNames(t.expr)))
      .filter((n) => n.startsWith('headroom_'));
    for (const name of headroom) expect(exported, name).toContain(name);
    // The check bites: a misspelt name is not among them.
    expect(exported).not.toContain('headroom_trial_started_total');
  });

  it('is the dashboard the monitoring profile provisions, over the Prometheus it runs', () => {
    const compose = parse(readRepoFile('infra/compose/compose.yaml')) as {
      services: Record<string, { volumes?: string[] }>;
    };
    const volumes = compose.services.grafana!.volumes ?? [];
    const provider = parse(readRepoFile('infra/grafana/provisioning/dashboards/headroom.yaml')) as {
      providers: Array<{ options: { path: string } }>;
    };
    expect(volumes).toContain(
      `../grafana/headroom.json:${provider.providers[0]!.options.path}/headroom.json:ro`,
    );
    const source = parse(
      readRepoFile('infra/grafana/provisioning/datasources/prometheus.yaml'),
    ) as {
      datasources: Array<{ type: string; url: string; isDefault: boolean }>;
    };
    expect(source.datasources[0]).toMatchObject({
      type: 'prometheus',
      url: 'http://prometheus:9090',
      isDefault: true,
    });
  });
});
