// The AVX-512 VNNI panel kernel of gemm_i8: 32 columns (two zmm of int32) by up to 4 rows at a time; each
// vpdpbusd adds, per column, 4 products of A's bytes (shifted to u8 by flipping the sign bit: a + 128) and the
// column's 4 s8 weights. The shift is taken back out with 128 * the column's weight sum (packed with W).
#include <immintrin.h>

#include "cpu/gemm_i8.h"

namespace samp::cpu {
namespace {

template <int R>
void rows_kernel(const int8_t* a, int64_t lda, const int8_t* b, int64_t k, int64_t kq, const int32_t* shift,
                 int32_t* acc) {
  __m512i c0[R], c1[R];
  for (int r = 0; r < R; ++r) c0[r] = _mm512_set1_epi32(0), c1[r] = _mm512_set1_epi32(0);
  const __m512i flip = _mm512_set1_epi32(static_cast<int32_t>(0x80808080u));
  for (int64_t t = 0; t < kq; t += 4) {
    const __m512i w0 = _mm512_loadu_si512(b + t * 32), w1 = _mm512_loadu_si512(b + t * 32 + 64);
    for (int r = 0; r < R; ++r) {
      int32_t quad = 0;
      const int64_t left = k - t;  // the tail of k reads zeros (weights beyond k are zero anyway)
      __builtin_memcpy(&quad, a + r * lda + t, left >= 4 ? 4 : static_cast<size_t>(left));
      const __m512i x = _mm512_xor_si512(_mm512_set1_epi32(quad), flip);
      c0[r] = _mm512_dpbusd_epi32(c0[r], x, w0);
      c1[r] = _mm512_dpbusd_epi32(c1[r], x, w1);
    }
  }
  const __m512i s0 = _mm512_loadu_si512(shift), s1 = _mm512_loadu_si512(shift + 16);
  for (int r = 0; r < R; ++r) {
    _mm512_storeu_si512(acc + r * 32, _mm512_sub_epi32(c0[r], s0));
    _mm512_storeu_si512(acc + r * 32 + 16, _mm512_sub_epi32(c1[r], s1));
  }
}

}  // namespace

void gemm_i8_panel_vnni(const int8_t* a, int64_t lda, int64_t rows, const PackedWeightI8& w, int64_t panel,
                        int32_t* acc) {
  const int8_t* b = w.data.data() + panel * w.kq * 32;
  const int32_t* shift = w.shift.data() + panel * 32;
  int64_t i = 0;
  for (; i + 4 <= rows; i += 4) rows_kernel<4>(a + i * lda, lda, b, w.k, w.kq, shift, acc + i * 32);
  for (; i < rows; ++i) rows_kernel<1>(a + i * lda, lda, b, w.k, w.kq, shift, acc + i * 32);
}

}  // namespace samp::cpu
