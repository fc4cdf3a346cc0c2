// LayerNorm of one row held in registers, two-pass like PyTorch: block-wide (kPer values per thread), warp-wide
// (a value per lane and step), and warp-wide in 8-value chunks with 16-byte loads and stores (the row kernels).
#pragma once
#include <cstdint>
#include <type_traits>

#include "cuda/device_math.cuh"
#include "cuda/q8.cuh"

namespace samp::cuda {

constexpr int kNormThreads = 256;
constexpr int kNormPer = 32;  // rows up to 8192 values

/** Whether the residual-add row kernel of layernorm_q8.cu takes rows of this width: a multiple of 8, at most 1024
 * (every BERT width). */
inline bool row_kernel_width(int64_t hidden) { return hidden % 8 == 0 && hidden <= 1024; }

/** The instance of a row kernel (templated on its chunks of 8 values per lane, 1 to 4) for rows of `hidden`
 * values: pick(std::integral_constant<int, chunks>) returns it. */
template <typename Pick>
auto row_kernel_for(int64_t hidden, Pick pick) {
  const int64_t chunks = (hidden + 32 * kVec - 1) / (32 * kVec);
  return chunks <= 1 ? pick(std::integral_constant<int, 1>{})
       : chunks == 2 ? pick(std::integral_constant<int, 2>{})
       : chunks == 3 ? pick(std::integral_constant<int, 3>{})
                     : pick(std::integral_constant<int, 4>{});
}

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
 * given, the row is written there in fp32 too. */
template <typename T>
__device__ __forceinline__ void warp_layernorm_store(float (&v)[kWarpNormPer], int64_t n, const float* gamma,
                                                     const float* beta, float eps, T* out, float* out_f32 = nullptr) {
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
  }
}

/** Warp-wide LayerNorm in 8-value chunks: v[c] holds row[(lane + 32 c) * 8, + 8) for the chunks inside the row
 * (the others are not read); gamma and beta are read as 16-byte vectors (scalar parameter loads had made the row
 * kernels bound by L1 traffic). Writes the row where given: y in T, q (q.data at the row) 8-bit, f32 in fp32. Every
 * pointer 16-byte aligned (q.data 8-byte). kQ8Only: q.data is given and y and f32 are not (no branches on them). */
template <typename T, int kChunks, bool kQ8Only = false>
__device__ __forceinline__ void row_layernorm_store(const float (&v)[kChunks][kVec], int hidden, const float* gamma,
                                                    const float* beta, float eps, T* y, Q8Store q, float* f32) {
  const int lane = threadIdx.x & 31;
  float sum = 0.0f;
#pragma unroll
  for (int c = 0; c < kChunks; ++c) {
    if ((lane + 32 * c) * kVec >= hidden) continue;
#pragma unroll
    for (int e = 0; e < kVec; ++e) sum += v[c][e];
  }
  const float mean = warp_sum(sum) / static_cast<float>(hidden);
  float sq = 0.0f;
#pragma unroll
  for (int c = 0; c < kChunks; ++c) {
    if ((lane + 32 * c) * kVec >= hidden) continue;
#pragma unroll
    for (int e = 0; e < kVec; ++e) sq += (v[c][e] - mean) * (v[c][e] - mean);
  }
  const float inv = rsqrtf(warp_sum(sq) / static_cast<float>(hidden) + eps);
#pragma unroll
  for (int c = 0; c < kChunks; ++c) {
    const int col = (lane + 32 * c) * kVec;
    if (col >= hidden) continue;
    float o[kVec], g[kVec], bt[kVec];
    load8(gamma + col, g);
    load8(beta + col, bt);
#pragma unroll
    for (int e = 0; e < kVec; ++e) o[e] = (v[c][e] - mean) * inv * g[e] + bt[e];
    if constexpr (kQ8Only) {
      q8_store8(q.data + col, o, q.inv_scale, q.fp8);
    } else {
      if (y) store8(y + col, o);
      if (q.data) q8_store8(q.data + col, o, q.inv_scale, q.fp8);
      if (f32) store8(f32 + col, o);
    }
  }
}

}  // namespace samp::cuda
