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

/** Two values encoded as q8_encode does, lo in the low byte; E4M3 in one paired conversion. */
__device__ __forceinline__ uint32_t q8_encode2(float lo, float hi, float inv_scale, bool fp8) {
  if (fp8) return __nv_cvt_float2_to_fp8x2(make_float2(lo * inv_scale, hi * inv_scale), __NV_SATFINITE, __NV_E4M3);
  return static_cast<uint8_t>(q8_encode(lo, inv_scale, false)) |
         static_cast<uint32_t>(static_cast<uint8_t>(q8_encode(hi, inv_scale, false))) << 8;
}

/** Two codes (the low byte first) decoded as q8_decode does; E4M3 in one paired conversion. */
__device__ __forceinline__ float2 q8_decode2(uint32_t two, float scale, bool fp8) {
  if (fp8) {
    const __half2_raw raw = __nv_cvt_fp8x2_to_halfraw2(static_cast<__nv_fp8x2_storage_t>(two), __NV_E4M3);
    const float2 f = __half22float2(__half2(raw));
    return make_float2(scale * f.x, scale * f.y);
  }
  return make_float2(q8_decode(static_cast<int8_t>(two & 0xff), scale, false),
                     q8_decode(static_cast<int8_t>((two >> 8) & 0xff), scale, false));
}

/** Encodes 8 values to p[0..8) (8-byte aligned) in one 8-byte store. */
__device__ __forceinline__ void q8_store8(int8_t* p, const float (&v)[8], float inv_scale, bool fp8) {
  uint32_t w[2];
#pragma unroll
  for (int i = 0; i < 2; ++i) {
    const uint32_t lo = q8_encode2(v[4 * i], v[4 * i + 1], inv_scale, fp8);
    w[i] = lo | q8_encode2(v[4 * i + 2], v[4 * i + 3], inv_scale, fp8) << 16;
  }
  *reinterpret_cast<uint2*>(p) = make_uint2(w[0], w[1]);
}

/** Decodes the 8 codes of raw (as loaded from memory) to v. */
__device__ __forceinline__ void q8_decode8(const uint2& raw, float scale, bool fp8, float (&v)[8]) {
  const uint32_t w[2] = {raw.x, raw.y};
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const float2 f = q8_decode2(w[i / 2] >> (16 * (i % 2)), scale, fp8);
    v[2 * i] = f.x, v[2 * i + 1] = f.y;
  }
}

/** Encodes two adjacent values to q.data[at], q.data[at + 1] in one 2-byte store (at even). */
__device__ __forceinline__ void q8_store2(const Q8Store& q, int64_t at, float lo, float hi) {
  *reinterpret_cast<uint16_t*>(q.data + at) = static_cast<uint16_t>(q8_encode2(lo, hi, q.inv_scale, q.fp8));
}

}  // namespace samp::cuda
