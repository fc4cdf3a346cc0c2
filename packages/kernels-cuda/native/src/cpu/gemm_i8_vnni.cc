// The AVX-512 VNNI tile kernel of gemm_i8: 8 rows x 32 columns (16 zmm int32 accumulators). Each vpdpbusd adds,
// per column, 4 products of A's bytes (packed shifted to u8: a + 128) and the column's 4 s8 weights; the shift is
// taken back out with 128 * the column's weight sum (packed with W). Its store applies the epilogue (scale, bias,
// GELU / tanh, requantization) 16 columns at a time.
// GCC 12 takes the intrinsics' "undefined" pass-through operands (_mm512_undefined_*) for uninitialized values
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "cpu/gemm_i8.h"
#include "cpu/vmath512.h"

namespace samp::cpu {
namespace {

constexpr int kRows = 8;

// vpdpbusd in place: GCC 12 copies the accumulators of _mm512_dpbusd_epi32 around the loop (two moves and
// stack spills per instruction); the instruction itself updates its destination.
inline void dpbusd(__m512i& c, __m512i x, __m512i w) { __asm__("vpdpbusd %2, %1, %0" : "+v"(c) : "v"(x), "v"(w)); }

// 16 named accumulators, each row's 4 bytes broadcast once for both column halves.
#define SAMP_VNNI_ROW(r, c0, c1)                                         \
  {                                                                      \
    int32_t quad;                                                        \
    __builtin_memcpy(&quad, a + (r) * 4, 4);                             \
    const __m512i x = _mm512_set1_epi32(quad);                           \
    dpbusd(c0, x, w0);                                                   \
    dpbusd(c1, x, w1);                                                   \
  }
#define SAMP_VNNI_STORE(r, c0, c1)                                       \
  _mm512_storeu_si512(acc + (r) * 32, _mm512_sub_epi32(c0, s0));         \
  _mm512_storeu_si512(acc + (r) * 32 + 16, _mm512_sub_epi32(c1, s1));

void tile_vnni(const uint8_t* a, const int8_t* b, const int32_t* shift, int64_t kq, int32_t* acc) {
  static_assert(kRows == 8, "the kernel below is written out for 8 rows");
  __m512i a0 = _mm512_setzero_si512(), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
  __m512i a4 = a0, b4 = a0, a5 = a0, b5 = a0, a6 = a0, b6 = a0, a7 = a0, b7 = a0;
  for (int64_t g = 0; g < kq / 4; ++g, a += kRows * 4, b += 128) {
    const __m512i w0 = _mm512_loadu_si512(b), w1 = _mm512_loadu_si512(b + 64);
    SAMP_VNNI_ROW(0, a0, b0)
    SAMP_VNNI_ROW(1, a1, b1)
    SAMP_VNNI_ROW(2, a2, b2)
    SAMP_VNNI_ROW(3, a3, b3)
    SAMP_VNNI_ROW(4, a4, b4)
    SAMP_VNNI_ROW(5, a5, b5)
    SAMP_VNNI_ROW(6, a6, b6)
    SAMP_VNNI_ROW(7, a7, b7)
  }
  const __m512i s0 = _mm512_loadu_si512(shift), s1 = _mm512_loadu_si512(shift + 16);
  SAMP_VNNI_STORE(0, a0, b0)
  SAMP_VNNI_STORE(1, a1, b1)
  SAMP_VNNI_STORE(2, a2, b2)
  SAMP_VNNI_STORE(3, a3, b3)
  SAMP_VNNI_STORE(4, a4, b4)
  SAMP_VNNI_STORE(5, a5, b5)
  SAMP_VNNI_STORE(6, a6, b6)
  SAMP_VNNI_STORE(7, a7, b7)
}
#undef SAMP_VNNI_STORE

/** The epilogue of 16 columns of one row: int32 sums (the shift already out), scaled, biased, activated, stored. */
inline void emit16(__m512i c, __mmask16 mask, int64_t col, int64_t at, const TileStore& st) {
  __m512 y = _mm512_mul_ps(_mm512_cvtepi32_ps(c), _mm512_maskz_loadu_ps(mask, st.scale + col));
  if (st.ep != Epilogue::none) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(mask, st.bias + col));
  if (st.ep == Epilogue::bias_gelu) y = vm512_gelu(y);
  if (st.ep == Epilogue::bias_tanh) y = vm512_tanh(y);
  if (st.f) {
    _mm512_mask_storeu_ps(st.f + at, mask, y);
    return;
  }
  const __m512 lim = _mm512_set1_ps(127.0f);
  __m512 r = _mm512_roundscale_ps(_mm512_mul_ps(y, _mm512_set1_ps(st.q_inv)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  r = _mm512_min_ps(_mm512_max_ps(r, _mm512_sub_ps(_mm512_setzero_ps(), lim)), lim);
  _mm512_mask_cvtepi32_storeu_epi8(st.q + at, mask, _mm512_cvtps_epi32(r));
}

/** The tile's sums go through L1 (1 KiB) so that the epilogue has every register to itself: fused into the
 * accumulation loop, the GELU constants and the 16 accumulators spill. */
void tile_vnni_store(const uint8_t* a, const int8_t* b, const int32_t* shift, int64_t kq, const TileStore& st) {
  alignas(64) int32_t acc[kRows * 32];
  tile_vnni(a, b, shift, kq, acc);
  const __mmask16 m0 = st.cols >= 16 ? 0xffff : static_cast<__mmask16>((1u << st.cols) - 1);
  const __mmask16 m1 = st.cols >= 32 ? 0xffff : st.cols <= 16 ? 0 : static_cast<__mmask16>((1u << (st.cols - 16)) - 1);
  for (int64_t r = 0; r < st.rows; ++r) {
    emit16(_mm512_load_si512(acc + r * 32), m0, 0, r * st.ld, st);
    if (m1) emit16(_mm512_load_si512(acc + r * 32 + 16), m1, 16, r * st.ld + 16, st);
  }
}
#undef SAMP_VNNI_ROW

/** Packs 8 groups (32 bytes) of the tile's 8 rows at a time, shifted to u8: an 8 x 8 transpose of dwords, so that
 * each group's 8 quads lie together. Returns the groups packed (a multiple of 8 of the whole ones). */
int64_t pack_vnni(const int8_t* a, int64_t lda, int64_t m, int64_t r0, int64_t k, uint8_t* tile) {
  const int64_t blocks = k / 32;
  const __m256i flip = _mm256_set1_epi8(static_cast<char>(0x80));
  for (int64_t bl = 0; bl < blocks; ++bl) {
    __m256 r[kRows];
    for (int i = 0; i < kRows; ++i) {
      const __m256i v = r0 + i < m ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + (r0 + i) * lda + bl * 32)) : _mm256_setzero_si256();
      r[i] = _mm256_castsi256_ps(_mm256_xor_si256(v, flip));  // zero rows become 0x80 bytes: a + 128 for a = 0
    }
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xee);
    const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xee);
    const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xee);
    const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xee);
    const __m256 g[8] = {_mm256_permute2f128_ps(u0, u4, 0x20), _mm256_permute2f128_ps(u1, u5, 0x20),
                         _mm256_permute2f128_ps(u2, u6, 0x20), _mm256_permute2f128_ps(u3, u7, 0x20),
                         _mm256_permute2f128_ps(u0, u4, 0x31), _mm256_permute2f128_ps(u1, u5, 0x31),
                         _mm256_permute2f128_ps(u2, u6, 0x31), _mm256_permute2f128_ps(u3, u7, 0x31)};
    for (int j = 0; j < 8; ++j) _mm256_storeu_ps(reinterpret_cast<float*>(tile + (bl * 8 + j) * kRows * 4), g[j]);
  }
  return blocks * 8;
}

}  // namespace

I8Kernel gemm_i8_kernel_vnni() { return {"avx512-vnni", true, tile_vnni, tile_vnni_store, pack_vnni}; }

}  // namespace samp::cpu
