// Transposes of small float tiles: the AVX-512 16 x 16 kernel (cpu/transpose_avx512.cc).
#pragma once
#include <cstdint>

namespace samp::cpu {

/** dst[x * dst_stride + j] = src[j * src_stride + x] for j, x < 16. AVX-512F only: call it where gemm_isa() is
 * "avx512". */
void transpose16_avx512(const float* src, int64_t src_stride, float* dst, int64_t dst_stride);

}  // namespace samp::cpu
