// Checks the fused FP8 attention-output GEMM + residual + LayerNorm kernel (sm90/gemm_layernorm_sm90.cu) against a
// plain fp32 reference of the same arithmetic on the host (output codes that differ, and by how many steps), for
// E4M3 and INT8 residuals and outputs and row counts that do and do not fill the last tile, and times it as a CUDA
// graph of back-to-back launches. On the GPU machine:
//   P=tools/gpu/probe; nvcc -O3 -std=c++17 -gencode=arch=compute_90a,code=sm_90a -I packages/kernels-cuda/native/src \
//     $P/gemm_layernorm_probe.cu $P/sm90/gemm_layernorm_sm90.cu $P/sm90/tensor_map.cc -o /tmp/gln
//   /tmp/gln 4096 8192 1000
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "sm90/gemm_layernorm_sm90.h"
#include "probe_support.h"

using namespace samp::cuda;

namespace {

uint32_t seed = 12345;
float rnd() {  // uniform in [-1, 1)
  seed = seed * 1664525u + 1013904223u;
  return static_cast<float>(seed >> 8) / 8388608.0f - 1.0f;
}

int8_t enc(float v, bool fp8) {
  if (fp8) return static_cast<int8_t>(__nv_cvt_float_to_fp8(v, __NV_SATFINITE, __NV_E4M3));
  return static_cast<int8_t>(std::fmin(std::fmax(std::rint(v), -127.0f), 127.0f));
}
float dec(int8_t c, bool fp8) {
  if (fp8) return __half2float(__half(__nv_cvt_fp8_to_halfraw(static_cast<__nv_fp8_storage_t>(c), __NV_E4M3)));
  return static_cast<float>(c);
}

template <typename T>
T* upload(const std::vector<T>& v) {
  T* d = nullptr;
  CK(cudaMalloc(&d, sizeof(T) * v.size()));
  CK(cudaMemcpy(d, v.data(), sizeof(T) * v.size(), cudaMemcpyHostToDevice));
  return d;
}

void run(int64_t m, bool fp8, cudaStream_t s) {
  const int64_t n = 768, k = 768;
  std::vector<int8_t> a(m * k), w(n * k), res(m * n);
  std::vector<float> alpha(n), bias(n), gamma(n), beta(n);
  for (auto& x : a) x = enc(rnd() * 4.0f, true);
  for (auto& x : w) x = enc(rnd() * 4.0f, true);
  for (int64_t c = 0; c < n; ++c)
    alpha[c] = 0.01f * (1.0f + 0.5f * rnd()), bias[c] = 0.2f * rnd(), gamma[c] = 1.0f + 0.2f * rnd(),
    beta[c] = 0.1f * rnd();
  const float res_scale = fp8 ? 0.02f : 0.04f, out_inv = fp8 ? 64.0f : 30.0f;
  for (auto& x : res) x = enc(rnd() * (fp8 ? 200.0f : 120.0f), fp8);
  Fp8GemmLayerNorm g;
  g.a = upload(a), g.w = upload(w), g.alpha = upload(alpha), g.bias = upload(bias), g.gamma = upload(gamma);
  g.beta = upload(beta), g.eps = 1e-12f, g.m = m, g.n = n, g.k = k;
  g.residual = Q8Load{upload(res), res_scale, fp8};
  int8_t* out = nullptr;
  CK(cudaMalloc(&out, m * n));
  CK(cudaMemset(out, 0x55, m * n));
  g.out = Q8Store{out, out_inv, fp8};
  if (!fp8_gemm_layernorm_supported(g)) {
    std::printf("m=%ld: not supported here\n", m);
    return;
  }
  launch_fp8_gemm_layernorm(g, s);
  CK(cudaStreamSynchronize(s));
  std::vector<int8_t> got(m * n);
  CK(cudaMemcpy(got.data(), out, m * n, cudaMemcpyDeviceToHost));
  // the reference: fp32 products of the decoded codes, the same two-pass LayerNorm
  std::vector<float> wd(n * k), x(n);
  for (int64_t i = 0; i < n * k; ++i) wd[i] = dec(w[i], true);
  int64_t differ = 0, far = 0;
  for (int64_t r = 0; r < m; ++r) {
    std::vector<float> ad(k);
    for (int64_t i = 0; i < k; ++i) ad[i] = dec(a[r * k + i], true);
    double sum = 0;
    for (int64_t c = 0; c < n; ++c) {
      float dot = 0;
      for (int64_t i = 0; i < k; ++i) dot += ad[i] * wd[c * k + i];
      x[c] = dot * alpha[c] + bias[c] + res_scale * dec(res[r * n + c], fp8);
      sum += x[c];
    }
    const float mean = static_cast<float>(sum / n);
    double sq = 0;
    for (int64_t c = 0; c < n; ++c) sq += (x[c] - mean) * (x[c] - mean);
    const float rstd = 1.0f / std::sqrt(static_cast<float>(sq / n) + g.eps);
    for (int64_t c = 0; c < n; ++c) {
      const int8_t want = enc(((x[c] - mean) * rstd * gamma[c] + beta[c]) * out_inv, fp8);
      const int8_t have = got[r * n + c];
      if (want != have) {
        ++differ;
        // steps apart: E4M3 codes of one sign are ordered like their values; INT8 codes are the values
        const int d = fp8 ? std::abs((want & 0x7f) - (have & 0x7f)) + ((want ^ have) & 0x80 ? 100 : 0)
                          : std::abs(want - have);
        if (d > 1) ++far;
      }
    }
  }
  const float us = time_graph(s, [&] { launch_fp8_gemm_layernorm(g, s); }, 20);
  std::printf("m=%ld %s: %ld of %ld codes differ from the reference (%ld by more than one step); %.2f us per launch\n",
              m, fp8 ? "e4m3" : "int8", differ, m * n, far, us);
}

}  // namespace

int main(int argc, char** argv) {
  cudaStream_t s;
  CK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  for (int i = 1; i < argc; ++i)
    for (bool fp8 : {true, false}) run(std::atol(argv[i]), fp8, s);
  return 0;
}
