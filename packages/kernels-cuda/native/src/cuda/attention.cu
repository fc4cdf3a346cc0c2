// Fused multi-head self-attention over packed (padding-free) sequences, reading the QKV GEMM's output directly.
// fp16/bf16 with head size 64: tensor cores (mma.sync m16n8k16), flash-style online softmax over 64-key tiles with
// scores and output in registers, so any length runs in fixed shared memory; the output tile is staged in shared
// memory and written in 16-byte rows. Otherwise: a warp per query on CUDA cores (fp32 and other head sizes).
// The QKV bias may be left to this kernel (the GEMM then runs without an epilogue): the query bias is added to the
// queries, the value bias to the output (each row of probabilities sums to 1), and the key bias is dropped: it adds
// q . b_k to every score of query q, which the softmax cancels.
// The tensor-core path also reads 8-bit QKV (INT8 or E4M3 codes with one scale, a fully-quant layer's QKV GEMM
// output before its bias): the codes land in shared memory (half the bytes of 16-bit QKV) and are widened to the
// dtype exactly (every code is a value of fp16 and bf16): the queries and keys as their fragments are loaded, the
// values tile by tile in shared memory (ldmatrix reads 16-bit values). The scale is applied to the queries with
// their bias, folded into the softmax scale for the keys, and into the normalization for the values.
#include <type_traits>

#include "cuda/async_copy.cuh"
#include "cuda/attention_tile.cuh"
#include "cuda/check.h"
#include "cuda/device_math.cuh"
#include "cuda/kernels.cuh"
#include "cuda/launch.cuh"
#include "cuda/q8.cuh"

