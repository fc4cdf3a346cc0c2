// 8-bit tensor-core GEMM (see gemm8.h). A block computes a BM x 128 tile of C with 8 warps (2 x 4, each BM/2 x 32)
// over 64-byte k steps: a 3-stage cp.async pipeline fills shared memory, ldmatrix loads the m16n8k32 fragments
// (an 8-bit fragment has the byte layout of a 16-bit m16n8k16 one), rows of 64 bytes are XOR-swizzled by 16-byte
// chunk so that the eight rows an ldmatrix reads fall in distinct banks. The epilogue works on the accumulator
// fragments in registers (two adjacent columns per store).
#include "cuda/gemm8.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "cuda/async_copy.cuh"
#include "cuda/check.h"
#include "cuda/device_math.cuh"
#include "cuda/kernels.cuh"
#include "cuda/q8.cuh"

namespace samp::cuda {
namespace {

constexpr int kBN = 128, kBK = 64, kStages = 3, kThreads = 256;

/** Byte offset of 16-byte chunk `chunk` (0..3) of row `row` in a tile of 64-byte rows. */
__device__ __forceinline__ int swizzle(int row, int chunk) { return row * kBK + ((chunk ^ ((row >> 1) & 3)) << 4); }

__device__ __forceinline__ void mma8(int32_t (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
#if __CUDA_ARCH__ >= 800
  asm volatile("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
               : "+r"(c[0]), "+r"(c[1]), "+r"(c[2]), "+r"(c[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
#endif
}

__device__ __forceinline__ void mma8(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
#if __CUDA_ARCH__ >= 890
  asm volatile("mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
               : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
#endif
}

__device__ __forceinline__ void store2(float* o, const Q8Store&, int64_t at, float y0, float y1) {
  *reinterpret_cast<float2*>(o + at) = make_float2(y0, y1);
}
__device__ __forceinline__ void store2(__half* o, const Q8Store&, int64_t at, float y0, float y1) {
  *reinterpret_cast<__half2*>(o + at) = __floats2half2_rn(y0, y1);
}
__device__ __forceinline__ void store2(__nv_bfloat16* o, const Q8Store&, int64_t at, float y0, float y1) {
  *reinterpret_cast<__nv_bfloat162*>(o + at) = __floats2bfloat162_rn(y0, y1);
}
__device__ __forceinline__ void store2(int8_t*, const Q8Store& q, int64_t at, float y0, float y1) {
  q8_store2(q, at, y0, y1);
}

__device__ __forceinline__ float gelu_erf(float y) { return 0.5f * y * (1.0f + erff(y * 0.70710678118654752f)); }

template <bool kFp8, int kBM, typename OutT>
__global__ void __launch_bounds__(kThreads, 2)
    gemm8_kernel(const int8_t* __restrict__ a, const int8_t* __restrict__ w, const float* __restrict__ alpha,
                 const float* __restrict__ bias, int m, int n, int k, bool gelu, OutT* __restrict__ out, Q8Store q) {
  using Acc = typename std::conditional<kFp8, float, int32_t>::type;
  constexpr int kWM = kBM / 2, kMF = kWM / 16, kNF = 4;
  __shared__ __align__(128) int8_t smem[kStages][(kBM + kBN) * kBK];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5, wm = warp >> 2, wn = warp & 3;
  const int row0 = blockIdx.y * kBM, col0 = blockIdx.x * kBN;
  const int steps = (k + kBK - 1) / kBK;

  auto load = [&](int stage, int step) {
    int8_t* sa = smem[stage];
    const int k0 = step * kBK;
    for (int c = tid; c < (kBM + kBN) * 4; c += kThreads) {
      const bool is_a = c < kBM * 4;
      const int cc = is_a ? c : c - kBM * 4, r = cc >> 2, ch = cc & 3, gk = k0 + ch * 16;
      const int grow = (is_a ? row0 : col0) + r;
      const bool valid = gk < k && grow < (is_a ? m : n);
      const int8_t* src = (is_a ? a : w) + (valid ? int64_t{grow} * k + gk : 0);
      cp_async16(smem_addr(sa + (is_a ? 0 : kBM * kBK) + swizzle(r, ch)), src, valid);
    }
  };

  Acc acc[kMF][kNF][4];
#pragma unroll
  for (int i = 0; i < kMF; ++i)
#pragma unroll
    for (int j = 0; j < kNF; ++j)
#pragma unroll
      for (int e = 0; e < 4; ++e) acc[i][j][e] = 0;

#pragma unroll
  for (int s = 0; s < kStages - 1; ++s) {
    if (s < steps) load(s, s);
    cp_async_commit();
  }
  for (int step = 0; step < steps; ++step) {
    cp_async_wait<kStages - 2>();
    __syncthreads();  // this step's tile has landed, and every warp is done with the stage refilled below
    const int next = step + kStages - 1;
    if (next < steps) load(next % kStages, next);
    cp_async_commit();
    const int8_t* sa = smem[step % kStages];
    const int8_t* sb = sa + kBM * kBK;
#pragma unroll
    for (int kk = 0; kk < kBK / 32; ++kk) {
      uint32_t af[kMF][4], bf[kNF][2];
#pragma unroll
      for (int mi = 0; mi < kMF; ++mi) {
        const int r = wm * kWM + mi * 16 + (lane & 15);
        ldmatrix_x4(af[mi], smem_addr(sa + swizzle(r, kk * 2 + (lane >> 4))));
      }
#pragma unroll
      for (int p = 0; p < kNF / 2; ++p) {
        const int r = wn * 32 + p * 16 + (lane & 7) + ((lane >> 4) << 3);
        uint32_t t[4];
        ldmatrix_x4(t, smem_addr(sb + swizzle(r, kk * 2 + ((lane >> 3) & 1))));
        bf[2 * p][0] = t[0], bf[2 * p][1] = t[1], bf[2 * p + 1][0] = t[2], bf[2 * p + 1][1] = t[3];
      }
#pragma unroll
      for (int mi = 0; mi < kMF; ++mi)
#pragma unroll
        for (int nj = 0; nj < kNF; ++nj) mma8(acc[mi][nj], af[mi], bf[nj][0], bf[nj][1]);
    }
  }
  cp_async_wait<0>();

  // epilogue: a thread holds rows g and g + 8, columns 2t and 2t + 1 of every 16 x 8 accumulator tile
  const int g = lane >> 2, t = lane & 3;
#pragma unroll
  for (int nj = 0; nj < kNF; ++nj) {
    const int col = col0 + wn * 32 + nj * 8 + 2 * t;
    if (col >= n) continue;
    const float al0 = alpha[col], al1 = alpha[col + 1];
    const float b0 = bias ? bias[col] : 0.0f, b1 = bias ? bias[col + 1] : 0.0f;
#pragma unroll
    for (int mi = 0; mi < kMF; ++mi)
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        const int row = row0 + wm * kWM + mi * 16 + g + 8 * h;
        if (row >= m) continue;
        float y0 = static_cast<float>(acc[mi][nj][2 * h]) * al0 + b0;
        float y1 = static_cast<float>(acc[mi][nj][2 * h + 1]) * al1 + b1;
        if (gelu) y0 = gelu_erf(y0), y1 = gelu_erf(y1);
        store2(out, q, int64_t{row} * n + col, y0, y1);
      }
  }
}

template <bool kFp8, int kBM>
void launch_tiles(const int8_t* a, const int8_t* w, const float* alpha, const float* bias, int m, int n, int k,
                  bool gelu, const Gemm8Out& out, cudaStream_t stream) {
  const dim3 grid(static_cast<unsigned>((n + kBN - 1) / kBN), static_cast<unsigned>((m + kBM - 1) / kBM));
  if (out.q.data) {
    gemm8_kernel<kFp8, kBM, int8_t><<<grid, kThreads, 0, stream>>>(a, w, alpha, bias, m, n, k, gelu, out.q.data, out.q);
    return;
  }
  SAMP_DISPATCH_DTYPE(out.f_type, T,
                      gemm8_kernel<kFp8, kBM, T><<<grid, kThreads, 0, stream>>>(a, w, alpha, bias, m, n, k, gelu,
                                                                                static_cast<T*>(out.f), out.q));
}

}  // namespace

bool gemm8_supported(Dtype8 type, int cc_major, int cc_minor) {
  const int cc = cc_major * 10 + cc_minor;
  return type == Dtype8::fp8 ? cc >= 89 : cc >= 80;
}

void launch_gemm8(Dtype8 type, const int8_t* a, const int8_t* w, const float* alpha, const float* bias, int64_t m,
                  int64_t n, int64_t k, bool gelu, const Gemm8Out& out, cudaStream_t stream) {
  SAMP_REQUIRE(m > 0 && n > 0 && k > 0 && m < (int64_t{1} << 31) && n < (int64_t{1} << 31) && k < (int64_t{1} << 31),
               SAMP_INVALID, "gemm8: bad sizes");
  SAMP_REQUIRE(n % 16 == 0 && k % 16 == 0, SAMP_UNSUPPORTED,
               "8-bit GEMMs on cuda need widths that are multiples of 16, not n=" + std::to_string(n) +
                   ", k=" + std::to_string(k));
  SAMP_REQUIRE((out.f != nullptr) != (out.q.data != nullptr), SAMP_INVALID, "gemm8: give one output");
  const int mi = static_cast<int>(m), ni = static_cast<int>(n), ki = static_cast<int>(k);
  // 128-row tiles once they give every SM a block, 64-row tiles for small batches
  const bool big = ((m + 127) / 128) * ((n + kBN - 1) / kBN) >= current_sm_count();
  if (type == Dtype8::fp8) {
    if (big) launch_tiles<true, 128>(a, w, alpha, bias, mi, ni, ki, gelu, out, stream);
    else launch_tiles<true, 64>(a, w, alpha, bias, mi, ni, ki, gelu, out, stream);
  } else {
    if (big) launch_tiles<false, 128>(a, w, alpha, bias, mi, ni, ki, gelu, out, stream);
    else launch_tiles<false, 64>(a, w, alpha, bias, mi, ni, ki, gelu, out, stream);
  }
  SAMP_CUDA_LAUNCHED();
}

}  // namespace samp::cuda
