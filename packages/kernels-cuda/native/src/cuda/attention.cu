// Fused multi-head self-attention over packed (padding-free) sequences, reading the QKV GEMM's output directly.
// fp16/bf16 with head size 64: tensor cores (WMMA), flash-style online softmax over 64-key tiles, so any length
// runs in fixed shared memory. Otherwise: a warp per query on CUDA cores (fp32 and other head sizes).
#include <mma.h>

#include "cuda/check.h"
#include "cuda/device_math.cuh"
#include "cuda/kernels.cuh"

namespace samp::cuda {
namespace {

namespace wmma = nvcuda::wmma;

constexpr int kD = 64;       // head size of the tensor-core path
constexpr int kTile = 64;    // queries per block, keys per tile
constexpr int kWarps = 4;    // 16 query rows each
constexpr int kLdh = kD + 8; // padded row of 16-bit values (keeps WMMA pointers 32-byte aligned)
constexpr int kLdf = kD + 4; // padded row of floats

constexpr size_t kWmmaSmem = sizeof(uint16_t) * (3 * kTile * kLdh + kWarps * 16 * kLdh) +
                             sizeof(float) * (kWarps * 16 * kLdf);

// ---- kernels ----
template <typename T>
__device__ __forceinline__ void load_tile(const T* qkv, int64_t stride, int64_t first, int len, int row0, T* dst) {
  // kTile rows x kD values, 8 values (16 bytes) per load; rows past the sequence are zero
  for (int v = threadIdx.x; v < kTile * kD / 8; v += blockDim.x) {
    const int r = v / (kD / 8), c = (v % (kD / 8)) * 8;
    uint4 val = make_uint4(0, 0, 0, 0);
    if (row0 + r < len) val = *reinterpret_cast<const uint4*>(qkv + (first + row0 + r) * stride + c);
    *reinterpret_cast<uint4*>(dst + r * kLdh + c) = val;
  }
}

template <typename T>
__global__ void __launch_bounds__(kWarps * 32)
    attention_wmma_kernel(const T* qkv, const int32_t* offsets, int heads, float scale, T* ctx) {
#if __CUDA_ARCH__ >= 800 || !defined(__CUDA_ARCH__)
  const int b = blockIdx.z, h = blockIdx.y, q0 = blockIdx.x * kTile;
  const int64_t first = offsets[b];
  const int len = offsets[b + 1] - offsets[b];
  if (q0 >= len) return;
  const int64_t hidden = int64_t{heads} * kD, stride = 3 * hidden;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  extern __shared__ __align__(128) unsigned char smem[];
  T* qs = reinterpret_cast<T*>(smem);
  T* ks = qs + kTile * kLdh;
  T* vs = ks + kTile * kLdh;
  T* ps = vs + kTile * kLdh + warp * 16 * kLdh;  // this warp's probabilities, 16 x 64
  float* ss = reinterpret_cast<float*>(vs + kTile * kLdh + kWarps * 16 * kLdh) + warp * 16 * kLdf;  // scores

  load_tile<T>(qkv + h * kD, stride, first, len, q0, qs);
  // each of the warp's 16 rows is processed by the whole warp (lane owns columns lane and lane + 32): shared
  // memory accesses are conflict-free, the output rows stay in registers, and the 16 rows' warp reductions are
  // issued together so that their shuffle latencies overlap
  float row_max[16], row_sum[16], o0[16], o1[16];
#pragma unroll
  for (int r = 0; r < 16; ++r) row_max[r] = -INFINITY, row_sum[r] = 0.0f, o0[r] = 0.0f, o1[r] = 0.0f;
  __syncthreads();

  wmma::fragment<wmma::matrix_a, 16, 16, 16, T, wmma::row_major> qf[kD / 16];
#pragma unroll
  for (int k = 0; k < kD / 16; ++k) wmma::load_matrix_sync(qf[k], qs + warp * 16 * kLdh + k * 16, kLdh);

  for (int k0 = 0; k0 < len; k0 += kTile) {
    __syncthreads();  // the previous tile is no longer read
    load_tile<T>(qkv + hidden + h * kD, stride, first, len, k0, ks);
    load_tile<T>(qkv + 2 * hidden + h * kD, stride, first, len, k0, vs);
    __syncthreads();

    // scores = q k^T for this warp's 16 queries and the tile's 64 keys
#pragma unroll
    for (int j = 0; j < kTile / 16; ++j) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
      wmma::fill_fragment(acc, 0.0f);
#pragma unroll
      for (int k = 0; k < kD / 16; ++k) {
        wmma::fragment<wmma::matrix_b, 16, 16, 16, T, wmma::col_major> kf;
        wmma::load_matrix_sync(kf, ks + j * 16 * kLdh + k * 16, kLdh);
        wmma::mma_sync(acc, qf[k], kf, acc);
      }
      wmma::store_matrix_sync(ss + j * 16, acc, kLdf, wmma::mem_row_major);
    }
    __syncwarp();

    // online softmax: new running max, rescale of what was accumulated, probabilities of this tile
    const bool in0 = k0 + lane < len, in1 = k0 + lane + 32 < len;
    float s0[16], s1[16], red[16];
#pragma unroll
    for (int r = 0; r < 16; ++r) {
      s0[r] = in0 ? ss[r * kLdf + lane] * scale : -INFINITY;
      s1[r] = in1 ? ss[r * kLdf + lane + 32] * scale : -INFINITY;
      red[r] = fmaxf(s0[r], s1[r]);
    }
#pragma unroll
    for (int o = 16; o > 0; o >>= 1)
#pragma unroll
      for (int r = 0; r < 16; ++r) red[r] = fmaxf(red[r], __shfl_xor_sync(0xffffffffu, red[r], o));
#pragma unroll
    for (int r = 0; r < 16; ++r) {
      const float new_max = fmaxf(row_max[r], red[r]);
      const float alpha = __expf(row_max[r] - new_max);
      row_max[r] = new_max;
      s0[r] = __expf(s0[r] - new_max);
      s1[r] = __expf(s1[r] - new_max);
      ps[r * kLdh + lane] = from_f32<T>(s0[r]);
      ps[r * kLdh + lane + 32] = from_f32<T>(s1[r]);
      row_sum[r] *= alpha;
      o0[r] *= alpha;
      o1[r] *= alpha;
      red[r] = s0[r] + s1[r];
    }
#pragma unroll
    for (int o = 16; o > 0; o >>= 1)
#pragma unroll
      for (int r = 0; r < 16; ++r) red[r] += __shfl_xor_sync(0xffffffffu, red[r], o);
#pragma unroll
    for (int r = 0; r < 16; ++r) row_sum[r] += red[r];
    __syncwarp();

    // out += p v
#pragma unroll
    for (int j = 0; j < kD / 16; ++j) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
      wmma::fill_fragment(acc, 0.0f);
#pragma unroll
      for (int k = 0; k < kTile / 16; ++k) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, T, wmma::row_major> pf;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, T, wmma::row_major> vf;
        wmma::load_matrix_sync(pf, ps + k * 16, kLdh);
        wmma::load_matrix_sync(vf, vs + k * 16 * kLdh + j * 16, kLdh);
        wmma::mma_sync(acc, pf, vf, acc);
      }
      wmma::store_matrix_sync(ss + j * 16, acc, kLdf, wmma::mem_row_major);
    }
    __syncwarp();
#pragma unroll
    for (int r = 0; r < 16; ++r) o0[r] += ss[r * kLdf + lane], o1[r] += ss[r * kLdf + lane + 32];
    __syncwarp();
  }

