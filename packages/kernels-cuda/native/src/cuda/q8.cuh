// Device-side 8-bit encoding and decoding (see cuda/q8.h for the arithmetic).
#pragma once
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include "cuda/q8.h"

namespace samp::cuda {

__device__ __forceinline__ int8_t q8_encode(float x, float inv_scale, bool fp8) {
  const float v = x * inv_scale;
  if (fp8) return static_cast<int8_t>(__nv_cvt_float_to_fp8(v, __NV_SATFINITE, __NV_E4M3));
  return static_cast<int8_t>(fminf(fmaxf(rintf(v), -127.0f), 127.0f));
}

__device__ __forceinline__ float q8_decode(int8_t q, float scale, bool fp8) {
  if (fp8) {
    const __half h(__nv_cvt_fp8_to_halfraw(static_cast<__nv_fp8_storage_t>(q), __NV_E4M3));
    return scale * __half2float(h);
  }
  return scale * static_cast<float>(q);
}

/** Encodes 8 values to p[0..8) (8-byte aligned) in one 8-byte store. */
__device__ __forceinline__ void q8_store8(int8_t* p, const float (&v)[8], float inv_scale, bool fp8) {
  uint2 raw;
  int8_t* b = reinterpret_cast<int8_t*>(&raw);
#pragma unroll
  for (int e = 0; e < 8; ++e) b[e] = q8_encode(v[e], inv_scale, fp8);
  *reinterpret_cast<uint2*>(p) = raw;
}

/** Encodes two adjacent values to q.data[at], q.data[at + 1] in one 2-byte store (at even). */
__device__ __forceinline__ void q8_store2(const Q8Store& q, int64_t at, float lo, float hi) {
  char2 v;
  v.x = q8_encode(lo, q.inv_scale, q.fp8);
  v.y = q8_encode(hi, q.inv_scale, q.fp8);
  *reinterpret_cast<char2*>(q.data + at) = v;
}

}  // namespace samp::cuda
