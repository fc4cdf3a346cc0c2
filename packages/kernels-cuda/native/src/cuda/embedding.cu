// Fused embedding: word + position + token-type lookups, their sum and LayerNorm, one block per token.
#include "cuda/check.h"
#include "cuda/kernels.cuh"
#include "cuda/layernorm.cuh"

namespace samp::cuda {
namespace {

// ---- kernels ----
template <typename T>
__global__ void embedding_layernorm_kernel(const int32_t* ids, const int32_t* types, const int32_t* positions,
                                           const T* word, const T* position, const T* type, const float* gamma,
                                           const float* beta, int64_t hidden, float eps, T* out) {
  __shared__ float scratch[32];
  const int64_t t = blockIdx.x;
  const T* w = word + int64_t{ids[t]} * hidden;
  const T* p = position + int64_t{positions[t]} * hidden;
  const T* y = type + int64_t{types[t]} * hidden;
  float v[kNormPer];
#pragma unroll
  for (int i = 0; i < kNormPer; ++i) {
    const int64_t j = threadIdx.x + int64_t{i} * blockDim.x;
    v[i] = j < hidden ? to_f32<T>(w[j]) + to_f32<T>(p[j]) + to_f32<T>(y[j]) : 0.0f;
  }
  layernorm_store<T>(v, hidden, gamma, beta, eps, out + t * hidden, scratch);
}

template <typename T>
__global__ void embedding_layernorm_warp_kernel(const int32_t* ids, const int32_t* types, const int32_t* positions,
                                                int64_t tokens, const T* word, const T* position, const T* type,
                                                const float* gamma, const float* beta, int64_t hidden, float eps,
                                                T* out, Q8Store q) {
  const int64_t t = blockIdx.x * int64_t{kWarpNormRows} + (threadIdx.x >> 5);
  if (t >= tokens) return;
  const int lane = threadIdx.x & 31;
  const T* w = word + int64_t{ids[t]} * hidden;
  const T* p = position + int64_t{positions[t]} * hidden;
  const T* y = type + int64_t{types[t]} * hidden;
  float v[kWarpNormPer];
#pragma unroll
  for (int i = 0; i < kWarpNormPer; ++i) {
    const int64_t j = lane + 32 * i;
    v[i] = j < hidden ? to_f32<T>(w[j]) + to_f32<T>(p[j]) + to_f32<T>(y[j]) : 0.0f;
  }
  if (q.data) q.data += t * hidden;
  warp_layernorm_store<T>(v, hidden, gamma, beta, eps, out + t * hidden, nullptr, q);
}

}  // namespace

// ---- launchers ----
void launch_embedding_layernorm(DType dt, const int32_t* ids, const int32_t* types, const int32_t* positions,
                                int64_t tokens, const void* word, const void* position, const void* type,
                                const float* gamma, const float* beta, int64_t hidden, float eps, void* out,
                                const Q8Store& q, cudaStream_t stream) {
  SAMP_REQUIRE(hidden <= int64_t{kNormThreads} * kNormPer, SAMP_UNSUPPORTED, "embedding: hidden size too large");
  SAMP_REQUIRE(tokens > 0 && tokens < (int64_t{1} << 31), SAMP_INVALID, "embedding: bad token count");
  if (hidden <= 32 * kWarpNormPer) {
    const unsigned grid = static_cast<unsigned>((tokens + kWarpNormRows - 1) / kWarpNormRows);
    SAMP_DISPATCH_DTYPE(dt, T,
                        embedding_layernorm_warp_kernel<T><<<grid, 32 * kWarpNormRows, 0, stream>>>(
                            ids, types, positions, tokens, static_cast<const T*>(word),
                            static_cast<const T*>(position), static_cast<const T*>(type), gamma, beta, hidden, eps,
                            static_cast<T*>(out), q));
    SAMP_CUDA_LAUNCHED();
    return;
  }
  SAMP_REQUIRE(q.data == nullptr, SAMP_UNSUPPORTED, "embedding: 8-bit output needs a hidden size of at most 1024");
  SAMP_DISPATCH_DTYPE(dt, T,
                      embedding_layernorm_kernel<T><<<static_cast<unsigned>(tokens), kNormThreads, 0, stream>>>(
                          ids, types, positions, static_cast<const T*>(word), static_cast<const T*>(position),
                          static_cast<const T*>(type), gamma, beta, hidden, eps, static_cast<T*>(out)));
  SAMP_CUDA_LAUNCHED();
}

}  // namespace samp::cuda
