// Which FP8 GEMM configurations cuBLASLt accepts on this GPU, and how fast they run: scale modes (per tensor or
// outer vector), output type (and C type for an E4M3 output) and epilogue, at the BERT-base GEMM shapes, beside
// fp16. C and D are separate buffers: an earlier version passed one address for an fp16 C and an E4M3 D, which
// cuBLASLt accepts in the heuristic and then refuses to run. For E4M3 outputs the first element is read back and
// compared with the value the inputs give. A diagnostic for the CUDA backend's FP8 path (cuda/gemm_lt.cc). Build
// and run on the GPU machine:
//   nvcc -O2 -std=c++17 tools/gpu/probe/lt_fp8_probe.cc -lcublasLt -o /tmp/probe && /tmp/probe [--fast|--ffn1] [m n k]
#include <cublasLt.h>
#include <cuda_runtime.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

const char* type_name(cudaDataType_t t) {
  return t == CUDA_R_16F ? "fp16" : t == CUDA_R_16BF ? "bf16" : t == CUDA_R_8F_E4M3 ? "e4m3" : "fp32";
}

const char* epilogue_name(cublasLtEpilogue_t e) {
  return e == CUBLASLT_EPILOGUE_DEFAULT ? "none"
         : e == CUBLASLT_EPILOGUE_BIAS  ? "bias"
         : e == CUBLASLT_EPILOGUE_GELU  ? "gelu"
                                        : "gelu_bias";
}

bool has_bias(cublasLtEpilogue_t e) { return e == CUBLASLT_EPILOGUE_BIAS || e == CUBLASLT_EPILOGUE_GELU_BIAS; }
bool has_gelu(cublasLtEpilogue_t e) { return e == CUBLASLT_EPILOGUE_GELU || e == CUBLASLT_EPILOGUE_GELU_BIAS; }

/** E4M3 (finite, no infinities) to float. */
float e4m3_value(unsigned char b) {
  const int s = b >> 7, e = (b >> 3) & 15, m = b & 7;
  const float v = e == 0 ? std::ldexp(m / 8.0f, -6) : std::ldexp(1.0f + m / 8.0f, e - 7);
  return s ? -v : v;
}

struct Case {
  bool fp8, outer, fast_accum;
  cudaDataType_t c, d;
  cublasLtEpilogue_t epilogue;
};

struct Buffers {
  void *a, *w, *c, *d, *bias, *ws;
  float *vec_a, *vec_b, *scale, *one;
  size_t ws_size;
};

