// BERT pooler: tanh(W * h_first + b) per sequence, one warp per output value, fp32 out.
#include "cuda/check.h"
#include "cuda/device_math.cuh"
#include "cuda/kernels.cuh"

namespace samp::cuda {
namespace {

// ---- kernels ----
template <typename T>
__global__ void pooler_kernel(const T* hidden, const int32_t* offsets, int64_t batch, int64_t width, const T* w,
                              const T* bias, float* out) {
  const int64_t warp = (blockIdx.x * int64_t{blockDim.x} + threadIdx.x) >> 5;
  const int lane = threadIdx.x & 31;
  if (warp >= batch * width) return;
  const int64_t b = warp / width, n = warp % width;
  const T* h = hidden + int64_t{offsets[b]} * width;
  const T* wr = w + n * width;
  float s = 0.0f;
  for (int64_t k = lane; k < width; k += 32) s += to_f32<T>(wr[k]) * to_f32<T>(h[k]);
  s = warp_sum(s);
  if (lane == 0) out[warp] = tanhf(s + to_f32<T>(bias[n]));
}

}  // namespace

// ---- launchers ----
void launch_pooler(DType dt, const void* hidden, const int32_t* offsets, int64_t batch, int64_t width,
                   const void* w, const void* bias, float* out, cudaStream_t stream) {
  const int64_t threads = batch * width * 32;
  const unsigned grid = static_cast<unsigned>((threads + 255) / 256);
  SAMP_DISPATCH_DTYPE(dt, T,
                      pooler_kernel<T><<<grid, 256, 0, stream>>>(static_cast<const T*>(hidden), offsets, batch,
                                                                 width, static_cast<const T*>(w),
                                                                 static_cast<const T*>(bias), out));
  SAMP_CUDA_LAUNCHED();
}

}  // namespace samp::cuda
