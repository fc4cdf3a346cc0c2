// How far the fully-quant LayerNorm (residual add + LayerNorm + 8-bit output, layernorm_q8.cu) is from the memory
// floor of its own traffic, at BERT-base's width: times the shipped kernel, kernels that move the same bytes with no
// reduction, and LayerNorm variants, each as a CUDA graph of back-to-back launches, alone and after a kernel that
// writes its input (as the GEMM before it does). Also the floor of the attention kernel's traffic (QKV in fp16 in,
// 8-bit context out) beside the attention kernel's time. On the GPU machine:
//   S=packages/kernels-cuda/native/src; nvcc -O3 -std=c++17 -arch=sm_90a -I $S tools/gpu/probe/layernorm_probe.cu \
//     $S/cuda/layernorm_q8.cu $S/cuda/attention.cu -o /tmp/ln-probe && /tmp/ln-probe 4096 8192
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "common/error.h"
#include "cuda/device_math.cuh"
#include "cuda/kernels.cuh"
#include "cuda/launch.cuh"
#include "cuda/layernorm.cuh"
#include "cuda/q8.cuh"

#include "probe_support.h"

using namespace samp::cuda;

namespace {

constexpr int H = 768;
constexpr int kChunks = H / (32 * kVec);  // 3

struct Bufs {
  __half* x;
  float *bias, *gamma, *beta;
  int8_t *res, *out;
  __half* qkv;  // attention floor input (3H per row)
  int64_t rows;
};

/** The GEMM stand-in: writes x (every row) so that the kernel after it reads it fresh from L2. */
__global__ void write_x(__half* x, int64_t n, float v) {
  const int64_t stride = int64_t{gridDim.x} * blockDim.x * 8;
  for (int64_t i = (int64_t{blockIdx.x} * blockDim.x + threadIdx.x) * 8; i < n; i += stride) {
    float o[kVec];
#pragma unroll
    for (int e = 0; e < kVec; ++e) o[e] = v + 0.001f * static_cast<float>((i + e) % 977);
    store8(x + i, o);
  }
}

/** Floor with the row kernel's geometry: a warp per row, the same loads and 8-bit store, no reductions. */
__global__ void __launch_bounds__(128, 8) floor_rows(Bufs b, float scale, float inv) {
  wait_for_previous_kernel();
  const int lane = threadIdx.x & 31;
  const int64_t t = blockIdx.x * int64_t{4} + (threadIdx.x >> 5);
  if (t >= b.rows) return;
#pragma unroll
  for (int c = 0; c < kChunks; ++c) {
    const int col = (lane + 32 * c) * kVec;
    float v[kVec], xb[kVec];
    load8(b.x + t * H + col, v);
    load8(b.bias + col, xb);
    const uint2 raw = *reinterpret_cast<const uint2*>(b.res + t * H + col);
    const int8_t* r = reinterpret_cast<const int8_t*>(&raw);
#pragma unroll
    for (int e = 0; e < kVec; ++e) v[e] += xb[e] + q8_decode(r[e], scale, true);
    q8_store8(b.out + t * H + col, v, inv, true);
  }
}

/** Floor of a flat elementwise pass: `in_halves` fp16 values read and `out_bytes` bytes written per row, 16 bytes
 * per load, grid-stride. */
__global__ void floor_flat(const __half* in, int64_t in_n, int8_t* out, int64_t out_n) {
  wait_for_previous_kernel();
  const int64_t stride = int64_t{gridDim.x} * blockDim.x * 8;
  const int64_t start = (int64_t{blockIdx.x} * blockDim.x + threadIdx.x) * 8;
  float acc = 0.0f;
  for (int64_t i = start; i < in_n; i += stride) {
    float v[kVec];
    load8(in + i, v);
#pragma unroll
    for (int e = 0; e < kVec; ++e) acc += v[e];
  }
  for (int64_t i = start; i < out_n; i += stride) {
    float o[kVec];
#pragma unroll
    for (int e = 0; e < kVec; ++e) o[e] = acc + static_cast<float>(e);
    q8_store8(out + i, o, 1.0f, true);
  }
}

/** Writes row t's values [col, col + 8) normalized (gamma, beta) and encoded in E4M3 to b.out. */
__device__ __forceinline__ void store_normalized8(const Bufs& b, int64_t t, int col, const float (&v)[kVec],
                                                  float mean, float rs, float inv) {
  float g[kVec], bt[kVec];
  load8(b.gamma + col, g);
  load8(b.beta + col, bt);
  float o[kVec];
#pragma unroll
  for (int e = 0; e < kVec; ++e) o[e] = (v[e] - mean) * rs * g[e] + bt[e];
  q8_store8(b.out + t * H + col, o, inv, true);
}

/** LayerNorm variant: gamma and beta loaded with the row (before the reductions), mean and variance from one
 * reduction of (sum, sum of squares). `kOnePass`: the one-reduction statistics; else two passes as shipped. */
template <bool kOnePass>
__global__ void __launch_bounds__(128, 8) ln_prefetch(Bufs b, float scale, float inv) {
  wait_for_previous_kernel();
  const int lane = threadIdx.x & 31;
  const int64_t t = blockIdx.x * int64_t{4} + (threadIdx.x >> 5);
  if (t >= b.rows) return;
  float v[kChunks][kVec];
  uint2 res[kChunks];
  uint4 xr[kChunks];
#pragma unroll
  for (int c = 0; c < kChunks; ++c) {
    const int col = (lane + 32 * c) * kVec;
    xr[c] = *reinterpret_cast<const uint4*>(b.x + t * H + col);
    res[c] = *reinterpret_cast<const uint2*>(b.res + t * H + col);
  }
#pragma unroll
  for (int c = 0; c < kChunks; ++c) {
    const int col = (lane + 32 * c) * kVec;
    float xb[kVec];
    load8(b.bias + col, xb);
    const __half* xh = reinterpret_cast<const __half*>(&xr[c]);
    const int8_t* r = reinterpret_cast<const int8_t*>(&res[c]);
#pragma unroll
    for (int e = 0; e < kVec; ++e) v[c][e] = __half2float(xh[e]) + xb[e] + q8_decode(r[e], scale, true);
  }
  float s = 0.0f, sq = 0.0f;
#pragma unroll
  for (int c = 0; c < kChunks; ++c)
#pragma unroll
    for (int e = 0; e < kVec; ++e) s += v[c][e], sq += v[c][e] * v[c][e];
  float mean, var;
  if (kOnePass) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
      s += __shfl_xor_sync(0xffffffffu, s, o);
      sq += __shfl_xor_sync(0xffffffffu, sq, o);
    }
    mean = s / H;
    var = fmaxf(sq / H - mean * mean, 0.0f);
  } else {
    mean = warp_sum(s) / H;
    float d2 = 0.0f;
#pragma unroll
    for (int c = 0; c < kChunks; ++c)
#pragma unroll
      for (int e = 0; e < kVec; ++e) d2 += (v[c][e] - mean) * (v[c][e] - mean);
    var = warp_sum(d2) / H;
  }
  const float rs = rsqrtf(var + 1e-12f);
