// A Dockerfile read as BuildKit reads it (instructions, continuation lines, stages, ARG
// defaults) and checked against the repository, since no Docker engine can build it here.
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { REPO_ROOT, runtimeClosure, type WorkspacePackage } from './repo';

export interface Instruction {
  /** Upper case: FROM, RUN, COPY… */
  keyword: string;
  /** The rest of the instruction, continuation lines joined. */
  args: string;
  line: number;
}

export interface Stage {
  name: string | undefined;
  /** The image or stage it starts from, ARG defaults substituted. */
  from: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    // A trailing backslash continues the instruction; comment lines inside it are dropped.
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      i++;
      const next = lines[i]!;
      line = line.replace(/\\\s*$/, ' ') + (/^\s*#/.test(next) ? '' : next.trim());
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`line ${start + 1}: not an instruction: ${line}`);
    instructions.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start + 1 });
  }
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`line ${ins.line}: FROM ${ins.args}`);
      const from = m[1]!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a?: string, b?: string) => {
        const value = args.get((a ?? b)!);
        if (value === undefined) throw new Error(`line ${ins.line}: ARG ${a ?? b} has no default`);
        return value;
      });
      stages.push({ name: m[2], from, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword !== 'ARG') throw new Error(`line ${ins.line}: ${ins.keyword} before FROM`);
      const [name, value] = ins.args.split('=', 2);
      if (value !== undefined) args.set(name!, value);
    } else {
      stages[stages.length - 1]!.instructions.push(ins);
    }
  }
  return { args, stages };
}