#pragma unroll
  for (int r = 0; r < 16; ++r) {
    const int q = q0 + warp * 16 + r;
    if (q < len) {
      const float inv = 1.0f / row_sum[r];
      T* out = ctx + (first + q) * hidden + h * kD;
      out[lane] = from_f32<T>(o0[r] * inv);
      out[lane + 32] = from_f32<T>(o1[r] * inv);
    }
  }
#endif
}

constexpr int kRowsPerBlock = 8;  // one warp per query

template <typename T>
__global__ void attention_rows_kernel(const T* qkv, const int32_t* offsets, int heads, int head_dim, float scale,
                                      T* ctx) {
  extern __shared__ float scratch[];  // per warp: head_dim query values, then max_len scores
  const int b = blockIdx.z, h = blockIdx.y, warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  const int q = blockIdx.x * kRowsPerBlock + warp;
  const int64_t first = offsets[b];
  const int len = offsets[b + 1] - offsets[b];
  const int per_warp = head_dim + static_cast<int>(gridDim.x) * kRowsPerBlock;
  float* qv = scratch + warp * per_warp;
  float* scores = qv + head_dim;
  if (q >= len) return;
  const int64_t hidden = int64_t{heads} * head_dim, stride = 3 * hidden;
  const T* qrow = qkv + (first + q) * stride + h * head_dim;
  for (int d = lane; d < head_dim; d += 32) qv[d] = to_f32<T>(qrow[d]) * scale;
  __syncwarp();
  float max = -INFINITY;
  for (int j = lane; j < len; j += 32) {
    const T* krow = qkv + (first + j) * stride + hidden + h * head_dim;
    float s = 0.0f;
    for (int d = 0; d < head_dim; ++d) s += qv[d] * to_f32<T>(krow[d]);
    scores[j] = s;
    max = fmaxf(max, s);
  }
  max = warp_max(max);
  float sum = 0.0f;
  for (int j = lane; j < len; j += 32) {
    const float p = __expf(scores[j] - max);
    scores[j] = p;
    sum += p;
  }
  const float inv = 1.0f / warp_sum(sum);
  __syncwarp();
  for (int d = lane; d < head_dim; d += 32) {
    float acc = 0.0f;
    for (int j = 0; j < len; ++j) acc += scores[j] * to_f32<T>(qkv[(first + j) * stride + 2 * hidden + h * head_dim + d]);
    ctx[(first + q) * hidden + h * head_dim + d] = from_f32<T>(acc * inv);
  }
}