namespace samp::cuda {
using namespace attn;  // the tile steps (attention_tile.cuh), used by this file alone
namespace {

// Warps per block, 16 query rows each. Sequences of up to 128 tokens take one block of 8 warps per head, which
// reads each key and value once; longer ones take blocks of 4 warps (64 queries).
constexpr int kWideWarps = 8, kNarrowWarps = 4;

/** Shared memory of a block of kWarps warps, 16-bit QKV: the queries (then the output tile), two key and two value
 * tiles (double-buffered: the next tile loads while this one is used). 8-bit QKV: the query codes (then the output
 * tile), one value tile in the dtype, and two key and two value tiles of codes that cp.async fills. Then the head's
 * query and value biases. */
template <int kWarps, Elem kIn>
constexpr size_t attention_smem_bytes() {
  constexpr size_t floats = sizeof(uint16_t) * (kWarps * 16 + (kIn == Elem::dtype ? 4 : 1) * kTile) * kLdh;
  return floats + (kIn == Elem::dtype ? 0 : 4 * kTile * kLdq) + sizeof(float) * 2 * kD;
}

// ---- kernels ----

// Each warp owns 16 query rows. With g = lane / 4 and t = lane % 4, a thread holds rows g and g + 8 of every
// accumulator tile (columns 2t, 2t + 1 of each 8-wide tile): scores, probabilities and the output stay in
// registers, and a row's max and sum need two shuffles inside the quad of threads sharing it. Value fragments come
// from shared memory by ldmatrix, four 8 x 8 matrices at a time, transposed on the way.
template <typename T, Elem kIn, Elem kOut, int kWarps>
__global__ void __launch_bounds__(kWarps * 32, 16 / kWarps)
    attention_mma_kernel(const void* qkv_in, float in_scale, const float* bias, const int32_t* offsets, int heads,
                         float scale_log2, T* ctx, Q8Store q) {
  constexpr int kThreads = kWarps * 32, kQueries = kWarps * 16;
  constexpr bool k8 = kIn != Elem::dtype;
  using E = std::conditional_t<k8, int8_t, T>;  // what QKV holds
  extern __shared__ __align__(16) unsigned char smem[];
  T* qs = reinterpret_cast<T*>(smem);  // the queries (8-bit: their codes), then the output tile
  int8_t* const qcodes = reinterpret_cast<int8_t*>(qs);
  T* const ks = qs + kQueries * kLdh;  // 16-bit QKV: key tile i at ks + i * kTile * kLdh (8-bit: none)
  T* const vs = ks + (k8 ? 0 : 2) * kTile * kLdh;  // value tile i likewise (8-bit: the widened tile)
  int8_t* const codes = reinterpret_cast<int8_t*>(vs + (k8 ? 1 : 2) * kTile * kLdh);  // 8-bit: [buffer][keys, values]
  float* bs = reinterpret_cast<float*>(codes + (k8 ? 4 * kTile * kLdq : 0));  // query bias, then value bias
  wait_for_previous_kernel();
  const int b = blockIdx.z, h = blockIdx.y, q0 = blockIdx.x * kQueries;
  const int64_t first = offsets[b];
  const int len = offsets[b + 1] - offsets[b];
  if (q0 >= len) return;
  const int64_t hidden = int64_t{heads} * kD, stride = 3 * hidden;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, t = lane & 3;
  const bool active = q0 + warp * 16 < len;  // a warp past the sequence only helps load and synchronize
  const E* qkv = static_cast<const E*>(qkv_in);
  const E* kbase = qkv + hidden + h * kD;
  const E* vbase = qkv + 2 * hidden + h * kD;
  // starts loading the keys and values of rows row0.. into buffer buf
  const auto load_kv = [&](int row0, int buf) {
    if constexpr (k8) {
      load_tile_async<kTile, kThreads>(kbase, stride, first, len, row0, codes + 2 * buf * kTile * kLdq);
      load_tile_async<kTile, kThreads>(vbase, stride, first, len, row0, codes + (2 * buf + 1) * kTile * kLdq);
    } else {
      load_tile_async<kTile, kThreads>(kbase, stride, first, len, row0, ks + buf * kTile * kLdh);
      load_tile_async<kTile, kThreads>(vbase, stride, first, len, row0, vs + buf * kTile * kLdh);
    }
  };

  if constexpr (k8) {
    load_tile_async<kQueries, kThreads>(qkv + h * kD, stride, first, len, q0, qcodes);
  } else {
    load_tile_async<kQueries, kThreads>(qkv + h * kD, stride, first, len, q0, qs);
  }
  load_kv(0, 0);
  if (bias && threadIdx.x < 2 * kD / 4) {  // 16 pieces of 4 floats for each bias, copied with the first tiles
    const int part = threadIdx.x / (kD / 4), at = (threadIdx.x % (kD / 4)) * 4;
    cp_async16(smem_addr(bs + part * kD + at), bias + 2 * part * hidden + h * kD + at, true);
  }
  cp_async_commit();

  uint32_t qa[kD / 16][4];
  float o[kD / 8][4] = {};
  float m0 = -INFINITY, m1 = -INFINITY, l0 = 0.0f, l1 = 0.0f;
  // the keys' scale goes with the softmax scale: the scores are taken of the key codes
  const float score_log2 = k8 ? scale_log2 * in_scale : scale_log2;
  for (int k0 = 0, buf = 0; k0 < len; k0 += kTile, buf ^= 1) {
    if (k0 + kTile < len) {
      load_kv(k0 + kTile, buf ^ 1);
      cp_async_commit();
      cp_async_wait<1>();
    } else {
      cp_async_wait<0>();
    }
    __syncthreads();
    if constexpr (k8) {  // this tile's value codes widened in shared memory (ldmatrix reads 16-bit values)
      widen_tile<T, kIn, kTile, kThreads>(codes + (2 * buf + 1) * kTile * kLdq, vs);
      __syncthreads();
    }
    if (active) {
      if (k0 == 0) {
#pragma unroll
        for (int k = 0; k < kD / 16; ++k) {
          if constexpr (k8) {
            const int8_t* r0 = qcodes + (warp * 16 + g) * kLdq + 16 * k + 2 * t;
            const int8_t* r1 = r0 + 8 * kLdq;
            qa[k][0] = widen2<T, kIn>(lds16(r0)), qa[k][1] = widen2<T, kIn>(lds16(r1));
            qa[k][2] = widen2<T, kIn>(lds16(r0 + 8)), qa[k][3] = widen2<T, kIn>(lds16(r1 + 8));
          } else {
            const T* r0 = qs + (warp * 16 + g) * kLdh + 16 * k + 2 * t;
            const T* r1 = r0 + 8 * kLdh;
            qa[k][0] = lds32(r0), qa[k][1] = lds32(r1), qa[k][2] = lds32(r0 + 8), qa[k][3] = lds32(r1 + 8);
          }
          if (bias || k8) {  // q = scale * code + bias (8-bit) or q + bias, in fp32 before one rounding
            const float* bq = bs + 16 * k + 2 * t;
            const float2 lo = bias ? make_float2(bq[0], bq[1]) : float2{};
            const float2 hi = bias ? make_float2(bq[8], bq[9]) : float2{};
#pragma unroll
            for (int e = 0; e < 4; ++e) {
              const float2 v = unpack2<T>(qa[k][e]), add = e < 2 ? lo : hi;
              const float s = k8 ? in_scale : 1.0f;
              qa[k][e] = pack2<T>(fmaf(v.x, s, add.x), fmaf(v.y, s, add.y));
            }
          }
        }
      }
      if constexpr (k8) {
        attend_tile<T, kIn>(qa, codes + 2 * buf * kTile * kLdq, vs, k0, len, score_log2, lane, o, m0, m1, l0, l1);
      } else {
        const int at = buf * kTile * kLdh;
        attend_tile<T, kIn>(qa, ks + at, vs + at, k0, len, score_log2, lane, o, m0, m1, l0, l1);
      }
    }
    __syncthreads();  // every warp is done with this buffer before the next iteration refills it
  }
  if (!active) return;

  l0 += __shfl_xor_sync(0xffffffffu, l0, 1);
  l0 += __shfl_xor_sync(0xffffffffu, l0, 2);
  l1 += __shfl_xor_sync(0xffffffffu, l1, 1);
  l1 += __shfl_xor_sync(0xffffffffu, l1, 2);
  const float vscale = k8 ? in_scale : 1.0f;  // the values' scale (8-bit), applied with the normalization
  const float i0 = vscale / l0, i1 = vscale / l1;

  // normalize (and add the value bias), encode, and stage the warp's 16 rows in the free query tile; then each
  // lane writes whole 16-byte pieces of rows (the context of one head is 128 bytes per row, 64 when 8-bit)
  constexpr int kOutBytes = kOut == Elem::dtype ? 2 : 1;  // per value
  constexpr int kRowBytes = kD * kOutBytes, kStage = kOut == Elem::dtype ? kLdh * 2 : kLdq;
  uint8_t* stage = reinterpret_cast<uint8_t*>(qs) + warp * 16 * kStage;
#pragma unroll
  for (int j = 0; j < kD / 8; ++j) {
    const int col = 8 * j + 2 * t;
    const float b0 = bias ? bs[kD + col] : 0.0f, b1 = bias ? bs[kD + col + 1] : 0.0f;
    const uint32_t r0 = encode2<T, kOut>(o[j][0] * i0 + b0, o[j][1] * i0 + b1, q.inv_scale);
    const uint32_t r1 = encode2<T, kOut>(o[j][2] * i1 + b0, o[j][3] * i1 + b1, q.inv_scale);
    if constexpr (kOut == Elem::dtype) {
      *reinterpret_cast<uint32_t*>(stage + g * kStage + col * 2) = r0;
      *reinterpret_cast<uint32_t*>(stage + (g + 8) * kStage + col * 2) = r1;
    } else {
      *reinterpret_cast<uint16_t*>(stage + g * kStage + col) = static_cast<uint16_t>(r0);
      *reinterpret_cast<uint16_t*>(stage + (g + 8) * kStage + col) = static_cast<uint16_t>(r1);
    }
  }
  __syncwarp();
  constexpr int kPieces = kRowBytes / 16;  // 16-byte pieces per row
  uint8_t* out = kOut == Elem::dtype ? reinterpret_cast<uint8_t*>(ctx) : reinterpret_cast<uint8_t*>(q.data);
#pragma unroll
  for (int i = 0; i < 16 * kPieces / 32; ++i) {
    const int v = lane + 32 * i, r = v / kPieces, c = v % kPieces;
    const int row = q0 + warp * 16 + r;
    if (row >= len) continue;
    const uint4 piece = *reinterpret_cast<const uint4*>(stage + r * kStage + c * 16);
    *reinterpret_cast<uint4*>(out + ((first + row) * hidden + h * kD) * kOutBytes + c * 16) = piece;
  }
}

constexpr int kRowsPerBlock = 8;  // one warp per query

/** Element i of QKV in fp32: 16-bit, or decoded from 8-bit where in8.data is given. */
template <typename T>
__device__ __forceinline__ float qkv_at(const T* qkv, const Q8Load& in8, int64_t i) {
  return in8.data ? q8_decode(in8.data[i], in8.scale, in8.fp8) : to_f32<T>(qkv[i]);
}

template <typename T>
__global__ void attention_rows_kernel(const T* qkv, Q8Load in8, const float* bias, const int32_t* offsets, int heads,
                                      int head_dim, float scale, T* ctx, Q8Store out8) {
  extern __shared__ float scratch[];  // per warp: head_dim query values, then max_len scores
  wait_for_previous_kernel();
  const int b = blockIdx.z, h = blockIdx.y, warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  const int q = blockIdx.x * kRowsPerBlock + warp;
  const int64_t first = offsets[b];
  const int len = offsets[b + 1] - offsets[b];
  const int per_warp = head_dim + static_cast<int>(gridDim.x) * kRowsPerBlock;
  float* qv = scratch + warp * per_warp;
  float* scores = qv + head_dim;
  if (q >= len) return;
  const int64_t hidden = int64_t{heads} * head_dim, stride = 3 * hidden;
  const int64_t qrow = (first + q) * stride + h * head_dim;
  for (int d = lane; d < head_dim; d += 32)
    qv[d] = (qkv_at(qkv, in8, qrow + d) + (bias ? bias[h * head_dim + d] : 0.0f)) * scale;
  __syncwarp();
  float max = -INFINITY;
  for (int j = lane; j < len; j += 32) {
    const int64_t krow = (first + j) * stride + hidden + h * head_dim;
    float s = 0.0f;
    for (int d = 0; d < head_dim; ++d) s += qv[d] * qkv_at(qkv, in8, krow + d);
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
    for (int j = 0; j < len; ++j)
      acc += scores[j] * qkv_at(qkv, in8, (first + j) * stride + 2 * hidden + h * head_dim + d);
    const float y = acc * inv + (bias ? bias[2 * hidden + h * head_dim + d] : 0.0f);
    const int64_t at = (first + q) * hidden + h * head_dim + d;
    if (out8.data) {
      out8.data[at] = q8_encode(y, out8.inv_scale, out8.fp8);
    } else {
      ctx[at] = from_f32<T>(y);
    }
  }
}

template <typename T, Elem kIn, Elem kOut, int kWarps>
void launch_mma_as(int64_t batch, int64_t heads, int64_t max_len, const void* qkv, float in_scale, const float* bias,
                   const int32_t* offsets, float scale, void* ctx, const Q8Store& q, cudaStream_t stream) {
  constexpr size_t smem = attention_smem_bytes<kWarps, kIn>();
  auto kernel = attention_mma_kernel<T, kIn, kOut, kWarps>;
  if constexpr (smem > 48 * 1024)  // a per-function setting, cheap to repeat (and allowed while capturing)
    SAMP_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, int{smem}));
  const dim3 grid(static_cast<unsigned>((max_len + kWarps * 16 - 1) / (kWarps * 16)), static_cast<unsigned>(heads),
                  static_cast<unsigned>(batch));
  launch_overlapped(kernel, grid, kWarps * 32, smem, stream, qkv, in_scale, bias, offsets, static_cast<int>(heads),
                    scale * 1.4426950408889634f, static_cast<T*>(ctx), q);
}

