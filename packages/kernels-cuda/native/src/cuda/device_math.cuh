// Device helpers shared by the kernels: conversions for every dtype, 8-value vector loads and stores, and
// block/warp reductions.
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <type_traits>

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

constexpr int kVec = 8;  // values per vector load / store (16 bytes of fp16 / bf16, 32 of fp32)

/** 8 values of T as they lie in memory: whole 16-byte words (one 8-byte word for 8-bit types), so that a kernel
 * can issue all of a row's loads before it widens any of them. */
template <typename T>
struct Raw8 {
  static constexpr int kBytes = kVec * static_cast<int>(sizeof(T));
  using Word = std::conditional_t<(kBytes >= 16), uint4, uint2>;
  Word w[kBytes >= 16 ? kBytes / 16 : 1];
};

/** Loads p[0..8) (aligned to its size, at most 16 bytes) as it lies in memory. */
template <typename T>
__device__ __forceinline__ Raw8<T> load_raw8(const T* p) {
  Raw8<T> r;
  constexpr int kWords = sizeof(r.w) / sizeof(r.w[0]);
#pragma unroll
  for (int w = 0; w < kWords; ++w) r.w[w] = reinterpret_cast<const typename Raw8<T>::Word*>(p)[w];
  return r;
}

/** The 8 values of r widened to fp32. */
template <typename T>
__device__ __forceinline__ void widen8(const Raw8<T>& r, float (&o)[kVec]) {
  const T* e = reinterpret_cast<const T*>(r.w);
#pragma unroll
  for (int i = 0; i < kVec; ++i) o[i] = to_f32<T>(e[i]);
}

/** Loads p[0..8) (16-byte aligned) in 16-byte pieces, widened to fp32. */
template <typename T>
__device__ __forceinline__ void load8(const T* p, float (&o)[kVec]) {
  widen8(load_raw8(p), o);
}

/** Stores v to p[0..8) (16-byte aligned) in T, in 16-byte pieces. */
template <typename T>
__device__ __forceinline__ void store8(T* p, const float (&v)[kVec]) {
  Raw8<T> r;
  T* e = reinterpret_cast<T*>(r.w);
#pragma unroll
  for (int i = 0; i < kVec; ++i) e[i] = from_f32<T>(v[i]);
  constexpr int kWords = sizeof(r.w) / sizeof(r.w[0]);
#pragma unroll
  for (int w = 0; w < kWords; ++w) reinterpret_cast<typename Raw8<T>::Word*>(p)[w] = r.w[w];
}

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
