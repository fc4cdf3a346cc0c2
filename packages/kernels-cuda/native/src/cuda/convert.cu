// dtype conversions (weights at load, op tests) and the packed-to-padded output scatter.
#include "cuda/check.h"
#include "cuda/device_math.cuh"
#include "cuda/kernels.cuh"

namespace samp::cuda {
namespace {

// ---- kernels ----
template <typename T>
__global__ void convert_from_f32_kernel(const float* src, T* dst, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n; i += int64_t{gridDim.x} * blockDim.x)
    dst[i] = from_f32<T>(src[i]);
}

template <typename T>
__global__ void convert_to_f32_kernel(const T* src, float* dst, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n; i += int64_t{gridDim.x} * blockDim.x)
    dst[i] = to_f32<T>(src[i]);
}

int grid_for(int64_t n) { return static_cast<int>(n / 256 + 1 < 4096 ? n / 256 + 1 : 4096); }

}  // namespace

// ---- launchers ----
DType dtype_from_string(const std::string& name) {
  if (name == "fp32") return DType::f32;
  if (name == "fp16") return DType::f16;
  if (name == "bf16") return DType::bf16;
  SAMP_REQUIRE(false, SAMP_INVALID, "Expected dtype fp32, fp16 or bf16 but received \"" + name + "\"");
}

void launch_convert_from_f32(DType dt, const float* src, void* dst, int64_t n, cudaStream_t stream) {
  if (n <= 0) return;
  SAMP_DISPATCH_DTYPE(dt, T, convert_from_f32_kernel<T><<<grid_for(n), 256, 0, stream>>>(src, static_cast<T*>(dst), n));
  SAMP_CUDA_LAUNCHED();
}

void launch_convert_to_f32(DType dt, const void* src, float* dst, int64_t n, cudaStream_t stream) {
  if (n <= 0) return;
  SAMP_DISPATCH_DTYPE(dt, T,
                      convert_to_f32_kernel<T><<<grid_for(n), 256, 0, stream>>>(static_cast<const T*>(src), dst, n));
  SAMP_CUDA_LAUNCHED();
}

}  // namespace samp::cuda
