// The fused attention-output GEMM + residual + LayerNorm (see gemm_layernorm_sm90.h). The main loop is the one of
// the Hopper FP8 GEMM beside it (gemm_fp8_sm90.cu): a producer warp streams 128-wide k slices of A
// and W into a ring of shared-memory stages by TMA, and two consumer warpgroups multiply them with wgmma (64 rows
// each, fp32 accumulators in registers). The weight slices of the first stages are requested before the wait for
// the kernel before (they do not depend on it). The residual tile comes by TMA into the first stage the loop frees.
// The epilogue, per row: x = alpha * acc + bias + residual; the row's sum over this block's 128 columns and the sum
// of squared deviations from their mean go into shared memory, the cluster synchronizes once, and every block
// combines the parts of all blocks of its row of tiles (read from their shared memory) into the row's mean and
// variance (as exact as the two passes of the LayerNorm kernels); then (x - mean) * rstd * gamma + beta is encoded,
// staged and written in 16-byte pieces.
#include "gemm_layernorm_sm90.h"

#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include "cuda/check.h"
#include "hopper.cuh"
#include "cuda/kernels.cuh"
#include "cuda/launch.cuh"
#include "cuda/q8.cuh"
#include "tensor_map.h"

namespace samp::cuda {
namespace {

using namespace sm90;

constexpr int kBM = 128, kBN = 128, kBK = 128;  // block tile and k slice (one 128-byte swizzle row of E4M3)
constexpr int kStages = 3;
constexpr int kThreads = 288;  // two consumer warpgroups, then the producer warp
constexpr int kStage = (kBM + kBN) * kBK;
// stages, then alpha, bias, gamma and beta of the block's columns, the row sums of the two passes, the mbarriers
constexpr size_t kSmemBytes = 1024 + size_t{kStages} * kStage + sizeof(float) * (4 * kBN + 2 * kBM) +
                              sizeof(uint64_t) * (2 * kStages + 1);

struct Epilogue {
  Q8Load residual;
  Q8Store out;
  float eps;
  int m, n;
};

#if SAMP_SM90A
/** Byte offset of (row r, column c) in a 128-byte-wide tile written by TMA with the 128-byte swizzle: the 16-byte
 * pieces of a row are permuted by the row's index within its group of 8. */
__device__ __forceinline__ int swizzled(int r, int c) { return r * 128 + ((((c >> 4) ^ r) & 7) << 4) + (c & 15); }

/** The row sums of a consumer thread's two rows (r and r + 8) over the block's columns, added up by the thread's
 * quad (the four threads that share the rows). */
__device__ __forceinline__ void quad_sum(float (&s)[2]) {
#pragma unroll
  for (int h = 0; h < 2; ++h) {
    s[h] += __shfl_xor_sync(0xffffffffu, s[h], 1);
    s[h] += __shfl_xor_sync(0xffffffffu, s[h], 2);
  }
}

/** Row statistics of the whole row from every block's (sum, sum of squared deviations from its own mean) over its
 * kBN columns, read from the cluster's shared memory: the mean, and the sum of squared deviations combined as in
 * parallel variance (Chan et al.), as exact as two passes over the row. The quad shares the reading: thread q reads
 * blocks q and q + 4, all its loads issued before any is used. */
__device__ __forceinline__ void row_stats(const float* red, int r, int q, int n, float eps, float (&mean)[2],
                                          float (&rstd)[2]) {
  const int blocks = static_cast<int>(gridDim.x);
  float sum[2][2] = {}, sq[2][2] = {};
#pragma unroll
  for (int i = 0; i < 2; ++i)
#pragma unroll
    for (int h = 0; h < 2; ++h)
      if (q + 4 * i < blocks)
        sum[h][i] = cluster_load(red + r + 8 * h, q + 4 * i), sq[h][i] = cluster_load(red + kBM + r + 8 * h, q + 4 * i);
  float total[2] = {sum[0][0] + sum[0][1], sum[1][0] + sum[1][1]};
  quad_sum(total);
  float m2[2] = {0.0f, 0.0f};
#pragma unroll
  for (int h = 0; h < 2; ++h) {
    mean[h] = total[h] / static_cast<float>(n);
#pragma unroll
    for (int i = 0; i < 2; ++i) {
      const float d = sum[h][i] / static_cast<float>(kBN) - mean[h];
      if (q + 4 * i < blocks) m2[h] += sq[h][i] + static_cast<float>(kBN) * d * d;
    }
  }
  quad_sum(m2);
  for (int h = 0; h < 2; ++h) rstd[h] = rsqrtf(m2[h] / static_cast<float>(n) + eps);
}
#endif

__global__ void __launch_bounds__(kThreads, 2)
    gemm_layernorm_kernel(const __grid_constant__ CUtensorMap ta, const __grid_constant__ CUtensorMap tw,
                          const __grid_constant__ CUtensorMap tr, int k_tiles, const float* alpha, const float* bias,
                          const float* gamma, const float* beta, Epilogue ep) {
#if SAMP_SM90A
  extern __shared__ uint8_t raw[];
  uint8_t* smem = raw + ((1024 - (shared_addr(raw) & 1023)) & 1023);  // swizzle atoms are 1024-byte aligned
  float* params = reinterpret_cast<float*>(smem + kStages * kStage);  // alpha, bias, gamma, beta: kBN each
  float* red = params + 4 * kBN;                                       // [2][kBM]
  uint64_t* full = reinterpret_cast<uint64_t*>(red + 2 * kBM);
  uint64_t* empty = full + kStages;
  uint64_t* res_full = empty + kStages;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  const int n0 = blockIdx.x * kBN, m0 = blockIdx.y * kBM;
  // the residual tile goes where the k loop would put slice k_tiles: a stage released before the loop ends
  const int res_slot = k_tiles % kStages;
  if (threadIdx.x == 0) {
    for (int s = 0; s < kStages; ++s) mbar_init(&full[s], 1), mbar_init(&empty[s], 2);
    mbar_init(res_full, 1);
    mbar_init_fence();
  }
  if (threadIdx.x < kBN) {  // the parameters do not depend on the kernel before
    const int c = n0 + threadIdx.x;
    params[threadIdx.x] = alpha[c];
    params[kBN + threadIdx.x] = bias ? bias[c] : 0.0f;
    params[2 * kBN + threadIdx.x] = gamma[c];
    params[3 * kBN + threadIdx.x] = beta[c];
  }
  __syncthreads();
  float acc[kBN / 2];
  if (warp == 8) {  // producer: one thread issues every copy
    if (lane == 0) {
      const int first = k_tiles < kStages ? k_tiles : kStages;
      for (int kt = 0; kt < first; ++kt) {
        mbar_arrive_expect(&full[kt], kStage);
        tma_load_2d(smem + kt * kStage + kBM * kBK, &tw, kt * kBK, n0, &full[kt]);
      }
      wait_for_previous_kernel();
      for (int kt = 0; kt < first; ++kt) tma_load_2d(smem + kt * kStage, &ta, kt * kBK, m0, &full[kt]);
      for (int kt = first; kt < k_tiles; ++kt) {
        const int s = kt % kStages;
        mbar_wait(&empty[s], ((kt / kStages) - 1) & 1);
        mbar_arrive_expect(&full[s], kStage);
        tma_load_2d(smem + s * kStage, &ta, kt * kBK, m0, &full[s]);
        tma_load_2d(smem + s * kStage + kBM * kBK, &tw, kt * kBK, n0, &full[s]);
      }
      if (k_tiles >= kStages) mbar_wait(&empty[res_slot], ((k_tiles / kStages) - 1) & 1);
      mbar_arrive_expect(res_full, kBM * kBN);
      tma_load_2d(smem + res_slot * kStage, &tr, n0, m0, res_full);
    }
  } else {
    wait_for_previous_kernel();  // before this block writes its output
    const int wg = warp >> 2;
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
  }

  // Thread (warp w, lane l) of a consumer warpgroup holds rows r and r + 8 of the tile, r = 16 (w % 4) + l / 4 (+ 64
  // for the second warpgroup), columns 8j + 2q and 8j + 2q + 1 (q = l % 4) for j < 16: acc[4j + 2h + e] is row
  // r + 8h, column 8j + 2q + e.
  const bool consumer = warp < 8;
  const int q = lane & 3, r = (warp >> 2) * 64 + (warp & 3) * 16 + (lane >> 2);
  float mean[2] = {}, rstd[2] = {};
  if (consumer) {
    mbar_wait(res_full, 0);
    const uint8_t* res = smem + res_slot * kStage;
    float s[2] = {0.0f, 0.0f};
#pragma unroll
    for (int j = 0; j < kBN / 8; ++j) {
      const int c = 8 * j + 2 * q;
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        const uint32_t codes = *reinterpret_cast<const uint16_t*>(res + swizzled(r + 8 * h, c));
        const float2 rv = q8_decode2(codes, ep.residual.scale, ep.residual.fp8);
        float& x0 = acc[4 * j + 2 * h];
        float& x1 = acc[4 * j + 2 * h + 1];
        x0 = fmaf(x0, params[c], params[kBN + c]) + rv.x;
        x1 = fmaf(x1, params[c + 1], params[kBN + c + 1]) + rv.y;
        s[h] += x0 + x1;
      }
    }
    quad_sum(s);
    // this block's part of each row: its sum and the squared deviations from its own mean
    float sq[2] = {0.0f, 0.0f};
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const float local = s[h] / static_cast<float>(kBN);
#pragma unroll
      for (int j = 0; j < kBN / 8; ++j) {
        const float d0 = acc[4 * j + 2 * h] - local, d1 = acc[4 * j + 2 * h + 1] - local;
        sq[h] += d0 * d0 + d1 * d1;
      }
    }
    quad_sum(sq);
    if (q == 0) red[r] = s[0], red[r + 8] = s[1], red[kBM + r] = sq[0], red[kBM + r + 8] = sq[1];
  }
  cluster_arrive();
  cluster_wait();
  if (consumer) row_stats(red, r, q, ep.n, ep.eps, mean, rstd);
  cluster_arrive();  // this block has read every sum it needs; the wait below keeps its own readable until all have
  if (consumer) {
    constexpr int kRow = kBN + 16;  // staging row of the 8-bit output, padded against bank conflicts
    const int wg = warp >> 2;
    uint8_t* stage = smem + ((res_slot + 1) % kStages) * kStage + wg * 64 * kRow;
    const int lr = r - wg * 64;
#pragma unroll
    for (int j = 0; j < kBN / 8; ++j) {
      const int c = 8 * j + 2 * q;
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        const float y0 = (acc[4 * j + 2 * h] - mean[h]) * rstd[h] * params[2 * kBN + c] + params[3 * kBN + c];
        const float y1 =
            (acc[4 * j + 2 * h + 1] - mean[h]) * rstd[h] * params[2 * kBN + c + 1] + params[3 * kBN + c + 1];
        *reinterpret_cast<uint16_t*>(stage + (lr + 8 * h) * kRow + c) =
            static_cast<uint16_t>(q8_encode2(y0, y1, ep.out.inv_scale, ep.out.fp8));
      }
    }
    asm volatile("bar.sync %0, 128;\n" ::"r"(1 + wg) : "memory");
    constexpr int kPieces = kBN / 16;
    for (int i = threadIdx.x & 127; i < 64 * kPieces; i += 128) {
      const int rr = i / kPieces, c = i % kPieces, row = m0 + wg * 64 + rr;
      if (row < ep.m)
        *reinterpret_cast<uint4*>(ep.out.data + int64_t{row} * ep.n + n0 + c * 16) =
            *reinterpret_cast<const uint4*>(stage + rr * kRow + c * 16);
    }
  }
  cluster_wait();