template <typename T>
void launch_wmma(dim3 grid, const void* qkv, const int32_t* offsets, int64_t heads, float scale, void* ctx,
                 cudaStream_t stream) {
  // the kernel needs more than 48 KiB of shared memory: opt in once per device
  static bool configured[64] = {};
  int device = 0;
  SAMP_CUDA_CHECK(cudaGetDevice(&device));
  if (device < 64 && !configured[device]) {
    SAMP_CUDA_CHECK(cudaFuncSetAttribute(attention_wmma_kernel<T>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                         static_cast<int>(kWmmaSmem)));
    configured[device] = true;
  }
  attention_wmma_kernel<T><<<grid, kWarps * 32, kWmmaSmem, stream>>>(
      static_cast<const T*>(qkv), offsets, static_cast<int>(heads), scale, static_cast<T*>(ctx));
  SAMP_CUDA_LAUNCHED();
}

}  // namespace

// ---- launchers ----
void launch_attention(DType dt, const void* qkv, const int32_t* offsets, int64_t batch, int64_t heads,
                      int64_t head_dim, int64_t max_len, void* ctx, cudaStream_t stream) {
  SAMP_REQUIRE(batch > 0 && batch <= 65535 && heads > 0 && heads <= 65535 && max_len > 0, SAMP_INVALID,
               "attention: bad sizes");
  const float scale = 1.0f / sqrtf(static_cast<float>(head_dim));
  if (dt != DType::f32 && head_dim == kD) {
    const dim3 grid(static_cast<unsigned>((max_len + kTile - 1) / kTile), static_cast<unsigned>(heads),
                    static_cast<unsigned>(batch));
    if (dt == DType::f16) {
      launch_wmma<__half>(grid, qkv, offsets, heads, scale, ctx, stream);
    } else {
      launch_wmma<__nv_bfloat16>(grid, qkv, offsets, heads, scale, ctx, stream);
    }
    return;
  }
  const unsigned blocks = static_cast<unsigned>((max_len + kRowsPerBlock - 1) / kRowsPerBlock);
  const size_t smem = sizeof(float) * kRowsPerBlock * (head_dim + int64_t{blocks} * kRowsPerBlock);
  SAMP_REQUIRE(smem <= 48 * 1024, SAMP_UNSUPPORTED, "attention: sequence too long for the fp32 kernel");
  const dim3 grid(blocks, static_cast<unsigned>(heads), static_cast<unsigned>(batch));
  SAMP_DISPATCH_DTYPE(dt, T,
                      attention_rows_kernel<T><<<grid, kRowsPerBlock * 32, smem, stream>>>(
                          static_cast<const T*>(qkv), offsets, static_cast<int>(heads),
                          static_cast<int>(head_dim), scale, static_cast<T*>(ctx)));
  SAMP_CUDA_LAUNCHED();
}

}  // namespace samp::cuda
