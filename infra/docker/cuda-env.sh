#!/bin/sh
# Entry point of the train-gpu image: puts the CUDA runtime wheels' lib/ directories on
# LD_LIBRARY_PATH, then runs the command. TensorFlow's C library dlopens CUDA by file name and,
# unlike Python's `import tensorflow`, does not look inside the wheels (docs/gpu.md, step 3).
# scripts/setup-tfjs-node.mjs wrote the list when the image was built.
set -eu
list=/app/.cache/tensorflow-cuda/ld-library-path
if [ ! -s "$list" ]; then
  echo "cuda-env: $list is missing; this image was not built by infra/docker/Dockerfile --target train-gpu" >&2
  exit 1
fi
LD_LIBRARY_PATH="$(cat "$list")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH
exec "$@"
