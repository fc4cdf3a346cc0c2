// Checks that the paired 8-bit conversions of cuda/q8.cuh (q8_encode2, q8_decode2) give exactly the codes and
// values of the one-at-a-time ones (q8_encode, q8_decode), for E4M3 and INT8: every fp32 bit pattern of a
// stride through the whole range (NaN and infinities included) at three scales, and every pair of codes. On the GPU
// machine:
//   S=packages/kernels-cuda/native/src; nvcc -O3 -std=c++17 -arch=sm_90a -I $S tools/gpu/probe/q8_pair_check.cu \
//     -o /tmp/q8-pair && /tmp/q8-pair
#include <cuda_runtime.h>

#include <cstdio>
#include <cstring>

#include "cuda/q8.cuh"

#include "probe_support.h"

using namespace samp::cuda;

namespace {

constexpr unsigned long long kStride = 97;  // fp32 bit patterns visited: 0, 97, 194, ... (44 M of them)

__global__ void encode_check(float inv_scale, bool fp8, unsigned long long* mismatches) {
  const unsigned long long step = 2ull * gridDim.x * blockDim.x;
  unsigned long long bad = 0;
  for (unsigned long long i = 2ull * (blockIdx.x * blockDim.x + threadIdx.x); i * kStride < (1ull << 32);
       i += step) {
    const unsigned a = static_cast<unsigned>(i * kStride), b = static_cast<unsigned>(((i + 1) * kStride) & 0xffffffffu);
    float lo, hi;
    memcpy(&lo, &a, 4);
    memcpy(&hi, &b, 4);
    const uint32_t two = q8_encode2(lo, hi, inv_scale, fp8);
    const uint32_t one = static_cast<uint8_t>(q8_encode(lo, inv_scale, fp8)) |
                         static_cast<uint32_t>(static_cast<uint8_t>(q8_encode(hi, inv_scale, fp8))) << 8;
    bad += two != one;
  }
  atomicAdd(mismatches, bad);
}

__global__ void decode_check(float scale, bool fp8, unsigned long long* mismatches) {
  const uint32_t two = blockIdx.x * blockDim.x + threadIdx.x;  // all 65536 pairs of codes
  const float2 f = q8_decode2(two, scale, fp8);
  const float lo = q8_decode(static_cast<int8_t>(two & 0xff), scale, fp8);
  const float hi = q8_decode(static_cast<int8_t>(two >> 8), scale, fp8);
  // compare bit patterns (NaN codes of E4M3 decode to NaN both ways)
  unsigned x, y, u, v;
  memcpy(&x, &f.x, 4), memcpy(&y, &f.y, 4), memcpy(&u, &lo, 4), memcpy(&v, &hi, 4);
  if (x != u || y != v) atomicAdd(mismatches, 1ull);
}

}  // namespace

int main() {
  unsigned long long* bad;
  CK(cudaMallocManaged(&bad, sizeof(unsigned long long)));
  int failed = 0;
  for (const bool fp8 : {true, false}) {
    for (const float scale : {1.0f, 0.0123f, 37.5f}) {
      *bad = 0;
      encode_check<<<1024, 256>>>(1.0f / scale, fp8, bad);
      CK(cudaDeviceSynchronize());
      const unsigned long long enc = *bad;
      *bad = 0;
      decode_check<<<256, 256>>>(scale, fp8, bad);
      CK(cudaDeviceSynchronize());
      std::printf("%s scale %g: encode mismatches %llu, decode mismatches %llu\n", fp8 ? "e4m3" : "int8", scale,
                  enc, *bad);
      failed += enc != 0 || *bad != 0;
    }
  }
  std::printf(failed ? "FAILED\n" : "identical\n");
  return failed ? 1 : 0;
}
