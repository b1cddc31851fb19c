#!/usr/bin/env node
// Runs every package's tests (vitest) in two lanes (see below) — the machine has two cores
// and the integration tests start real servers — and ends with the one line CI reads:
// `N passed, N failed`.
import { spawn, spawnSync } from 'node:child_process';
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

// Every folder under packages/ and apps/, and infra/ (a workspace package of its own: the
// deployment files' checks), that has a vitest config.
const dirs = ['packages', 'apps']
  .flatMap((top) => readdirSync(join(root, top)).map((d) => join(top, d)))
  .concat(['infra'])
  .filter((d) => existsSync(join(root, d, 'vitest.config.ts')))
  .filter((d) => only.length === 0 || only.includes(d));

// Two lanes at once: the end-to-end tests (apps/cli's whole stacks, one file at a time, mostly
// waiting on training and Temporal; then infra's multi-host stacks) beside every other package,
// one after another; infra moved over so the lanes end together (on a slow 2-core VM 700 s +
// 180 s beside ~860 s, instead of 700 s beside ~1,040 s). Each package's output is printed whole
// when it ends, so the two never interleave.
const SLOW_LANE = ['apps/cli', 'infra'];
const lanes = [
  dirs.filter((d) => SLOW_LANE.includes(d)),
  dirs.filter((d) => !SLOW_LANE.includes(d)),
].filter((lane) => lane.length > 0);

const rows = [];
const results = await Promise.all(lanes.map((lane) => runLane(lane)));
for (const lane of results) rows.push(...lane);
rows.sort((a, b) => dirs.indexOf(a[0]) - dirs.indexOf(b[0]));
const passed = rows.reduce((n, [, p]) => n + p, 0);
const failed = rows.reduce((n, [, , f]) => n + f, 0);

async function runLane(lane) {
  const out = [];
  for (const dir of lane) out.push(await runPackage(dir));
  return out;
}

/** One package's vitest run: [dir, passed, failed] from its JSON report. */
async function runPackage(dir) {
  const out = join(outDir, `${dir.replace('/', '-')}.json`);
  const started = Date.now();
  console.log(`── ${dir}: running`);
  const chunks = [];
  const status = await new Promise((resolveStatus) => {
    const child = spawn(
      'pnpm',
      ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${out}`],
      {
        cwd: join(root, dir),
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FORCE_COLOR: '0' },
      },
    );
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    child.on('close', (code) => resolveStatus(code));
  });
  console.log(`\n── ${dir} (${((Date.now() - started) / 1000).toFixed(0)} s) ──`);
  process.stdout.write(Buffer.concat(chunks));
  if (!existsSync(out)) return [dir, 0, 1]; // vitest crashed before reporting: one failure
  const report = JSON.parse(readFileSync(out, 'utf8'));
  // Failed suites (a file that does not load) have no test results; count them too.
  const suiteErrors = report.testResults.filter(
    (f) => f.status === 'failed' && f.assertionResults.length === 0,
  ).length;
  const p = report.numPassedTests;
  const f =
    report.numFailedTests +
    suiteErrors +
    (status !== 0 && report.numFailedTests + suiteErrors === 0 ? 1 : 0);
  return [dir, p, f];
}

console.log('\npackage                passed  failed');
for (const [dir, p, f] of rows)
  console.log(`${dir.padEnd(22)} ${String(p).padStart(6)}  ${String(f).padStart(6)}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
