// samp's FP8 GEMM for Hopper (see gemm_fp8_sm90.h). A block computes a 128 x kBN tile: one producer warp streams
// 128-wide k slices of A and W into shared memory by TMA (128-byte swizzle, a ring of stages guarded by mbarriers),
// and two consumer warpgroups multiply them with wgmma (64 rows each, fp32 accumulators in registers), keeping one
// group of products in flight while the next stage is issued. The epilogue scales, adds the bias, applies GELU (tanh
// form, as cuBLASLt's epilogue), encodes, stages the tile in shared memory and writes it in 16-byte pieces. With the
// 128-wide tile two blocks share an SM, so that one block's epilogue overlaps the other's products.
#include "gemm_fp8_sm90.h"

#include <cuda.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include <string>

#include "cuda/check.h"
#include "cuda/kernels.cuh"
#include "cuda/launch.cuh"
#include "hopper.cuh"
#include "tensor_map.h"

namespace samp::cuda {
namespace {

using namespace sm90;

constexpr int kBM = 128;       // rows per block: two consumer warpgroups of 64
constexpr int kBK = 128;       // k per stage: one 128-byte swizzle row of E4M3
constexpr int kThreads = 288;  // two consumer warpgroups, then the producer warp

template <int kBN>
struct Tile;
template <>
struct Tile<128> {
  static constexpr int kStages = 3, kBlocks = 2;
};
template <>
struct Tile<256> {
  static constexpr int kStages = 4, kBlocks = 1;
};

template <int kBN>
constexpr int kStageBytes = (kBM + kBN) * kBK;
template <int kBN>
constexpr size_t kSmemBytes = 1024 + size_t{Tile<kBN>::kStages} * kStageBytes<kBN> + 16 * Tile<kBN>::kStages;

struct Epilogue {
  const float *alpha, *bias, *out_inv;
  void* out;
  int m, n;
  bool gelu;
};

__device__ __forceinline__ float gelu_tanh(float x) {
  const float u = 0.7978845608028654f * fmaf(0.044715f * x, x * x, x);
  float t;
  asm("tanh.approx.f32 %0, %1;" : "=f"(t) : "f"(u));
  return 0.5f * x * (1.0f + t);
}

/** Encodes the consumer warpgroup's 64 x kBN accumulators into its staging rows (kRow bytes apart). */
template <int kBN, bool kOut8, int kRow>
__device__ __forceinline__ void stage_tile(const float (&acc)[kBN / 2], const Epilogue& ep, int n0, uint8_t* stage) {
  const int lane = threadIdx.x & 31, r0 = ((threadIdx.x >> 5) & 3) * 16 + (lane >> 2), q = lane & 3;
  const float alpha = *ep.alpha, inv = kOut8 ? *ep.out_inv : 1.0f;
#pragma unroll
  for (int j = 0; j < kBN / 8; ++j) {
    const int col = 8 * j + 2 * q;
    const float b0 = ep.bias ? ep.bias[n0 + col] : 0.0f, b1 = ep.bias ? ep.bias[n0 + col + 1] : 0.0f;
#pragma unroll
    for (int h = 0; h < 2; ++h) {  // rows r0 and r0 + 8
      float y0 = fmaf(acc[4 * j + 2 * h], alpha, b0), y1 = fmaf(acc[4 * j + 2 * h + 1], alpha, b1);
      if (ep.gelu) y0 = gelu_tanh(y0), y1 = gelu_tanh(y1);
      uint8_t* at = stage + (r0 + 8 * h) * kRow;
      if constexpr (kOut8) {
        *reinterpret_cast<__nv_fp8x2_storage_t*>(at + col) =
            __nv_cvt_float2_to_fp8x2(make_float2(y0 * inv, y1 * inv), __NV_SATFINITE, __NV_E4M3);
      } else {
        *reinterpret_cast<__half2*>(at + 2 * col) = __floats2half2_rn(y0, y1);
      }
    }
  }
}

template <int kBN, bool kOut8>
__global__ void __launch_bounds__(kThreads, Tile<kBN>::kBlocks)
    fp8_gemm_kernel(const __grid_constant__ CUtensorMap ta, const __grid_constant__ CUtensorMap tw, int k_tiles,
                    Epilogue ep) {
#if SAMP_SM90A
  constexpr int kStages = Tile<kBN>::kStages, kStage = kStageBytes<kBN>;
  extern __shared__ uint8_t raw[];
  uint8_t* smem = raw + ((1024 - (shared_addr(raw) & 1023)) & 1023);  // swizzle atoms are 1024-byte aligned
  uint64_t* full = reinterpret_cast<uint64_t*>(smem + kStages * kStage);
  uint64_t* empty = full + kStages;
  const int warp = threadIdx.x >> 5;
  const int n0 = blockIdx.x * kBN, m0 = blockIdx.y * kBM;
  if (threadIdx.x == 0) {
    for (int s = 0; s < kStages; ++s) mbar_init(&full[s], 1), mbar_init(&empty[s], 2);
    mbar_init_fence();
  }
  __syncthreads();
  wait_for_previous_kernel();
  if (warp == 8) {  // producer: one thread issues every copy
    if ((threadIdx.x & 31) == 0) {
      for (int kt = 0; kt < k_tiles; ++kt) {
        const int s = kt % kStages;
        if (kt >= kStages) mbar_wait(&empty[s], ((kt / kStages) - 1) & 1);
        mbar_arrive_expect(&full[s], kStage);
        tma_load_2d(smem + s * kStage, &ta, kt * kBK, m0, &full[s]);
        tma_load_2d(smem + s * kStage + kBM * kBK, &tw, kt * kBK, n0, &full[s]);
      }
    }
    return;
  }
  const int wg = warp >> 2;
  float acc[kBN / 2];
#pragma unroll
  for (int i = 0; i < kBN / 2; ++i) acc[i] = 0.0f;
  for (int kt = 0; kt < k_tiles; ++kt) {
    const int s = kt % kStages;
    mbar_wait(&full[s], (kt / kStages) & 1);
    const uint8_t* a = smem + s * kStage + wg * 64 * kBK;
    const uint8_t* b = smem + s * kStage + kBM * kBK;
    fence_accumulators(acc);
    wgmma_fence();
#pragma unroll
    for (int kk = 0; kk < kBK / 32; ++kk) wgmma_e4m3<kBN>(acc, sw128_desc(a + 32 * kk), sw128_desc(b + 32 * kk));
    wgmma_commit();
    fence_accumulators(acc);
    wgmma_wait<1>();  // the products of the previous stage are done: release it to the producer
    if (kt > 0 && (threadIdx.x & 127) == 0) mbar_arrive(&empty[(kt - 1) % kStages]);
  }
  wgmma_wait<0>();
  fence_accumulators(acc);
  // both warpgroups are done reading the stages before either stages its output tile there
  asm volatile("bar.sync 1, 256;\n" ::: "memory");
  asm volatile("griddepcontrol.launch_dependents;\n" ::: "memory");
  constexpr int kOb = kOut8 ? 1 : 2, kRow = kBN * kOb + 16;  // padded rows: conflict-free staging writes
  uint8_t* stage = smem + wg * 64 * kRow;
  stage_tile<kBN, kOut8, kRow>(acc, ep, n0, stage);
  asm volatile("bar.sync %0, 128;\n" ::"r"(2 + wg) : "memory");
  constexpr int kPieces = kBN * kOb / 16;
  uint8_t* out = static_cast<uint8_t*>(ep.out);
  for (int i = threadIdx.x & 127; i < 64 * kPieces; i += 128) {
    const int r = i / kPieces, c = i % kPieces, row = m0 + wg * 64 + r;
    if (row < ep.m)
      *reinterpret_cast<uint4*>(out + (int64_t{row} * ep.n + n0) * kOb + c * 16) =
          *reinterpret_cast<const uint4*>(stage + r * kRow + c * 16);
  }
#endif
}

template <int kBN, bool kOut8>
void launch_tile(const Fp8Sm90Gemm& g, cudaStream_t stream) {
  auto kernel = fp8_gemm_kernel<kBN, kOut8>;
  SAMP_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                       static_cast<int>(kSmemBytes<kBN>)));
  const CUtensorMap ta = byte_tensor_map(g.a, g.m, g.k, kBM), tw = byte_tensor_map(g.w, g.n, g.k, kBN);
  const Epilogue ep{g.alpha, g.bias, g.out_inv_scale, g.out, static_cast<int>(g.m), static_cast<int>(g.n), g.gelu};
  const dim3 grid(static_cast<unsigned>(g.n / kBN), static_cast<unsigned>((g.m + kBM - 1) / kBM));
  launch_overlapped(kernel, grid, dim3(kThreads), kSmemBytes<kBN>, stream, ta, tw, static_cast<int>(g.k / kBK), ep);
}

}  // namespace

