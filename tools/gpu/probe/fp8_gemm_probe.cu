// Checks and times the own FP8 GEMM for Hopper (sm90/gemm_fp8_sm90.cu) at BERT-base's four GEMM shapes, with
// each tile shape: the output against a plain fp32 reference of the same arithmetic (fp16 outputs: largest error;
// E4M3 outputs: codes that differ), and us per launch as a CUDA graph of back-to-back launches. lt_search_probe.cc
// times cuBLASLt at the same shapes. On the GPU machine:
//   nvcc -O3 -std=c++17 -gencode=arch=compute_90a,code=sm_90a -I packages/kernels-cuda/native/src \
//     tools/gpu/probe/fp8_gemm_probe.cu tools/gpu/probe/sm90/gemm_fp8_sm90.cu \
//     tools/gpu/probe/sm90/tensor_map.cc -o /tmp/fp8-gemm
//   /tmp/fp8-gemm 4096 8192
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include <cmath>
#include <vector>

#include "sm90/gemm_fp8_sm90.h"
#include "probe_support.h"

using namespace samp::cuda;

namespace {

__host__ __device__ float decode(uint8_t v) {
  return __half2float(__half(__nv_cvt_fp8_to_halfraw(static_cast<__nv_fp8_storage_t>(v), __NV_E4M3)));
}

__global__ void reference(const uint8_t* a, const uint8_t* w, int n, int k, float alpha, const float* bias, bool gelu,
                          float* out) {
  const int row = blockIdx.y, col = blockIdx.x * blockDim.x + threadIdx.x;
  if (col >= n) return;
  float s = 0.0f;
  for (int i = 0; i < k; ++i) s += decode(a[int64_t{row} * k + i]) * decode(w[int64_t{col} * k + i]);
  float y = s * alpha + (bias ? bias[col] : 0.0f);
  if (gelu) y = 0.5f * y * (1.0f + tanhf(0.7978845608028654f * (y + 0.044715f * y * y * y)));
  out[int64_t{row} * n + col] = y;
}

std::vector<uint8_t> random_codes(int64_t count, float range, uint32_t seed) {
  std::vector<uint8_t> v(count);
  for (int64_t i = 0; i < count; ++i) {
    seed = seed * 1664525u + 1013904223u;
    const float x = range * (static_cast<float>(seed >> 8) / 8388608.0f - 1.0f);
    v[i] = __nv_cvt_float_to_fp8(x, __NV_SATFINITE, __NV_E4M3);
  }
  return v;
}

struct Shape {
  const char* name;
  int64_t n, k;
  bool gelu, bias, out_fp8;
};

}  // namespace