template <typename T, Elem kIn, Elem kOut>
void launch_mma_out(int64_t batch, int64_t heads, int64_t max_len, const void* qkv, float in_scale, const float* bias,
                    const int32_t* offsets, float scale, void* ctx, const Q8Store& q, cudaStream_t stream) {
  auto launch = max_len <= kWideWarps * 16 ? launch_mma_as<T, kIn, kOut, kWideWarps>
                                           : launch_mma_as<T, kIn, kOut, kNarrowWarps>;
  launch(batch, heads, max_len, qkv, in_scale, bias, offsets, scale, ctx, q, stream);
}

/** The instance for the launch: 16-bit QKV with a context in the dtype or 8-bit; 8-bit QKV with a context in the
 * dtype or 8-bit of the same type. */
template <typename T>
void launch_mma(int64_t batch, int64_t heads, int64_t max_len, const void* qkv, const Q8Load& in8, const float* bias,
                const int32_t* offsets, float scale, void* ctx, const Q8Store& q, cudaStream_t stream) {
  decltype(&launch_mma_out<T, Elem::dtype, Elem::dtype>) launch = nullptr;
  if (!in8.data) {
    launch = !q.data ? launch_mma_out<T, Elem::dtype, Elem::dtype>
           : q.fp8   ? launch_mma_out<T, Elem::dtype, Elem::fp8>
                     : launch_mma_out<T, Elem::dtype, Elem::int8>;
  } else if (in8.fp8) {
    launch = q.data ? launch_mma_out<T, Elem::fp8, Elem::fp8> : launch_mma_out<T, Elem::fp8, Elem::dtype>;
  } else {
    launch = q.data ? launch_mma_out<T, Elem::int8, Elem::int8> : launch_mma_out<T, Elem::int8, Elem::dtype>;
  }
  launch(batch, heads, max_len, in8.data ? static_cast<const void*>(in8.data) : qkv, in8.scale, bias, offsets, scale,
         ctx, q, stream);
}

}  // namespace

