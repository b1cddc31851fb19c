import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import draft07 from 'ajv/dist/refs/json-schema-draft-07.json';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseDockerfile, readDockerfile } from './dockerfile';
import { allowedEnv, contractNeeds, INFRA_DIR, readRepoFile, REPO_ROOT, type Role } from './repo';

const COMPOSE_DIR = join(INFRA_DIR, 'compose');

/** KEY=value lines, as Docker Compose reads a .env file. */
function readEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

/**
 * Compose's interpolation: `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
 * `${VAR?error}`, `$$` for a literal `$`. A required variable that is unset throws.
 */
function interpolate(value: unknown, env: Map<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(
      /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g,
      (match, name?: string, op?: string, arg?: string) => {
        if (match === '$$') return '$';
        const set = env.get(name!);
        const empty = set === undefined || (op?.startsWith(':') && set === '');
        if (!op) return set ?? '';
        if (op.endsWith('-')) return empty ? arg! : set!;
        if (empty) throw new Error(`required variable ${name} is unset: ${arg}`);
        return set!;
      },
    );
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  return value;
}

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; target: string };
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  profiles?: string[];
  deploy?: {
    resources?: {
      reservations?: {
        devices?: Array<{
          driver?: string;
          device_ids?: string[];
          count?: number;
          capabilities: string[];
        }>;
      };
    };
  };
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

const raw = parse(readRepoFile('infra/compose/compose.yaml'), { merge: true }) as unknown;
const envExample = readEnvFile(readRepoFile('infra/compose/.env.example'));
const compose = interpolate(raw, envExample) as Compose;
const services = compose.services;

function validator() {
  const schema = JSON.parse(readRepoFile('infra/schemas/compose-spec.json')) as { $schema: string };
  const ajv = new Ajv({ allErrors: true });
  // The schema names draft-07 by its https address; Ajv knows the meta-schema by its http one.
  ajv.addMetaSchema({ ...draft07, $id: schema.$schema });
  return ajv.compile(schema);
}

/** Which process a service runs, from its command (or its image's default, the API). */
function roleOf(name: string): Role | undefined {
  const s = services[name]!;
  if (!s.image?.includes('headroom')) return undefined;
  const command = s.command ?? ['node', 'apps/api/dist/main.js'];
  if (command.includes('control')) return 'control';
  if (command.includes('train')) return 'train';
  if (command.includes('apps/api/dist/main.js')) return 'api';
  throw new Error(`${name}: unknown command ${command.join(' ')}`);
}

