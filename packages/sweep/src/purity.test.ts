import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

// Workflow code imports the main entry, and Temporal's sandbox refuses Node builtins and
// replays code that must not read the clock or draw its own randomness. yaml is allowed: the
// workflow bundler resolves it to its browser build, which imports no builtins.
const SRC = __dirname;
const ALLOWED_PACKAGES = ['zod', 'yaml', '@headroom/errors'];

/** Every module reachable from `entry` through the imports `pattern` matches (the path in a group). */
function follow(entry: string, pattern: RegExp): { files: string[]; packages: Set<string> } {
  const files: string[] = [];
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    for (const m of readFileSync(file, 'utf8').matchAll(pattern)) {
      const spec = m.slice(1).find((g) => g !== undefined)!;
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), `${spec}.ts`));
      else packages.add(spec);
    }
  }
  return { files, packages };
}

/** Every module reachable from `entry`, following relative imports of any kind. */
const reachable = (entry: string) => follow(entry, /(?:from|import|require\()\s*['"]([^'"]+)['"]/g);

/**
 * Modules evaluated when `entry` is: its import and export-from statements at the top level,
 * followed, without the type-only ones (erased) and without a `require` inside a function (lazy).
 */
const evaluated = (entry: string) =>
  follow(
    entry,
    /^(?:import|export)(?!\s+type\b)[^;]*?\bfrom\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]/gm,
  );

describe('the main entry', () => {
  it('is checked by a scanner that does see package imports', () => {
    expect(reachable(join(SRC, 'load.ts')).packages).toEqual(
      new Set(['@headroom/errors', 'yaml', 'zod']),
    );
  });

  const { files, packages } = reachable(join(SRC, 'index.ts'));

  it('imports only zod, yaml and @headroom/errors (no Node builtins)', () => {
    expect(files.length).toBeGreaterThan(5);
    for (const p of packages) {
      expect(builtinModules.includes(p.replace(/^node:/, '')), p).toBe(false);
      expect(ALLOWED_PACKAGES, p).toContain(p);
    }
  });

  it('never reads the clock or Math.random', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(
        /Date\.now|new Date\(|Math\.random\(|performance\.now|process\./,
      );
    }
  });
});

describe('the workflow entry', () => {
  it('is checked by a scanner that sees what the main entry evaluates', () => {
    expect(evaluated(join(SRC, 'index.ts')).packages).toEqual(
      new Set(['@headroom/errors', 'yaml', 'zod']),
    );
  });

  it('evaluates neither zod nor yaml: Temporal evaluates it for every workflow it starts', () => {
    const { files, packages } = evaluated(join(SRC, 'workflow.ts'));
    expect(files.map((f) => f.slice(SRC.length + 1))).not.toContain('spec.ts');
    expect(packages).toEqual(new Set(['@headroom/errors']));
  });
});
