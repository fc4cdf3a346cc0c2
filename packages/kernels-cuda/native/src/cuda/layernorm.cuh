// Block-wide LayerNorm of one row held in registers (kPer values per thread), two-pass like PyTorch.
#pragma once
#include <cstdint>

#include "cuda/device_math.cuh"
#include "cuda/q8.cuh"

namespace samp::cuda {

constexpr int kNormThreads = 256;
constexpr int kNormPer = 32;  // rows up to 8192 values

/** Whether the residual-add row kernel of layernorm_q8.cu takes rows of this width: a multiple of 8, at most 1024
 * (every BERT width). */
inline bool row_kernel_width(int64_t hidden) { return hidden % 8 == 0 && hidden <= 1024; }

/** p is a multiple of `bytes` (null counts as aligned). */
inline bool aligned_to(const void* p, uintptr_t bytes) { return reinterpret_cast<uintptr_t>(p) % bytes == 0; }

/** v holds row[threadIdx.x + i * blockDim.x] for i < kNormPer (0 beyond n); writes the normalized row to out. */
template <typename T>
__device__ __forceinline__ void layernorm_store(float (&v)[kNormPer], int64_t n, const float* gamma,
                                                const float* beta, float eps, T* out, float* scratch) {
  float s = 0.0f;
#pragma unroll
  for (int i = 0; i < kNormPer; ++i) s += v[i];
  const float mean = block_sum(s, scratch) / static_cast<float>(n);
  float q = 0.0f;
#pragma unroll
  for (int i = 0; i < kNormPer; ++i) {
    const int64_t j = threadIdx.x + int64_t{i} * blockDim.x;
    const float d = j < n ? v[i] - mean : 0.0f;
    q += d * d;
  }
  const float inv = rsqrtf(block_sum(q, scratch) / static_cast<float>(n) + eps);
#pragma unroll
  for (int i = 0; i < kNormPer; ++i) {
    const int64_t j = threadIdx.x + int64_t{i} * blockDim.x;
    if (j < n) out[j] = from_f32<T>((v[i] - mean) * inv * gamma[j] + beta[j]);
  }
}

constexpr int kWarpNormPer = 32;  // a warp per row for rows up to 1024 values
constexpr int kWarpNormRows = 4;  // rows (warps) per block

/** Warp-wide LayerNorm: v holds row[lane + 32 * i] (0 beyond n); no block synchronisation. Where out_f32 is
 * given, the row is written there in fp32 too; where q.data is, 8-bit too (q.data at the row). */
template <typename T>
__device__ __forceinline__ void warp_layernorm_store(float (&v)[kWarpNormPer], int64_t n, const float* gamma,
                                                     const float* beta, float eps, T* out, float* out_f32 = nullptr,
                                                     Q8Store q8 = {}) {
  const int lane = threadIdx.x & 31;
  float s = 0.0f;
#pragma unroll
  for (int i = 0; i < kWarpNormPer; ++i) s += v[i];
  const float mean = warp_sum(s) / static_cast<float>(n);
  float q = 0.0f;
#pragma unroll
  for (int i = 0; i < kWarpNormPer; ++i) {
    const float d = lane + 32 * i < n ? v[i] - mean : 0.0f;
    q += d * d;
  }
  const float inv = rsqrtf(warp_sum(q) / static_cast<float>(n) + eps);
#pragma unroll
  for (int i = 0; i < kWarpNormPer; ++i) {
    const int64_t j = lane + 32 * i;
    if (j >= n) continue;
    const float y = (v[i] - mean) * inv * gamma[j] + beta[j];
    out[j] = from_f32<T>(y);
    if (out_f32) out_f32[j] = y;
    if (q8.data) q8.data[j] = q8_encode(y, q8.inv_scale, q8.fp8);
  }
}

}  // namespace samp::cuda
