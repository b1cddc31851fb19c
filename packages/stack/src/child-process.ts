import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** Last lines of output, for the error message when it dies. */
  tail: string[];
  stop(timeoutMs?: number): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Resolves when a line of stdout/stderr matches; the match is returned. */
  ready: RegExp;
  readyTimeoutMs?: number;
  /** Where to echo the child's output (prefixed with its name); default: nowhere. */
  echo?: (line: string) => void;
}

/**
 * Starts a child process and waits until it prints its readiness line. Fails with the
 * child's last output when it exits first or the deadline passes, so a broken service
 * says why instead of hanging the stack.
 */
export async function startProcess(
  opts: StartOptions,
): Promise<{ proc: ManagedProcess; match: RegExpMatchArray }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  // An explicit undefined removes a variable (train workers must not inherit DATABASE_URL).
  for (const [k, v] of Object.entries(opts.env ?? {})) if (v === undefined) delete env[k];
  const child = spawn(opts.command, opts.args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  let exited = false;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', () => ((exited = true), resolve())),
  );

  const proc: ManagedProcess = {
    name: opts.name,
    child,
    tail,
    async stop(timeoutMs = 15_000) {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exitPromise;
      clearTimeout(timer);
    },
  };

  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      settle(() =>
        reject(
          new Error(
            `${opts.name} did not become ready within ${timeoutMs / 1000} s; last output:\n${tail.join('\n')}`,
          ),
        ),
      );
      child.kill('SIGKILL');
    }, timeoutMs);
    const onLine = (line: string) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      opts.echo?.(`[${opts.name}] ${line}`);
      const m = line.match(opts.ready);
      if (m) settle(() => resolve(m));
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('error', (err) =>
      settle(() =>
        reject(new Error(`${opts.name} could not start (${opts.command}): ${err.message}`)),
      ),
    );
    child.once('exit', (code, signal) =>
      settle(() =>
        reject(
          new Error(
            `${opts.name} exited (${signal ?? `code ${code}`}) before it was ready; last output:\n${tail.join('\n')}`,
          ),
        ),
      ),
    );
  });
  return { proc, match };
}
