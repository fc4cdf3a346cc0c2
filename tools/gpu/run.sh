#!/usr/bin/env bash
# Runs on the GPU machine from the repository root, after `pnpm gpu:pack` here (carry .gpu). Builds the addon with
# the CUDA backend, generates the PyTorch reference fixtures, checks every CUDA op and the three shared models
# against them, and benchmarks samp against PyTorch in the same run. Results go to $OUT.
set -euo pipefail
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT" /tmp/nb /tmp/models
xz -dc .gpu/node.xz > /tmp/nb/node && chmod +x /tmp/nb/node && export PATH=/tmp/nb:$PATH
xz -dc .gpu/models.tar.xz | tar -x -C /tmp/models
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/gpu.txt"

echo "== build"
cmake -S packages/kernels-cuda/native -B /tmp/build -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DSAMP_CUDA_ARCHITECTURES="${SAMP_CUDA_ARCHITECTURES:-90a}" -DNODE_ADDON_API_DIR="$PWD/.gpu/napi" \
  -DCMAKE_JS_INC="$PWD/.gpu/node-api-headers" 2>&1 | grep -E "samp:|Error|error" || true
cmake --build /tmp/build -j 16 2>&1 | tail -3
export SAMP_KERNELS_ADDON=/tmp/build/samp_kernels.node

step() { echo "== $1"; }
if [[ "${SKIP_FIXTURES:-0}" != 1 ]]; then
  step fixtures
  python3 packages/encoder/scripts/gen-fixtures.py /tmp/models .gpu/data "$OUT/fixtures"
fi
step check
node .gpu/check.mjs /tmp/models "$OUT/fixtures" "$OUT/check.json"
if [[ "${SKIP_BENCH:-0}" != 1 ]]; then
  step "bench samp"
  node .gpu/bench.mjs "$OUT/bench-samp.json"
  step "bench torch"
  PYTHONUNBUFFERED=1 python3 apps/bench/src/torch-encoder-bench.py "$OUT/bench-torch.json"
fi
