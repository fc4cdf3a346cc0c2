#!/usr/bin/env bash
# Runs on the GPU machine from the repository root, after `pnpm gpu:pack` here (carry .gpu, or the paths it
# prints). Builds the addon with the CUDA backend, generates the PyTorch reference fixtures, checks every CUDA op and
# the three shared models against them (and their 8-bit plans against the cpu's), benchmarks samp (float and 8-bit)
# against PyTorch in the same run, times the encoder under several environments (BENCH_VARIANTS, see
# encoder-bench.ts), measures the 8-bit plans' accuracy on cuda and cpu, runs samp recommend on cuda (RECOMMEND=1),
# and times samp run per task. Results go to $OUT. Each step prints when it started; CHECK_AT=last runs the check
# after the benches (a run cut short by its time limit still has their numbers), CHECK_AT=none skips it.
set -euo pipefail
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT" /tmp/nb /tmp/models /tmp/data
T0=$(date +%s)
step() { echo "== $1 (at $(($(date +%s) - T0)) s)"; }
xz -dc .gpu/node.xz > /tmp/nb/node && chmod +x /tmp/nb/node && export PATH=/tmp/nb:$PATH
xz -dc .gpu/models.tar.xz | tar -x -C /tmp/models
xz -dc .gpu/data.tar.xz | tar -x -C /tmp/data
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/gpu.txt"

step build
cmake -S packages/kernels-cuda/native -B /tmp/build -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DSAMP_CUDA_ARCHITECTURES="${SAMP_CUDA_ARCHITECTURES:-90a}" -DNODE_ADDON_API_DIR="$PWD/.gpu/napi" \
  -DCMAKE_JS_INC="$PWD/.gpu/node-api-headers" 2>&1 | grep -E "samp:|Error|error" || true
cmake --build /tmp/build -j 16 2>&1 | tail -3
export SAMP_KERNELS_ADDON=/tmp/build/samp_kernels.node

check() {
  step check
  node .gpu/check.mjs /tmp/models "$FIXTURES" "$OUT/check.json"
}
FIXTURES=packages/encoder/fixtures
if [[ "${SKIP_FIXTURES:-0}" != 1 ]]; then
  step fixtures
  FIXTURES="$OUT/fixtures"
  python3 packages/encoder/scripts/gen-fixtures.py /tmp/models /tmp/data "$FIXTURES"
fi
[[ "${CHECK_AT:-first}" != first ]] || check
if [[ -n "${LT_PROBE:-}" ]]; then
  # e.g. LT_PROBE=--ffn1: what cuBLASLt's FP8 epilogues cost (tools/gpu/probe/lt_fp8_probe.cc)
  step "cuBLASLt FP8 probe ($LT_PROBE)"
  "$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)" -O2 -std=c++17 tools/gpu/probe/lt_fp8_probe.cc -lcublasLt \
    -o /tmp/lt_probe && /tmp/lt_probe $LT_PROBE | tee "$OUT/lt-probe.txt"
fi
if [[ "${SKIP_BENCH:-0}" != 1 ]]; then
  step "bench samp"
  node .gpu/bench.mjs "$OUT/bench-samp.json" --precision "${BENCH_PRECISIONS:-fp16,fp32}"
  [[ "${SKIP_TORCH:-0}" == 1 ]] || step "bench torch"
  [[ "${SKIP_TORCH:-0}" == 1 ]] || PYTHONUNBUFFERED=1 python3 apps/bench/src/torch-encoder-bench.py "$OUT/bench-torch.json"
fi
if [[ -n "${BENCH_VARIANTS:-}" ]]; then
  # e.g. BENCH_VARIANTS='base=;split=SAMP_CUDA_SPLIT_ROWS=2048': the same precisions under each environment, alternated
  step "bench variants"
  node .gpu/bench.mjs "$OUT/bench-variants.json" --precision "${VARIANT_PRECISIONS:-fully-quant:fp8}" \
    --points "${VARIANT_POINTS:-32x128,64x128,8x128,1x32}" --rounds "${VARIANT_ROUNDS:-3}" --variants "$BENCH_VARIANTS"
