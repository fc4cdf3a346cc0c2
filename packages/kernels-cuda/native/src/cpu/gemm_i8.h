// INT8 GEMM for the CPU backend: C[m, n] = dequant(A8[m, k] * W8[n, k]^T) (+ bias, then an activation), with A
// symmetric per-tensor s8 (scale a_scale) and W symmetric per-output-channel s8 (scales in the packed weight).
// int32 accumulation; the dequantization and bias / GELU are fused into the store. With AVX-512 VNNI the kernel
// runs vpdpbusd on u8 x s8 (A shifted by 128, compensated with 128 * sum_k W[j, k] per column).
#pragma once
#include <cstdint>
#include <vector>

#include "cpu/gemm.h"

namespace samp::cpu {

struct PackedWeightI8 {
  int64_t n = 0, k = 0, kq = 0;   // kq: k rounded up to a multiple of 4
  std::vector<int8_t> data;       // panels of 32 columns: for each 4-row group of k, 32 x 4 bytes
  std::vector<int32_t> shift;     // 128 * sum over k of W[j, k], per column (padded): the u8 shift taken back out
  std::vector<float> scale;       // per output channel
};

/** Symmetric per-output-channel quantization of a row-major [n, k] weight: scale = max|w| / 127 (1 for an
 * all-zero row), q = round-to-nearest-even(w / scale). */
void quantize_weight_per_channel(const float* w, int64_t n, int64_t k, int8_t* q, float* scales);

/** Symmetric per-tensor quantization: q = clamp(round-to-nearest-even(x / scale), -127, 127). */
void quantize_s8(const float* x, int64_t count, float scale, int8_t* q);

PackedWeightI8 gemm_i8_pack_weight(const int8_t* w, const float* scales, int64_t n, int64_t k);

/** C (fp32) = a_scale * scale[j] * (A8 W8^T)[i, j], then the epilogue. Multi-threaded. */
void gemm_i8(const int8_t* a, int64_t m, int64_t lda, float a_scale, const PackedWeightI8& w, const float* bias,
             Epilogue epilogue, float* c, int64_t ldc);

/** "avx512-vnni" or "scalar" (SAMP_CPU_ISA=scalar forces the latter). */
const char* gemm_i8_isa();

/** Rows of int32 sums of one 32-column panel (the kernels behind gemm_i8). */
using I8PanelKernel = void (*)(const int8_t* a, int64_t lda, int64_t rows, const PackedWeightI8& w, int64_t panel,
                               int32_t* acc /* rows x 32 */);
void gemm_i8_panel_scalar(const int8_t* a, int64_t lda, int64_t rows, const PackedWeightI8& w, int64_t panel, int32_t* acc);
void gemm_i8_panel_vnni(const int8_t* a, int64_t lda, int64_t rows, const PackedWeightI8& w, int64_t panel, int32_t* acc);

}  // namespace samp::cpu
