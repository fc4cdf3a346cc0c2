// The AVX2 tile kernel of gemm_i8: 8 rows x 32 columns, two rows at a time. vpmaddubsw multiplies |a| (u8) by the
// weights with a's sign applied (s8); both lie in [-127, 127], so the int16 pair sums (<= 2 * 127 * 127) never
// saturate and the result is exact. vpmaddwd with ones then widens the pairs to int32.
#include <immintrin.h>

#include "cpu/gemm_i8.h"

namespace samp::cpu {
namespace {

constexpr int kRows = 8;

void tile_avx2(const uint8_t* a8, const int8_t* b, const int32_t* /*shift*/, int64_t kq, int32_t* acc) {
  const auto* a = reinterpret_cast<const int8_t*>(a8);
  const __m256i ones = _mm256_set1_epi16(1);
  for (int r0 = 0; r0 < kRows; r0 += 2) {
    __m256i c[2][4];
    for (int r = 0; r < 2; ++r)
      for (int j = 0; j < 4; ++j) c[r][j] = _mm256_set1_epi32(0);
    const int8_t* bp = b;
    for (int64_t g = 0; g < kq / 4; ++g, bp += 128) {
      __m256i w[4];
      for (int j = 0; j < 4; ++j) w[j] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bp + 32 * j));
      for (int r = 0; r < 2; ++r) {
        int32_t quad;
        __builtin_memcpy(&quad, a + g * kRows * 4 + (r0 + r) * 4, 4);
        const __m256i x = _mm256_set1_epi32(quad);
        const __m256i ax = _mm256_abs_epi8(x);
        for (int j = 0; j < 4; ++j) {
          const __m256i pairs = _mm256_maddubs_epi16(ax, _mm256_sign_epi8(w[j], x));
          c[r][j] = _mm256_add_epi32(c[r][j], _mm256_madd_epi16(pairs, ones));
        }
      }
    }
    for (int r = 0; r < 2; ++r)
      for (int j = 0; j < 4; ++j)
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc + (r0 + r) * 32 + 8 * j), c[r][j]);
  }
}

}  // namespace

I8Kernel gemm_i8_kernel_avx2() { return {"avx2", false, tile_avx2}; }

}  // namespace samp::cpu
