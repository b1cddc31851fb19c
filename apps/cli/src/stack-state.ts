import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ApiTarget } from './graphql-client';

/** What `headroom up` tells other commands on the same machine (API URL, Temporal address). */
export interface StackState {
  apiUrl: string;
  temporalAddress: string;
  pid: number;
}

export const DEFAULT_API_URL = 'http://127.0.0.1:4000/graphql';

export function dataDir(): string {
  return resolve(process.env.HEADROOM_DATA_DIR ?? '.headroom');
}

function stateFile(): string {
  return join(dataDir(), 'stack.json');
}

export function writeStackState(state: StackState): void {
  writeFileSync(stateFile(), JSON.stringify(state, null, 2) + '\n');
}

export function clearStackState(): void {
  rmSync(stateFile(), { force: true });
}

/** The state of a `headroom up` whose process still lives; a stale file is ignored. */
export function readStackState(): StackState | undefined {
  if (!existsSync(stateFile())) return undefined;
  try {
    const s = JSON.parse(readFileSync(stateFile(), 'utf8')) as StackState;
    process.kill(s.pid, 0);
    return s;
  } catch {
    return undefined;
  }
}

/** --api, else HEADROOM_API_URL, else the running `headroom up`, else the default port. */
export function resolveApiUrl(flag: string | undefined): string {
  return flag ?? process.env.HEADROOM_API_URL ?? readStackState()?.apiUrl ?? DEFAULT_API_URL;
}

/** Where the API keeps the admin token it made for this machine (`headroom up`, `demo`). */
export function tokenFile(dir = dataDir()): string {
  return join(dir, 'token');
}

/**
 * The API and the token to send it: --token, else HEADROOM_TOKEN, else — only for an API on this
 * machine (a loopback address) — the admin token `headroom up` wrote to HEADROOM_DATA_DIR, so a
 * local admin token is never sent to another host.
 */
export function resolveApi(flags: { api?: string; token?: string }): ApiTarget {
  const url = resolveApiUrl(flags.api);
  const token =
    flags.token ?? process.env.HEADROOM_TOKEN ?? (isLoopback(url) ? readTokenFile() : undefined);
  return token ? { url, token } : { url };
}

/** The token in a token file, if there is one. */
export function readTokenFile(file = tokenFile()): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}