int main(int argc, char** argv) {
  cudaDeviceProp p{};
  CK(cudaGetDeviceProperties(&p, 0));
  std::printf("# fp8_gemm_probe on %s: us per launch (graph of 20, median of 15 replays)\n", p.name);
  cudaStream_t s;
  CK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  const Shape shapes[] = {{"attention output", 768, 768, false, false, false},
                          {"qkv", 2304, 768, false, false, false},
                          {"ffn1 (bias, gelu, e4m3 out)", 3072, 768, true, true, true},
                          {"ffn2", 768, 3072, false, false, false}};
  const float alpha = 0.5f, inv = 16.0f;
  float *d_alpha, *d_inv;
  CK(cudaMalloc(&d_alpha, 4));
  CK(cudaMalloc(&d_inv, 4));
  CK(cudaMemcpy(d_alpha, &alpha, 4, cudaMemcpyHostToDevice));
  CK(cudaMemcpy(d_inv, &inv, 4, cudaMemcpyHostToDevice));
  for (int ai = 1; ai < argc; ++ai) {
    const int64_t m = std::atoll(argv[ai]);
    for (const Shape& sh : shapes) {
      const std::vector<uint8_t> ha = random_codes(m * sh.k, 2.0f, 7), hw = random_codes(sh.n * sh.k, 0.25f, 11);
      std::vector<float> hb(sh.n);
      for (int64_t j = 0; j < sh.n; ++j) hb[j] = 0.01f * static_cast<float>(j % 17) - 0.08f;
      uint8_t *a, *w;
      float *bias, *ref;
      void* out;
      const size_t ob = sh.out_fp8 ? 1 : 2;
      CK(cudaMalloc(&a, ha.size()));
      CK(cudaMalloc(&w, hw.size()));
      CK(cudaMalloc(&bias, sh.n * 4));
      CK(cudaMalloc(&ref, m * sh.n * 4));
      CK(cudaMalloc(&out, m * sh.n * ob));
      CK(cudaMemcpy(a, ha.data(), ha.size(), cudaMemcpyHostToDevice));
      CK(cudaMemcpy(w, hw.data(), hw.size(), cudaMemcpyHostToDevice));
      CK(cudaMemcpy(bias, hb.data(), sh.n * 4, cudaMemcpyHostToDevice));
      reference<<<dim3(static_cast<unsigned>((sh.n + 127) / 128), static_cast<unsigned>(m)), 128, 0, s>>>(
          a, w, static_cast<int>(sh.n), static_cast<int>(sh.k), alpha, sh.bias ? bias : nullptr, sh.gelu, ref);
      CK(cudaStreamSynchronize(s));
      std::vector<float> want(m * sh.n);
      CK(cudaMemcpy(want.data(), ref, want.size() * 4, cudaMemcpyDeviceToHost));
      for (Fp8Sm90Tile tile : {Fp8Sm90Tile::n128, Fp8Sm90Tile::n256}) {
        Fp8Sm90Gemm g;
        g.a = a, g.w = w, g.alpha = d_alpha, g.bias = sh.bias ? bias : nullptr, g.out_inv_scale = d_inv, g.out = out;
        g.m = m, g.n = sh.n, g.k = sh.k, g.gelu = sh.gelu, g.out_fp8 = sh.out_fp8;
        const char* tname = tile == Fp8Sm90Tile::n128 ? "128x128" : "128x256";
        if (!fp8_sm90_supported(g, tile)) {
          std::printf("m %5lld %-28s %s: not supported\n", static_cast<long long>(m), sh.name, tname);
          continue;
        }
        CK(cudaMemset(out, 0, m * sh.n * ob));
        launch_fp8_sm90_gemm(g, tile, s);
        CK(cudaStreamSynchronize(s));
        std::vector<uint8_t> got(m * sh.n * ob);
        CK(cudaMemcpy(got.data(), out, got.size(), cudaMemcpyDeviceToHost));
        double worst = 0.0, peak = 0.0;
        int64_t unlike = 0;
        for (int64_t i = 0; i < m * sh.n; ++i) {
          peak = std::max(peak, static_cast<double>(std::fabs(want[i])));
          if (sh.out_fp8) {
            const uint8_t code = __nv_cvt_float_to_fp8(want[i] * inv, __NV_SATFINITE, __NV_E4M3);
            unlike += code != got[i];
            worst = std::max(worst, static_cast<double>(std::fabs(decode(got[i]) / inv - want[i])));
          } else {
            const float v = __half2float(reinterpret_cast<const __half*>(got.data())[i]);
            worst = std::max(worst, static_cast<double>(std::fabs(v - want[i])));
          }
        }
        const float us = time_graph(s, [&] { launch_fp8_sm90_gemm(g, tile, s); }, 20);
        std::printf("m %5lld %-28s %s: %7.2f us %6.0f TFLOP/s  largest error %.4f (largest value %.2f)%s%lld\n",
                    static_cast<long long>(m), sh.name, tname, us, 2.0 * m * sh.n * sh.k / us * 1e-6, worst, peak,
                    sh.out_fp8 ? "  codes unlike the reference's " : "", static_cast<long long>(unlike));
      }
      cudaFree(a), cudaFree(w), cudaFree(bias), cudaFree(ref), cudaFree(out);
    }
  }
  return 0;
}
