// 8-bit GEMMs on tensor cores (mma.sync: INT8 on sm_80+, FP8 E4M3 on sm_89+), row-major
// C[m, n] = epilogue(alpha[j] * (A8 W8^T)[i, j] + bias[j]) with A8 [m, k] 8-bit per tensor and W8 [n, k] 8-bit per
// output channel (alpha[j] = a_scale * w_scale[j]); int32 (INT8) or fp32 (FP8) accumulation. The epilogue adds the
// bias, applies GELU (erf form) where asked, and stores either floats in the model's dtype or 8-bit values
// requantized for the next GEMM: no separate (de)quantize pass. k and n must be multiples of 16.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "cuda/dtype.h"
#include "cuda/q8.h"

namespace samp::cuda {

struct Gemm8Out {
  void* f = nullptr;  // floats in f_type, row stride n; or
  DType f_type = DType::f16;
  Q8Store q;          // 8-bit values of the input's type (q.data set)
};

/** Whether this build and device run 8-bit GEMMs of the type (FP8 needs compute capability 8.9). */
bool gemm8_supported(Dtype8 type, int cc_major, int cc_minor);

void launch_gemm8(Dtype8 type, const int8_t* a, const int8_t* w, const float* alpha, const float* bias, int64_t m,
                  int64_t n, int64_t k, bool gelu, const Gemm8Out& out, cudaStream_t stream);

}  // namespace samp::cuda
