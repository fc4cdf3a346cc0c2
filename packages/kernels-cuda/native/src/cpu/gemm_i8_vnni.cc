// The AVX-512 VNNI tile kernel of gemm_i8: 8 rows x 32 columns (16 zmm int32 accumulators). Each vpdpbusd adds,
// per column, 4 products of A's bytes (packed shifted to u8: a + 128) and the column's 4 s8 weights; the shift is
// taken back out with 128 * the column's weight sum (packed with W).
#include <immintrin.h>

#include "cpu/gemm_i8.h"

namespace samp::cpu {
namespace {

constexpr int kRows = 8;

void tile_vnni(const uint8_t* a, const int8_t* b, const int32_t* shift, int64_t kq, int32_t* acc) {
  __m512i c0[kRows], c1[kRows];
#pragma GCC unroll 8
  for (int r = 0; r < kRows; ++r) c0[r] = _mm512_set1_epi32(0), c1[r] = _mm512_set1_epi32(0);
  for (int64_t g = 0; g < kq / 4; ++g, a += kRows * 4, b += 128) {
    const __m512i w0 = _mm512_loadu_si512(b), w1 = _mm512_loadu_si512(b + 64);
#pragma GCC unroll 8
    for (int r = 0; r < kRows; ++r) {
      int32_t quad;
      __builtin_memcpy(&quad, a + r * 4, 4);
      const __m512i x = _mm512_set1_epi32(quad);
      c0[r] = _mm512_dpbusd_epi32(c0[r], x, w0);
      c1[r] = _mm512_dpbusd_epi32(c1[r], x, w1);
    }
  }
  const __m512i s0 = _mm512_loadu_si512(shift), s1 = _mm512_loadu_si512(shift + 16);
#pragma GCC unroll 8
  for (int r = 0; r < kRows; ++r) {
    _mm512_storeu_si512(acc + r * 32, _mm512_sub_epi32(c0[r], s0));
    _mm512_storeu_si512(acc + r * 32 + 16, _mm512_sub_epi32(c1[r], s1));
  }
}

}  // namespace

I8Kernel gemm_i8_kernel_vnni() { return {"avx512-vnni", true, tile_vnni}; }

}  // namespace samp::cpu
