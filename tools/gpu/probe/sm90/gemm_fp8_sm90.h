// An own FP8 GEMM for Hopper (sm_90a), kept with the probes: out[m, n] = epilogue(alpha * (A[m, k] W[n, k]^T) +
// bias), A and W E4M3 row-major (K-major), fp32 accumulation on the tensor cores (wgmma), tiles brought in by TMA.
// The epilogue writes fp16, or E4M3 as out * out_inv_scale, with the bias (fp32) and GELU where asked. Not part of
// the addon: at BERT-base's shapes it ties cuBLASLt on the attention output at 4096 rows and is slower elsewhere
// (fp8_gemm_probe.cu, apps/bench/results/quant-cuda-2026-11-25.md). It builds against the addon's sources
// (packages/kernels-cuda/native/src on the include path).
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

namespace samp::cuda {

/** Tile shapes: 128 rows x 128 columns with two blocks per SM (one's epilogue overlaps the other's main loop), or
 * 128 x 256 with one block per SM. */
enum class Fp8Sm90Tile : int32_t { n128, n256 };

struct Fp8Sm90Gemm {
  const void *a = nullptr, *w = nullptr;  // E4M3, 16-byte aligned rows
  const float* alpha = nullptr;           // device scalar: the product of the operands' scales
  const float* bias = nullptr;            // fp32 [n], or null
  const float* out_inv_scale = nullptr;   // device scalar, for an E4M3 output
  void* out = nullptr;                    // fp16 or E4M3 [m, n]
  int64_t m = 0, n = 0, k = 0;
  bool gelu = false, out_fp8 = false;
};

/** Whether the kernel takes the shape with this tile on the current device (sm_90, n a multiple of the tile width,
 * k a multiple of 128, m below 2^31). */
bool fp8_sm90_supported(const Fp8Sm90Gemm& g, Fp8Sm90Tile tile);

/** Enqueues the GEMM (capturable into a CUDA graph; overlaps the previous kernel's tail on sm_90). */
void launch_fp8_sm90_gemm(const Fp8Sm90Gemm& g, Fp8Sm90Tile tile, cudaStream_t stream);

}  // namespace samp::cuda
