// AVX-512 micro-kernel: 12 x 32 (24 zmm accumulators), reading A packed or in place (then also 1 to 11 rows, for a
// last, partial panel), and the vectorized epilogue (bias, erf GELU, tanh).
// Compiled with -mavx512f; used only where present.
// GCC 12 takes the intrinsics' "undefined" pass-through operands (_mm512_undefined_*) for uninitialized values
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <utility>

#include "cpu/gemm_kernels.h"
#include "cpu/vmath512.h"

namespace samp::cpu {
namespace {

constexpr int kMr = 12, kNr = 32;

/** C tile += A (kc values of kRows rows, at most 12) x B panel. A packed ([k][12]) or, kDirect, read in place (row r
 * at a + r * lda). */
template <bool kDirect, int kRows = kMr>
inline void tile_avx512(int64_t kc, const float* a, int64_t lda, const float* b, float* c, int64_t ldc,
                        bool accumulate) {
  __m512 acc[kRows][2];
#pragma GCC unroll 12
  for (int r = 0; r < kRows; ++r) acc[r][0] = _mm512_setzero_ps(), acc[r][1] = _mm512_setzero_ps();
  for (int64_t k = 0; k < kc; ++k, a += kDirect ? 1 : kMr, b += kNr) {
    const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 12
    for (int r = 0; r < kRows; ++r) {
      const __m512 x = _mm512_set1_ps(a[kDirect ? r * lda : r]);
      acc[r][0] = _mm512_fmadd_ps(x, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(x, b1, acc[r][1]);
    }
  }
#pragma GCC unroll 12
  for (int r = 0; r < kRows; ++r) {
    float* out = c + r * ldc;
    __m512 lo = acc[r][0], hi = acc[r][1];
    if (accumulate) lo = _mm512_add_ps(lo, _mm512_loadu_ps(out)), hi = _mm512_add_ps(hi, _mm512_loadu_ps(out + 16));
    _mm512_storeu_ps(out, lo);
    _mm512_storeu_ps(out + 16, hi);
  }
}

void micro_avx512(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool accumulate) {
  tile_avx512<false>(kc, a, kMr, b, c, ldc, accumulate);
}

template <int... kRows>
void direct_rows(int rows, int64_t kc, const float* a, int64_t lda, const float* b, float* c, int64_t ldc,
                 bool accumulate, std::integer_sequence<int, kRows...>) {
  ((rows == kRows + 1 ? tile_avx512<true, kRows + 1>(kc, a, lda, b, c, ldc, accumulate) : void()), ...);
}

void micro_direct_avx512(int64_t kc, const float* a, int64_t lda, const float* b, float* c, int64_t ldc,
                         bool accumulate, int rows) {
  if (rows == kMr) {
    tile_avx512<true>(kc, a, lda, b, c, ldc, accumulate);
  } else {
    direct_rows(rows, kc, a, lda, b, c, ldc, accumulate, std::make_integer_sequence<int, kMr - 1>{});
  }
}

void epilogue_avx512(float* c, int64_t ldc, int64_t rows, int64_t j0, int64_t cols, const float* bias, Epilogue ep) {
  if (ep == Epilogue::none) return;
  for (int64_t i = 0; i < rows; ++i) {
    float* row = c + i * ldc + j0;
    for (int64_t j = 0; j < cols; j += 16) {
      const __mmask16 m = cols - j >= 16 ? 0xffff : static_cast<__mmask16>((1u << (cols - j)) - 1);
      __m512 y = _mm512_add_ps(_mm512_maskz_loadu_ps(m, row + j), _mm512_maskz_loadu_ps(m, bias + j0 + j));
      if (ep == Epilogue::bias_gelu) y = vm512_gelu(y);
      if (ep == Epilogue::bias_tanh) y = vm512_tanh(y);
      _mm512_mask_storeu_ps(row + j, m, y);
    }
  }
}

}  // namespace

GemmKernel gemm_kernel_avx512() {
  return {"avx512", kMr, kNr, micro_avx512, epilogue_avx512, micro_direct_avx512};
}

}  // namespace samp::cpu