void run_case(cublasLtHandle_t h, const Case& cs, int64_t m, int64_t n, int64_t k, const Buffers& b) {
  cublasLtMatmulDesc_t desc;
  cublasLtMatmulDescCreate(&desc, CUBLAS_COMPUTE_32F, CUDA_R_32F);
  const cublasOperation_t t = CUBLAS_OP_T, nt = CUBLAS_OP_N;
  cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSA, &t, sizeof t);
  cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSB, &nt, sizeof nt);
  cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_EPILOGUE, &cs.epilogue, sizeof cs.epilogue);
  const cudaDataType_t ab = cs.fp8 ? CUDA_R_8F_E4M3 : CUDA_R_16F;
  if (cs.fp8) {
    const int8_t fast = cs.fast_accum ? 1 : 0;
    cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_FAST_ACCUM, &fast, sizeof fast);
    if (cs.outer) {
      const cublasLtMatmulMatrixScale_t outer = CUBLASLT_MATMUL_MATRIX_SCALE_OUTER_VEC_32F;
      cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_A_SCALE_MODE, &outer, sizeof outer);
      cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_B_SCALE_MODE, &outer, sizeof outer);
    }
    const void* pa = cs.outer ? b.vec_a : b.scale;
    const void* pb = cs.outer ? b.vec_b : b.scale;
    cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, &pa, sizeof pa);
    cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, &pb, sizeof pb);
    if (cs.d == CUDA_R_8F_E4M3) {
      const void* pd = b.one;
      cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_D_SCALE_POINTER, &pd, sizeof pd);
    }
    if (has_bias(cs.epilogue))
      cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE, &cs.c, sizeof cs.c);
  }
  if (has_bias(cs.epilogue))
    cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &b.bias, sizeof b.bias);
  cublasLtMatrixLayout_t lw, la, lc, ld;
  cublasLtMatrixLayoutCreate(&lw, ab, k, n, k);
  cublasLtMatrixLayoutCreate(&la, ab, k, m, k);
  cublasLtMatrixLayoutCreate(&lc, cs.c, n, m, n);
  cublasLtMatrixLayoutCreate(&ld, cs.d, n, m, n);
  cublasLtMatmulPreference_t pref;
  cublasLtMatmulPreferenceCreate(&pref);
  cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &b.ws_size, sizeof b.ws_size);
  cublasLtMatmulHeuristicResult_t r[8] = {};
  int got = 0;
  const cublasStatus_t st = cublasLtMatmulAlgoGetHeuristic(h, desc, lw, la, lc, ld, pref, 8, r, &got);
  float best = -1.0f;
  int runs = 0;
  const char* fail = "";
  void* d = cs.d == cs.c ? b.c : b.d;  // in place where the types match, as the backend runs fp16
  for (int i = 0; st == CUBLAS_STATUS_SUCCESS && i < got; ++i) {
    const float alpha = 1.0f, beta = 0.0f;
    auto mm = [&] {
      return cublasLtMatmul(h, desc, &alpha, b.w, lw, b.a, la, &beta, b.c, lc, d, ld, &r[i].algo, b.ws, b.ws_size, 0);
    };
    if (mm() != CUBLAS_STATUS_SUCCESS || cudaDeviceSynchronize() != cudaSuccess) {
      fail = cublasLtGetStatusName(mm());
      cudaGetLastError();
      continue;
    }
    ++runs;
    cudaEvent_t e0, e1;
    cudaEventCreate(&e0);
    cudaEventCreate(&e1);
    for (int w = 0; w < 10; ++w) mm();
    cudaEventRecord(e0);
    const int reps = 50;
    for (int rep = 0; rep < reps; ++rep) mm();
    cudaEventRecord(e1);
    cudaEventSynchronize(e1);
    float ms = 0;
    cudaEventElapsedTime(&ms, e0, e1);
    ms /= reps;
    if (best < 0 || ms < best) best = ms;
    cudaEventDestroy(e0);
    cudaEventDestroy(e1);
  }
  char check[64] = "";
  if (cs.d == CUDA_R_8F_E4M3 && runs > 0) {
    unsigned char first = 0;
    cudaMemcpy(&first, b.d, 1, cudaMemcpyDeviceToHost);
    // a = w = 1.0, scales 1/64 each: k / 4096, then GELU (erf and tanh forms agree to 1e-3 here)
    const double x = static_cast<double>(k) / 4096.0;
    const double want = has_gelu(cs.epilogue) ? 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))) : x;
    std::snprintf(check, sizeof check, "  D[0] %.4f want %.4f", e4m3_value(first), want);
  }
  std::printf("%5lld x %5lld x %5lld  %-4s %-6s %-5s C %-4s D %-4s %-9s heuristic %-26s algos %d ran %d %s  %s%.4f ms  %.0f TFLOP/s%s\n",
              (long long)m, (long long)n, (long long)k, cs.fp8 ? "fp8" : "fp16",
              cs.fp8 ? (cs.outer ? "vector" : "scalar") : "-", cs.fast_accum ? "fast" : "exact", type_name(cs.c),
              type_name(cs.d),
              epilogue_name(cs.epilogue), cublasLtGetStatusName(st), got, runs, fail, best < 0 ? "n/a " : "", best,
              best > 0 ? 2.0 * m * n * k / best / 1e9 : 0.0, check);
  cublasLtMatmulPreferenceDestroy(pref);
  cublasLtMatrixLayoutDestroy(lw);
  cublasLtMatrixLayoutDestroy(la);
  cublasLtMatrixLayoutDestroy(lc);
  cublasLtMatrixLayoutDestroy(ld);
  cublasLtMatmulDescDestroy(desc);
}

