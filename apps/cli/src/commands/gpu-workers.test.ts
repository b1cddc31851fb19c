import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { headroomErrorOf } from '@headroom/test-support';
import { describe, expect, it } from 'vitest';
import {
  chooseGpus,
  EXIT_CONFIG,
  listGpus,
  metricsAddressFor,
  superviseGpuWorkers,
  type Gpu,
} from './gpu-workers';

/** An executable answering nvidia-smi's query as a node with two GPUs does. */
function fakeNvidiaSmi(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'headroom-smi-')), 'nvidia-smi');
  writeFileSync(
    path,
    '#!/bin/sh\n[ "$1" = "--query-gpu=index,name" ] || exit 2\nprintf "0, NVIDIA A100-SXM4-80GB\\n1, NVIDIA L4\\n"\n',
  );
  chmodSync(path, 0o755);
  return path;
}

describe('the GPUs a worker node starts workers for', () => {
  const gpus = listGpus(fakeNvidiaSmi());

  it("lists nvidia-smi's GPUs, and says what to do without it", () => {
    expect(gpus).toEqual([
      { index: 0, name: 'NVIDIA A100-SXM4-80GB' },
      { index: 1, name: 'NVIDIA L4' },
    ]);
    const missing = headroomErrorOf(() => listGpus('/nonexistent/nvidia-smi'));
    expect(missing.code).toBe('CONFIG');
    expect(missing.message).toMatch(
      /^cannot list this node's GPUs with \/nonexistent\/nvidia-smi \(.*ENOENT.*\); install the NVIDIA driver/,
    );
  });

  it('takes all, or the indices asked for, and names the ones there are', () => {
    expect(chooseGpus('all', gpus)).toEqual(gpus);
    expect(chooseGpus('1', gpus)).toEqual([gpus[1]]);
    const wrong = headroomErrorOf(() => chooseGpus('0,3', gpus));
    expect(wrong.code).toBe('INVALID_INPUT');
    expect(wrong.message).toBe(
      '--gpus 0,3: no GPU 3 on this node; it has 0 (NVIDIA A100-SXM4-80GB), 1 (NVIDIA L4), or say all',
    );
    expect(headroomErrorOf(() => chooseGpus('all', [])).message).toMatch(/lists no GPU/);
  });

  it("gives each GPU's worker its own /metrics port: the node's, plus the GPU's index", () => {
    expect(gpus.map((g) => metricsAddressFor('0.0.0.0:9464', g))).toEqual([
      '0.0.0.0:9464',
      '0.0.0.0:9465',
    ]);
    expect(metricsAddressFor('[::]:9464', gpus[1]!)).toBe('[::]:9465');
    expect(metricsAddressFor(undefined, gpus[1]!)).toBeUndefined();
    expect(headroomErrorOf(() => metricsAddressFor('metrics-host', gpus[0]!)).code).toBe('CONFIG');
  });
});

describe('superviseGpuWorkers', () => {
  it('runs one worker per GPU with only its GPU visible, restarts a crashed one, not one that refused to start, and stops them all', async () => {
    const gpus: Gpu[] = [
      { index: 0, name: 'a' },
      { index: 1, name: 'b' },
    ];
    const starts: Array<{ gpu: number; visible: string | undefined }> = [];
    let crashes = 1;
    // GPU 0's worker crashes once, then runs until stopped; GPU 1's refuses to start (CONFIG).
    const script = (gpu: number) =>
      gpu === 1
        ? `process.exit(${EXIT_CONFIG})`
        : crashes-- > 0
          ? 'process.exit(1)'
          : "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000); console.log('up')";
    const lines: string[] = [];
    let running: (() => void) | undefined;
    const up = new Promise<void>((r) => (running = r));
    const supervisor = superviseGpuWorkers({
      gpus,
      firstBackoffMs: 50,
      log: (line) => lines.push(line),
      start: (gpu) => {
        const env = { ...process.env, CUDA_VISIBLE_DEVICES: String(gpu.index) };
        const child = spawn(process.execPath, ['-e', script(gpu.index)], { env });
        starts.push({ gpu: gpu.index, visible: env.CUDA_VISIBLE_DEVICES });
        child.stdout.on('data', () => running?.());
        return child;
      },
    });
    await up;
    expect(starts).toEqual([
      { gpu: 0, visible: '0' },
      { gpu: 1, visible: '1' },
      { gpu: 0, visible: '0' },
    ]);
    expect(
      lines.some((l) => /^\[gpu 0\] worker exited \(code 1\); restarting in 0 s$/.test(l)),
    ).toBe(true);
    expect(lines).toContain(
      '[gpu 1] worker refused to start (its message says why); not restarting it',
    );
    supervisor.stop('SIGTERM');
    expect(await supervisor.done).toBe(EXIT_CONFIG);
    expect(starts).toHaveLength(3);
  });
});

describe('headroom worker --gpus', () => {
  const cli = resolve(__dirname, '..', '..', 'dist', 'main.js');

  it('starts a tensorflow-gpu worker per GPU; without CUDA each refuses to start, naming what is missing, and is not restarted', () => {
    const r = spawnSync(process.execPath, [cli, 'worker', '--gpus', 'all'], {
      encoding: 'utf8',
      // Temporal is never reached: the backend is checked first.
      env: {
        ...process.env,
        HEADROOM_NVIDIA_SMI: fakeNvidiaSmi(),
        TEMPORAL_ADDRESS: '127.0.0.1:1',
      },
      timeout: 120_000,
    });
    expect(r.status).toBe(EXIT_CONFIG);
    for (const gpu of [0, 1]) {
      expect(r.stderr).toContain(`[gpu ${gpu}] worker started`);
      expect(r.stderr).toContain(`[gpu ${gpu}] worker refused to start`);
    }
    expect(r.stderr).toMatch(
      /tensorflow-gpu cannot start: Cannot find module '@tensorflow\/tfjs-node-gpu'/,
    );
    expect(r.stderr).not.toMatch(/restarting in/);
  }, 150_000);

  it('does not go with --control (a usage error)', () => {
    const r = spawnSync(process.execPath, [cli, 'worker', '--control', '--gpus', 'all'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("option '--gpus <all|0,2>' cannot be used with option '--control'");
  });
});
