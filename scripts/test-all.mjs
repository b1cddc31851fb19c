#!/usr/bin/env node
// Runs every package's tests (vitest) one package at a time — the machine has two
// cores and the integration tests start real servers — and ends with the one line
// CI reads: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2); // optional package dirs, e.g. `packages/models`
const outDir = join(root, '.cache', 'test-results');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const build = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.log('build failed: no tests were run');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const dirs = ['packages', 'apps']
  .flatMap((top) => readdirSync(join(root, top)).map((d) => join(top, d)))
  .filter((d) => existsSync(join(root, d, 'vitest.config.ts')))
  .filter((d) => only.length === 0 || only.includes(d));

let passed = 0;
let failed = 0;
const rows = [];
for (const dir of dirs) {
  const out = join(outDir, `${dir.replace('/', '-')}.json`);
  console.log(`\n── ${dir} ──`);
  const r = spawnSync(
    'pnpm',
    ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${out}`],
    { cwd: join(root, dir), stdio: 'inherit' },
  );
  if (!existsSync(out)) {
    // vitest crashed before reporting: count the package as one failure.
    rows.push([dir, 0, 1]);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(out, 'utf8'));
  // Failed suites (a file that does not load) have no test results; count them too.
  const suiteErrors = report.testResults.filter(
    (f) => f.status === 'failed' && f.assertionResults.length === 0,
  ).length;
  const p = report.numPassedTests;
  const f =
    report.numFailedTests +
    suiteErrors +
    (r.status !== 0 && report.numFailedTests + suiteErrors === 0 ? 1 : 0);
  rows.push([dir, p, f]);
  passed += p;
  failed += f;
}

console.log('\npackage                passed  failed');
for (const [dir, p, f] of rows)
  console.log(`${dir.padEnd(22)} ${String(p).padStart(6)}  ${String(f).padStart(6)}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
