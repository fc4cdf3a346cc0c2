// GEMMs through cuBLASLt: C[m, n] = A[m, k] * W[n, k]^T (+ bias, + GELU), row-major, in fp32 / fp16 / bf16.
// cuBLASLt types stay inside gemm_lt.cc, so code using this header builds without cuBLASLt.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>
#include <memory>

#include "cuda/dtype.h"

namespace samp::cuda {

enum class GemmEpilogue : int32_t { none = 0, bias = 1, bias_gelu = 2 };

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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace samp::cuda
