import { tf } from './tf';

/**
 * TF.js backends the trainer can run on, fastest first:
 *   tensorflow  native TensorFlow through tfjs-node (`@tensorflow/tfjs-node-gpu` when
 *               installed on a GPU node, else `@tensorflow/tfjs-node`);
 *   wasm        portable, multi-threaded-free WebAssembly kernels;
 *   cpu         plain JavaScript, always there, slow.
 * Backend packages are loaded only when chosen: importing tfjs-node switches the whole
 * process to it, and a broken native binding must not stop a wasm or cpu run.
 */
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendPreference = 'auto' | BackendName;

export const NATIVE_GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';
export const NATIVE_CPU_PACKAGE = '@tensorflow/tfjs-node';
const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

export interface SelectedBackend {
  name: BackendName;
  /** The package that provides it (`undefined` for the built-in cpu backend). */
  package: string | undefined;
  /** Backends tried first and why they were passed over (for `auto`), to log at start-up. */
  skipped: { name: BackendName; reason: string }[];
}

export function isBackendPreference(value: unknown): value is BackendPreference {
  return value === 'auto' || (BACKEND_NAMES as readonly unknown[]).includes(value);
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

/** Which native package registered the "tensorflow" backend in this process, once one has. */
let loadedNativePackage: string | undefined;

/** Loads the package that registers `name`; returns the package loaded. */
function loadBackendPackage(name: BackendName): string | undefined {
  if (name === 'cpu') return undefined;
  if (name === 'wasm') {
    require(WASM_PACKAGE);
    return WASM_PACKAGE;
  }
  if (tf.findBackendFactory('tensorflow')) return loadedNativePackage ?? NATIVE_CPU_PACKAGE;
  let gpuFailure: string;
  try {
    require(NATIVE_GPU_PACKAGE);
    loadedNativePackage = NATIVE_GPU_PACKAGE;
    return NATIVE_GPU_PACKAGE;
  } catch (err) {
    gpuFailure = message(err);
  }
  try {
    require(NATIVE_CPU_PACKAGE);
  } catch (err) {
    throw new Error(
      `${NATIVE_CPU_PACKAGE} does not load (${message(err)}; ${NATIVE_GPU_PACKAGE}: ${gpuFailure}); ` +
        'build the native binding with `pnpm setup:native`',
    );
  }
  loadedNativePackage = NATIVE_CPU_PACKAGE;
  return NATIVE_CPU_PACKAGE;
}

async function activate(name: BackendName): Promise<string | undefined> {
  const pkg = loadBackendPackage(name);
  if (!tf.findBackendFactory(name)) {
    // The package registered its backend with another copy of tfjs-core than this one.
    throw new Error(`${pkg ?? name} loaded but registered no "${name}" backend with this package's TF.js`);
  }
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to initialise`);
  await tf.ready();
  return pkg;
}

/**
 * Makes `preference` the process's TF.js backend. `auto` takes the first of
 * tensorflow → wasm → cpu that works and says why it skipped the others; a named backend
 * that cannot start is an error (a GPU pool silently training on cpu would be worse).
 */
export async function selectBackend(preference: BackendPreference = 'auto'): Promise<SelectedBackend> {
  if (!isBackendPreference(preference)) {
    throw new Error(`unknown TF.js backend ${JSON.stringify(preference)}; use auto, ${BACKEND_NAMES.join(', ')}`);
  }
  const candidates = preference === 'auto' ? BACKEND_NAMES : [preference];
  const skipped: SelectedBackend['skipped'] = [];
  for (const name of candidates) {
    try {
      return { name, package: await activate(name), skipped };
    } catch (err) {
      if (preference !== 'auto') throw new Error(`TF.js backend ${name} is not available: ${message(err)}`);
      skipped.push({ name, reason: message(err) });
    }
  }
  throw new Error(`no TF.js backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/** The backend in use now (TF.js picks one on first use if none was selected). */
export function currentBackend(): string {
  return tf.getBackend();
}