#pragma unroll
  for (int c = 0; c < kChunks; ++c) {
    store_normalized8(b, t, (lane + 32 * c) * kVec, v[c], mean, rs, inv);
  }
}

/** LayerNorm variant: a row per block of 96 threads (one 8-value chunk each), the sums across the three warps in
 * shared memory: 24 registers' worth of row per thread instead of 24 values. */
__global__ void __launch_bounds__(96) ln_block96(Bufs b, float scale, float inv) {
  __shared__ float part[2][3];
  wait_for_previous_kernel();
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int64_t t = blockIdx.x;
  const int col = threadIdx.x * kVec;
  float v[kVec], xb[kVec];
  load8(b.x + t * H + col, v);
  load8(b.bias + col, xb);
  const uint2 raw = *reinterpret_cast<const uint2*>(b.res + t * H + col);
  const int8_t* r = reinterpret_cast<const int8_t*>(&raw);
  float s = 0.0f, sq = 0.0f;
#pragma unroll
  for (int e = 0; e < kVec; ++e) {
    v[e] += xb[e] + q8_decode(r[e], scale, true);
    s += v[e], sq += v[e] * v[e];
  }
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) {
    s += __shfl_xor_sync(0xffffffffu, s, o);
    sq += __shfl_xor_sync(0xffffffffu, sq, o);
  }
  if (lane == 0) part[0][warp] = s, part[1][warp] = sq;
  __syncthreads();
  s = part[0][0] + part[0][1] + part[0][2];
  sq = part[1][0] + part[1][1] + part[1][2];
  const float mean = s / H, rs = rsqrtf(fmaxf(sq / H - mean * mean, 0.0f) + 1e-12f);
  store_normalized8(b, t, col, v, mean, rs, inv);
}

