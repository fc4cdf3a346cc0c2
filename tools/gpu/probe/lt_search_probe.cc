// How much of a GEMM's time cuBLASLt's choice of algorithm leaves on the table: for GEMM shapes given on the command
// line (m,n,k ...), times every candidate the heuristic offers for the operand / output / epilogue combinations
// samp's layers use, and prints the fastest with its configuration. With LT_PROBE_SEARCH=1 it also times each of
// those candidates with every tile shape its algorithm offers and split-K 1-4 (the candidate index then counts
// those variants after the heuristic's). lt_fp8_probe.cc is the companion that checks which FP8 configurations run
// at all. Row-major C[m,n] = A[m,k] W[n,k]^T as samp computes it (TN, column-major C^T). On the GPU machine:
//   nvcc -O2 -std=c++17 tools/gpu/probe/lt_search_probe.cc -lcublasLt -o /tmp/lt-search
//   [LT_PROBE_SEARCH=1] /tmp/lt-search 4096,3072,768 4096,768,3072 ...
#include <cublasLt.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#define CK(x)                                                                   \
  do {                                                                          \
    auto st_ = (x);                                                             \
    if (static_cast<int>(st_) != 0) {                                           \
      std::fprintf(stderr, "%s failed (%d) at line %d\n", #x, static_cast<int>(st_), __LINE__); \
      std::exit(1);                                                             \
    }                                                                           \
  } while (0)

struct Combo {
  const char* name;
  cudaDataType_t ab, d;
  cublasLtEpilogue_t epilogue;
};

struct Config {
  int tile = 0, stages = 0, splitk = 0, cluster = 0, swizzle = 0, id = 0;
};

Config config_of(const cublasLtMatmulAlgo_t& a) {
  Config c;
  size_t w = 0;
  cublasLtMatmulAlgoConfigGetAttribute(&a, CUBLASLT_ALGO_CONFIG_ID, &c.id, sizeof c.id, &w);
  cublasLtMatmulAlgoConfigGetAttribute(&a, CUBLASLT_ALGO_CONFIG_TILE_ID, &c.tile, sizeof c.tile, &w);
  cublasLtMatmulAlgoConfigGetAttribute(&a, CUBLASLT_ALGO_CONFIG_STAGES_ID, &c.stages, sizeof c.stages, &w);
  cublasLtMatmulAlgoConfigGetAttribute(&a, CUBLASLT_ALGO_CONFIG_SPLITK_NUM, &c.splitk, sizeof c.splitk, &w);
  cublasLtMatmulAlgoConfigGetAttribute(&a, CUBLASLT_ALGO_CONFIG_CLUSTER_SHAPE_ID, &c.cluster, sizeof c.cluster, &w);
  cublasLtMatmulAlgoConfigGetAttribute(&a, CUBLASLT_ALGO_CONFIG_CTA_SWIZZLING, &c.swizzle, sizeof c.swizzle, &w);
  return c;
}

/** Variants of a heuristic candidate: every tile the algorithm offers x split-K 1-4 (each reduction scheme it
 * supports), those cuBLASLt accepts for the problem. */
std::vector<cublasLtMatmulAlgo_t> variants(cublasLtHandle_t lt, cublasLtMatmulDesc_t desc, cublasLtMatrixLayout_t lw,
                                           cublasLtMatrixLayout_t la, cublasLtMatrixLayout_t lc,
                                           cublasLtMatrixLayout_t ld, const cublasLtMatmulAlgo_t& base,
                                           size_t ws_bytes) {
  std::vector<cublasLtMatmulAlgo_t> out;
  size_t bytes = 0;
  cublasLtMatmulAlgoCapGetAttribute(&base, CUBLASLT_ALGO_CAP_TILE_IDS, nullptr, 0, &bytes);
  std::vector<int> tiles(bytes / sizeof(int));
  if (!tiles.empty())
    cublasLtMatmulAlgoCapGetAttribute(&base, CUBLASLT_ALGO_CAP_TILE_IDS, tiles.data(), bytes, &bytes);
  const Config c0 = config_of(base);
  if (std::find(tiles.begin(), tiles.end(), c0.tile) == tiles.end()) tiles.push_back(c0.tile);
  int splitk_ok = 0;
  uint32_t schemes = 0;
  cublasLtMatmulAlgoCapGetAttribute(&base, CUBLASLT_ALGO_CAP_SPLITK_SUPPORT, &splitk_ok, sizeof splitk_ok, &bytes);
  cublasLtMatmulAlgoCapGetAttribute(&base, CUBLASLT_ALGO_CAP_REDUCTION_SCHEME_MASK, &schemes, sizeof schemes, &bytes);
  for (int tile : tiles)
    for (int splitk = 1; splitk <= (splitk_ok ? 4 : 1); ++splitk)
      for (uint32_t scheme : {0u, 1u, 2u, 4u}) {
        if ((splitk == 1) != (scheme == 0) || (scheme && !(schemes & scheme))) continue;
        cublasLtMatmulAlgo_t a = base;
        cublasLtMatmulAlgoConfigSetAttribute(&a, CUBLASLT_ALGO_CONFIG_TILE_ID, &tile, sizeof tile);
        cublasLtMatmulAlgoConfigSetAttribute(&a, CUBLASLT_ALGO_CONFIG_SPLITK_NUM, &splitk, sizeof splitk);
        cublasLtMatmulAlgoConfigSetAttribute(&a, CUBLASLT_ALGO_CONFIG_REDUCTION_SCHEME, &scheme, sizeof scheme);
        cublasLtMatmulHeuristicResult_t check = {};
        if (cublasLtMatmulAlgoCheck(lt, desc, lw, la, lc, ld, &a, &check) == CUBLAS_STATUS_SUCCESS &&
            check.workspaceSize <= ws_bytes)
          out.push_back(a);
      }
  return out;
}

int main(int argc, char** argv) {
  const bool search = std::getenv("LT_PROBE_SEARCH") != nullptr;
  cublasLtHandle_t lt;
  CK(cublasLtCreate(&lt));
  const size_t ws_bytes = size_t{64} << 20;
  void* ws = nullptr;
  CK(cudaMalloc(&ws, ws_bytes));
  cudaStream_t stream;
  CK(cudaStreamCreate(&stream));
  cudaEvent_t start, stop;
  CK(cudaEventCreate(&start));
  CK(cudaEventCreate(&stop));
  const Combo combos[] = {
      {"fp8 -> e4m3, gelu+bias", CUDA_R_8F_E4M3, CUDA_R_8F_E4M3, CUBLASLT_EPILOGUE_GELU_BIAS},
      {"fp8 -> e4m3, bias", CUDA_R_8F_E4M3, CUDA_R_8F_E4M3, CUBLASLT_EPILOGUE_BIAS},
      {"fp8 -> e4m3, none", CUDA_R_8F_E4M3, CUDA_R_8F_E4M3, CUBLASLT_EPILOGUE_DEFAULT},
      {"fp8 -> fp16, gelu+bias", CUDA_R_8F_E4M3, CUDA_R_16F, CUBLASLT_EPILOGUE_GELU_BIAS},
      {"fp8 -> fp16, bias", CUDA_R_8F_E4M3, CUDA_R_16F, CUBLASLT_EPILOGUE_BIAS},
      {"fp8 -> fp16, none", CUDA_R_8F_E4M3, CUDA_R_16F, CUBLASLT_EPILOGUE_DEFAULT},
      {"fp16 -> fp16, gelu+bias", CUDA_R_16F, CUDA_R_16F, CUBLASLT_EPILOGUE_GELU_BIAS},
      {"fp16 -> fp16, bias", CUDA_R_16F, CUDA_R_16F, CUBLASLT_EPILOGUE_BIAS},
  };
  for (int s = 1; s < argc; ++s) {
    int64_t m = 0, n = 0, k = 0;
    if (std::sscanf(argv[s], "%ld,%ld,%ld", &m, &n, &k) != 3) {
      std::fprintf(stderr, "bad shape %s (want m,n,k)\n", argv[s]);
      return 2;
    }
    void *a = nullptr, *w = nullptr, *c = nullptr, *d = nullptr, *bias = nullptr;
    float* scales = nullptr;
    CK(cudaMalloc(&a, m * k * 2));
    CK(cudaMalloc(&w, n * k * 2));
    CK(cudaMalloc(&c, m * n * 2));
    CK(cudaMalloc(&d, m * n * 2));
    CK(cudaMalloc(&bias, n * 2));
    CK(cudaMalloc(&scales, 16 * sizeof(float)));  // one per 16 bytes: cuBLASLt refuses unaligned scale pointers
    CK(cudaMemset(a, 0x21, m * k * 2));  // small finite values in every type used
    CK(cudaMemset(w, 0x21, n * k * 2));
    CK(cudaMemset(bias, 0, n * 2));
    const std::vector<float> ones(16, 1.0f);
    CK(cudaMemcpy(scales, ones.data(), 16 * sizeof(float), cudaMemcpyHostToDevice));
    for (const Combo& combo : combos) {
      cublasLtMatmulDesc_t desc;
      CK(cublasLtMatmulDescCreate(&desc, CUBLAS_COMPUTE_32F, CUDA_R_32F));
      const cublasOperation_t tr = CUBLAS_OP_T, keep = CUBLAS_OP_N;
      CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSA, &tr, sizeof tr));
      CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSB, &keep, sizeof keep));
      CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_EPILOGUE, &combo.epilogue, sizeof combo.epilogue));
      const bool fp8 = combo.ab == CUDA_R_8F_E4M3;
      cudaDataType_t c_type = combo.d;
      if (combo.epilogue != CUBLASLT_EPILOGUE_DEFAULT) {
        CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof bias));
        const cudaDataType_t bt = CUDA_R_16F;
        if (fp8) CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE, &bt, sizeof bt));
      }
      if (fp8) {
        const int8_t fast = 1;
        CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_FAST_ACCUM, &fast, sizeof fast));
        const float* sa = scales;
        const float* sb = scales + 4;
        CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, &sa, sizeof sa));
        CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, &sb, sizeof sb));
        if (combo.d == CUDA_R_8F_E4M3) {
          const float* sd = scales + 8;
          CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_D_SCALE_POINTER, &sd, sizeof sd));
        }
        c_type = CUDA_R_16F;
      }
      cublasLtMatrixLayout_t lw, la, lc, ld;
      CK(cublasLtMatrixLayoutCreate(&lw, combo.ab, k, n, k));
      CK(cublasLtMatrixLayoutCreate(&la, combo.ab, k, m, k));
      CK(cublasLtMatrixLayoutCreate(&lc, c_type, n, m, n));
      CK(cublasLtMatrixLayoutCreate(&ld, combo.d, n, m, n));
      cublasLtMatmulPreference_t pref;
      CK(cublasLtMatmulPreferenceCreate(&pref));
      CK(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws_bytes,
                                              sizeof ws_bytes));
      cublasLtMatmulHeuristicResult_t res[64] = {};
      int got = 0;
      const cublasStatus_t hst = cublasLtMatmulAlgoGetHeuristic(lt, desc, lw, la, lc, ld, pref, 64, res, &got);
      const bool e4m3_out = fp8 && combo.d == CUDA_R_8F_E4M3;
      void* cbuf = e4m3_out ? c : d;  // an E4M3 output needs a separate fp16 C (beta 0: never read)
      std::vector<std::pair<float, int>> times;
      const float alpha = 1.0f, beta = 0.0f;
      int last_status = 0;
      std::vector<cublasLtMatmulAlgo_t> algos;
      for (int i = 0; hst == CUBLAS_STATUS_SUCCESS && i < got; ++i) algos.push_back(res[i].algo);
      if (search)
        for (int i = 0; hst == CUBLAS_STATUS_SUCCESS && i < got; ++i)
          for (const auto& v : variants(lt, desc, lw, la, lc, ld, res[i].algo, ws_bytes)) algos.push_back(v);
      for (int i = 0; i < static_cast<int>(algos.size()); ++i) {
        auto run = [&] {
          return cublasLtMatmul(lt, desc, &alpha, w, lw, a, la, &beta, cbuf, lc, d, ld, &algos[i], ws, ws_bytes,
                                stream);
        };
        const cublasStatus_t rst = run();
        if (rst != CUBLAS_STATUS_SUCCESS) {
          last_status = static_cast<int>(rst);
          continue;
        }
        std::vector<float> ms;
        for (int rep = 0; rep < (search ? 3 : 7); ++rep) {
          CK(cudaEventRecord(start, stream));
          for (int it = 0; it < 20; ++it) run();
          CK(cudaEventRecord(stop, stream));
          CK(cudaEventSynchronize(stop));
          float t = 0;
          CK(cudaEventElapsedTime(&t, start, stop));
          ms.push_back(t / 20);
        }
        std::sort(ms.begin(), ms.end());
        times.push_back({ms[ms.size() / 2], i});
      }
      if (times.empty()) {
        std::printf("%ld,%ld,%ld  %-26s no algorithm (heuristic status %d, %d offered, last run status %d)\n", m, n,
                    k, combo.name, static_cast<int>(hst), got, last_status);
      } else {
        const float first = times.front().first;  // the heuristic's first choice (when it ran)
        const auto best = *std::min_element(times.begin(), times.end());
        const Config cf = config_of(algos[best.second]);
        const double tflops = 2.0 * m * n * k / (best.first * 1e-3) / 1e12;
        std::printf("%ld,%ld,%ld  %-26s best %7.2f us (%6.0f TFLOP/s, candidate %2d of %2zu: algo %d tile %d stages %d "
                    "splitk %d cluster %d swizzle %d)  heuristic's first %7.2f us\n",
                    m, n, k, combo.name, best.first * 1e3, tflops, best.second, times.size(), cf.id, cf.tile,
                    cf.stages, cf.splitk, cf.cluster, cf.swizzle, first * 1e3);
      }
      std::fflush(stdout);
      cublasLtMatmulPreferenceDestroy(pref);
      cublasLtMatrixLayoutDestroy(lw);
      cublasLtMatrixLayoutDestroy(la);
      cublasLtMatrixLayoutDestroy(lc);
      cublasLtMatrixLayoutDestroy(ld);
      cublasLtMatmulDescDestroy(desc);
    }
    cudaFree(a), cudaFree(w), cudaFree(c), cudaFree(d), cudaFree(bias), cudaFree(scales);
  }
  cublasLtDestroy(lt);
  return 0;
}
