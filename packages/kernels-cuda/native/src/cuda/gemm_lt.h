// GEMMs through cuBLASLt: C[m, n] = A[m, k] * W[n, k]^T (+ bias, + GELU), row-major, in fp32 / fp16 / bf16.
// cuBLASLt types stay inside gemm_lt.cc, so code using this header builds without cuBLASLt.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>
#include <memory>

#include "cuda/dtype.h"

namespace samp::cuda {

enum class GemmEpilogue : int32_t { none = 0, bias = 1, bias_gelu = 2 };

/** An FP8 E4M3 GEMM through cuBLASLt (sm_89+): out = epilogue(w_scale[j] * a_scale[i] * (A W^T)[i, j] + bias[j]),
 * written in fp16, or in E4M3 as out * out_inv_scale (device scalar). Scales are device vectors (per output channel
 * and per row of A); bias fp16. */
struct LtFp8Gemm {
  const void *a = nullptr, *w = nullptr;
  const float *w_scale = nullptr, *a_scale = nullptr, *out_inv_scale = nullptr;
  const void* bias = nullptr;
  void* out = nullptr;
  int64_t m = 0, n = 0, k = 0;
  bool gelu = false, out_fp8 = false;
};

class LtGemm {
 public:
  LtGemm();
  ~LtGemm();
  LtGemm(const LtGemm&) = delete;
  LtGemm& operator=(const LtGemm&) = delete;

  /** Enqueues the GEMM on stream (capturable into a CUDA graph). fp16/bf16 accumulate in fp32; bias_gelu uses
   * cuBLASLt's GELU epilogue (tanh form) for fp16/bf16, and bias then the erf GELU kernel for fp32. */
  void run(DType dt, const void* a, const void* w, const void* bias, void* c, int64_t m, int64_t n, int64_t k,
           GemmEpilogue epilogue, cudaStream_t stream);

  /** Enqueues the FP8 GEMM; false (nothing enqueued) where cuBLASLt has no algorithm for it on this device. */
  bool run_fp8(const LtFp8Gemm& gemm, cudaStream_t stream);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace samp::cuda
