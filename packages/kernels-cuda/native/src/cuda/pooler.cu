// BERT pooler: tanh(W * h_first + b) per sequence, fp32 out. Sequences go in groups of up to 8, so that each weight
// row is read once per group rather than once per sequence. Widths that are a multiple of 8 (every BERT width, up to
// 1536): a block stages its group's first tokens in shared memory and each warp computes one output value for the
// group with 16-byte loads. Other widths: a warp per output value and group, scalar loads.
#include "cuda/check.h"
#include "cuda/device_math.cuh"
#include "cuda/kernels.cuh"
#include "cuda/launch.cuh"

namespace samp::cuda {
namespace {

constexpr int kGroup = 8;         // sequences per group
constexpr int kWarpsPerBlock = 8;  // output values per block (staged kernel)
constexpr int kMaxStaged = 1536;  // widest row the staged kernel takes (8 rows of fp32: 48 KB of shared memory)

// ---- kernels ----
/** The group's outputs of value n: tanh(sum + bias[n]) per sequence, each sum reduced over the warp. */
template <typename T>
__device__ __forceinline__ void store_group(const float (&acc)[kGroup], int rows, int b0, int n, int width,
                                            const T* bias, float* out) {
  const int lane = threadIdx.x & 31;
  const float b = to_f32<T>(bias[n]);
#pragma unroll
  for (int r = 0; r < kGroup; ++r) {
    const float s = warp_sum(acc[r]);
    if (lane == 0 && r < rows) out[int64_t{b0 + r} * width + n] = tanhf(s + b);
  }
}

template <typename T>
__global__ void __launch_bounds__(32 * kWarpsPerBlock)
    pooler_staged_kernel(const T* hidden, const int32_t* offsets, int batch, int width, const T* w, const T* bias,
                         float* out) {
  extern __shared__ float first_tokens[];  // [rows, width]
  wait_for_previous_kernel();
  const int b0 = blockIdx.y * kGroup, rows = min(kGroup, batch - b0), pieces = width / kVec;
#pragma unroll 4
  for (int i = threadIdx.x; i < rows * pieces; i += blockDim.x) {  // 8 values per load, several loads in flight
    const int r = i / pieces, k = (i - r * pieces) * kVec;
    float v[kVec];
    load8(hidden + int64_t{offsets[b0 + r]} * width + k, v);
    float4* dst = reinterpret_cast<float4*>(first_tokens + r * width + k);
    dst[0] = make_float4(v[0], v[1], v[2], v[3]), dst[1] = make_float4(v[4], v[5], v[6], v[7]);
  }
  __syncthreads();
  const int lane = threadIdx.x & 31, n = blockIdx.x * kWarpsPerBlock + (threadIdx.x >> 5);
  if (n >= width) return;
  const T* wr = w + int64_t{n} * width;
  float acc[kGroup] = {};
  for (int k = lane * kVec; k < width; k += 32 * kVec) {
    float wv[kVec];
    load8(wr + k, wv);
#pragma unroll
    for (int r = 0; r < kGroup; ++r) {
      if (r >= rows) break;
      const float4* h = reinterpret_cast<const float4*>(first_tokens + r * width + k);
      const float4 lo = h[0], hi = h[1];
      acc[r] += wv[0] * lo.x + wv[1] * lo.y + wv[2] * lo.z + wv[3] * lo.w + wv[4] * hi.x + wv[5] * hi.y +
                wv[6] * hi.z + wv[7] * hi.w;
    }
  }
  store_group<T>(acc, rows, b0, n, width, bias, out);
}

template <typename T>
__global__ void pooler_kernel(const T* hidden, const int32_t* offsets, int batch, int width, const T* w,
                              const T* bias, float* out) {
  const int64_t warp = (blockIdx.x * int64_t{blockDim.x} + threadIdx.x) >> 5;
  const int lane = threadIdx.x & 31;
  const int groups = (batch + kGroup - 1) / kGroup;
  if (warp >= int64_t{width} * groups) return;
  const int n = static_cast<int>(warp % width), b0 = static_cast<int>(warp / width) * kGroup;
  const int rows = min(kGroup, batch - b0);
  const T* wr = w + int64_t{n} * width;
  const T* h[kGroup];
#pragma unroll
  for (int r = 0; r < kGroup; ++r) h[r] = hidden + int64_t{offsets[b0 + min(r, rows - 1)]} * width;
  float acc[kGroup] = {};
  for (int k = lane; k < width; k += 32) {
    const float wv = to_f32<T>(wr[k]);
#pragma unroll
    for (int r = 0; r < kGroup; ++r) {
      if (r >= rows) break;
      acc[r] += wv * to_f32<T>(h[r][k]);
    }
  }
  store_group<T>(acc, rows, b0, n, width, bias, out);
}

}  // namespace

// ---- launchers ----
void launch_pooler(DType dt, const void* hidden, const int32_t* offsets, int64_t batch, int64_t width,
                   const void* w, const void* bias, float* out, cudaStream_t stream) {
  SAMP_REQUIRE(batch > 0 && batch < (int64_t{1} << 24) && width > 0 && width < (int64_t{1} << 24), SAMP_INVALID,
               "pooler: bad sizes");
  const int b = static_cast<int>(batch), n = static_cast<int>(width);
  const unsigned groups = static_cast<unsigned>((batch + kGroup - 1) / kGroup);
  if (width % kVec == 0 && width <= kMaxStaged && aligned_to(w, 16) && aligned_to(hidden, 16)) {
    const dim3 grid(static_cast<unsigned>((width + kWarpsPerBlock - 1) / kWarpsPerBlock), groups);
    const size_t smem = sizeof(float) * kGroup * width;
    SAMP_DISPATCH_DTYPE(dt, T,
                        launch_overlapped(pooler_staged_kernel<T>, grid, 32 * kWarpsPerBlock, smem, stream,
                                          static_cast<const T*>(hidden), offsets, b, n, static_cast<const T*>(w),
                                          static_cast<const T*>(bias), out));
    return;
  }
  const int64_t threads = width * groups * 32;
  const unsigned grid = static_cast<unsigned>((threads + 255) / 256);
  SAMP_DISPATCH_DTYPE(dt, T,
                      pooler_kernel<T><<<grid, 256, 0, stream>>>(static_cast<const T*>(hidden), offsets, b, n,
                                                                 static_cast<const T*>(w),
                                                                 static_cast<const T*>(bias), out));
  SAMP_CUDA_LAUNCHED();
}

}  // namespace samp::cuda
