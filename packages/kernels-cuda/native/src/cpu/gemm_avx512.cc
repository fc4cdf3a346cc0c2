// AVX-512 micro-kernel: 12 x 32 (24 zmm accumulators). Compiled with -mavx512f; used only where present.
#include <immintrin.h>

#include "cpu/gemm_kernels.h"

namespace samp::cpu {
namespace {

constexpr int kMr = 12, kNr = 32;

void micro_avx512(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool accumulate) {
  __m512 acc[kMr][2];
#pragma GCC unroll 12
  for (int r = 0; r < kMr; ++r) acc[r][0] = _mm512_setzero_ps(), acc[r][1] = _mm512_setzero_ps();
  for (int64_t k = 0; k < kc; ++k, a += kMr, b += kNr) {
    const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 12
    for (int r = 0; r < kMr; ++r) {
      const __m512 x = _mm512_set1_ps(a[r]);
      acc[r][0] = _mm512_fmadd_ps(x, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(x, b1, acc[r][1]);
    }
  }
#pragma GCC unroll 12
  for (int r = 0; r < kMr; ++r) {
    float* out = c + r * ldc;
    __m512 lo = acc[r][0], hi = acc[r][1];
    if (accumulate) lo = _mm512_add_ps(lo, _mm512_loadu_ps(out)), hi = _mm512_add_ps(hi, _mm512_loadu_ps(out + 16));
    _mm512_storeu_ps(out, lo);
    _mm512_storeu_ps(out + 16, hi);
  }
}

}  // namespace

GemmKernel gemm_kernel_avx512() { return {"avx512", kMr, kNr, micro_avx512}; }

}  // namespace samp::cpu
