import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { HeadroomError } from '@headroom/errors';
import { CUDA_LIBRARIES, explainNoGpu, missingLibraries } from './cuda-libraries';
import { tf } from './tf';

/**
 * TF.js backends, fastest first:
 *   tensorflow-gpu  native TensorFlow with CUDA (`@tensorflow/tfjs-node-gpu`, GPU nodes only);
 *   tensorflow      native TensorFlow on the CPU (`@tensorflow/tfjs-node`, binding built by
 *                   `pnpm setup:native`);
 *   wasm            WebAssembly kernels; no Conv2DBackpropFilter in TF.js 4.22, so it can
 *                   run but not train convolutional models (pose2d's backbone);
 *   cpu             plain JavaScript, always there, slow.
 * Packages are loaded only when chosen: loading tfjs-node switches the whole process to it,
 * and a broken native binding must not stop a wasm or cpu run.
 */
export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendInfo {
  backend: BackendName;
  /** What it runs on: `cpu (2 cores)`, `GPU 2 (NVIDIA L4)` (the one TensorFlow places ops on), `cpu (wasm)`. */
  device: string;
  /** Backends tried first and why they were passed over (when none was asked for). */
  skipped: { backend: BackendName; reason: string }[];
}

const PACKAGES: Record<BackendName, string | undefined> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: undefined,
};

/** The backend name inside TF.js: both native packages register `tensorflow`. */
const TF_NAME: Record<BackendName, string> = {
  'tensorflow-gpu': 'tensorflow',
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

const HOW_TO_FIX: Record<BackendName, string> = {
  'tensorflow-gpu':
    'install @tensorflow/tfjs-node-gpu with CUDA on GPU nodes, or choose tensorflow, wasm or cpu',
  tensorflow: 'build its native binding with `pnpm setup:native`, or choose wasm or cpu',
  wasm: 'reinstall the workspace (`./scripts/install.sh`), or choose cpu',
  cpu: 'reinstall the workspace (`./scripts/install.sh`)',
};

export function isBackendName(value: unknown): value is BackendName {
  return (BACKEND_NAMES as readonly unknown[]).includes(value);
}

/** Which native package registered "tensorflow" in this process (only one can). */
let nativeLoaded: BackendName | undefined;

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

function gpuNames(): string | undefined {
  const r = spawnSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], {
    encoding: 'utf8',
    timeout: 5000,
  });
  const names =
    r.status === 0
      ? r.stdout
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  return names.length > 0 ? names.join(', ') : undefined;
}

/**
 * The GPU TensorFlow places its ops on: its `/GPU:0` is the first device CUDA_VISIBLE_DEVICES
 * lets it see (by nvidia-smi's index), not every GPU of the node.
 */
function placedGpu(): string {
  const visible = process.env['CUDA_VISIBLE_DEVICES']?.split(',')[0]?.trim();
  const index = visible && /^\d+$/.test(visible) ? Number(visible) : 0;
  const name = gpuNames()?.split(', ')[index];
  return `GPU ${index}${name ? ` (${name})` : ''}`;
}

function describeDevice(name: BackendName): string {
  switch (name) {
    case 'tensorflow-gpu':
      return placedGpu();
    case 'tensorflow':
      return `cpu (${availableParallelism()} cores)`;
    case 'wasm':
      return 'cpu (wasm)';
    case 'cpu':
      return 'cpu (plain JavaScript)';
  }
}

async function activate(name: BackendName): Promise<void> {
  const pkg = PACKAGES[name];
  const native = TF_NAME[name] === 'tensorflow';
  if (native && nativeLoaded && nativeLoaded !== name) {
    throw new Error(
      `this process already runs ${PACKAGES[nativeLoaded]}; one native package per process`,
    );
  }
  if (pkg && !(native && nativeLoaded === name)) {
    // Optional native packages load on demand, by name, so a missing one is a fallback, not a crash.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(pkg);
    if (native) nativeLoaded = name;
  }
  if (!tf.findBackendFactory(TF_NAME[name])) {
    throw new Error(
      `${pkg} loaded but registered no "${TF_NAME[name]}" backend with this package's TF.js`,
    );
  }
  if (!(await tf.setBackend(TF_NAME[name])))
    throw new Error(`backend ${TF_NAME[name]} failed to initialise`);
  await tf.ready();
  // tfjs-node-gpu loads whether or not CUDA does; without it every op runs on the CPU, which a
  // GPU pool must not do unnoticed.
  if (name === 'tensorflow-gpu') {
    const binding = (tf.backend() as { binding?: { isUsingGpuDevice?: () => boolean } }).binding;
    if (binding?.isUsingGpuDevice && !binding.isUsingGpuDevice())
      throw new Error(explainNoGpu(missingLibraries(CUDA_LIBRARIES)));
  }
}

let last: { request: string; info: BackendInfo } | undefined;

/**
 * Makes a TF.js backend the process's own and says which. `preferred` (else env
 * `HEADROOM_BACKEND`) forces one and fails with `HeadroomError('CONFIG')` saying how to fix
 * it when it cannot start (a GPU pool silently training on the CPU would be worse); unset,
 * it takes the first of tensorflow-gpu → tensorflow → wasm → cpu that starts.
 * Calling it again with the same request returns the same answer.
 */
export async function selectBackend(preferred?: string): Promise<BackendInfo> {
  const request = preferred || process.env['HEADROOM_BACKEND'] || 'auto';
  if (last && last.request === request && tf.getBackend() === TF_NAME[last.info.backend])
    return last.info;
  if (request !== 'auto' && !isBackendName(request)) {
    throw new HeadroomError(
      'CONFIG',
      `HEADROOM_BACKEND=${request} is not a TF.js backend; use ${BACKEND_NAMES.join(', ')}, or leave it unset for the best available`,
    );
  }
  const candidates = request === 'auto' ? BACKEND_NAMES : [request];
  const skipped: BackendInfo['skipped'] = [];
  for (const backend of candidates) {
    try {
      await activate(backend);
      const info: BackendInfo = { backend, device: describeDevice(backend), skipped };
      last = { request, info };
      return info;
    } catch (err) {
      if (request !== 'auto') {
        throw new HeadroomError(
          'CONFIG',
          `TF.js backend ${backend} cannot start: ${message(err)}; ${HOW_TO_FIX[backend]}`,
        );
      }
      skipped.push({ backend, reason: message(err) });
    }
  }
  throw new HeadroomError(
    'CONFIG',
    `no TF.js backend could start (${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}); reinstall with ./scripts/install.sh`,
  );
}
