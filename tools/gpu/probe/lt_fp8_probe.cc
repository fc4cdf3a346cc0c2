// Which FP8 GEMM configurations cuBLASLt accepts on this GPU, and how fast they run: scale modes (per tensor or
// outer vector), output type and epilogue, at a BERT FFN shape, beside fp16. A diagnostic for the CUDA backend's
// FP8 path (cuda/gemm_lt.cc). Build and run on the GPU machine:
//   nvcc -O2 -std=c++17 tools/gpu/probe/lt_fp8_probe.cc -lcublasLt -o /tmp/probe && /tmp/probe [m n k]
#include <cublasLt.h>
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

const char* type_name(cudaDataType_t t) {
  return t == CUDA_R_16F ? "fp16" : t == CUDA_R_16BF ? "bf16" : t == CUDA_R_8F_E4M3 ? "e4m3" : "fp32";
}

struct Case {
  bool fp8, outer_a, outer_b;
  cudaDataType_t d;
  cublasLtEpilogue_t epilogue;
};

float run_case(cublasLtHandle_t h, const Case& c, int64_t m, int64_t n, int64_t k, void* a, void* w, void* out,
               void* bias, float* vec_a, float* vec_b, float* scalar, void* ws, size_t ws_size) {
  cublasLtMatmulDesc_t desc;
  cublasLtMatmulDescCreate(&desc, CUBLAS_COMPUTE_32F, CUDA_R_32F);
  const cublasOperation_t t = CUBLAS_OP_T, nt = CUBLAS_OP_N;
  cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSA, &t, sizeof t);
  cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSB, &nt, sizeof nt);
  cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_EPILOGUE, &c.epilogue, sizeof c.epilogue);
  cudaDataType_t ab = c.fp8 ? CUDA_R_8F_E4M3 : CUDA_R_16F;
  cudaDataType_t ct = c.d == CUDA_R_8F_E4M3 ? CUDA_R_16F : c.d;
  if (c.fp8) {
    const cublasLtMatmulMatrixScale_t outer = CUBLASLT_MATMUL_MATRIX_SCALE_OUTER_VEC_32F;
    if (c.outer_a) cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_A_SCALE_MODE, &outer, sizeof outer);
    if (c.outer_b) cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_B_SCALE_MODE, &outer, sizeof outer);
    const void* pa = c.outer_a ? vec_a : scalar;
    const void* pb = c.outer_b ? vec_b : scalar;
    cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, &pa, sizeof pa);
    cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, &pb, sizeof pb);
    if (c.d == CUDA_R_8F_E4M3) {
      const void* pd = scalar;
      cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_D_SCALE_POINTER, &pd, sizeof pd);
    }
    if (c.epilogue != CUBLASLT_EPILOGUE_DEFAULT) {
      const cudaDataType_t bt = ct;
      cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE, &bt, sizeof bt);
    }
  }
  if (c.epilogue != CUBLASLT_EPILOGUE_DEFAULT)
    cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof bias);
  cublasLtMatrixLayout_t lw, la, lc, ld;
  cublasLtMatrixLayoutCreate(&lw, ab, k, n, k);
  cublasLtMatrixLayoutCreate(&la, ab, k, m, k);
  cublasLtMatrixLayoutCreate(&lc, ct, n, m, n);
  cublasLtMatrixLayoutCreate(&ld, c.d, n, m, n);
  cublasLtMatmulPreference_t pref;
  cublasLtMatmulPreferenceCreate(&pref);
  cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws_size, sizeof ws_size);
  cublasLtMatmulHeuristicResult_t r[4] = {};
  int got = 0;
  const cublasStatus_t st = cublasLtMatmulAlgoGetHeuristic(h, desc, lw, la, lc, ld, pref, 4, r, &got);
  float ms = -1.0f;
  if (st == CUBLAS_STATUS_SUCCESS && got > 0) {
    const float alpha = 1.0f, beta = 0.0f;
    cudaEvent_t e0, e1;
    cudaEventCreate(&e0);
    cudaEventCreate(&e1);
    for (int i = 0; i < 5; ++i)
      cublasLtMatmul(h, desc, &alpha, w, lw, a, la, &beta, out, lc, out, ld, &r[0].algo, ws, ws_size, 0);
    cudaEventRecord(e0);
    const int reps = 50;
    cublasStatus_t run = CUBLAS_STATUS_SUCCESS;
    for (int i = 0; i < reps; ++i)
      run = cublasLtMatmul(h, desc, &alpha, w, lw, a, la, &beta, out, lc, out, ld, &r[0].algo, ws, ws_size, 0);
    cudaEventRecord(e1);
    cudaEventSynchronize(e1);
    cudaEventElapsedTime(&ms, e0, e1);
    ms /= reps;
    if (run != CUBLAS_STATUS_SUCCESS || cudaGetLastError() != cudaSuccess) ms = -2.0f;
  }
  std::printf("%-5s A %-6s B %-6s D %-5s epilogue %-9s heuristic %-28s algos %d  %s%.4f ms  %.0f TFLOP/s\n",
              c.fp8 ? "fp8" : "fp16", c.outer_a ? "vector" : "scalar", c.outer_b ? "vector" : "scalar",
              type_name(c.d),
              c.epilogue == CUBLASLT_EPILOGUE_DEFAULT ? "none" : c.epilogue == CUBLASLT_EPILOGUE_BIAS ? "bias" : "gelu_bias",
              cublasLtGetStatusName(st), got, ms < 0 ? "n/a " : "", ms, ms > 0 ? 2.0 * m * n * k / ms / 1e9 : 0.0);
  cublasLtMatmulPreferenceDestroy(pref);
  cublasLtMatrixLayoutDestroy(lw);
  cublasLtMatrixLayoutDestroy(la);
  cublasLtMatrixLayoutDestroy(lc);
  cublasLtMatrixLayoutDestroy(ld);
  cublasLtMatmulDescDestroy(desc);
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t m = argc > 3 ? std::atoll(argv[1]) : 8192, n = argc > 3 ? std::atoll(argv[2]) : 3072,
                k = argc > 3 ? std::atoll(argv[3]) : 768;
  std::printf("cuBLASLt %zu, m=%lld n=%lld k=%lld\n", cublasLtGetVersion(), (long long)m, (long long)n, (long long)k);
  cublasLtHandle_t h;
  cublasLtCreate(&h);
  void *a, *w, *out, *bias, *ws;
  float *vec_a, *vec_b, *scalar;
  const size_t ws_size = size_t{32} << 20;
  cudaMalloc(&a, m * k * 2);
  cudaMalloc(&w, n * k * 2);
  cudaMalloc(&out, m * n * 4);
  cudaMalloc(&bias, n * 4);
  cudaMalloc(&ws, ws_size);
  cudaMemset(a, 0x38, m * k * 2);
  cudaMemset(w, 0x38, n * k * 2);
  cudaMemset(bias, 0, n * 4);
  std::vector<float> ones(static_cast<size_t>(m > n ? m : n), 1.0f / 64);
  cudaMalloc(&vec_a, ones.size() * 4);
  cudaMalloc(&vec_b, ones.size() * 4);
  cudaMalloc(&scalar, 4);
  cudaMemcpy(vec_a, ones.data(), ones.size() * 4, cudaMemcpyHostToDevice);
  cudaMemcpy(vec_b, ones.data(), ones.size() * 4, cudaMemcpyHostToDevice);
  cudaMemcpy(scalar, ones.data(), 4, cudaMemcpyHostToDevice);
  for (cublasLtEpilogue_t ep : {CUBLASLT_EPILOGUE_DEFAULT, CUBLASLT_EPILOGUE_BIAS, CUBLASLT_EPILOGUE_GELU_BIAS})
    run_case(h, {false, false, false, CUDA_R_16F, ep}, m, n, k, a, w, out, bias, vec_a, vec_b, scalar, ws, ws_size);
  for (int scales = 0; scales < 3; ++scales)
    for (cudaDataType_t d : {CUDA_R_16F, CUDA_R_16BF, CUDA_R_8F_E4M3})
      for (cublasLtEpilogue_t ep : {CUBLASLT_EPILOGUE_DEFAULT, CUBLASLT_EPILOGUE_BIAS, CUBLASLT_EPILOGUE_GELU_BIAS})
        run_case(h, {true, scales >= 1, scales == 2, d, ep}, m, n, k, a, w, out, bias, vec_a, vec_b, scalar, ws, ws_size);
  cublasLtDestroy(h);
  return 0;
}