#endif
}

}  // namespace

bool fp8_gemm_layernorm_supported(const Fp8GemmLayerNorm& g) {
  int device = 0, major = 0, minor = 0;
  if (cudaGetDevice(&device) != cudaSuccess ||
      cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device) != cudaSuccess ||
      cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device) != cudaSuccess) {
    cudaGetLastError();
    return false;
  }
  return major == 9 && minor == 0 && tensor_maps_available() && g.m > 0 && g.m < (int64_t{1} << 31) &&
         g.n % kBN == 0 && g.n / kBN >= 1 && g.n / kBN <= 8 && g.k > 0 && g.k % kBK == 0 && aligned_to(g.a, 16) &&
         aligned_to(g.w, 16) && aligned_to(g.residual.data, 16) && aligned_to(g.out.data, 16) && g.alpha &&
         g.gamma && g.beta;
}

void launch_fp8_gemm_layernorm(const Fp8GemmLayerNorm& g, cudaStream_t stream) {
  SAMP_REQUIRE(fp8_gemm_layernorm_supported(g), SAMP_UNSUPPORTED,
               "fused gemm + layernorm: shape or device not supported");
  SAMP_CUDA_CHECK(cudaFuncSetAttribute(gemm_layernorm_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                       static_cast<int>(kSmemBytes)));
  const CUtensorMap ta = byte_tensor_map(g.a, g.m, g.k, kBM), tw = byte_tensor_map(g.w, g.n, g.k, kBN);
  const CUtensorMap tr = byte_tensor_map(g.residual.data, g.m, g.n, kBM);
  const Epilogue ep{g.residual, g.out, g.eps, static_cast<int>(g.m), static_cast<int>(g.n)};
  cudaLaunchAttribute attrs[2] = {};
  attrs[0].id = cudaLaunchAttributeClusterDimension;
  attrs[0].val.clusterDim.x = static_cast<unsigned>(g.n / kBN), attrs[0].val.clusterDim.y = 1;
  attrs[0].val.clusterDim.z = 1;
  attrs[1].id = cudaLaunchAttributeProgrammaticStreamSerialization;
  attrs[1].val.programmaticStreamSerializationAllowed = 1;
  cudaLaunchConfig_t config = {};
  config.gridDim = dim3(static_cast<unsigned>(g.n / kBN), static_cast<unsigned>((g.m + kBM - 1) / kBM));
  config.blockDim = dim3(kThreads), config.dynamicSmemBytes = kSmemBytes, config.stream = stream;
  config.attrs = attrs, config.numAttrs = current_device_overlaps_launches() ? 2 : 1;
  SAMP_CUDA_CHECK(cudaLaunchKernelEx(&config, gemm_layernorm_kernel, ta, tw, tr, static_cast<int>(g.k / kBK),
                                     g.alpha, g.bias, g.gamma, g.beta, ep));
}

}  // namespace samp::cuda
