import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Builds the API and what it imports (turbo: src → dist, dependencies first) so the API processes
 * the tests start run the code under test, not a stale build. After `pnpm test`'s own build this
 * is turbo's cache answering (~1 s).
 */
export default function setup(): void {
  execFileSync(
    'pnpm',
    ['exec', 'turbo', 'run', 'build', '--filter=@headroom/api', '--output-logs=errors-only'],
    { cwd: resolve(__dirname, '..', '..', '..'), stdio: 'inherit' },
  );
}
