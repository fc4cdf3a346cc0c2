#!/usr/bin/env bash
# Runs on the GPU machine after tools/gpu/run.sh has built the addon (SAMP_KERNELS_ADDON=/tmp/build/...): where the
# time of one forward goes (Nsight Systems: the trace of every kernel node under CUDA-graph replay; without it, Nsight
# Compute's durations of samp's own kernels), and why the attention kernel stalls (Nsight Compute: stall reasons,
# per-instruction samples). Results: $OUT/profile.tar.
set -uo pipefail
OUT=${OUT:-/tmp/out}
R=/tmp/profile && mkdir -p "$R"
export PATH=/tmp/nb:$PATH:/usr/local/cuda/bin SAMP_KERNELS_ADDON=${SAMP_KERNELS_ADDON:-/tmp/build/samp_kernels.node}
POINTS=${PROFILE_POINTS:-32x128 64x128}
PRECISIONS=${PROFILE_PRECISIONS:-fp16 fully-quant:fp8}
NSYS=$(command -v nsys || ls /opt/nvidia/nsight-systems*/bin/nsys /usr/local/cuda/nsight-systems*/bin/nsys \
  2>/dev/null | head -1 || true)
echo "nsys: ${NSYS:-none}"
for p in $PRECISIONS; do
  for pt in $POINTS; do
    tag="${p//:/-}-$pt"
    if [[ -n "$NSYS" ]]; then
      "$NSYS" profile --cuda-graph-trace=node -f true -o "/tmp/prof-$tag" node .gpu/bench.mjs /tmp/p.json \
        --precision "$p" --points "$pt" --iters 100 > /dev/null 2>&1
      "$NSYS" stats --report cuda_gpu_trace --format csv "/tmp/prof-$tag.nsys-rep" 2>/dev/null \
        | xz -6 > "$R/trace-$tag.csv.xz"
    else
      # own kernels only (cuBLASLt tunes with many launches): real clocks, caches as the forward leaves them, eager
      # launches after the warm-up
      SAMP_CUDA_GRAPHS=0 ncu --clock-control none --cache-control none \
        --kernel-name regex:"attention|layernorm|embedding|pooler" --launch-skip 600 --launch-count 80 \
        --metrics gpu__time_duration.sum --csv node .gpu/bench.mjs /tmp/p.json \
        --precision "$p" --points "$pt" --iters 40 > "$R/kern-$tag.csv" 2>&1
    fi
  done
done
for p in ${STALL_PRECISIONS:-fp16 fully-quant:fp8}; do
  for k in ${STALL_KERNELS:-attention}; do
    tag="$k-${p//:/-}"
    SAMP_CUDA_GRAPHS=0 ncu --kernel-name regex:"$k" --launch-skip 40 --launch-count 1 -f -o "/tmp/stall-$tag" \
      --section WarpStateStats --section SourceCounters --section SpeedOfLight --section Occupancy \
      node .gpu/bench.mjs /tmp/p.json --precision "$p" --points 32x128 --iters 3 > /dev/null 2>&1
    ncu -i "/tmp/stall-$tag.ncu-rep" --print-details all > "$R/stall-$tag.txt" 2>&1
    ncu -i "/tmp/stall-$tag.ncu-rep" --page source --csv --print-source sass > "$R/stall-sass-$tag.csv" 2>&1
  done
done
tar -C "$R" -cf "$OUT/profile.tar" . && tar -tvf "$OUT/profile.tar"