fi
if [[ "${QUANT_ACCURACY:-0}" == 1 ]]; then
  step "8-bit accuracy (cuda and cpu, same calibration)"
  node .gpu/quant-accuracy.mjs /tmp/models /tmp/data "$OUT/quant-accuracy-cuda.json" --devices cpu,cuda \
    --plans fp32,quant-ffn-only:int8,fully-quant:int8,quant-ffn-only:fp8,fully-quant:fp8
fi
if [[ "${RECOMMEND:-0}" == 1 ]]; then
  step "recommend (samp recommend --max-drop 0.01 on cuda, INT8 and FP8; samp bench of each result; PyTorch peers)"
  for pt in ${RECOMMEND_POINTS:-64x128}; do
    node .gpu/recommend-bench.mjs /tmp/models /tmp/data "$OUT/recommend-cuda-$pt.json" --device cuda --dtype8 int8,fp8 \
      --batch "${pt%x*}" --seq "${pt#*x}" --reports /tmp/recommend-reports
  done
  PYTHONUNBUFFERED=1 python3 apps/bench/src/torch-encoder-bench.py "$OUT/recommend-torch.json" \
    --models /tmp/models/chnsenticorp,/tmp/models/lcqmc,/tmp/models/cluener --points "$(echo ${RECOMMEND_POINTS:-64x128} | tr ' ' ,)"
  tar -C /tmp/recommend-reports -cf "$OUT/recommend-reports.tar" .
fi
if [[ "${PIPELINE:-1}" == 1 ]]; then
  step "bench pipeline (samp run per task: tokenize / encoder / head)"
  node .gpu/pipeline-bench.mjs /tmp/models /tmp/data "$OUT/bench-pipeline-cuda.json" --device cuda
fi
if [[ "${PROFILE:-0}" == 1 ]]; then
  step profile
  export PATH=$PATH:/usr/local/cuda/bin
  NSYS=$(command -v nsys || ls /opt/nvidia/nsight-systems*/bin/nsys /usr/local/cuda/nsight-systems*/bin/nsys 2>/dev/null | head -1 || true)
  if [[ -n "$NSYS" ]]; then
    for pt in 64x128 1x32; do
      "$NSYS" profile --cuda-graph-trace=node -f true -o /tmp/prof-$pt node .gpu/bench.mjs /tmp/p.json --precision fp16 --points $pt --iters 20 >/dev/null 2>&1 || true
      "$NSYS" stats --report cuda_gpu_kern_sum --format csv /tmp/prof-$pt.nsys-rep > "$OUT/profile-$pt.csv" 2>/dev/null || true
    done
  else
    echo "no nsys" | tee "$OUT/profile.txt"
  fi
fi
if [[ "${OP_TIMES:-0}" == 1 ]]; then
  step "op times"
  for p in ${OP_TIMES_PRECISIONS:-fp16}; do
    for pt in ${OP_TIMES_POINTS:-64x128 8x128 1x32}; do
      echo "$p $pt" && SAMP_CUDA_OP_TIMES=1 node .gpu/bench.mjs /tmp/p.json --precision $p --points $pt --iters 20
    done
  done 2>&1 | tee "$OUT/op-times.txt"
fi
if [[ "${NCU:-0}" == 1 ]]; then
  step ncu
  export PATH=$PATH:/usr/local/cuda/bin
  SAMP_CUDA_GRAPHS=0 ncu --kernel-name regex:"${NCU_KERNELS:-attention|layernorm}" --launch-skip 60 --launch-count 4 \
    --section SpeedOfLight --section Occupancy --section WarpStateStats --section LaunchStats \
    node .gpu/bench.mjs /tmp/p.json --precision fp16 --points 64x128 --iters 3 > "$OUT/ncu.txt" 2>&1 || true
  grep -E "attention|layernorm|Duration|Registers|Achieved Occupancy|Warp Cycles Per Issued|Compute \(SM\) Throughput|Memory Throughput" "$OUT/ncu.txt" | head -60
fi
[[ "${CHECK_AT:-first}" != last ]] || check
