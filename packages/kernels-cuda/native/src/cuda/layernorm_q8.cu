// Residual add + LayerNorm for rows of a multiple of 8 values up to 1024 (every BERT width): the GEMM output x plus,
// where given, the bias its GEMM left out (fp32), plus the residual read in the model's dtype or 8-bit; the result
// written in the model's dtype, 8-bit for the next GEMM, and / or in fp32 to the unpacked output, in one pass. 8-bit
// rows may end in bias columns (Q8Tensor::pad): the 8-bit output's are written, the residual's skipped. A
// warp per row (layernorm.cuh's row_layernorm_store), at most 64 registers so that half the SM's warps can be
// resident (a latency-bound kernel: the rows are mostly in L2 after the GEMM).
#include <type_traits>

#include "cpu/bias_columns.h"
#include "cuda/async_copy.cuh"
#include "cuda/check.h"
#include "cuda/kernels.cuh"
#include "cuda/launch.cuh"
#include "cuda/layernorm.cuh"
#include "cuda/q8.cuh"

namespace samp::cuda {
namespace {

constexpr int kBlocksPerSm = 8;  // 32 warps per SM (64 registers each)

/** The 8-bit type of a launch's 8-bit tensors (the residual read and the output written), fixed at compile time:
 * with the type known, the other type's decoding and encoding drop out (about a third of the kernel's code). */
enum Q8Types : int { kAllInt8 = 0, kAllFp8 = 1, kMixed = 2 };

template <int kTypes>
__device__ __forceinline__ bool q8_fp8(bool runtime) {
  return kTypes == kMixed ? runtime : kTypes == kAllFp8;
}

/** Copies gamma, beta and (where given) x's bias, `hidden` floats each, to params at 0, stride and 2 * stride:
 * started by the block's threads, completed by cp_async_wait (plain copies below sm_80). */
__device__ __forceinline__ void fetch_params(float* params, int stride, int hidden, const float* gamma,
                                             const float* beta, const float* x_bias) {
  const int quarter = hidden / 4, arrays = x_bias ? 3 : 2;
  for (int i = threadIdx.x; i < arrays * quarter; i += blockDim.x) {
    const int a = i / quarter, at = (i - a * quarter) * 4;
    const float* src = (a == 0 ? gamma : a == 1 ? beta : x_bias) + at;
#if __CUDA_ARCH__ >= 800
    cp_async16(smem_addr(params + a * stride + at), src, true);
#else
    *reinterpret_cast<float4*>(params + a * stride + at) = *reinterpret_cast<const float4*>(src);
#endif
  }
  cp_async_commit();
}

/** The fixed E4M3 inputs of a GEMM that carries its bias in its reduction (cpu/bias_columns.h), after a row. */
__device__ __forceinline__ void store_bias_columns(int8_t* at) {
  *reinterpret_cast<uint4*>(at) =
      make_uint4(cpu::bias_column_word(0), cpu::bias_column_word(1), cpu::bias_column_word(2), cpu::bias_column_word(3));
}

/** A warp per row, one row per warp (no grid-stride loop). Every load of a 16-bit row (x and the residual, as they
 * lie in memory) is issued before any is widened. With that, the 8-bit type fixed, and the width fixed where rows
 * fill their chunks (kFull: 768 and 1024 among BERT widths), 4096 rows of 768 take 5.3-5.4 us on an H100 instead of
 * 6.0 us loading and widening chunk by chunk with everything decided at run time (tools/gpu/probe/layernorm_probe.cu,
 * whose own variant without the optional outputs takes 4.3 us). The block's gamma, beta and x bias come into shared
 * memory while the GEMM before is still finishing (in the probe's isolated loop that costs 0.1-0.2 us; in the forward,
 * behind a GEMM, it saves 1.5 % at BERT-base (32,128) and (64,128) and 9 % at (1,32)). */
template <typename T, int kChunks, bool kRes8, int kTypes, bool kFull, bool kQ8Only>
__global__ void __launch_bounds__(32 * kWarpNormRows, kBlocksPerSm)
    add_layernorm_q8_kernel(const T* x, const float* x_bias, const T* residual, Q8Load residual8, int64_t tokens,
                            const float* gamma, const float* beta, int width, float eps, T* y, Q8Store q,
                            const int32_t* source, float* unpacked) {
  const int hidden = kFull ? kChunks * 32 * kVec : width;
  using R = std::conditional_t<kRes8, int8_t, T>;
  // gamma, beta and x's bias do not depend on the kernel before: fetched into shared memory before waiting for it
  constexpr int kMax = kChunks * 32 * kVec;
  __shared__ __align__(16) float params[3 * kMax];
  fetch_params(params, kMax, hidden, gamma, beta, x_bias);
  wait_for_previous_kernel();
  const int lane = threadIdx.x & 31;
  const int64_t t = blockIdx.x * int64_t{kWarpNormRows} + (threadIdx.x >> 5);
  const bool row = t < tokens;
  const int64_t at = row ? t : 0, base = at * hidden;
  const R* res = nullptr;
  if constexpr (kRes8) res = residual8.data + at * (hidden + residual8.pad);
  else res = residual + base;
  // the row's loads first where registers hold them (16-bit x); fp32 rows load chunk by chunk (no spills)
  constexpr bool kEarly = sizeof(T) == 2;
  Raw8<T> xr[kChunks];
  Raw8<R> rr[kChunks];
#pragma unroll
  for (int c = 0; c < kChunks; ++c) {
    const int col = (lane + 32 * c) * kVec;
    if (!kEarly || !row || col >= hidden) continue;
    xr[c] = load_raw8(x + base + col);
    rr[c] = load_raw8(res + col);
  }
  cp_async_wait<0>();
  __syncthreads();  // the parameters are in shared memory
  if (!row) return;
  float v[kChunks][kVec];
#pragma unroll
  for (int c = 0; c < kChunks; ++c) {
    const int col = (lane + 32 * c) * kVec;
    if (col >= hidden) continue;
    if (!kEarly) xr[c] = load_raw8(x + base + col), rr[c] = load_raw8(res + col);
    float r[kVec];
    widen8(xr[c], v[c]);
    if (x_bias) {
      float xb[kVec];
      load8(params + 2 * kMax + col, xb);
#pragma unroll
      for (int e = 0; e < kVec; ++e) v[c][e] += xb[e];
    }
    if constexpr (kRes8) {
      q8_decode8(rr[c].w[0], residual8.scale, q8_fp8<kTypes>(residual8.fp8), r);
    } else {
      widen8(rr[c], r);
    }
#pragma unroll
    for (int e = 0; e < kVec; ++e) v[c][e] += r[e];
  }
  int8_t* const q_row = q.data ? q.data + at * (hidden + q.pad) : nullptr;
  if (q_row && q.pad && lane == 0) store_bias_columns(q_row + hidden);
  if constexpr (kQ8Only) {  // a fully-quant layer's LayerNorm: only the next GEMM's 8-bit input
    row_layernorm_store<T, kChunks, true>(v, hidden, params, params + kMax, eps, nullptr,
                                          Q8Store{q_row, q.inv_scale, q8_fp8<kTypes>(q.fp8)}, nullptr);
  } else {
    const int32_t dst = source ? source[t] : -1;
    row_layernorm_store<T, kChunks>(v, hidden, params, params + kMax, eps, y ? y + base : nullptr,
                                    Q8Store{q_row, q.inv_scale, q8_fp8<kTypes>(q.fp8)},
                                    dst >= 0 ? unpacked + int64_t{dst} * hidden : nullptr);
  }
}

template <typename T>
using RowKernel = void (*)(const T*, const float*, const T*, Q8Load, int64_t, const float*, const float*, int, float,
                           T*, Q8Store, const int32_t*, float*);

/** q8_only: the launch writes only the 8-bit output. That case (every LayerNorm inside a run of fully-quant layers)
 * has instances of its own for 16-bit models, the 8-bit types alike and rows of 768 or 1024 values; others take the
 * general instance (which tests what to write row by row). */
template <typename T, bool kRes8, int kTypes>
RowKernel<T> row_kernel(int hidden, bool q8_only) {
  if constexpr (sizeof(T) == 2 && kTypes != kMixed) {
    if (q8_only && hidden == 3 * 32 * kVec) return add_layernorm_q8_kernel<T, 3, kRes8, kTypes, true, true>;
    if (q8_only && hidden == 4 * 32 * kVec) return add_layernorm_q8_kernel<T, 4, kRes8, kTypes, true, true>;
  }
  if (hidden % (32 * kVec) == 0)
    return row_kernel_for(hidden, [](auto c) { return add_layernorm_q8_kernel<T, c, kRes8, kTypes, true, false>; });
  return row_kernel_for(hidden, [](auto c) { return add_layernorm_q8_kernel<T, c, kRes8, kTypes, false, false>; });
}

template <typename T, int kTypes>
RowKernel<T> row_kernel(int hidden, bool res8, bool q8_only) {
  return res8 ? row_kernel<T, true, kTypes>(hidden, q8_only) : row_kernel<T, false, kTypes>(hidden, q8_only);
}

/** The instance for the launch: its 8-bit tensors' shared type (kMixed where they differ), residual, width and
 * outputs. */
template <typename T>
RowKernel<T> row_kernel(int hidden, const Q8Load& residual8, const Q8Store& q, bool q8_only) {
  const bool res8 = residual8.data != nullptr;
  if (res8 && q.data && residual8.fp8 != q.fp8) return row_kernel<T, kMixed>(hidden, res8, q8_only);
  return (res8 ? residual8.fp8 : q.fp8) ? row_kernel<T, kAllFp8>(hidden, res8, q8_only)
                                        : row_kernel<T, kAllInt8>(hidden, res8, q8_only);
}

template <typename T>
void launch_rows(unsigned grid, cudaStream_t stream, const T* x, const float* x_bias, const T* residual,
                 Q8Load residual8, int64_t tokens, const float* gamma, const float* beta, int hidden, float eps, T* y,
                 Q8Store q, const int32_t* source, float* unpacked, bool q8_only_instances) {
  const bool q8_only = q8_only_instances && q.data && !y && !source;
  launch_overlapped(row_kernel<T>(hidden, residual8, q, q8_only), grid, 32 * kWarpNormRows, 0, stream, x, x_bias,
                    residual, residual8, tokens, gamma, beta, hidden, eps, y, q, source, unpacked);
}

}  // namespace

bool add_layernorm_q8_width(int64_t hidden) { return row_kernel_width(hidden); }

void launch_add_layernorm_q8(DType dt, const void* x, const float* x_bias, const void* residual,
                             const Q8Load& residual8, int64_t tokens, const float* gamma, const float* beta,
                             int64_t hidden, float eps, void* y, const Q8Store& q, const int32_t* source,
                             float* unpacked, cudaStream_t stream, bool q8_only_instances) {
  SAMP_REQUIRE(row_kernel_width(hidden), SAMP_UNSUPPORTED,
               "8-bit layers on cuda need a hidden size that is a multiple of 8 and at most 1024, not " +
                   std::to_string(hidden));
  SAMP_REQUIRE(tokens > 0 && tokens < (int64_t{1} << 31), SAMP_INVALID, "layernorm: bad token count");
  SAMP_REQUIRE((residual != nullptr) != (residual8.data != nullptr), SAMP_INVALID, "layernorm: give one residual");
  SAMP_REQUIRE((source == nullptr) == (unpacked == nullptr), SAMP_INVALID, "layernorm: unpacking needs both pointers");
  SAMP_REQUIRE(aligned_to(x, 16) && aligned_to(x_bias, 16) && aligned_to(residual, 16) && aligned_to(y, 16) &&
                   aligned_to(gamma, 16) && aligned_to(beta, 16) && aligned_to(unpacked, 16) &&
                   aligned_to(residual8.data, 8) && aligned_to(q.data, 8),
               SAMP_INVALID, "layernorm: tensors must be 16-byte aligned (8-byte for 8-bit ones)");
  for (const int32_t pad : {q.pad, residual8.pad})  // bias columns after 8-bit rows: 16-byte aligned, 16 wide
    SAMP_REQUIRE(pad == 0 || (pad == cpu::kBiasColumns && hidden % 16 == 0), SAMP_INVALID,
                 "layernorm: 8-bit rows end in no bias columns or in 16, after a multiple of 16 values");
  SAMP_REQUIRE(!q.pad || aligned_to(q.data, 16), SAMP_INVALID, "layernorm: rows with bias columns 16-byte aligned");
  const unsigned grid = static_cast<unsigned>((tokens + kWarpNormRows - 1) / kWarpNormRows);
  const int h = static_cast<int>(hidden);
  SAMP_DISPATCH_DTYPE(dt, T,
                      launch_rows<T>(grid, stream, static_cast<const T*>(x), x_bias, static_cast<const T*>(residual),
                                     residual8, tokens, gamma, beta, h, eps, static_cast<T*>(y), q, source,
                                     unpacked, q8_only_instances));
}

}  // namespace samp::cuda
