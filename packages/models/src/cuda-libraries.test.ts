import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CUDA_LIBRARIES, explainNoGpu, missingLibraries } from './cuda-libraries';

describe('the CUDA libraries TensorFlow needs for a GPU', () => {
  it('are found on LD_LIBRARY_PATH or in the loader cache; the rest are named', () => {
    const a = mkdtempSync(join(tmpdir(), 'cuda-a-'));
    const b = mkdtempSync(join(tmpdir(), 'cuda-b-'));
    writeFileSync(join(a, 'libcudart.so.12'), '');
    writeFileSync(join(b, 'libcublas.so.12'), '');
    const cache = [
      "12 libs found in cache `/etc/ld.so.cache'",
      '\tlibcublasLt.so.12 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcublasLt.so.12',
      '\tlibcufft.so.11 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcufft.so.11',
    ].join('\n');
    expect(missingLibraries(CUDA_LIBRARIES, `${a}::${b}`, cache)).toEqual([
      'libcudnn.so.9',
      'libcusolver.so.11',
      'libcusparse.so.12',
    ]);
    expect(missingLibraries(['libcudart.so.12'], '', cache)).toEqual(['libcudart.so.12']);
    rmSync(a, { recursive: true });
    rmSync(b, { recursive: true });
  });

  it('say what to install when libraries are missing, and to check the driver when none is', () => {
    expect(explainNoGpu(['libcudnn.so.9'])).toMatch(
      /^TensorFlow loaded, but without a GPU: libcudnn\.so\.9 is not on LD_LIBRARY_PATH.*setup-tfjs-node\.mjs/,
    );
    expect(explainNoGpu([])).toMatch(/check the NVIDIA driver/);
  });
});
