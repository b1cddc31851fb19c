#!/usr/bin/env node
// Builds @tensorflow/tfjs-node's native binding offline, against the TensorFlow C
// library inside the `tensorflow-cpu` wheel from PyPI. tfjs-node's own installer
// downloads libtensorflow 2.9.1 from a bucket this kind of machine cannot reach.
//
// Idempotent: a reinstall of node_modules wipes tfjs-node's deps/, so this runs as
// part of the install step every time and does nothing when the binding loads.
//
// GPU nodes: the same route works with the `tensorflow` wheel (CUDA build) and its
// nvidia-* runtime wheels; set HEADROOM_TF_WHEEL=tensorflow and see docs/gpu.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const wheelName = process.env.HEADROOM_TF_WHEEL ?? 'tensorflow-cpu';
const wheelVersion = process.env.HEADROOM_TF_VERSION ?? '2.21.0';
const cacheDir = join(root, '.cache', 'tensorflow-wheel');
const python = process.env.PYTHON ?? 'python3';

function log(msg) {
  console.log(`[setup-tfjs-node] ${msg}`);
}

function tfjsNodeDir() {
  const require = createRequire(join(root, 'packages', 'models', 'package.json'));
  return dirname(require.resolve('@tensorflow/tfjs-node/package.json'));
}

function bindingLoads(dir) {
  // A child process, so a broken binding cannot take this script down with it.
  const r = spawnSync(
    process.execPath,
    ['-e', `require(${JSON.stringify(dir)}); console.log(require('@tensorflow/tfjs').getBackend())`],
    { cwd: join(root, 'packages', 'models'), encoding: 'utf8' },
  );
  return r.status === 0 && r.stdout.trim() === 'tensorflow';
}

function findWheel() {
  mkdirSync(cacheDir, { recursive: true });
  const has = () =>
    readdirSync(cacheDir).find((f) => f.startsWith(wheelName.replace('-', '_')) && f.endsWith('.whl'));
  if (!has()) {
    log(`downloading ${wheelName}==${wheelVersion} from PyPI (pip download, no dependencies)`);
    execFileSync(
      python,
      ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '-d', cacheDir, `${wheelName}==${wheelVersion}`],
      { stdio: 'inherit' },
    );
  }
  const whl = has();
  if (!whl) throw new Error(`no ${wheelName} wheel in ${cacheDir} after pip download`);
  return join(cacheDir, whl);
}

function extractWheel(whl) {
  const out = join(cacheDir, 'unpacked');
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

function main() {
  const dir = tfjsNodeDir();
  if (bindingLoads(dir)) {
    log('tfjs-node binding already built and loading; nothing to do');
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
  const nodedir = process.env.npm_config_nodedir ?? (existsSync('/usr/include/node/node.h') ? '/usr' : undefined);
  // node-pre-gyp lives in tfjs-node's own node_modules/.bin; node-gyp comes with npm.
  const npmGyp = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin');
  const PATH = [join(dir, 'node_modules', '.bin'), npmGyp, process.env.PATH].join(':');
  const env = { ...process.env, PATH, ...(nodedir ? { npm_config_nodedir: nodedir } : {}) };
  execFileSync(process.execPath, ['scripts/install.js'], { cwd: dir, env, stdio: 'inherit' });
  if (!bindingLoads(dir)) {
    throw new Error(
      'tfjs-node binding built but does not load; run `node -e "require(\'@tensorflow/tfjs-node\')"` in packages/models to see why',
    );
  }
  log('tfjs-node binding ready (backend "tensorflow")');
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
