// The tile steps of the tensor-core attention kernel (attention.cu): asynchronous tile loads, mma.sync m16n8k16
// for fp16 / bf16, the packing, widening and encoding of value pairs, and one 64-key tile of the flash-style loop.
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdint>
#include <type_traits>

#include "cuda/async_copy.cuh"
#include "cuda/device_math.cuh"
#include "cuda/q8.cuh"

namespace samp::cuda::attn {

constexpr int kD = 64;       // head size of the tensor-core path
constexpr int kTile = 64;    // keys per tile
constexpr int kLdh = kD + 8; // padded row of 16-bit values: fragment loads are free of bank conflicts
constexpr int kLdq = kD + 16;  // padded row of 8-bit tiles (input codes, output staging), in bytes: 16-byte aligned

/** The element type of what the tensor-core kernel reads (QKV) or writes (the context): the model's dtype, or
 * 8-bit codes. */
enum class Elem { dtype, int8, fp8 };

/** Starts copying kRows rows of a head (kD values each, 16-bit values or 8-bit codes) to shared memory without
 * going through registers (cp.async, 16 bytes per copy, kThreads threads); rows past the sequence are zero-filled.
 * Rows in shared memory are kLdh values (16-bit) or kLdq bytes (8-bit) apart. Completion: cp_async_commit /
 * cp_async_wait. */
template <int kRows, int kThreads, typename E>
__device__ __forceinline__ void load_tile_async(const E* qkv, int64_t stride, int64_t first, int len, int row0,
                                                E* dst) {
  constexpr int kPer = 16 / sizeof(E), kLd = sizeof(E) == 1 ? kLdq : kLdh;  // values per copy, shared row
#pragma unroll
  for (int i = 0; i < kRows * kD / kPer / kThreads; ++i) {
    const int v = threadIdx.x + i * kThreads, r = v / (kD / kPer), c = (v % (kD / kPer)) * kPer;
    const bool in = row0 + r < len;
    const E* src = qkv + (first + (in ? row0 + r : 0)) * stride + c;
    cp_async16(smem_addr(dst + r * kLd + c), src, in);
  }
}

template <typename T>
__device__ __forceinline__ uint32_t pack2(float lo, float hi);
template <>
__device__ __forceinline__ uint32_t pack2<__half>(float lo, float hi) {
  const __half2 h = __floats2half2_rn(lo, hi);
  return *reinterpret_cast<const uint32_t*>(&h);
}
template <>
__device__ __forceinline__ uint32_t pack2<__nv_bfloat16>(float lo, float hi) {
  const __nv_bfloat162 h = __floats2bfloat162_rn(lo, hi);
  return *reinterpret_cast<const uint32_t*>(&h);
}

/** d += a b on the tensor cores: m16n8k16, A row-major 16x16, B column-major 16x8, fp32 accumulators. */
template <typename T>
__device__ __forceinline__ void mma16816(float (&d)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1);
template <>
__device__ __forceinline__ void mma16816<__half>(float (&d)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
#if __CUDA_ARCH__ >= 800
  asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
               : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
#endif
}
template <>
__device__ __forceinline__ void mma16816<__nv_bfloat16>(float (&d)[4], const uint32_t (&a)[4], uint32_t b0,
                                                        uint32_t b1) {
#if __CUDA_ARCH__ >= 800
  asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
               : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
#endif
}

__device__ __forceinline__ uint32_t lds32(const void* p) { return *reinterpret_cast<const uint32_t*>(p); }
__device__ __forceinline__ uint32_t lds16(const void* p) { return *reinterpret_cast<const uint16_t*>(p); }

/** 2^x in one instruction (ex2.approx.ftz: relative error about 2^-22, denormals flushed; exp2(-inf) = 0). */
__device__ __forceinline__ float fast_exp2(float x) {
  float y;
  asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
  return y;
}

/** Two 16-bit values packed in a register, widened to fp32. */
template <typename T>
__device__ __forceinline__ float2 unpack2(uint32_t v);
template <>
__device__ __forceinline__ float2 unpack2<__half>(uint32_t v) {
  return __half22float2(*reinterpret_cast<const __half2*>(&v));
}
template <>
__device__ __forceinline__ float2 unpack2<__nv_bfloat16>(uint32_t v) {
  return __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(&v));
}

/** Two output values of one row, encoded and packed for the staging tile: two 16-bit values or two 8-bit codes. */
template <typename T, Elem kOut>
__device__ __forceinline__ uint32_t encode2(float lo, float hi, float inv_scale) {
  if constexpr (kOut == Elem::dtype) {
    return pack2<T>(lo, hi);
  } else {
    return q8_encode2(lo, hi, inv_scale, kOut == Elem::fp8);
  }
}

/** Two adjacent 8-bit codes (the low byte first) as two packed 16-bit values of the dtype; exact. */
template <typename T, Elem kIn>
__device__ __forceinline__ uint32_t widen2(uint32_t codes) {
  if constexpr (kIn == Elem::fp8 && std::is_same_v<T, __half>) {
    const __half2_raw h = __nv_cvt_fp8x2_to_halfraw2(static_cast<__nv_fp8x2_storage_t>(codes), __NV_E4M3);
    return static_cast<uint32_t>(h.x) | (static_cast<uint32_t>(h.y) << 16);
  } else {
    const float2 v = q8_decode2(codes, 1.0f, kIn == Elem::fp8);
    return pack2<T>(v.x, v.y);
  }
}

