// GEMMs through cuBLASLt: C[m, n] = A[m, k] * W[n, k]^T (+ bias, + GELU), row-major, in fp32 / fp16 / bf16.
// cuBLASLt types stay inside gemm_lt.cc, so code using this header builds without cuBLASLt.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>
#include <memory>

#include "cuda/dtype.h"

namespace samp::cuda {

enum class GemmEpilogue : int32_t { none = 0, bias = 1, bias_gelu = 2 };

/** An FP8 E4M3 GEMM through cuBLASLt (sm_89+): out = epilogue(w_scale * a_scale * (A W^T) + bias), written in
 * fp16, or in E4M3 as out * out_inv_scale. The scales are device scalars (per tensor: cuBLASLt writes E4M3 only
 * with per-tensor scales); bias fp16, or null for none (with GELU: GELU alone, where the bias is in the
 * reduction). An E4M3 output needs `c`, an fp16 buffer of the output's shape that cuBLASLt takes as its C matrix and
 * does not read (C may not share D's address when their types differ). */
struct LtFp8Gemm {
  const void *a = nullptr, *w = nullptr;
  const float *w_scale = nullptr, *a_scale = nullptr, *out_inv_scale = nullptr;
  const void* bias = nullptr;
  void* out = nullptr;
  void* c = nullptr;
  int64_t m = 0, n = 0, k = 0;
  bool gelu = false, out_fp8 = false;
  /** cuBLASLt's fast accumulation (CUBLASLT_MATMUL_DESC_FAST_ACCUM): the tensor cores' own accumulator instead of
   * periodic promotion to fp32; 10-20 % faster at BERT-base shapes on an H100, slightly less exact. */
  bool fast_accum = false;
};

class LtGemm {
 public:
  /** sm_count_target > 0: cuBLASLt chooses and sizes its kernels for that many SMs
   * (CUBLASLT_MATMUL_DESC_SM_COUNT_TARGET), for GEMMs that run beside another stream's kernels. */
  explicit LtGemm(int32_t sm_count_target = 0);
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
