// Residual add + LayerNorm for rows of a multiple of 8 values up to 1024 (every BERT width): the residual read in
// the model's dtype or 8-bit, the result written in the model's dtype, 8-bit for the next GEMM, and / or in fp32 to
// the unpacked output, in one pass. A warp per row, 8 values per lane and chunk, 16-byte loads and stores, gamma and
// beta read as float4 (scalar parameter loads had made the kernel bound by L1 traffic), at most 64 registers so
// that half the SM's warps can be resident (a latency-bound kernel: the rows are mostly in L2 after the GEMM).
#include <algorithm>

#include "cuda/check.h"
#include "cuda/kernels.cuh"
#include "cuda/layernorm.cuh"
#include "cuda/q8.cuh"

namespace samp::cuda {
namespace {

constexpr int kChunk = 8;
constexpr int kBlocksPerSm = 8;  // 32 warps per SM (64 registers each)

template <typename T>
__device__ __forceinline__ void load8(const T* p, float (&o)[kChunk]) {
  constexpr int kWords = kChunk * static_cast<int>(sizeof(T)) / 16;
  uint4 raw[kWords];
#pragma unroll
  for (int w = 0; w < kWords; ++w) raw[w] = reinterpret_cast<const uint4*>(p)[w];
  const T* e = reinterpret_cast<const T*>(raw);
#pragma unroll
  for (int i = 0; i < kChunk; ++i) o[i] = to_f32<T>(e[i]);
}

template <typename T>
__device__ __forceinline__ void store8(T* p, const float (&v)[kChunk]) {
  constexpr int kWords = kChunk * static_cast<int>(sizeof(T)) / 16;
  uint4 raw[kWords];
  T* e = reinterpret_cast<T*>(raw);
#pragma unroll
  for (int i = 0; i < kChunk; ++i) e[i] = from_f32<T>(v[i]);
#pragma unroll
  for (int w = 0; w < kWords; ++w) reinterpret_cast<uint4*>(p)[w] = raw[w];
}

/** Two float4 loads of 8 fp32 parameters (16-byte aligned). */
__device__ __forceinline__ void load_params8(const float* p, float (&o)[kChunk]) {
  const float4 lo = reinterpret_cast<const float4*>(p)[0], hi = reinterpret_cast<const float4*>(p)[1];
  o[0] = lo.x, o[1] = lo.y, o[2] = lo.z, o[3] = lo.w, o[4] = hi.x, o[5] = hi.y, o[6] = hi.z, o[7] = hi.w;
}

template <typename T, int kChunks>
__global__ void __launch_bounds__(32 * kWarpNormRows, kBlocksPerSm)
    add_layernorm_q8_kernel(const T* x, const T* residual, Q8Load residual8, int64_t tokens, const float* gamma,
                            const float* beta, int hidden, float eps, T* y, Q8Store q, const int32_t* source,
                            float* unpacked) {
  const int lane = threadIdx.x & 31;
  const int64_t stride = int64_t{gridDim.x} * kWarpNormRows;
  for (int64_t t = blockIdx.x * int64_t{kWarpNormRows} + (threadIdx.x >> 5); t < tokens; t += stride) {
    const int64_t base = t * hidden;
    float v[kChunks][kChunk];
    float sum = 0.0f;
#pragma unroll
    for (int c = 0; c < kChunks; ++c) {
      const int col = (lane + 32 * c) * kChunk;
      if (col >= hidden) {
#pragma unroll
        for (int e = 0; e < kChunk; ++e) v[c][e] = 0.0f;
        continue;
      }
      float r[kChunk];
      load8(x + base + col, v[c]);
      if (residual) {
        load8(residual + base + col, r);
      } else {
        const uint2 raw = *reinterpret_cast<const uint2*>(residual8.data + base + col);
        const int8_t* b = reinterpret_cast<const int8_t*>(&raw);
#pragma unroll
        for (int e = 0; e < kChunk; ++e) r[e] = q8_decode(b[e], residual8.scale, residual8.fp8);
      }
#pragma unroll
      for (int e = 0; e < kChunk; ++e) sum += (v[c][e] += r[e]);
    }
    const float mean = warp_sum(sum) / static_cast<float>(hidden);
    float sq = 0.0f;
#pragma unroll
    for (int c = 0; c < kChunks; ++c) {
      if ((lane + 32 * c) * kChunk >= hidden) continue;
#pragma unroll
      for (int e = 0; e < kChunk; ++e) sq += (v[c][e] - mean) * (v[c][e] - mean);
    }
    const float inv = rsqrtf(warp_sum(sq) / static_cast<float>(hidden) + eps);
    const int32_t dst = source ? source[t] : -1;
#pragma unroll
    for (int c = 0; c < kChunks; ++c) {
      const int col = (lane + 32 * c) * kChunk;
      if (col >= hidden) continue;
      float o[kChunk], g[kChunk], bt[kChunk];
      load_params8(gamma + col, g);
      load_params8(beta + col, bt);
#pragma unroll
      for (int e = 0; e < kChunk; ++e) o[e] = (v[c][e] - mean) * inv * g[e] + bt[e];
      if (y) store8(y + base + col, o);
      if (q.data) {
        uint2 raw;
        int8_t* b = reinterpret_cast<int8_t*>(&raw);
#pragma unroll
        for (int e = 0; e < kChunk; ++e) b[e] = q8_encode(o[e], q.inv_scale, q.fp8);
        *reinterpret_cast<uint2*>(q.data + base + col) = raw;
      }
      if (dst >= 0) store8(unpacked + int64_t{dst} * hidden + col, o);
    }
  }
}

template <typename T>
void launch_chunks(int chunks, unsigned grid, cudaStream_t stream, const T* x, const T* residual, Q8Load residual8,
                   int64_t tokens, const float* gamma, const float* beta, int hidden, float eps, T* y, Q8Store q,
                   const int32_t* source, float* unpacked) {
  auto kernel = chunks <= 1 ? add_layernorm_q8_kernel<T, 1>
              : chunks == 2 ? add_layernorm_q8_kernel<T, 2>
              : chunks == 3 ? add_layernorm_q8_kernel<T, 3>
                            : add_layernorm_q8_kernel<T, 4>;
  kernel<<<grid, 32 * kWarpNormRows, 0, stream>>>(x, residual, residual8, tokens, gamma, beta, hidden, eps, y, q,
                                                  source, unpacked);
}

}  // namespace

void launch_add_layernorm_q8(DType dt, const void* x, const void* residual, const Q8Load& residual8, int64_t tokens,
                             const float* gamma, const float* beta, int64_t hidden, float eps, void* y,
                             const Q8Store& q, const int32_t* source, float* unpacked, cudaStream_t stream) {
  SAMP_REQUIRE(row_kernel_width(hidden), SAMP_UNSUPPORTED,
               "8-bit layers on cuda need a hidden size that is a multiple of 8 and at most 1024, not " +
                   std::to_string(hidden));
  SAMP_REQUIRE(tokens > 0 && tokens < (int64_t{1} << 31), SAMP_INVALID, "layernorm: bad token count");
  SAMP_REQUIRE((residual != nullptr) != (residual8.data != nullptr), SAMP_INVALID, "layernorm: give one residual");
  SAMP_REQUIRE((source == nullptr) == (unpacked == nullptr), SAMP_INVALID, "layernorm: unpacking needs both pointers");
  SAMP_REQUIRE(aligned_to(x, 16) && aligned_to(residual, 16) && aligned_to(y, 16) && aligned_to(gamma, 16) &&
                   aligned_to(beta, 16) && aligned_to(unpacked, 16) && aligned_to(residual8.data, 8) &&
                   aligned_to(q.data, 8),
               SAMP_INVALID, "layernorm: tensors must be 16-byte aligned (8-byte for 8-bit ones)");
  const int chunks = static_cast<int>(hidden / (32 * kChunk) + (hidden % (32 * kChunk) ? 1 : 0));
  const int64_t row_blocks = (tokens + kWarpNormRows - 1) / kWarpNormRows;
  const unsigned grid = static_cast<unsigned>(std::min<int64_t>(row_blocks, int64_t{kBlocksPerSm} * current_sm_count()));
  const int h = static_cast<int>(hidden);
  SAMP_DISPATCH_DTYPE(dt, T,
                      launch_chunks<T>(chunks, grid, stream, static_cast<const T*>(x), static_cast<const T*>(residual),
                                       residual8, tokens, gamma, beta, h, eps, static_cast<T*>(y), q, source, unpacked));
  SAMP_CUDA_LAUNCHED();
}

}  // namespace samp::cuda
