// Residual add + LayerNorm (the GEMM before it already added its bias), and bias + GELU for fp32 layers.
#include "cuda/check.h"
#include "cuda/kernels.cuh"
#include "cuda/layernorm.cuh"

namespace samp::cuda {
namespace {

// ---- kernels ----
template <typename T>
__global__ void add_layernorm_kernel(T* x, const T* residual, const float* gamma, const float* beta, int64_t hidden,
                                     float eps) {
  __shared__ float scratch[32];
  T* row = x + blockIdx.x * hidden;
  const T* res = residual + blockIdx.x * hidden;
  float v[kNormPer];
#pragma unroll
  for (int i = 0; i < kNormPer; ++i) {
    const int64_t j = threadIdx.x + int64_t{i} * blockDim.x;
    v[i] = j < hidden ? to_f32<T>(row[j]) + to_f32<T>(res[j]) : 0.0f;
  }
  layernorm_store<T>(v, hidden, gamma, beta, eps, row, scratch);
}

template <typename T>
__global__ void bias_gelu_kernel(T* x, const T* bias, int64_t rows, int64_t cols) {
  const int64_t n = rows * cols;
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n; i += int64_t{gridDim.x} * blockDim.x) {
    const float v = to_f32<T>(x[i]) + to_f32<T>(bias[i % cols]);
    x[i] = from_f32<T>(0.5f * v * (1.0f + erff(v * 0.70710678118654752f)));
  }
}

}  // namespace

// ---- launchers ----
void launch_add_layernorm(DType dt, void* x, const void* residual, int64_t tokens, const float* gamma,
                          const float* beta, int64_t hidden, float eps, cudaStream_t stream) {
  SAMP_REQUIRE(hidden <= int64_t{kNormThreads} * kNormPer, SAMP_UNSUPPORTED, "layernorm: hidden size too large");
  SAMP_REQUIRE(tokens > 0 && tokens < (int64_t{1} << 31), SAMP_INVALID, "layernorm: bad token count");
  SAMP_DISPATCH_DTYPE(dt, T,
                      add_layernorm_kernel<T><<<static_cast<unsigned>(tokens), kNormThreads, 0, stream>>>(
                          static_cast<T*>(x), static_cast<const T*>(residual), gamma, beta, hidden, eps));
  SAMP_CUDA_LAUNCHED();
}

void launch_bias_gelu(DType dt, void* x, const void* bias, int64_t rows, int64_t cols, cudaStream_t stream) {
  const int64_t n = rows * cols;
  if (n <= 0) return;
  const int grid = static_cast<int>(n / 256 + 1 < 8192 ? n / 256 + 1 : 8192);
  SAMP_DISPATCH_DTYPE(dt, T,
                      bias_gelu_kernel<T><<<grid, 256, 0, stream>>>(static_cast<T*>(x), static_cast<const T*>(bias),
                                                                    rows, cols));
  SAMP_CUDA_LAUNCHED();
}

}  // namespace samp::cuda
