// Residual add + LayerNorm for rows of a multiple of 8 values up to 1024 (every BERT width): the GEMM output x plus,
// where given, the bias its GEMM left out (fp32), plus the residual read in the model's dtype or 8-bit; the result
// written in the model's dtype, 8-bit for the next GEMM, and / or in fp32 to the unpacked output, in one pass. A
// warp per row (layernorm.cuh's row_layernorm_store), at most 64 registers so that half the SM's warps can be
// resident (a latency-bound kernel: the rows are mostly in L2 after the GEMM).
#include <algorithm>

#include "cuda/check.h"
#include "cuda/kernels.cuh"
#include "cuda/launch.cuh"
#include "cuda/layernorm.cuh"
#include "cuda/q8.cuh"

namespace samp::cuda {
namespace {

constexpr int kBlocksPerSm = 8;  // 32 warps per SM (64 registers each)

template <typename T, int kChunks>
__global__ void __launch_bounds__(32 * kWarpNormRows, kBlocksPerSm)
    add_layernorm_q8_kernel(const T* x, const float* x_bias, const T* residual, Q8Load residual8, int64_t tokens,
                            const float* gamma, const float* beta, int hidden, float eps, T* y, Q8Store q,
                            const int32_t* source, float* unpacked) {
  wait_for_previous_kernel();
  const int lane = threadIdx.x & 31;
  const int64_t stride = int64_t{gridDim.x} * kWarpNormRows;
  for (int64_t t = blockIdx.x * int64_t{kWarpNormRows} + (threadIdx.x >> 5); t < tokens; t += stride) {
    const int64_t base = t * hidden;
    float v[kChunks][kVec];
#pragma unroll
    for (int c = 0; c < kChunks; ++c) {
      const int col = (lane + 32 * c) * kVec;
      if (col >= hidden) continue;
      float r[kVec];
      load8(x + base + col, v[c]);
      if (x_bias) {
        float xb[kVec];
        load8(x_bias + col, xb);
#pragma unroll
        for (int e = 0; e < kVec; ++e) v[c][e] += xb[e];
      }
      if (residual) {
        load8(residual + base + col, r);
      } else {
        const uint2 raw = *reinterpret_cast<const uint2*>(residual8.data + base + col);
        const int8_t* b = reinterpret_cast<const int8_t*>(&raw);
#pragma unroll
        for (int e = 0; e < kVec; ++e) r[e] = q8_decode(b[e], residual8.scale, residual8.fp8);
      }
#pragma unroll
      for (int e = 0; e < kVec; ++e) v[c][e] += r[e];
    }
    const int32_t dst = source ? source[t] : -1;
    row_layernorm_store<T, kChunks>(v, hidden, gamma, beta, eps, y ? y + base : nullptr,
                                    q.data ? Q8Store{q.data + base, q.inv_scale, q.fp8} : Q8Store{},
                                    dst >= 0 ? unpacked + int64_t{dst} * hidden : nullptr);
  }
}

template <typename T>
void launch_rows(unsigned grid, cudaStream_t stream, const T* x, const float* x_bias, const T* residual,
                 Q8Load residual8, int64_t tokens, const float* gamma, const float* beta, int hidden, float eps, T* y,
                 Q8Store q, const int32_t* source, float* unpacked) {
  auto kernel = row_kernel_for(hidden, [](auto c) { return add_layernorm_q8_kernel<T, decltype(c)::value>; });
  launch_overlapped(kernel, grid, 32 * kWarpNormRows, 0, stream, x, x_bias, residual, residual8, tokens, gamma, beta,
                    hidden, eps, y, q, source, unpacked);
}

}  // namespace

bool add_layernorm_q8_width(int64_t hidden) { return row_kernel_width(hidden); }

void launch_add_layernorm_q8(DType dt, const void* x, const float* x_bias, const void* residual,
                             const Q8Load& residual8, int64_t tokens, const float* gamma, const float* beta,
                             int64_t hidden, float eps, void* y, const Q8Store& q, const int32_t* source,
                             float* unpacked, cudaStream_t stream) {
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
  const int64_t row_blocks = (tokens + kWarpNormRows - 1) / kWarpNormRows;
  const unsigned grid =
      static_cast<unsigned>(std::min<int64_t>(row_blocks, int64_t{kBlocksPerSm} * current_sm_count()));
  const int h = static_cast<int>(hidden);
  SAMP_DISPATCH_DTYPE(dt, T,
                      launch_rows<T>(grid, stream, static_cast<const T*>(x), x_bias, static_cast<const T*>(residual),
                                     residual8, tokens, gamma, beta, h, eps, static_cast<T*>(y), q, source,
                                     unpacked));
}

}  // namespace samp::cuda