bool fp8_sm90_supported(const Fp8Sm90Gemm& g, Fp8Sm90Tile tile) {
  int device = 0, major = 0, minor = 0;
  if (cudaGetDevice(&device) != cudaSuccess ||
      cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device) != cudaSuccess ||
      cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device) != cudaSuccess) {
    cudaGetLastError();
    return false;
  }
  const int64_t bn = tile == Fp8Sm90Tile::n128 ? 128 : 256;
  return major == 9 && minor == 0 && tensor_maps_available() && g.m > 0 && g.m < (int64_t{1} << 31) && g.n > 0 &&
         g.n % bn == 0 && g.n < (int64_t{1} << 31) && g.k > 0 && g.k % kBK == 0 && aligned_to(g.a, 16) &&
         aligned_to(g.w, 16) && aligned_to(g.out, 16) && g.alpha && (!g.out_fp8 || g.out_inv_scale);
}

void launch_fp8_sm90_gemm(const Fp8Sm90Gemm& g, Fp8Sm90Tile tile, cudaStream_t stream) {
  SAMP_REQUIRE(fp8_sm90_supported(g, tile), SAMP_UNSUPPORTED, "fp8 sm90 gemm: shape or device not supported");
  if (tile == Fp8Sm90Tile::n128) {
    g.out_fp8 ? launch_tile<128, true>(g, stream) : launch_tile<128, false>(g, stream);
  } else {
    g.out_fp8 ? launch_tile<256, true>(g, stream) : launch_tile<256, false>(g, stream);
  }
}

}  // namespace samp::cuda