describe('infra/compose/compose.yaml', () => {
  it('is valid under the Compose specification (interpolated with .env.example)', () => {
    const validate = validator();
    const ok = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check bites: a misspelt key and a wrong type are refused', () => {
    const validate = validator();
    const broken = structuredClone(compose) as unknown as {
      services: Record<string, Record<string, unknown>>;
    };
    broken.services.api!.enviroment = { PORT: '4000' };
    broken.services.postgresql!.volumes = 'postgres:/var/lib/postgresql/data';
    expect(validate(broken)).toBe(false);
    const paths = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/services\/api must NOT have additional properties/),
        expect.stringMatching(/^\/services\/postgresql\/volumes must be array/),
      ]),
    );
  });

  it('uses the vendored schema byte for byte as its README records', () => {
    const sha = createHash('sha256')
      .update(readRepoFile('infra/schemas/compose-spec.json'))
      .digest('hex');
    expect(readRepoFile('infra/schemas/README.md')).toContain(sha);
  });

  it('needs only variables .env.example defines or defaults; the real .env is git-ignored', () => {
    // Interpolating with an empty environment fails exactly on the required secrets.
    expect(() => interpolate(raw, new Map())).toThrow(/POSTGRES_PASSWORD|HEADROOM_SHARED_DIR/);
    for (const [, required] of JSON.stringify(raw).matchAll(/\$\{([A-Z_]+):\?/g))
      expect(envExample.has(required!), required).toBe(true);
    execFileSync('git', ['check-ignore', '-q', 'infra/compose/.env'], { cwd: REPO_ROOT });
  });

  it('starts in order: schema, then Temporal, then its namespace, then Headroom', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(services[dep], `${name} depends on ${dep}`).toBeDefined();
        if (condition === 'service_healthy')
          expect(services[dep]!.healthcheck, `${dep} needs a healthcheck`).toBeDefined();
      }
    }
    const dep = (a: string, b: string) => services[a]!.depends_on?.[b]?.condition;
    expect(dep('temporal-schema', 'postgresql')).toBe('service_healthy');
    expect(dep('temporal', 'temporal-schema')).toBe('service_completed_successfully');
    expect(dep('temporal-namespace', 'temporal')).toBe('service_healthy');
    expect(dep('temporal-ui', 'temporal')).toBe('service_healthy');
    for (const name of Object.keys(services).filter((n) => roleOf(n))) {
      expect(dep(name, 'temporal-namespace'), name).toBe('service_completed_successfully');
      if (roleOf(name) !== 'train') expect(dep(name, 'postgresql'), name).toBe('service_healthy');
    }
    // Temporal's own images and tooling, not the deprecated auto-setup image.
    expect(services.temporal!.image).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    expect(services['temporal-schema']!.image).toMatch(/^temporalio\/admin-tools:\d+\.\d+\.\d+$/);
    expect(services['temporal-ui']!.image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
    expect(readRepoFile('infra/compose/temporal-schema.sh')).toMatch(
      /temporal-sql-tool .*setup-schema/,
    );
    expect(JSON.stringify(raw)).not.toContain('auto-setup');
  });

  it('gives every Headroom process the variables the process contract names, and no others', () => {
    const needs = contractNeeds();
    const roles = Object.keys(services).filter((n) => roleOf(n));
    expect(new Set(roles.map(roleOf))).toEqual(new Set(['api', 'control', 'train']));
    for (const name of roles) {
      const role = roleOf(name)!;
      const env = Object.keys(services[name]!.environment ?? {});
      expect(env, name).toEqual(expect.arrayContaining(needs[role]));
      // HEADROOM_POOL: what worker-ready.mjs checks, never read by the worker itself.
      const allowed = allowedEnv(role, role === 'train' ? ['HEADROOM_POOL'] : []);
      for (const v of env)
        expect(allowed.has(v), `${name}: ${v} is not read by the ${role}`).toBe(true);
      // Train workers report through Temporal only.
      if (role === 'train') expect(env, name).not.toContain('DATABASE_URL');
    }
  });

  it("has the monitoring profile's Prometheus scrape every Headroom process where it serves /metrics", () => {
    const config = parse(readRepoFile('infra/compose/prometheus.yml')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = new Set(
      config.scrape_configs.flatMap((j) => j.static_configs.flatMap((c) => c.targets)),
    );
    for (const name of Object.keys(services).filter((n) => roleOf(n))) {
      const env = services[name]!.environment ?? {};
      // The API on its HTTP port; a worker at HEADROOM_METRICS_ADDRESS, on every interface.
      const port =
        roleOf(name) === 'api'
          ? env.PORT
          : /^0\.0\.0\.0:(\d+)$/.exec(env.HEADROOM_METRICS_ADDRESS ?? '')?.[1];
      expect(port, name).toBeDefined();
      expect(targets, name).toContain(`${name}:${port}`);
    }
    expect(services.prometheus!.profiles).toEqual(['monitoring']);
    expect(services.grafana!.profiles).toEqual(['monitoring']);
  });

  it('checks each worker with worker-ready.mjs for its role and pool', () => {
    for (const name of Object.keys(services).filter((n) => roleOf(n) && roleOf(n) !== 'api')) {
      const s = services[name]!;
      expect(s.healthcheck?.test, name).toEqual([
        'CMD',
        'node',
        '/app/infra/docker/worker-ready.mjs',
        roleOf(name),
      ]);
      expect(existsSync(join(REPO_ROOT, 'infra/docker/worker-ready.mjs'))).toBe(true);
      if (roleOf(name) === 'train') {
        const command = s.command!;
        expect(s.environment?.HEADROOM_POOL, name).toBe(command[command.indexOf('--pool') + 1]);
      }
    }
  });

  it('runs one train worker per GPU, each reserving a different device', () => {
    const gpu = Object.entries(services).filter(([, s]) => s.profiles?.includes('gpu'));
    expect(gpu.length).toBeGreaterThan(0);
    const ids = gpu.map(([name, s]) => {
      expect(roleOf(name)).toBe('train');
      const devices = s.deploy?.resources?.reservations?.devices ?? [];
      expect(devices, name).toHaveLength(1);
      expect(devices[0]!.driver, name).toBe('nvidia');
      expect(devices[0]!.capabilities, name).toContain('gpu');
      expect(devices[0]!.device_ids, name).toHaveLength(1);
      expect(s.environment?.HEADROOM_BACKEND, name).toBe('tensorflow-gpu');
      return devices[0]!.device_ids![0];
    });
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('shares one volume: train workers write artifacts in it, the API reads it at the same path', () => {
    const mountOf = (name: string) =>
      (services[name]!.volumes ?? [])
        .map((v) => v.split(':'))
        .find(([source]) => source === 'shared');
    expect(compose.volumes.shared).toBeDefined();
    const apiMount = mountOf('api');
    expect(apiMount?.[2]).toBe('ro');
    for (const name of Object.keys(services).filter((n) => roleOf(n) === 'train')) {
      const mount = mountOf(name);
      expect(mount, name).toBeDefined();
      expect(mount![1]).toBe(apiMount![1]);
      expect(
        services[name]!.environment?.HEADROOM_ARTIFACTS_DIR?.startsWith(`${mount![1]}/`),
        name,
      ).toBe(true);
    }
  });

  it('builds from infra/docker/Dockerfile targets and mounts files that exist', () => {
    const stageNames = new Set(parseDockerfile(readDockerfile()).stages.map((s) => s.name));
    for (const [name, s] of Object.entries(services)) {
      if (s.build) {
        expect(existsSync(join(COMPOSE_DIR, s.build.context, s.build.dockerfile)), name).toBe(true);
        expect(stageNames.has(s.build.target), `${name}: target ${s.build.target}`).toBe(true);
      }
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0]!;
        if (source.startsWith('.'))
          expect(existsSync(join(COMPOSE_DIR, source)), `${name}: ${source}`).toBe(true);
        else expect(compose.volumes[source], `${name}: volume ${source}`).toBeDefined();
      }
      // Every image from a registry at an exact version (Prometheus tags theirs `v3.5.0`).
      if (!roleOf(name)) expect(s.image, name).toMatch(/:v?\d+\.\d+(\.\d+)?(-[a-z0-9]+)?$/);
    }
    // Each Headroom image is built by some service, so `docker compose build` makes them all.
    const built = new Set(
      Object.values(services)
        .filter((s) => s.build)
        .map((s) => s.image),
    );
    for (const [name, s] of Object.entries(services))
      if (roleOf(name)) expect(built.has(s.image), `${name}: ${s.image}`).toBe(true);
  });
});
