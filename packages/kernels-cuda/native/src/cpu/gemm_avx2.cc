// AVX2 + FMA micro-kernel: 6 x 16 (12 ymm accumulators). Compiled with -mavx2 -mfma; used only where present.
#include <immintrin.h>

#include "cpu/gemm_kernels.h"

namespace samp::cpu {
namespace {

constexpr int kMr = 6, kNr = 16;

void micro_avx2(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool accumulate) {
  __m256 c0l = _mm256_setzero_ps(), c0h = _mm256_setzero_ps(), c1l = _mm256_setzero_ps(), c1h = _mm256_setzero_ps();
  __m256 c2l = _mm256_setzero_ps(), c2h = _mm256_setzero_ps(), c3l = _mm256_setzero_ps(), c3h = _mm256_setzero_ps();
  __m256 c4l = _mm256_setzero_ps(), c4h = _mm256_setzero_ps(), c5l = _mm256_setzero_ps(), c5h = _mm256_setzero_ps();
  for (int64_t k = 0; k < kc; ++k, a += kMr, b += kNr) {
    const __m256 bl = _mm256_loadu_ps(b), bh = _mm256_loadu_ps(b + 8);
    __m256 x = _mm256_broadcast_ss(a + 0);
    c0l = _mm256_fmadd_ps(x, bl, c0l), c0h = _mm256_fmadd_ps(x, bh, c0h);
    x = _mm256_broadcast_ss(a + 1);
    c1l = _mm256_fmadd_ps(x, bl, c1l), c1h = _mm256_fmadd_ps(x, bh, c1h);
    x = _mm256_broadcast_ss(a + 2);
    c2l = _mm256_fmadd_ps(x, bl, c2l), c2h = _mm256_fmadd_ps(x, bh, c2h);
    x = _mm256_broadcast_ss(a + 3);
    c3l = _mm256_fmadd_ps(x, bl, c3l), c3h = _mm256_fmadd_ps(x, bh, c3h);
    x = _mm256_broadcast_ss(a + 4);
    c4l = _mm256_fmadd_ps(x, bl, c4l), c4h = _mm256_fmadd_ps(x, bh, c4h);
    x = _mm256_broadcast_ss(a + 5);
    c5l = _mm256_fmadd_ps(x, bl, c5l), c5h = _mm256_fmadd_ps(x, bh, c5h);
  }
  const __m256 rows[kMr][2] = {{c0l, c0h}, {c1l, c1h}, {c2l, c2h}, {c3l, c3h}, {c4l, c4h}, {c5l, c5h}};
  for (int r = 0; r < kMr; ++r) {
    float* out = c + r * ldc;
    __m256 lo = rows[r][0], hi = rows[r][1];
    if (accumulate) lo = _mm256_add_ps(lo, _mm256_loadu_ps(out)), hi = _mm256_add_ps(hi, _mm256_loadu_ps(out + 8));
    _mm256_storeu_ps(out, lo);
    _mm256_storeu_ps(out + 8, hi);
  }
}

}  // namespace

GemmKernel gemm_kernel_avx2() { return {"avx2", kMr, kNr, micro_avx2}; }

}  // namespace samp::cpu
