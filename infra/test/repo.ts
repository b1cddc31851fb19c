// What the deployment files are checked against: the repository itself (its workspace
// packages, the environment each process reads, the process contract in infra/README.md).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const INFRA_DIR = join(REPO_ROOT, 'infra');

export function readRepoFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), 'utf8');
}

export interface WorkspacePackage {
  name: string;
  /** Relative to the repository root, e.g. `apps/api`. */
  dir: string;
  scripts: Record<string, string>;
  /** Names of the workspace packages it depends on at run time (`dependencies`). */
  workspaceDeps: string[];
}

/** Every package pnpm-workspace.yaml lists (`dir/*` globs and plain folders). */
export function workspacePackages(): Map<string, WorkspacePackage> {
  const { packages } = parse(readRepoFile('pnpm-workspace.yaml')) as { packages: string[] };
  const dirs = packages.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(join(REPO_ROOT, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => `${pattern.slice(0, -2)}/${d.name}`)
      : [pattern],
  );
  const out = new Map<string, WorkspacePackage>();
  for (const dir of dirs) {
    const file = join(REPO_ROOT, dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as {
      name: string;
      scripts?: Record<string, string>;
      dependencies?: Record<string, string>;
    };
    const workspaceDeps = Object.entries(pkg.dependencies ?? {})
      .filter(([, range]) => range.startsWith('workspace:'))
      .map(([name]) => name);
    out.set(pkg.name, { name: pkg.name, dir, scripts: pkg.scripts ?? {}, workspaceDeps });
  }
  return out;
}

/** The named packages and every workspace package they depend on at run time. */
export function runtimeClosure(
  packages: Map<string, WorkspacePackage>,
  roots: string[],
): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    const pkg = packages.get(name);
    if (!pkg) throw new Error(`${name} is not a workspace package`);
    seen.add(name);
    pkg.workspaceDeps.forEach(visit);
  };
  roots.forEach(visit);
  return seen;
}

/**
 * The variables a process parses at boot: the keys of the zod object in its `src/env.ts`
 * (two-space indented `NAME:` lines), so a deployment file cannot set a misspelt one.
 */
export function envNamesParsedBy(app: 'api' | 'worker'): Set<string> {
  const text = readRepoFile(`apps/${app}/src/env.ts`);
  const names = [...text.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!);
  if (names.length === 0) throw new Error(`no variables found in apps/${app}/src/env.ts`);
  return new Set(names);
}

export type Role = 'api' | 'control' | 'train';

/**
 * What each process needs, from the process contract table in infra/README.md (the `needs`
 * column), so the README, compose and Kubernetes cannot drift apart.
 */
export function contractNeeds(): Record<Role, string[]> {
  const rows = readRepoFile('infra/README.md')
    .split('\n')
    .filter((line) => line.startsWith('|'));
  const needs = (label: string): string[] => {
    const row = rows.find((r) => r.split('|')[1]?.trim() === label);
    if (!row) throw new Error(`infra/README.md has no "${label}" row in its process table`);
    const cell = row.split('|')[3] ?? '';
    return [...cell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!);
  };
  return { api: needs('API'), control: needs('control worker'), train: needs('train worker') };
}

/** Variables a role may be given: what its process parses (+ `extra`, named by the caller). */
export function allowedEnv(role: Role, extra: string[] = []): Set<string> {
  const parsed = envNamesParsedBy(role === 'api' ? 'api' : 'worker');
  return new Set([...parsed, ...extra]);
}
