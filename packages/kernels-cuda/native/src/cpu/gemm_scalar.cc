// Portable micro-kernel (4 x 16), the fallback where no SIMD kernel applies.
#include "cpu/gemm_kernels.h"

namespace samp::cpu {
namespace {

constexpr int kMr = 4, kNr = 16;

void micro_scalar(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool accumulate) {
  float acc[kMr][kNr] = {};
  for (int64_t k = 0; k < kc; ++k, a += kMr, b += kNr)
    for (int r = 0; r < kMr; ++r)
      for (int j = 0; j < kNr; ++j) acc[r][j] += a[r] * b[j];
  for (int r = 0; r < kMr; ++r)
    for (int j = 0; j < kNr; ++j) c[r * ldc + j] = accumulate ? c[r * ldc + j] + acc[r][j] : acc[r][j];
}

}  // namespace

GemmKernel gemm_kernel_scalar() { return {"scalar", kMr, kNr, micro_scalar}; }

}  // namespace samp::cpu
