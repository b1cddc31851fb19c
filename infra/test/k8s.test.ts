import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { dockerignore } from './dockerfile';
import { allowedEnv, contractNeeds, INFRA_DIR, readRepoFile, REPO_ROOT, type Role } from './repo';

const K8S_DIR = join(INFRA_DIR, 'k8s');
const OVERLAYS = readdirSync(join(K8S_DIR, 'overlays'));
/** The name a pool's worker passes to Kubernetes for `--pool $(HEADROOM_POOL)`; not the app's. */
const POOL_VAR = 'HEADROOM_POOL';
const POOL_LABEL = 'headroom.dev/pool';

/** kubectl from KUBECTL, PATH, or /usr/bin (where .ci's machines have it). */
function kubectl(): string {
  for (const candidate of [process.env.KUBECTL, 'kubectl', '/usr/bin/kubectl']) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, ['version', '--client'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error('kubectl is needed to render the Kustomize overlays: install it or set KUBECTL');
}

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string };
    secretKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}
interface Probe {
  exec?: { command: string[] };
  httpGet?: {
    path: string;
    port: string | number;
    httpHeaders?: Array<{ name: string; value: string }>;
  };
}
interface Container {
  name: string;
  image: string;
  envFrom?: Array<{ secretRef?: { name: string; optional?: boolean } }>;
  args?: string[];
  env?: EnvVar[];
  ports?: Array<{ name?: string; containerPort: number }>;
  resources?: {
    limits?: Record<string, string | number>;
    requests?: Record<string, string | number>;
  };
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
}
interface Deployment extends Obj {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: {
        containers: Container[];
        nodeSelector?: Record<string, string>;
        volumes?: Array<{
          name: string;
          persistentVolumeClaim?: { claimName: string };
          secret?: { secretName: string; optional?: boolean };
        }>;
        securityContext?: { runAsNonRoot?: boolean };
      };
    };
  };
}

function render(overlay: string): Obj[] {
  const out = execFileSync(kubectl(), ['kustomize', join(K8S_DIR, 'overlays', overlay)], {
    encoding: 'utf8',
  });
  return parseAllDocuments(out).map((d) => {
    const obj = d.toJSON() as Obj & { data?: Record<string, string> };
    // kustomize wraps a Secret's base64 at 76 columns; the API server's decoder (Go's) skips
    // the newlines, the schema's `byte` format does not: compare what the server reads.
    if (obj.kind === 'Secret' && obj.data)
      obj.data = Object.fromEntries(
        Object.entries(obj.data).map(([k, v]) => [k, v.replace(/\n/g, '')]),
      );
    return obj;
  });
}

type Model = new (data: unknown) => { validate(): void };

/** Validates an object against Kubernetes' OpenAPI schema for its apiVersion and kind. */
async function validateObject(obj: Obj): Promise<void> {
  const [group, version] = obj.apiVersion.includes('/')
    ? obj.apiVersion.split('/')
    : [undefined, obj.apiVersion];
  const specifier = `kubernetes-models/${group ? `${group}/` : ''}${version}/${obj.kind}`;
  const mod = (await import(specifier)) as Record<string, Model>;
  const model = mod[obj.kind];
  if (!model) throw new Error(`${specifier} has no ${obj.kind}`);
  new model(obj).validate();
}

function roleOf(d: Deployment): Role {
  const args = d.spec.template.spec.containers[0]!.args ?? [];
  if (args.includes('control')) return 'control';
  if (args.includes('train')) return 'train';
  if (args.includes('apps/api/dist/main.js')) return 'api';
  throw new Error(`${d.metadata.name}: unknown command ${args.join(' ')}`);
}