template <typename... P, typename... A>
void overlapped(void (*k)(P...), unsigned grid, unsigned block, cudaStream_t s, A... a) {
  launch_overlapped(k, dim3(grid), dim3(block), 0, s, a...);
}

}  // namespace

int main(int argc, char** argv) {
  cudaDeviceProp p{};
  CK(cudaGetDeviceProperties(&p, 0));
  std::printf("# layernorm_probe on %s, %d SMs, L2 %d MB; us per launch (graph of 100, median of 15 replays)\n",
              p.name, p.multiProcessorCount, p.l2CacheSize >> 20);
  cudaStream_t s;
  CK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  for (int ai = 1; ai < argc; ++ai) {
    const int64_t rows = std::atoll(argv[ai]);
    Bufs b{};
    b.rows = rows;
    CK(cudaMalloc(&b.x, rows * H * 2));
    CK(cudaMalloc(&b.qkv, rows * 3 * H * 2));
    CK(cudaMalloc(&b.res, rows * H));
    CK(cudaMalloc(&b.out, rows * H));
    CK(cudaMalloc(&b.bias, 3 * H * 4));  // the attention reads a QKV bias
    CK(cudaMemset(b.bias, 0, 3 * H * 4));
    CK(cudaMalloc(&b.gamma, H * 4));
    CK(cudaMalloc(&b.beta, H * 4));
    std::vector<float> host(H);
    for (int i = 0; i < H; ++i) host[i] = 0.01f * (i % 13);
    CK(cudaMemcpy(b.bias, host.data(), H * 4, cudaMemcpyHostToDevice));
    CK(cudaMemcpy(b.beta, host.data(), H * 4, cudaMemcpyHostToDevice));
    for (int i = 0; i < H; ++i) host[i] = 1.0f + 0.001f * (i % 7);
    CK(cudaMemcpy(b.gamma, host.data(), H * 4, cudaMemcpyHostToDevice));
    CK(cudaMemset(b.res, 0x30, rows * H));
    CK(cudaMemset(b.qkv, 0, rows * 3 * H * 2));
    const unsigned wgrid = p.multiProcessorCount * 8;
    write_x<<<wgrid, 256, 0, s>>>(b.x, rows * H, 0.5f);
    CK(cudaStreamSynchronize(s));
    const float scale = 0.05f, inv = 1.0f / 0.1f;
    const Q8Load r8{b.res, scale, true};
    const Q8Store q8{b.out, inv, true};
    std::vector<int32_t> starts(rows / 128 + 1);
    for (size_t i = 0; i < starts.size(); ++i) starts[i] = static_cast<int32_t>(128 * i);
    int32_t* offsets;
    CK(cudaMalloc(&offsets, starts.size() * 4));
    CK(cudaMemcpy(offsets, starts.data(), starts.size() * 4, cudaMemcpyHostToDevice));
    const unsigned rgrid = static_cast<unsigned>((rows + 3) / 4);
    const unsigned fgrid = p.multiProcessorCount * 16;
    struct Variant {
      const char* name;
      std::function<void()> run;
    };
    std::vector<Variant> vs = {
        {"shipped add_layernorm_q8",
         [&] {
           launch_add_layernorm_q8(DType::f16, b.x, b.bias, nullptr, r8, rows, b.gamma, b.beta, H, 1e-12f, nullptr,
                                   q8, nullptr, nullptr, s);
         }},
        {"floor: row geometry, no reductions", [&] { overlapped(floor_rows, rgrid, 128, s, b, scale, inv); }},
        {"floor: flat, x in + 8-bit out",
         [&] { overlapped(floor_flat, fgrid, 256, s, b.x, rows * H, b.out, rows * H); }},
        {"ln: loads first, two-pass", [&] { overlapped(ln_prefetch<false>, rgrid, 128, s, b, scale, inv); }},
        {"ln: loads first, one-pass", [&] { overlapped(ln_prefetch<true>, rgrid, 128, s, b, scale, inv); }},
        {"ln: block of 96 per row", [&] { overlapped(ln_block96, static_cast<unsigned>(rows), 96, s, b, scale, inv); }},
        {"floor: attention traffic (qkv fp16 in, 8-bit out)",
         [&] { overlapped(floor_flat, fgrid, 256, s, b.qkv, rows * 3 * H, b.out, rows * H); }},
        {"shipped attention (sequences of 128, e4m3 out)",
         [&] {
           launch_attention(DType::f16, b.qkv, Q8Load{}, b.bias, offsets, rows / 128, 12, 64, 128, nullptr, q8, s);
         }},
        {"floor: attention traffic (qkv 8-bit in, 8-bit out)",
         [&] { overlapped(floor_flat, fgrid, 256, s, b.qkv, rows * 3 * H / 2, b.out, rows * H); }},
        {"shipped attention (sequences of 128, e4m3 in and out)",
         [&] {
           const Q8Load in8{reinterpret_cast<const int8_t*>(b.qkv), 0.05f, true};  // zeros: code 0 is 0
           launch_attention(DType::f16, nullptr, in8, b.bias, offsets, rows / 128, 12, 64, 128, nullptr, q8, s);
         }},
    };
    const float w = time_graph(s, [&] { write_x<<<wgrid, 256, 0, s>>>(b.x, rows * H, 0.5f); }, 100);
    std::printf("rows %lld: writer alone %.2f us\n", static_cast<long long>(rows), w);
    std::vector<int8_t> ref(rows * H), got(rows * H);
    for (size_t i = 0; i < vs.size(); ++i) {
      const float alone = time_graph(s, vs[i].run, 100);
      const float after = time_graph(s, [&] {
        write_x<<<wgrid, 256, 0, s>>>(b.x, rows * H, 0.5f);
        vs[i].run();
      }, 100) - w;
      CK(cudaStreamSynchronize(s));
      CK(cudaMemcpy(got.data(), b.out, rows * H, cudaMemcpyDeviceToHost));
      if (i == 0) ref = got;
      int64_t diff = 0;
      for (int64_t j = 0; j < rows * H; ++j) diff += got[j] != ref[j];
      std::printf("  %-52s alone %6.2f us  after the writer %6.2f us  codes unlike shipped %lld\n", vs[i].name, alone,
                  after, static_cast<long long>(diff));
    }
    for (void* p : {static_cast<void*>(offsets), static_cast<void*>(b.x), static_cast<void*>(b.qkv),
                    static_cast<void*>(b.res), static_cast<void*>(b.out), static_cast<void*>(b.bias),
                    static_cast<void*>(b.gamma), static_cast<void*>(b.beta)})
      cudaFree(p);
  }
  return 0;
}
