// The Python that runs the benches' Optuna baselines: bench/.venv with optuna 5.0.0 (created on
// first use), or HEADROOM_BENCH_OPTUNA_PYTHON. One home, so every bench compares against the same
// Optuna.
import { execFileSync } from 'node:child_process';
import console from 'node:console';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export const OPTUNA_VERSION = '5.0.0';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The path of a Python whose `import optuna` (and `imports`, the extra modules a bench needs)
 * works; `packages` are the pip names of those extras, installed beside optuna when missing.
 */
export function pythonForOptuna({ imports = [], packages = [] } = {}) {
  if (process.env.HEADROOM_BENCH_OPTUNA_PYTHON) return process.env.HEADROOM_BENCH_OPTUNA_PYTHON;
  const venv = join(root, 'bench', '.venv');
  const python = join(venv, 'bin', 'python');
  const ok = () => {
    try {
      execFileSync(python, ['-c', `import ${['optuna', ...imports].join(', ')}`], {
        stdio: 'ignore',
      });
      return true;
    } catch {
      return false;
    }
  };
  if (!existsSync(python) || !ok()) {
    console.log(
      `  creating bench/.venv with ${[`optuna ${OPTUNA_VERSION}`, ...packages].join(', ')}`,
    );
    if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(
      python,
      ['-m', 'pip', 'install', '--quiet', `optuna==${OPTUNA_VERSION}`, ...packages],
      { stdio: 'inherit' },
    );
  }
  return python;
}
