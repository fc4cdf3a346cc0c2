// The attention-output GEMM of a fully-quant FP8 layer with its residual add and LayerNorm in the epilogue, for
// Hopper (sm_90a): out = LayerNorm(alpha * (A W^T) + bias + residual) * gamma + beta, encoded 8-bit. A block
// computes 128 rows x 128 columns; the blocks of a row of tiles form a thread block cluster and add up each row's
// sums in each other's shared memory, so the row's mean and variance never leave the chip, and the GEMM's output
// is never written. Kept with the probes, not in the addon: in the forward it replaced a cuBLASLt GEMM writing fp16
// and the LayerNorm kernel reading it back without being faster (12.3 us against about 12.6 us for the pair at 4096
// rows of BERT-base, slower at small batches; apps/bench/results/quant-cuda-2026-11-25.md). It builds against the
// addon's sources (packages/kernels-cuda/native/src on the include path).
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "cuda/q8.h"

namespace samp::cuda {

struct Fp8GemmLayerNorm {
  const void *a = nullptr, *w = nullptr;  // E4M3 [m, k] and [n, k], 16-byte aligned rows
  const float* alpha = nullptr;           // [n]: the product of the operands' scales, per output column
  const float* bias = nullptr;            // [n], or null
  Q8Load residual;                        // 8-bit [m, n]
  const float *gamma = nullptr, *beta = nullptr;  // [n]
  float eps = 1e-12f;
  Q8Store out;                            // 8-bit [m, n]
  int64_t m = 0, n = 0, k = 0;
};

/** Whether the kernel runs the shape here: an sm_90 device whose driver encodes tensor maps, n a multiple of 128
 * up to 1024 (a cluster of n / 128 blocks), k a multiple of 128, m below 2^31, every pointer given. */
bool fp8_gemm_layernorm_supported(const Fp8GemmLayerNorm& g);

/** Enqueues it (capturable into a CUDA graph; overlaps the previous kernel's tail on sm_90). Throws
 * SAMP_UNSUPPORTED where fp8_gemm_layernorm_supported is false. */
void launch_fp8_gemm_layernorm(const Fp8GemmLayerNorm& g, cudaStream_t stream);

}  // namespace samp::cuda