/** Widens kRows rows of codes (kLdq bytes apart) to the dtype (kLdh values apart), by the whole block. */
template <typename T, Elem kIn, int kRows, int kThreads>
__device__ __forceinline__ void widen_tile(const int8_t* src, T* dst) {
#pragma unroll
  for (int i = 0; i < kRows * kD / 16 / kThreads; ++i) {
    const int v = threadIdx.x + i * kThreads, r = v / (kD / 16), c = (v % (kD / 16)) * 16;
    const uint4 codes = *reinterpret_cast<const uint4*>(src + r * kLdq + c);
    const uint32_t w[4] = {codes.x, codes.y, codes.z, codes.w};
    uint32_t out[8];
#pragma unroll
    for (int p = 0; p < 8; ++p) out[p] = widen2<T, kIn>(w[p / 2] >> (16 * (p % 2)));
    *reinterpret_cast<uint4*>(dst + r * kLdh + c) = make_uint4(out[0], out[1], out[2], out[3]);
    *reinterpret_cast<uint4*>(dst + r * kLdh + c + 8) = make_uint4(out[4], out[5], out[6], out[7]);
  }
}

/** One warp's 16 query rows against one tile of keys and values (rows k0.. of the sequence): the scores on the
 * tensor cores, keys past the sequence masked, the online softmax update of the running max (m), sum (l) and
 * output (o), then o += p v. Fragment layout as described above attention_mma_kernel. */
template <typename T, Elem kIn>
__device__ __forceinline__ void attend_tile(const uint32_t (&qa)[kD / 16][4], const void* kt, const T* vt, int k0,
                                            int len, float scale_log2, int lane, float (&o)[kD / 8][4], float& m0,
                                            float& m1, float& l0, float& l1) {
  const int t = lane & 3;
  float s[kTile / 8][4] = {};
#pragma unroll
  for (int k = 0; k < kD / 16; ++k)  // each step's eight products are independent of each other
#pragma unroll
    for (int j = 0; j < kTile / 8; ++j) {
      const int at = (8 * j + (lane >> 2)) * (kIn == Elem::dtype ? kLdh : kLdq) + 16 * k + 2 * t;
      if constexpr (kIn == Elem::dtype) {
        const T* kr = static_cast<const T*>(kt) + at;
        mma16816<T>(s[j], qa[k], lds32(kr), lds32(kr + 8));
      } else {  // the key codes widened as they are loaded
        const int8_t* kr = static_cast<const int8_t*>(kt) + at;
        mma16816<T>(s[j], qa[k], widen2<T, kIn>(lds16(kr)), widen2<T, kIn>(lds16(kr + 8)));
      }
    }

  // mask keys past the sequence; the max is taken of the raw scores (the scale is positive) and the scale into
  // log2 units goes into the exponent's fma
  const bool full = k0 + kTile <= len;  // no key of this tile is past the sequence
  float mx0 = -INFINITY, mx1 = -INFINITY;
#pragma unroll
  for (int j = 0; j < kTile / 8; ++j)
#pragma unroll
    for (int e = 0; e < 4; ++e) {
      if (!full && k0 + 8 * j + 2 * t + (e & 1) >= len) s[j][e] = -INFINITY;
      if (e < 2) mx0 = fmaxf(mx0, s[j][e]);
      else mx1 = fmaxf(mx1, s[j][e]);
    }
  mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, 1));
  mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, 2));
  mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, 1));
  mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, 2));
  const float n0 = fmaxf(m0, mx0), n1 = fmaxf(m1, mx1);
  if (k0 > 0) {  // rescale what the earlier tiles gave (nothing yet for the first)
    const float a0 = fast_exp2((m0 - n0) * scale_log2), a1 = fast_exp2((m1 - n1) * scale_log2);
    l0 *= a0, l1 *= a1;
#pragma unroll
    for (int j = 0; j < kD / 8; ++j) o[j][0] *= a0, o[j][1] *= a0, o[j][2] *= a1, o[j][3] *= a1;
  }
  m0 = n0, m1 = n1;
  const float c0 = -n0 * scale_log2, c1 = -n1 * scale_log2;
#pragma unroll
  for (int j = 0; j < kTile / 8; ++j) {
    s[j][0] = fast_exp2(fmaf(s[j][0], scale_log2, c0)), s[j][1] = fast_exp2(fmaf(s[j][1], scale_log2, c0));
    s[j][2] = fast_exp2(fmaf(s[j][2], scale_log2, c1)), s[j][3] = fast_exp2(fmaf(s[j][3], scale_log2, c1));
    l0 += s[j][0] + s[j][1], l1 += s[j][2] + s[j][3];
  }

  // o += p v, the probabilities repacked from accumulator tiles into A fragments
#pragma unroll
  for (int k = 0; k < kTile / 16; ++k) {
    const uint32_t pa[4] = {pack2<T>(s[2 * k][0], s[2 * k][1]), pack2<T>(s[2 * k][2], s[2 * k][3]),
                            pack2<T>(s[2 * k + 1][0], s[2 * k + 1][1]), pack2<T>(s[2 * k + 1][2], s[2 * k + 1][3])};
#pragma unroll
    for (int j = 0; j < kD / 8; j += 2) {  // matrices: keys 16k.., 16k + 8.. of dims 8j.., then of dims 8j + 8..
      uint32_t vb[4];
      ldmatrix_x4<true>(vb, smem_addr(vt + (16 * k + (lane & 15)) * kLdh + 8 * j + 8 * (lane >> 4)));
      mma16816<T>(o[j], pa, vb[0], vb[1]);
      mma16816<T>(o[j + 1], pa, vb[2], vb[3]);
    }
  }
}

}  // namespace samp::cuda::attn
