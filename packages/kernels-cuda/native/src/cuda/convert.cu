// dtype conversions (weights at load, op tests), and 8-bit encoding where no neighbouring kernel can do it.
#include "cuda/check.h"
#include "cuda/device_math.cuh"
#include "cuda/kernels.cuh"
#include "cuda/q8.cuh"

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

/** 8 values per thread and step: one 16-byte load (16-bit types), one 8-byte store. */
template <typename T>
__global__ void quantize8_kernel(const T* x, int64_t chunks, Q8Store q) {
  for (int64_t c = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; c < chunks; c += int64_t{gridDim.x} * blockDim.x) {
    float v[kVec];
    load8(x + c * kVec, v);
    q8_store8(q.data + c * kVec, v, q.inv_scale, q.fp8);
  }
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

void launch_quantize8(DType dt, const void* x, int64_t n, const Q8Store& q, cudaStream_t stream) {
  SAMP_REQUIRE(dt != DType::f32 && n % 8 == 0, SAMP_UNSUPPORTED, "quantize8: 16-bit values, a multiple of 8");
  if (n <= 0) return;
  const int64_t chunks = n / 8;
  const int grid = static_cast<int>(chunks / 256 + 1 < 8192 ? chunks / 256 + 1 : 8192);
  if (dt == DType::f16) {
    quantize8_kernel<__half><<<grid, 256, 0, stream>>>(static_cast<const __half*>(x), chunks, q);
  } else {
    quantize8_kernel<__nv_bfloat16><<<grid, 256, 0, stream>>>(static_cast<const __nv_bfloat16*>(x), chunks, q);
  }
  SAMP_CUDA_LAUNCHED();
}

void launch_convert_to_f32(DType dt, const void* src, float* dst, int64_t n, cudaStream_t stream) {
  if (n <= 0) return;
  SAMP_DISPATCH_DTYPE(dt, T,
                      convert_to_f32_kernel<T><<<grid_for(n), 256, 0, stream>>>(static_cast<const T*>(src), dst, n));
  SAMP_CUDA_LAUNCHED();
}

}  // namespace samp::cuda
