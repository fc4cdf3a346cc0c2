// Device helpers shared by the kernels: conversions for every dtype and block/warp reductions.
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp16.h>

namespace samp::cuda {

template <typename T>
__device__ __forceinline__ float to_f32(T x);
template <>
__device__ __forceinline__ float to_f32<float>(float x) { return x; }
template <>
__device__ __forceinline__ float to_f32<__half>(__half x) { return __half2float(x); }
template <>
__device__ __forceinline__ float to_f32<__nv_bfloat16>(__nv_bfloat16 x) { return __bfloat162float(x); }

template <typename T>
__device__ __forceinline__ T from_f32(float x);
template <>
__device__ __forceinline__ float from_f32<float>(float x) { return x; }
template <>
__device__ __forceinline__ __half from_f32<__half>(float x) { return __float2half_rn(x); }
template <>
__device__ __forceinline__ __nv_bfloat16 from_f32<__nv_bfloat16>(float x) { return __float2bfloat16_rn(x); }

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

/** Sum over the block; every thread gets the result. `scratch` holds 32 floats. */
__device__ __forceinline__ float block_sum(float v, float* scratch) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
  v = warp_sum(v);
  __syncthreads();
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  v = lane < warps ? scratch[lane] : 0.0f;
  return warp_sum(v);
}

}  // namespace samp::cuda

/** Dispatches a templated launch on a runtime dtype. */
#define SAMP_DISPATCH_DTYPE(dt, T, ...)                         \
  switch (dt) {                                                 \
    case ::samp::cuda::DType::f32: {                            \
      using T = float;                                          \
      __VA_ARGS__;                                              \
      break;                                                    \
    }                                                           \
    case ::samp::cuda::DType::f16: {                            \
      using T = __half;                                         \
      __VA_ARGS__;                                              \
      break;                                                    \
    }                                                           \
    case ::samp::cuda::DType::bf16: {                           \
      using T = __nv_bfloat16;                                  \
      __VA_ARGS__;                                              \
      break;                                                    \
    }                                                           \
  }
