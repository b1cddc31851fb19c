import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, freePort, type TestDatabase } from '@headroom/test-support';
import { afterAll, beforeAll } from 'vitest';

export const API_DIR = resolve(__dirname, '..', '..');
export const DIST_MAIN = resolve(API_DIR, 'dist', 'main.js');

const LISTENING = /^headroom api listening on (http:\/\/\S+\/graphql)$/;
const START_DEADLINE_MS = 30_000;
const EXIT_DEADLINE_MS = 15_000;

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: Array<{
    message: string;
    path?: Array<string | number>;
    extensions?: { code?: string; violations?: Array<{ path: string; message: string }> };
  }>;
}

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** Every stdout line so far; the API promises only the listening line there. */
  stdoutLines: string[];
  stderr(): string;
  /** The admin token the API made or kept at start (HEADROOM_ADMIN_TOKEN_FILE; a temporary file unless the test names one). */
  adminToken: string | undefined;
  /** POSTs a document, with the admin token unless `as` names another (null: none at all). */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    as?: { token: string | null },
  ): Promise<GraphQLResponse<T>>;
  /** SIGTERM, then the exit code once it exits (throws past a deadline). */
  stop(): Promise<number | null>;
}

export interface ExitResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function assertBuilt(): void {
  if (!existsSync(DIST_MAIN))
    throw new Error(`${DIST_MAIN} is missing: run \`pnpm --filter @headroom/api build\``);
}

function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1' };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

function waitForExit(child: ChildProcess, deadlineMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the API process did not exit within ${deadlineMs} ms`));
    }, deadlineMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolvePromise(code);
    });
  });
}

/** Starts dist/main.js and resolves once it prints its listening line (the only way to learn PORT=0's port). */
export async function startApi(env: Record<string, string | undefined>): Promise<ApiProcess> {
  assertBuilt();
  // The API makes an admin token at start, as under `headroom up`; tests act as that admin by default.
  const tokenDir =
    'HEADROOM_ADMIN_TOKEN_FILE' in env ? undefined : mkdtempSync(join(tmpdir(), 'headroom-token-'));
  const tokenFile = env.HEADROOM_ADMIN_TOKEN_FILE ?? (tokenDir && join(tokenDir, 'token'));
  const child = spawn(process.execPath, [DIST_MAIN], {
    cwd: API_DIR,
    env: childEnv({ HEADROOM_ADMIN_TOKEN_FILE: tokenFile, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.once('exit', () => tokenDir && rmSync(tokenDir, { recursive: true, force: true }));
  const stdoutLines: string[] = [];
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  const url = await new Promise<string>((resolvePromise, reject) => {
    let pending = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `the API did not report listening within ${START_DEADLINE_MS} ms; stderr:\n${stderr}`,
        ),
      );
    }, START_DEADLINE_MS);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        stdoutLines.push(line);
        const match = LISTENING.exec(line);
        if (match?.[1]) {
          clearTimeout(timer);
          resolvePromise(match[1]);
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the API exited with code ${code} before listening; stderr:\n${stderr}`));
    });
  });

  const adminToken =
    tokenFile && existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined;
  return {
    url,
    child,
    stdoutLines,
    stderr: () => stderr,
    adminToken,
    async gql(query, variables, as) {
      const token = as ? as.token : adminToken;
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as GraphQLResponse<never>;
    },
    async stop() {
      child.kill('SIGTERM');
      return waitForExit(child, EXIT_DEADLINE_MS);
    },
  };
}

/** Runs dist/main.js expecting it to stop on its own (a bad environment, a command such as create-admin-token). */
export async function runApiToExit(
  env: Record<string, string | undefined>,
  args: string[] = [],
): Promise<ExitResult> {
  assertBuilt();
  const child = spawn(process.execPath, [DIST_MAIN, ...args], {
    cwd: API_DIR,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await waitForExit(child, EXIT_DEADLINE_MS);
  return { code, stdout, stderr };
}

/**
 * A fresh database and an API on it for one test file, started before its tests and stopped
 * after. TEMPORAL_ADDRESS points where nothing listens: what these tests send is refused or
 * answered before Temporal is touched.
 */
export function apiWithoutTemporal(name?: string): {
  readonly api: ApiProcess;
  readonly database: TestDatabase;
  /** Where TEMPORAL_ADDRESS points (nothing listens). */
  readonly temporalAddress: string;
} {
  let database: TestDatabase | undefined;
  let api: ApiProcess | undefined;
  let temporalAddress = '';
  beforeAll(async () => {
    database = await createTestDatabase(name);
    temporalAddress = `127.0.0.1:${await freePort()}`;
    api = await startApi({
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporalAddress,
    });
  });
  afterAll(async () => {
    if (api?.child.exitCode === null) await api.stop();
    await database?.drop();
  });
  return {
    get api() {
      return api!;
    },
    get database() {
      return database!;
    },
    get temporalAddress() {
      return temporalAddress;
    },
  };
}
