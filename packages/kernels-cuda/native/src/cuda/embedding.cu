// Fused embedding: word + position + token-type lookups, their sum and LayerNorm. A warp per token with 16-byte
// loads for BERT widths (a multiple of 8, at most 1024), a block per token for other widths.
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

template <typename T, int kChunks>
__global__ void __launch_bounds__(32 * kWarpNormRows)
    embedding_row_kernel(const int32_t* ids, const int32_t* types, const int32_t* positions, int64_t tokens,
                         const T* word, const T* position, const T* type, const float* gamma, const float* beta,
                         int hidden, float eps, T* out, Q8Store q) {
  const int64_t t = blockIdx.x * int64_t{kWarpNormRows} + (threadIdx.x >> 5);
  if (t >= tokens) return;
  const int lane = threadIdx.x & 31;
  const T* w = word + int64_t{ids[t]} * hidden;
  const T* p = position + int64_t{positions[t]} * hidden;
  const T* y = type + int64_t{types[t]} * hidden;
  float v[kChunks][kVec];
#pragma unroll
  for (int c = 0; c < kChunks; ++c) {
    const int col = (lane + 32 * c) * kVec;
    if (col >= hidden) continue;
    float a[kVec], b[kVec];
    load8(w + col, v[c]);
    load8(p + col, a);
    load8(y + col, b);
#pragma unroll
    for (int e = 0; e < kVec; ++e) v[c][e] += a[e] + b[e];
  }
  row_layernorm_store<T, kChunks>(v, hidden, gamma, beta, eps, out ? out + t * hidden : nullptr,
                                  q.data ? Q8Store{q.data + t * hidden, q.inv_scale, q.fp8} : Q8Store{}, nullptr);
}

template <typename T>
void launch_rows(int64_t tokens, const int32_t* ids, const int32_t* types, const int32_t* positions, const void* word,
                 const void* position, const void* type, const float* gamma, const float* beta, int hidden,
                 float eps, void* out, const Q8Store& q, cudaStream_t stream) {
  auto kernel = row_kernel_for(hidden, [](auto c) { return embedding_row_kernel<T, decltype(c)::value>; });
  const unsigned grid = static_cast<unsigned>((tokens + kWarpNormRows - 1) / kWarpNormRows);
  kernel<<<grid, 32 * kWarpNormRows, 0, stream>>>(ids, types, positions, tokens, static_cast<const T*>(word),
                                                  static_cast<const T*>(position), static_cast<const T*>(type), gamma,
                                                  beta, hidden, eps, static_cast<T*>(out), q);
}

}  // namespace

// ---- launchers ----
void launch_embedding_layernorm(DType dt, const int32_t* ids, const int32_t* types, const int32_t* positions,
                                int64_t tokens, const void* word, const void* position, const void* type,
                                const float* gamma, const float* beta, int64_t hidden, float eps, void* out,
                                const Q8Store& q, cudaStream_t stream) {
  SAMP_REQUIRE(hidden <= int64_t{kNormThreads} * kNormPer, SAMP_UNSUPPORTED, "embedding: hidden size too large");
  SAMP_REQUIRE(tokens > 0 && tokens < (int64_t{1} << 31), SAMP_INVALID, "embedding: bad token count");
  SAMP_REQUIRE(out != nullptr || q.data != nullptr, SAMP_INVALID, "embedding: no output");
  if (row_kernel_width(hidden) && aligned_to(word, 16) && aligned_to(position, 16) && aligned_to(type, 16) &&
      aligned_to(gamma, 16) && aligned_to(beta, 16) && aligned_to(out, 16) && aligned_to(q.data, 8)) {
    const int h = static_cast<int>(hidden);
    SAMP_DISPATCH_DTYPE(dt, T,
                        launch_rows<T>(tokens, ids, types, positions, word, position, type, gamma, beta, h, eps, out,
                                       q, stream));
    SAMP_CUDA_LAUNCHED();
    return;
  }
  SAMP_REQUIRE(q.data == nullptr && out != nullptr, SAMP_UNSUPPORTED,
               "embedding: 8-bit output needs a hidden size that is a multiple of 8, at most 1024");
  SAMP_DISPATCH_DTYPE(dt, T,
                      embedding_layernorm_kernel<T><<<static_cast<unsigned>(tokens), kNormThreads, 0, stream>>>(
                          ids, types, positions, static_cast<const T*>(word), static_cast<const T*>(position),
                          static_cast<const T*>(type), gamma, beta, hidden, eps, static_cast<T*>(out)));
  SAMP_CUDA_LAUNCHED();
}

}  // namespace samp::cuda
