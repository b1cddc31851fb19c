/**
 * The guard a program trial runs behind: `node -e GUARD_SOURCE -- ARGV…` runs the command as its
 * child, in the process group the worker started the guard in, and ends that group when the worker
 * dies. A worker killed with SIGKILL cannot stop its children; without the guard the program would
 * run on beside the attempt that replaces it on another worker, both writing the same checkpoint
 * directory.
 *
 * The worker signals the whole group (SIGTERM, then SIGKILL after its grace); the guard ignores
 * SIGTERM itself and exits as its child did: the same code, or the same signal. Plain JavaScript run
 * with `node -e`, so it needs no file of its own (the worker runs from dist, its tests from source).
 */
export const GUARD_SOURCE = String.raw`
const { spawn } = require('node:child_process');
const [command, ...args] = process.argv.slice(1);
const graceMs = Number(process.env.HEADROOM_GUARD_GRACE_MS || '10000');
delete process.env.HEADROOM_GUARD_GRACE_MS;
const parent = process.ppid;
// Once the worker is gone its pipes are closed: writing to them must not end the guard.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});
const signalGroup = (signal) => {
  try { process.kill(-process.pid, signal); } catch {}
};
const child = spawn(command, args, { stdio: 'inherit' });
// The worker's SIGTERM reaches the child directly (same group); the guard waits for it to exit.
process.on('SIGTERM', () => {});
process.on('SIGINT', () => {});
child.on('error', (err) => {
  process.stderr.write('headroom: cannot start ' + command + ': ' + err.message + '\n');
  process.exit(127);
});
const watch = setInterval(() => {
  if (process.ppid === parent) return;
  // The worker is gone (nobody reads the output any more): stop the program as a drain would,
  // then for good.
  clearInterval(watch);
  signalGroup('SIGTERM');
  setTimeout(() => signalGroup('SIGKILL'), graceMs).unref();
}, 500);
child.on('exit', (code, signal) => {
  clearInterval(watch);
  if (signal) {
    process.removeAllListeners('SIGTERM');
    process.removeAllListeners('SIGINT');
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code === null ? 1 : code);
});
`;