void* device_alloc(size_t bytes) {
  void* p = nullptr;
  cudaMalloc(&p, bytes);
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::vector<int64_t>> shapes;
  // --fast: only the backend's FP8 forms, with exact and with fast accumulation (CUBLASLT_MATMUL_DESC_FAST_ACCUM)
  const bool fast_only = argc > 1 && std::string(argv[1]) == "--fast";
  // --ffn1: what FFN1's epilogue costs (E4M3 out, per-tensor scales, fast accumulation): none, bias, GELU alone and
  // GELU with bias, at k = 768 and at k = 784, where the bias would ride in 16 extra input columns instead
  const bool ffn1 = argc > 1 && std::string(argv[1]) == "--ffn1";
  if (fast_only || ffn1) --argc, ++argv;
  if (ffn1) {
    for (int64_t m : {4096, 8192})
      for (int64_t k : {768, 784}) shapes.push_back({m, 3072, k});
  } else if (argc > 3) {
    shapes.push_back({std::atoll(argv[1]), std::atoll(argv[2]), std::atoll(argv[3])});
  } else {
    for (int64_t m : {8192, 4096, 1024})
      for (auto nk : {std::vector<int64_t>{2304, 768}, {768, 768}, {3072, 768}, {768, 3072}})
        shapes.push_back({m, nk[0], nk[1]});
  }
  std::printf("cuBLASLt %zu\n", cublasLtGetVersion());
  cublasLtHandle_t h;
  cublasLtCreate(&h);
  const int64_t most = 8192 * 3072;
  Buffers b;
  b.ws_size = size_t{32} << 20;
  b.a = device_alloc(most * 2);
  b.w = device_alloc(most * 2);
  b.c = device_alloc(most * 2);
  b.d = device_alloc(most);
  b.bias = device_alloc(8192 * 2);
  b.ws = device_alloc(b.ws_size);
  cudaMemset(b.a, 0x38, most * 2);  // 1.0 in E4M3 (and a small fp16 value)
  cudaMemset(b.w, 0x38, most * 2);
  cudaMemset(b.c, 0, most * 2);
  cudaMemset(b.bias, 0, 8192 * 2);
  std::vector<float> sixty_fourth(8192, 1.0f / 64), one(1, 1.0f);
  b.vec_a = static_cast<float*>(device_alloc(8192 * 4));
  b.vec_b = static_cast<float*>(device_alloc(8192 * 4));
  b.scale = static_cast<float*>(device_alloc(4));
  b.one = static_cast<float*>(device_alloc(4));
  cudaMemcpy(b.vec_a, sixty_fourth.data(), 8192 * 4, cudaMemcpyHostToDevice);
  cudaMemcpy(b.vec_b, sixty_fourth.data(), 8192 * 4, cudaMemcpyHostToDevice);
  cudaMemcpy(b.scale, sixty_fourth.data(), 4, cudaMemcpyHostToDevice);
  cudaMemcpy(b.one, one.data(), 4, cudaMemcpyHostToDevice);
  const cublasLtEpilogue_t epilogues[] = {CUBLASLT_EPILOGUE_DEFAULT, CUBLASLT_EPILOGUE_BIAS, CUBLASLT_EPILOGUE_GELU_BIAS};
  for (const auto& s : shapes) {
    const int64_t m = s[0], n = s[1], k = s[2];
    if (ffn1) {
      const cublasLtEpilogue_t all[] = {CUBLASLT_EPILOGUE_DEFAULT, CUBLASLT_EPILOGUE_BIAS, CUBLASLT_EPILOGUE_GELU,
                                        CUBLASLT_EPILOGUE_GELU_BIAS};
      for (auto ep : all) run_case(h, {true, false, true, CUDA_R_16F, CUDA_R_8F_E4M3, ep}, m, n, k, b);
      continue;
    }
    for (auto ep : epilogues) run_case(h, {false, false, false, CUDA_R_16F, CUDA_R_16F, ep}, m, n, k, b);
    if (fast_only) {
      // per-tensor scales, the backend's two output forms, exact and fast accumulation
      for (bool fast : {false, true}) {
        run_case(h, {true, false, fast, CUDA_R_16F, CUDA_R_16F, CUBLASLT_EPILOGUE_BIAS}, m, n, k, b);
        run_case(h, {true, false, fast, CUDA_R_16F, CUDA_R_8F_E4M3, CUBLASLT_EPILOGUE_GELU_BIAS}, m, n, k, b);
      }
      continue;
    }
    for (bool outer : {true, false}) {
      for (auto ep : epilogues) run_case(h, {true, outer, false, CUDA_R_16F, CUDA_R_16F, ep}, m, n, k, b);
      for (cudaDataType_t c : {CUDA_R_16F, CUDA_R_16BF})
        for (auto ep : epilogues) run_case(h, {true, outer, false, c, CUDA_R_8F_E4M3, ep}, m, n, k, b);
    }
  }
  cublasLtDestroy(h);
  return 0;
}
