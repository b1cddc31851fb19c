import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Compiles src → dist so the API processes the tests start run the code under test, not a stale
 * build — unless `pnpm test` (scripts/test-all.mjs) has just built every package.
 */
export default function setup(): void {
  if (process.env.HEADROOM_JUST_BUILT === '1') return;
  const apiDir = resolve(__dirname, '..');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
    cwd: apiDir,
    stdio: 'inherit',
  });
}