describe.each(OVERLAYS)('infra/k8s/overlays/%s', (overlay) => {
  let objects: Obj[];
  let deployments: Deployment[];
  const find = (kind: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata.name === name);

  beforeAll(() => {
    objects = render(overlay);
    deployments = objects.filter((o) => o.kind === 'Deployment') as Deployment[];
  });

  it("renders objects that are valid under Kubernetes' OpenAPI schemas", async () => {
    expect(objects.length).toBeGreaterThan(0);
    for (const obj of objects) {
      await expect(
        validateObject(obj),
        `${obj.kind}/${obj.metadata.name}`,
      ).resolves.toBeUndefined();
    }
    for (const obj of objects.filter((o) => o.kind !== 'Namespace'))
      expect(obj.metadata.namespace, `${obj.kind}/${obj.metadata.name}`).toBe('headroom');
  });

  it('has an API and control workers, and one train Deployment per GPU pool', () => {
    const roles = deployments.map(roleOf);
    expect(roles.filter((r) => r === 'api')).toHaveLength(1);
    expect(roles.filter((r) => r === 'control')).toHaveLength(1);
    const train = deployments.filter((d) => roleOf(d) === 'train');
    expect(train.length).toBeGreaterThan(0);
    const pools = train.map((d) => {
      const pool = d.spec.template.metadata.labels[POOL_LABEL];
      expect(pool, d.metadata.name).toMatch(/^[A-Za-z0-9_-]+$/);
      // The selector carries the pool, so two pools' Deployments never adopt each other's pods.
      expect(d.spec.selector.matchLabels[POOL_LABEL], d.metadata.name).toBe(pool);
      const spec = d.spec.template.spec;
      expect(
        Object.keys(spec.nodeSelector ?? {}).length,
        `${d.metadata.name} nodeSelector`,
      ).toBeGreaterThan(0);
      const c = spec.containers[0]!;
      expect(spec.containers).toHaveLength(1);
      expect(Number(c.resources?.limits?.['nvidia.com/gpu']), d.metadata.name).toBe(1);
      // --pool is the pod's own pool label, through the env Kubernetes expands in args.
      const args = c.args!;
      expect(args[args.indexOf('--pool') + 1]).toBe(`$(${POOL_VAR})`);
      expect(args[args.indexOf('--slots') + 1]).toBe('1');
      expect(c.env?.find((e) => e.name === POOL_VAR)?.valueFrom?.fieldRef?.fieldPath).toBe(
        `metadata.labels['${POOL_LABEL}']`,
      );
      expect(c.image).toMatch(/train-gpu/);
      return pool;
    });
    expect(new Set(pools).size).toBe(pools.length);
  });

  it('mounts one ReadWriteMany volume where HEADROOM_ARTIFACTS_DIR points, at the same path everywhere', () => {
    const pvcs = objects.filter((o) => o.kind === 'PersistentVolumeClaim') as Array<
      Obj & { spec: { accessModes: string[]; storageClassName?: string } }
    >;
    expect(pvcs).toHaveLength(1);
    const pvc = pvcs[0]!;
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(pvc.spec.storageClassName, 'overlays choose a ReadWriteMany storage class').toBeTruthy();
    const mountPaths = new Set<string>();
    for (const d of deployments.filter((x) => roleOf(x) !== 'control')) {
      const volume = d.spec.template.spec.volumes?.find(
        (v) => v.persistentVolumeClaim?.claimName === pvc.metadata.name,
      );
      expect(volume, d.metadata.name).toBeDefined();
      const c = d.spec.template.spec.containers[0]!;
      const mount = c.volumeMounts?.find((m) => m.name === volume!.name);
      expect(mount, d.metadata.name).toBeDefined();
      mountPaths.add(mount!.mountPath);
      if (roleOf(d) === 'train') {
        expect(mount!.readOnly ?? false, d.metadata.name).toBe(false);
        const dir = c.env?.find((e) => e.name === 'HEADROOM_ARTIFACTS_DIR')?.value;
        expect(dir?.startsWith(`${mount!.mountPath}/`), `${d.metadata.name}: ${dir}`).toBe(true);
      }
    }
    // The API opens the absolute paths train workers recorded.
    expect([...mountPaths]).toHaveLength(1);
  });

  it('sets every variable each process needs, only ones it reads, from objects that exist', () => {
    const needs = contractNeeds();
    for (const d of deployments) {
      const role = roleOf(d);
      const c = d.spec.template.spec.containers[0]!;
      const names = (c.env ?? []).map((e) => e.name);
      expect(names, d.metadata.name).toEqual(expect.arrayContaining(needs[role]));
      const allowed = allowedEnv(role, role === 'train' ? [POOL_VAR] : []);
      for (const n of names)
        expect(allowed.has(n), `${d.metadata.name}: ${n} is not read`).toBe(true);
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
        if (!ref) continue;
        const kind = e.valueFrom?.configMapKeyRef ? 'ConfigMap' : 'Secret';
        const target = find(kind, ref.name) as
          (Obj & { data?: Record<string, string> }) | undefined;
        expect(target, `${d.metadata.name}: ${kind} ${ref.name}`).toBeDefined();
        expect(Object.keys(target!.data ?? {}), `${kind} ${ref.name}`).toContain(ref.key);
      }
      if (role === 'train') {
        expect(names).not.toContain('DATABASE_URL');
        expect(JSON.stringify(d)).not.toContain('headroom-database');
      }
      expect(d.spec.template.spec.securityContext?.runAsNonRoot, d.metadata.name).toBe(true);
      expect(c.resources?.requests, d.metadata.name).toBeDefined();
      expect(c.resources?.limits?.memory, d.metadata.name).toBeDefined();
    }
  });

  it("points at Temporal's Helm chart frontend, in a namespace the chart creates", () => {
    const config = find('ConfigMap', 'headroom-config') as Obj & { data: Record<string, string> };
    // The API's own rule for TEMPORAL_ADDRESS (apps/api/src/env.ts): host:port.
    expect(config.data.TEMPORAL_ADDRESS).toMatch(/^[^\s:/]+:\d+$/);
    expect(readRepoFile('apps/api/src/env.ts')).toContain('regex(/^[^\\s:/]+:\\d+$/');
    const values = parse(readRepoFile('infra/k8s/temporal-values.yaml')) as {
      server: { config: { namespaces: { create: boolean; namespace: Array<{ name: string }> } } };
    };
    // `<release>-frontend.<namespace>`: the docs install release `temporal` into namespace `temporal`.
    expect(config.data.TEMPORAL_ADDRESS).toBe('temporal-frontend.temporal.svc.cluster.local:7233');
    expect(readRepoFile('docs/deploy.md')).toMatch(
      /helm install[^\n]*temporal temporal\b[^\n]*--namespace temporal/,
    );
    expect(values.server.config.namespaces.create).toBe(true);
    expect(values.server.config.namespaces.namespace.map((n) => n.name)).toContain(
      config.data.TEMPORAL_NAMESPACE,
    );
  });

  it('probes each worker with worker-ready.mjs for its role, a script the images carry', () => {
    const ignored = dockerignore(readRepoFile('.dockerignore'));
    for (const d of deployments.filter((x) => roleOf(x) !== 'api')) {
      const command = d.spec.template.spec.containers[0]!.readinessProbe?.exec?.command ?? [];
      expect(command.slice(0, 1), d.metadata.name).toEqual(['node']);
      expect(command.slice(2), d.metadata.name).toEqual([roleOf(d)]);
      // The image holds the repository at /app (infra/docker/Dockerfile).
      const script = command[1]!.replace(/^\/app\//, '');
      expect(existsSync(join(REPO_ROOT, script)), script).toBe(true);
      expect(ignored(script), `${script} is left out of the build context`).toBe(false);
    }
  });

  it("hands every process Temporal's credentials when a secured cluster's Secrets exist", () => {
    for (const d of deployments) {
      const spec = d.spec.template.spec;
      const c = spec.containers[0]!;
      const from = c.envFrom?.find((e) => e.secretRef?.name === 'headroom-temporal');
      expect(from?.secretRef?.optional, d.metadata.name).toBe(true);
      const volume = spec.volumes?.find((v) => v.secret?.secretName === 'headroom-temporal-tls');
      expect(volume?.secret?.optional, d.metadata.name).toBe(true);
      expect(c.volumeMounts?.find((m) => m.name === volume!.name)?.mountPath).toBe(
        '/etc/headroom/temporal-tls',
      );
    }
    // The variables that Secret carries are ones the processes read.
    for (const role of ['api', 'control', 'train'] as const)
      for (const v of [
        'TEMPORAL_API_KEY',
        'TEMPORAL_TLS_CERT',
        'TEMPORAL_TLS_KEY',
        'TEMPORAL_TLS_CA',
      ])
        expect(allowedEnv(role).has(v), `${role} reads ${v}`).toBe(true);
  });

  it('probes the API on a port it declares, and serves it through its Service', () => {
    const api = deployments.find((d) => roleOf(d) === 'api')!;
    const c = api.spec.template.spec.containers[0]!;
    const portNames = new Set((c.ports ?? []).map((p) => p.name));
    for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
      expect(probe?.httpGet, 'API probes').toBeDefined();
      expect(portNames.has(String(probe!.httpGet!.port))).toBe(true);
    }
    expect(c.readinessProbe!.httpGet!.path).toBe('/readyz');
    expect(c.livenessProbe!.httpGet!.path).toBe('/healthz');
    expect(c.startupProbe!.httpGet!.path).toBe('/healthz');
    const port = c.env?.find((e) => e.name === 'PORT')?.value;
    expect(c.ports?.map((p) => String(p.containerPort))).toContain(port);
    expect(c.env?.find((e) => e.name === 'HOST')?.value).toBe('0.0.0.0');
    const service = find('Service', 'headroom-api') as Obj & {
      spec: { selector: Record<string, string>; ports: Array<{ targetPort: string }> };
    };
    for (const [k, v] of Object.entries(service.spec.selector))
      expect(api.spec.template.metadata.labels[k]).toBe(v);
    expect(portNames.has(service.spec.ports[0]!.targetPort)).toBe(true);
  });

  it("lets Prometheus scrape every process's /metrics on the port it serves them", () => {
    for (const d of deployments) {
      const role = roleOf(d);
      const c = d.spec.template.spec.containers[0]!;
      const ann = d.spec.template.metadata.annotations ?? {};
      expect(ann['prometheus.io/scrape'], d.metadata.name).toBe('true');
      expect(ann['prometheus.io/path'], d.metadata.name).toBe('/metrics');
      const port = ann['prometheus.io/port'];
      expect(
        c.ports?.map((p) => String(p.containerPort)),
        d.metadata.name,
      ).toContain(port);
      // The API serves it on its HTTP port; a worker at HEADROOM_METRICS_ADDRESS, on every interface.
      const served =
        role === 'api'
          ? c.env?.find((e) => e.name === 'PORT')?.value
          : /^0\.0\.0\.0:(\d+)$/.exec(
              c.env?.find((e) => e.name === 'HEADROOM_METRICS_ADDRESS')?.value ?? '',
            )?.[1];
      expect(served, d.metadata.name).toBe(port);
    }
  });
});

describe('the Kubernetes schema check', () => {
  it('refuses an object that breaks the schema', async () => {
    await expect(
      validateObject({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'x' },
        spec: {
          selector: {},
          template: {
            spec: { containers: [{ name: 'a', image: 'b', ports: [{ containerPort: 'http' }] }] },
          },
        },
      }),
    ).rejects.toThrow(/containerPort must be integer/);
  });

  it('finds every overlay folder with its kustomization', () => {
    expect(OVERLAYS.length).toBeGreaterThan(1);
    for (const o of OVERLAYS)
      expect(existsSync(join(K8S_DIR, 'overlays', o, 'kustomization.yaml')), o).toBe(true);
  });
});