/** `.dockerignore` patterns as a predicate on context-relative paths (no `!` exceptions used). */
export function dockerignore(text: string): (path: string) => boolean {
  const patterns = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (patterns.some((p) => p.startsWith('!'))) throw new Error('`!` patterns are not supported');
  const regexes = patterns.map((p) => {
    const body = posix
      .normalize(p.replace(/^\//, ''))
      .split('/')
      .map((part) =>
        part === '**'
          ? '.*'
          : part
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '[^/]*')
              .replace(/\?/g, '[^/]'),
      )
      .join('/')
      .replace(/^\.\*\//, '(?:.*/)?');
    return new RegExp(`^${body}$`);
  });
  // A path is left out when it, or a folder above it, matches.
  return (path) => {
    const parts = posix.normalize(path).split('/');
    return parts.some((_, i) => {
      const prefix = parts.slice(0, i + 1).join('/');
      return regexes.some((r) => r.test(prefix));
    });
  };
}

/** `node <file>` / `sh <file>` commands in shell text or exec-form arrays. */
function scriptsRun(command: string): string[] {
  const words = command.startsWith('[')
    ? (JSON.parse(command) as string[])
    : command.split(/\s+|&&|;|\|\|/).filter(Boolean);
  const out: string[] = [];
  words.forEach((w, i) => {
    const next = words[i + 1];
    if ((w === 'node' || w === '/bin/sh' || w === 'sh') && next && !next.startsWith('-')) {
      out.push(next);
    }
  });
  return out;
}

export interface DockerfileCheck {
  /** The Dockerfile's text (tests pass a broken copy to see the check bite). */
  text: string;
  dockerignoreText: string;
  packages: Map<string, WorkspacePackage>;
  /** Packages whose build output the runtime images carry. */
  runtimeRoots: string[];
  /** Where the repository lands in the image (WORKDIR of the build stages). */
  appDir: string;
}

/**
 * Everything the Dockerfile references that would break a build or a start: each problem as
 * a sentence naming the line.
 */
export function checkDockerfile(opts: DockerfileCheck): string[] {
  const problems: string[] = [];
  const { stages } = parseDockerfile(opts.text);
  const ignored = dockerignore(opts.dockerignoreText);
  const stageNames = new Set(stages.map((s) => s.name).filter(Boolean));
  // Inside the image the repository is at appDir; map an absolute path there back to the repo.
  const repoPath = (p: string): string | undefined =>
    p === opts.appDir
      ? '.'
      : p.startsWith(`${opts.appDir}/`)
        ? p.slice(opts.appDir.length + 1)
        : p.startsWith('/')
          ? undefined
          : p;
  const inContext = (path: string, line: number, what: string) => {
    if (!existsSync(join(REPO_ROOT, path)))
      problems.push(`line ${line}: ${what} ${path} does not exist`);
    else if (path !== '.' && ignored(path))
      problems.push(`line ${line}: ${what} ${path} is excluded by .dockerignore`);
  };
  /** A dist file the build produces: `<pkg>/dist/x.js` from `<pkg>/src/x.ts` (tsc rootDir src). */
  const builtFile = (path: string, line: number) => {
    const m = /^(.+?)\/dist\/(.+)\.js$/.exec(path);
    if (!m) return inContext(path, line, 'file');
    const source = `${m[1]}/src/${m[2]}.ts`;
    if (!existsSync(join(REPO_ROOT, source)))
      problems.push(`line ${line}: ${path} would be built from ${source}, which does not exist`);
    else if (!opts.packages.has(packageAt(m[1]!)))
      problems.push(`line ${line}: ${m[1]} is not a workspace package`);
  };
  const packageAt = (dir: string) =>
    [...opts.packages.values()].find((p) => p.dir === dir)?.name ?? `(no package at ${dir})`;

  const copiedDists = new Set<string>();
  for (const stage of stages) {
    if (!stageNames.has(stage.from)) {
      // An image from a registry: an exact version, never a moving tag.
      const tag = /^[^@]+:([^@/]+)(@sha256:[0-9a-f]{64})?$/.exec(stage.from)?.[1];
      if (!tag || tag === 'latest' || !/\d+\.\d+\.\d+/.test(tag))
        problems.push(`FROM ${stage.from}: pin an exact version tag (x.y.z)`);
    }
    for (const ins of stage.instructions) {
      const words = ins.args.split(/\s+/);
      if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
        const flags = words.filter((w) => w.startsWith('--'));
        const paths = words.filter((w) => !w.startsWith('--'));
        const sources = paths.slice(0, -1);
        const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
        if (from && !stageNames.has(from)) {
          problems.push(`line ${ins.line}: COPY --from=${from}: no such stage`);
          continue;
        }
        for (const src of sources) {
          if (!from) {
            inContext(src, ins.line, 'COPY source');
            continue;
          }
          const rel = repoPath(src);
          if (rel === undefined) continue; // outside the repository copy (e.g. /pnpm/store)
          if (/\/dist$/.test(rel)) {
            const name = packageAt(rel.slice(0, -'/dist'.length));
            const pkg = opts.packages.get(name);
            if (!pkg) problems.push(`line ${ins.line}: ${rel}: ${name}`);
            else if (!pkg.scripts.build)
              problems.push(`line ${ins.line}: ${rel}: ${name} has no build script`);
            else copiedDists.add(name);
          } else if (rel !== '.') {
            inContext(rel, ins.line, 'COPY --from source');
          }
        }
      }
      const commands =
        ins.keyword === 'RUN' || ins.keyword === 'CMD' || ins.keyword === 'ENTRYPOINT'
          ? [ins.args]
          : [];
      for (const command of commands) {
        for (const script of scriptsRun(command)) {
          const rel = repoPath(script);
          if (rel === undefined) {
            if (!script.startsWith('/usr/') && !script.startsWith('/bin/'))
              problems.push(`line ${ins.line}: ${script} is outside ${opts.appDir}`);
          } else if (/\/dist\//.test(rel)) builtFile(rel, ins.line);
          else inContext(rel, ins.line, 'script');
        }
        for (const m of command.matchAll(/--filter(?:=|\s+)(\S+)/g)) {
          const name = m[1]!.replace(/\.\.\.$/, '');
          if (!opts.packages.has(name))
            problems.push(`line ${ins.line}: --filter ${name}: no such workspace package`);
        }
      }
    }
  }
  // The runtime images must carry the build output of everything the entry points import.
  for (const name of runtimeClosure(opts.packages, opts.runtimeRoots)) {
    if (opts.packages.get(name)?.scripts.build && !copiedDists.has(name))
      problems.push(`${name}'s dist is never copied from the build stage`);
  }
  // pnpm install in the image needs every workspace package.json in the build context.
  for (const pkg of opts.packages.values()) {
    if (ignored(`${pkg.dir}/package.json`))
      problems.push(
        `${pkg.dir}/package.json (workspace package ${pkg.name}) is excluded by .dockerignore`,
      );
  }
  return problems;
}

export function readDockerfile(): string {
  return readFileSync(join(REPO_ROOT, 'infra', 'docker', 'Dockerfile'), 'utf8');
}

/** The stages a named target is built from, nearest first. */
export function stageChain(stages: Stage[], target: string): Stage[] {
  const chain: Stage[] = [];
  let stage = stages.find((s) => s.name === target);
  while (stage) {
    chain.push(stage);
    const from = stage.from;
    stage = stages.find((s) => s.name === from);
  }
  return chain;
}

/** The last value an instruction set along a target's chain (USER, WORKDIR…). */
export function effective(stages: Stage[], target: string, keyword: string): string | undefined {
  for (const stage of stageChain(stages, target)) {
    const found = stage.instructions.filter((i) => i.keyword === keyword).pop();
    if (found) return found.args;
  }
  return undefined;
}
