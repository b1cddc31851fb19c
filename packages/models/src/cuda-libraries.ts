import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The CUDA 12 / cuDNN 9 libraries TensorFlow 2.21's C library `dlopen`s by file name for its GPU
 * device (the `nvidia-*-cu12` wheels of its `and-cuda` extra, docs/gpu.md). When one is missing,
 * TensorFlow quietly runs every op on the CPU.
 */
export const CUDA_LIBRARIES = [
  'libcudart.so.12',
  'libcublas.so.12',
  'libcublasLt.so.12',
  'libcudnn.so.9',
  'libcufft.so.11',
  'libcusolver.so.11',
  'libcusparse.so.12',
] as const;

/**
 * Which of `names` the dynamic loader would not find: not in a directory of `LD_LIBRARY_PATH`,
 * nor in the loader's cache (`ldconfig -p`).
 */
export function missingLibraries(
  names: readonly string[],
  ldLibraryPath = process.env['LD_LIBRARY_PATH'] ?? '',
  loaderCache: string = ldconfigCache(),
): string[] {
  const dirs = ldLibraryPath.split(':').filter(Boolean);
  return names.filter(
    (name) =>
      !dirs.some((dir) => existsSync(join(dir, name))) &&
      !new RegExp(`^\\s*${name.replace(/\./g, '\\.')} `, 'm').test(loaderCache),
  );
}

function ldconfigCache(): string {
  for (const ldconfig of ['ldconfig', '/sbin/ldconfig']) {
    const r = spawnSync(ldconfig, ['-p'], { encoding: 'utf8', timeout: 5000 });
    if (r.status === 0) return r.stdout;
  }
  return '';
}

/** Why TensorFlow has no GPU, said so a person can fix it: the libraries missing, or the driver. */
export function explainNoGpu(missing: readonly string[]): string {
  return missing.length > 0
    ? `TensorFlow loaded, but without a GPU: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not on LD_LIBRARY_PATH or in the loader's cache (\`HEADROOM_TF_WHEEL=tensorflow node scripts/setup-tfjs-node.mjs\` installs the CUDA wheels; export the LD_LIBRARY_PATH it prints, docs/gpu.md)`
    : 'TensorFlow loaded, but without a GPU although the CUDA libraries are there: check the NVIDIA driver (`nvidia-smi`; CUDA 12 needs driver ≥ 525) and CUDA_VISIBLE_DEVICES';
}
