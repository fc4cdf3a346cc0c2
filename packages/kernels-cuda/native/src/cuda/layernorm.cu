// Residual add + LayerNorm (the GEMM before it already added its bias), and bias + GELU for fp32 layers. BERT
// widths go to the row kernel of layernorm_q8.cu; the kernels here take other widths.
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

/** A warp per row; with source and out, also writes the fp32 row to out[source[t]] (the last layer's output,
 * padding restored, without rounding to the layer's dtype). */
template <typename T>
__global__ void add_layernorm_warp_kernel(T* x, const T* residual, int64_t tokens, const float* gamma,
                                          const float* beta, int64_t hidden, float eps,
                                          const int32_t* source = nullptr, float* out = nullptr) {
  const int64_t t = blockIdx.x * int64_t{kWarpNormRows} + (threadIdx.x >> 5);
  if (t >= tokens) return;
  const int lane = threadIdx.x & 31;
  T* row = x + t * hidden;
  const T* res = residual + t * hidden;
  float v[kWarpNormPer];
#pragma unroll
  for (int i = 0; i < kWarpNormPer; ++i) {
    const int64_t j = lane + 32 * i;
    v[i] = j < hidden ? to_f32<T>(row[j]) + to_f32<T>(res[j]) : 0.0f;
  }
  const int32_t dst = source ? source[t] : -1;
  warp_layernorm_store<T>(v, hidden, gamma, beta, eps, row, dst >= 0 ? out + int64_t{dst} * hidden : nullptr);
}

template <typename T>
__global__ void bias_gelu_kernel(T* x, const T* bias, int64_t rows, int64_t cols) {
  const int64_t n = rows * cols;
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n; i += int64_t{gridDim.x} * blockDim.x) {
    const float v = to_f32<T>(x[i]) + to_f32<T>(bias[i % cols]);
    x[i] = from_f32<T>(0.5f * v * (1.0f + erff(v * 0.70710678118654752f)));
  }
}

/** Whether launch_add_layernorm_q8's row kernel takes this LayerNorm (its widths, every pointer 16-byte aligned);
 * the kernels above take the rest. */
bool rows_kernel_fits(const void* x, const void* residual, const float* gamma, const float* beta, int64_t hidden) {
  return row_kernel_width(hidden) && aligned_to(x, 16) && aligned_to(residual, 16) && aligned_to(gamma, 16) &&
         aligned_to(beta, 16);
}

}  // namespace

// ---- launchers ----
void launch_add_layernorm(DType dt, void* x, const void* residual, int64_t tokens, const float* gamma,
                          const float* beta, int64_t hidden, float eps, cudaStream_t stream) {
  SAMP_REQUIRE(hidden <= int64_t{kNormThreads} * kNormPer, SAMP_UNSUPPORTED, "layernorm: hidden size too large");
  SAMP_REQUIRE(tokens > 0 && tokens < (int64_t{1} << 31), SAMP_INVALID, "layernorm: bad token count");
  if (rows_kernel_fits(x, residual, gamma, beta, hidden)) {
    launch_add_layernorm_q8(dt, x, nullptr, residual, Q8Load{}, tokens, gamma, beta, hidden, eps, x, Q8Store{},
                            nullptr, nullptr, stream);
    return;
  }
  if (hidden <= 32 * kWarpNormPer) {
    const unsigned grid = static_cast<unsigned>((tokens + kWarpNormRows - 1) / kWarpNormRows);
    SAMP_DISPATCH_DTYPE(dt, T,
                        add_layernorm_warp_kernel<T><<<grid, 32 * kWarpNormRows, 0, stream>>>(
                            static_cast<T*>(x), static_cast<const T*>(residual), tokens, gamma, beta, hidden, eps));
    SAMP_CUDA_LAUNCHED();
    return;
  }
  SAMP_DISPATCH_DTYPE(dt, T,
                      add_layernorm_kernel<T><<<static_cast<unsigned>(tokens), kNormThreads, 0, stream>>>(
                          static_cast<T*>(x), static_cast<const T*>(residual), gamma, beta, hidden, eps));
  SAMP_CUDA_LAUNCHED();
}

void launch_add_layernorm_unpack(DType dt, void* x, const void* residual, int64_t tokens, const float* gamma,
                                 const float* beta, int64_t hidden, float eps, const int32_t* source, float* out,
                                 cudaStream_t stream) {
  SAMP_REQUIRE(hidden <= 32 * kWarpNormPer, SAMP_UNSUPPORTED, "layernorm+unpack: hidden size above 1024");
  if (rows_kernel_fits(x, residual, gamma, beta, hidden)) {
    launch_add_layernorm_q8(dt, x, nullptr, residual, Q8Load{}, tokens, gamma, beta, hidden, eps, x, Q8Store{},
                            source, out, stream);
    return;
  }
  const unsigned grid = static_cast<unsigned>((tokens + kWarpNormRows - 1) / kWarpNormRows);
  SAMP_DISPATCH_DTYPE(dt, T,
                      add_layernorm_warp_kernel<T><<<grid, 32 * kWarpNormRows, 0, stream>>>(
                          static_cast<T*>(x), static_cast<const T*>(residual), tokens, gamma, beta, hidden, eps,
                          source, out));
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
