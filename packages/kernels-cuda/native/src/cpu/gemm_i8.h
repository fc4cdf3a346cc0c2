// INT8 GEMM for the CPU backend: C[m, n] = dequant(A8[m, k] * W8[n, k]^T) (+ bias, then an activation), with A
// symmetric per-tensor s8 (scale a_scale) and W symmetric per-output-channel s8 (scales in the packed weight).
// int32 accumulation; dequantization, bias, GELU and (optionally) requantization to s8 are fused into the store.
// Kernels: AVX-512 VNNI (vpdpbusd on A shifted to u8, compensated per column), AVX2 (vpmaddubsw on |a| and
// sign-adjusted weights, exact: no int16 saturation since both operands lie in [-127, 127]) and scalar.
#pragma once
#include <cstdint>
#include <vector>

#include "cpu/gemm.h"
#include "cpu/q8.h"

namespace samp::cpu {

struct PackedWeightI8 {
  int64_t n = 0, k = 0, kq = 0;   // kq: k rounded up to a multiple of 4
  std::vector<int8_t> data;       // panels of 32 columns: for each 4-row group of k, 32 x 4 bytes
  std::vector<int32_t> shift;     // 128 * sum over k of W[j, k], per column (padded): the u8 shift taken back out
  std::vector<float> scale;       // per output channel
};

/** Where gemm_i8 writes: fp32 `f`, or s8 `q` quantized with `q_scale` (exactly one of them), row stride `ld`. */
struct I8Out {
  float* f = nullptr;
  int8_t* q = nullptr;
  float q_scale = 1.0f;
  int64_t ld = 0;
};

/** Symmetric quantization of a row-major [n, k] weight, scales[j] for output channel j: q = the 8-bit encoding of
 * w * (1 / scale) (INT8: round-to-nearest-even; FP8: E4M3 codes). INT8 is per output channel (scale = max|w| of the
 * row / 127); FP8 is per tensor (every scales[j] = max|w| of the matrix / 448): E4M3's exponent already covers the
 * spread between channels, and a per-tensor weight scale is what lets cuBLASLt write an E4M3 output. The scale is 1
 * where the max is 0. */
void quantize_weight(const float* w, int64_t n, int64_t k, int8_t* q, float* scales, Dtype8 dtype = Dtype8::int8);

/** Symmetric per-tensor quantization: q = clamp(round-to-nearest-even(x * (1 / scale)), -127, 127). */
void quantize_s8(const float* x, int64_t count, float scale, int8_t* q);

PackedWeightI8 gemm_i8_pack_weight(const int8_t* w, const float* scales, int64_t n, int64_t k);

/** Quantizes (INT8, per channel) and packs an fp32 row-major [n, k] weight. */
PackedWeightI8 gemm_i8_pack_float_weight(const float* w, int64_t n, int64_t k);

/** out = epilogue(a_scale * scale[j] * (A8 W8^T)[i, j] + bias[j]), stored as `out` says. Multi-threaded. */
void gemm_i8(const int8_t* a, int64_t m, int64_t lda, float a_scale, const PackedWeightI8& w, const float* bias,
             Epilogue epilogue, const I8Out& out);

/** The fp32-output form of gemm_i8. */
void gemm_i8(const int8_t* a, int64_t m, int64_t lda, float a_scale, const PackedWeightI8& w, const float* bias,
             Epilogue epilogue, float* c, int64_t ldc);

/** "avx512-vnni", "avx2" or "scalar" (SAMP_CPU_ISA=avx2 or scalar lowers it). */
const char* gemm_i8_isa();

/** int32 sums of an 8-row x 32-column tile: A packed as [kq / 4][8 rows][4 bytes] (u8 = a + 128 when the kernel
 * says `shifted`, else s8), one weight panel, written to acc[8][32]. */
using I8TileKernel = void (*)(const uint8_t* a, const int8_t* panel, const int32_t* shift, int64_t kq, int32_t* acc);

/** What the store of one tile does: columns scaled (a_scale * weight scale), biased, activated, then written as
 * fp32 (`f`) or s8 (`q`, times `q_inv`, round-to-nearest-even, clamped to +-127); `rows` x `cols` of the tile. */
struct TileStore {
  int64_t rows, cols;
  const float* scale;
  const float* bias;  // null for Epilogue::none
  Epilogue ep;
  float* f;
  int8_t* q;
  float q_inv;
  int64_t ld;
};

/** A tile kernel that stores through the epilogue itself, from registers. */
using I8TileStoreKernel = void (*)(const uint8_t* a, const int8_t* panel, const int32_t* shift, int64_t kq,
                                   const TileStore& store);

/** A kernel's own packer of A's tile rows [r0, r0 + 8) (zero rows past m), in the layout and shift of its tile
 * kernel; it packs groups [0, n) of 4 bytes and returns n (the driver packs the rest). */
using I8PackKernel = int64_t (*)(const int8_t* a, int64_t lda, int64_t m, int64_t r0, int64_t k, uint8_t* tile);

struct I8Kernel {
  const char* isa;
  bool shifted;
  I8TileKernel tile;
  I8TileStoreKernel tile_store = nullptr;  // when set, used instead of tile + the generic store
  I8PackKernel pack = nullptr;             // when set, packs the leading groups of each tile
};

I8Kernel gemm_i8_kernel_scalar();
I8Kernel gemm_i8_kernel_avx2();  // call only where AVX2 is present
I8Kernel gemm_i8_kernel_vnni();  // call only where AVX-512 VNNI and BW are present

}  // namespace samp::cpu