// ---- launchers ----
void launch_attention(DType dt, const void* qkv, const Q8Load& in8, const float* bias, const int32_t* offsets,
                      int64_t batch, int64_t heads, int64_t head_dim, int64_t max_len, void* ctx, const Q8Store& q,
                      cudaStream_t stream) {
  SAMP_REQUIRE(batch > 0 && batch <= 65535 && heads > 0 && heads <= 65535 && max_len > 0, SAMP_INVALID,
               "attention: bad sizes");
  SAMP_REQUIRE(!in8.data || !q.data || in8.fp8 == q.fp8, SAMP_INVALID,
               "attention: 8-bit QKV and an 8-bit context must be of one type");
  const float scale = 1.0f / sqrtf(static_cast<float>(head_dim));
  if (dt != DType::f32 && head_dim == kD) {
    SAMP_REQUIRE(aligned_to(in8.data ? static_cast<const void*>(in8.data) : qkv, 16) && aligned_to(bias, 16) &&
                     aligned_to(q.data ? static_cast<const void*>(q.data) : ctx, 16),
                 SAMP_INVALID, "attention: qkv, the bias and the output must be 16-byte aligned");
    auto launch = dt == DType::f16 ? launch_mma<__half> : launch_mma<__nv_bfloat16>;
    launch(batch, heads, max_len, qkv, in8, bias, offsets, scale, ctx, q, stream);
    return;
  }
  const unsigned blocks = static_cast<unsigned>((max_len + kRowsPerBlock - 1) / kRowsPerBlock);
  const size_t smem = sizeof(float) * kRowsPerBlock * (head_dim + int64_t{blocks} * kRowsPerBlock);
  SAMP_REQUIRE(smem <= 48 * 1024, SAMP_UNSUPPORTED, "attention: sequence too long for the fp32 kernel");
  const dim3 grid(blocks, static_cast<unsigned>(heads), static_cast<unsigned>(batch));
  SAMP_DISPATCH_DTYPE(dt, T,
                      launch_overlapped(attention_rows_kernel<T>, grid, kRowsPerBlock * 32, smem, stream,
                                        static_cast<const T*>(qkv), in8, bias, offsets, static_cast<int>(heads),
                                        static_cast<int>(head_dim), scale, static_cast<T*>(ctx), q));
}

}  // namespace samp::cuda
