// Whether cuBLASLt's GEMM kernels wait for the kernel before them when a CUDA graph lets them launch early
// (a programmatic edge: the GEMM may start once the kernel before it has triggered, and must itself execute
// griddepcontrol.wait before it reads), and what such an edge saves. For each GEMM shape given (m,n,k ...) and
// each operand / output / epilogue combination samp's layers use, every candidate of cuBLASLt's heuristic runs in a
// graph of `late writer -> GEMM -> check` steps: the writer triggers its dependents at once, spins, and only then
// writes the GEMM's input (a value that alternates step by step), so a GEMM that does not wait reads the previous
// step's input and the check counts wrong outputs. Two controls run the same graph with a kernel of the probe in the
// GEMM's place, one that waits and one that does not. Then the heuristic's first candidate is timed in graphs of
// back-to-back `writer -> GEMM` steps (the writer without its spin), with ordinary and with programmatic edges.
// Found on the H100 with cuBLASLt 13.1 (apps/bench/results/raw/lt-pdl-probe-h100-2026-11-25.txt): most nvjet
// kernels read their input before the kernel before them has written it (the control that waits reads nothing
// stale, the one that does not reads everything stale), so samp keeps ordinary edges into cuBLASLt's kernels.
// "programmatic edges 0": the GEMM's kernel does not follow the writer directly in the graph.
// On the GPU machine:
//   nvcc -O2 -std=c++17 -arch=sm_90a tools/gpu/probe/lt_pdl_probe.cu -L/usr/local/cuda/lib64/stubs -lcublasLt \
//     -lcuda -o /tmp/lt-pdl
//   /tmp/lt-pdl 4096,2304,768 4096,768,768 4096,3072,768 4096,768,3072 128,768,768
#include <cublasLt.h>
#include <cuda.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#define CK(x)                                                                                     \
  do {                                                                                            \
    const int st_ = static_cast<int>(x);                                                          \
    if (st_ != 0) {                                                                               \
      std::fprintf(stderr, "%s failed (%d) at line %d\n", #x, st_, __LINE__);                     \
      std::exit(1);                                                                               \
    }                                                                                             \
  } while (0)

namespace {

constexpr uint8_t kOne = 0x38, kTwo = 0x40, kFour = 0x48;  // E4M3 codes of 1.0, 2.0 and 4.0

__device__ __forceinline__ long long now_ns() {
  long long t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
  return t;
}

/** Lets its dependents launch at once, spins, then fills `a` with `code`. */
__global__ void late_writer(uint4* a, size_t n16, uint8_t code, long long spin_ns) {
  asm volatile("griddepcontrol.launch_dependents;" ::: "memory");
  const long long t0 = now_ns();
  while (now_ns() - t0 < spin_ns) {
  }
  const uint32_t w = code * 0x01010101u;
  for (size_t i = blockIdx.x * size_t{blockDim.x} + threadIdx.x; i < n16; i += size_t{gridDim.x} * blockDim.x)
    a[i] = make_uint4(w, w, w, w);
}

/** Counts outputs that differ from `expect`. */
__global__ void check_out(const __half* d, size_t n, float expect, unsigned* bad) {
  unsigned local = 0;
  for (size_t i = blockIdx.x * size_t{blockDim.x} + threadIdx.x; i < n; i += size_t{gridDim.x} * blockDim.x)
    local += __half2float(d[i]) != expect;
  if (local) atomicAdd(bad, local);
}

/** The controls: read `a` (after griddepcontrol.wait when `wait`) and count bytes that differ from `code`. */
__global__ void reader(const uint8_t* a, size_t n, uint8_t code, unsigned* bad, int wait) {
  if (wait) asm volatile("griddepcontrol.wait;" ::: "memory");
  unsigned local = 0;
  for (size_t i = blockIdx.x * size_t{blockDim.x} + threadIdx.x; i < n; i += size_t{gridDim.x} * blockDim.x)
    local += a[i] != code;
  if (local) atomicAdd(bad, local);
}

std::string kernel_name(cudaGraphNode_t node) {
  CUDA_KERNEL_NODE_PARAMS p = {};
  if (cuGraphKernelNodeGetParams(reinterpret_cast<CUgraphNode>(node), &p) != CUDA_SUCCESS) return "?";
  const char* name = nullptr;
  if (p.func && cuFuncGetName(&name, p.func) == CUDA_SUCCESS && name) return name;
  if (p.kern && cuKernelGetName(&name, p.kern) == CUDA_SUCCESS && name) return name;
  return "?";
}

bool is_kernel(cudaGraphNode_t n) {
  cudaGraphNodeType t;
  return cudaGraphNodeGetType(n, &t) == cudaSuccess && t == cudaGraphNodeTypeKernel;
}

/** Makes every kernel -> kernel edge whose target `pick` accepts programmatic; returns how many. Also collects the
 * names of the targets. */
int make_programmatic(cudaGraph_t g, const std::function<bool(const std::string&)>& pick,
                      std::vector<std::string>* names) {
  size_t n = 0;
  CK(cudaGraphGetEdges(g, nullptr, nullptr, nullptr, &n));
  std::vector<cudaGraphNode_t> from(n), to(n);
  std::vector<cudaGraphEdgeData> data(n);
  CK(cudaGraphGetEdges(g, from.data(), to.data(), data.data(), &n));
  int changed = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!is_kernel(from[i]) || !is_kernel(to[i])) continue;
    const std::string name = kernel_name(to[i]);
    if (!pick(name)) continue;
    if (names && std::find(names->begin(), names->end(), name) == names->end()) names->push_back(name);
    CK(cudaGraphRemoveDependencies(g, &from[i], &to[i], &data[i], 1));
    cudaGraphEdgeData e = {};
    e.from_port = cudaGraphKernelNodePortProgrammatic;
    e.type = cudaGraphDependencyTypeProgrammatic;
    CK(cudaGraphAddDependencies(g, &from[i], &to[i], &e, 1));
    ++changed;
  }
  return changed;
}

bool probe_kernel(const std::string& name) {
  return name.find("late_writer") != std::string::npos || name.find("check_out") != std::string::npos ||
         name.find("reader") != std::string::npos;
}

struct Gemm {
  cublasLtHandle_t lt;
  cublasLtMatmulDesc_t desc;
  cublasLtMatrixLayout_t lw, la, lc, ld;
  const void *w, *a;
  void *c, *d, *ws;
  size_t ws_bytes;
  cublasLtMatmulAlgo_t algo;
  void run(cudaStream_t s) const {
    const float alpha = 1.0f, beta = 0.0f;
    CK(cublasLtMatmul(lt, desc, &alpha, w, lw, a, la, &beta, c, lc, d, ld, &algo, ws, ws_bytes, s));
  }
};

float replay_ms(cudaGraph_t g, cudaStream_t s, int replays) {
  cudaGraphExec_t ge;
  CK(cudaGraphInstantiate(&ge, g, 0));
  cudaEvent_t a, z;
  CK(cudaEventCreate(&a));
  CK(cudaEventCreate(&z));
  std::vector<float> ms;
  for (int i = 0; i < replays + 2; ++i) {
    CK(cudaEventRecord(a, s));
    CK(cudaGraphLaunch(ge, s));
    CK(cudaEventRecord(z, s));
    CK(cudaEventSynchronize(z));
    float m = 0;
    CK(cudaEventElapsedTime(&m, a, z));
    if (i >= 2) ms.push_back(m);
  }
  std::sort(ms.begin(), ms.end());
  cudaGraphExecDestroy(ge);
  cudaEventDestroy(a);
  cudaEventDestroy(z);
  return ms[ms.size() / 2];
}

struct Combo {
  const char* name;
  cudaDataType_t ab, d;
  cublasLtEpilogue_t epilogue;
};

}  // namespace

int main(int argc, char** argv) {
  CK(cuInit(0));
  cublasLtHandle_t lt;
  CK(cublasLtCreate(&lt));
  const size_t ws_bytes = size_t{32} << 20;
  void* ws = nullptr;
  CK(cudaMalloc(&ws, ws_bytes));
  cudaStream_t s;
  CK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  unsigned* bad = nullptr;
  CK(cudaMalloc(&bad, sizeof(unsigned)));
  int sms = 0;
  CK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
  const long long spin_ns = std::getenv("SPIN_NS") ? std::atoll(std::getenv("SPIN_NS")) : 30000;
  const Combo combos[] = {
      {"fp8 -> e4m3, none", CUDA_R_8F_E4M3, CUDA_R_8F_E4M3, CUBLASLT_EPILOGUE_DEFAULT},
      {"fp8 -> e4m3, gelu+bias", CUDA_R_8F_E4M3, CUDA_R_8F_E4M3, CUBLASLT_EPILOGUE_GELU_BIAS},
      {"fp8 -> fp16, none", CUDA_R_8F_E4M3, CUDA_R_16F, CUBLASLT_EPILOGUE_DEFAULT},
      {"fp16 -> fp16, none", CUDA_R_16F, CUDA_R_16F, CUBLASLT_EPILOGUE_DEFAULT},
      {"fp16 -> fp16, bias", CUDA_R_16F, CUDA_R_16F, CUBLASLT_EPILOGUE_BIAS},
      {"fp16 -> fp16, gelu+bias", CUDA_R_16F, CUDA_R_16F, CUBLASLT_EPILOGUE_GELU_BIAS},
  };
  std::vector<std::string> all_names;
  for (int arg = 1; arg < argc; ++arg) {
    int64_t m = 0, n = 0, k = 0;
    if (std::sscanf(argv[arg], "%ld,%ld,%ld", &m, &n, &k) != 3) return 2;
    uint8_t *a = nullptr, *w = nullptr;
    void *c = nullptr, *d = nullptr, *bias = nullptr;
    float* scales = nullptr;
    CK(cudaMalloc(&a, m * k * 2));
    CK(cudaMalloc(&w, n * k * 2));
    CK(cudaMalloc(&c, m * n * 2));
    CK(cudaMalloc(&d, m * n * 2));
    CK(cudaMalloc(&bias, n * 2));
    CK(cudaMalloc(&scales, 16 * sizeof(float)));
    CK(cudaMemset(bias, 0, n * 2));
    std::vector<float> ones(16, 1.0f);
    ones[8] = 2.0f / static_cast<float>(k);  // the E4M3 outputs' D scale: 2 v
    CK(cudaMemcpy(scales, ones.data(), sizeof(float) * 16, cudaMemcpyHostToDevice));
    for (const Combo& combo : combos) {
      const bool fp8 = combo.ab == CUDA_R_8F_E4M3;
      // the weights: all ones (E4M3 0x38; fp16 0x3c00)
      if (fp8) {
        CK(cudaMemset(w, kOne, n * k));
      } else {
        std::vector<__half> h(n * k, __float2half(1.0f));
        CK(cudaMemcpy(w, h.data(), n * k * 2, cudaMemcpyHostToDevice));
      }
      cublasLtMatmulDesc_t desc;
      CK(cublasLtMatmulDescCreate(&desc, CUBLAS_COMPUTE_32F, CUDA_R_32F));
      const cublasOperation_t tr = CUBLAS_OP_T, keep = CUBLAS_OP_N;
      CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSA, &tr, sizeof tr));
      CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSB, &keep, sizeof keep));
      CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_EPILOGUE, &combo.epilogue, sizeof combo.epilogue));
      cudaDataType_t c_type = combo.d;
      if (combo.epilogue != CUBLASLT_EPILOGUE_DEFAULT) {
        CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof bias));
        const cudaDataType_t bt = CUDA_R_16F;
        if (fp8) CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE, &bt, sizeof bt));
      }
      if (fp8) {
        const int8_t fast = 1;
        CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_FAST_ACCUM, &fast, sizeof fast));
        const float *sa = scales, *sb = scales + 4, *sd = scales + 8;
        CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, &sa, sizeof sa));
        CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, &sb, sizeof sb));
        if (combo.d == CUDA_R_8F_E4M3)
          CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_D_SCALE_POINTER, &sd, sizeof sd));
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
      cublasLtMatmulHeuristicResult_t res[8] = {};
      int got = 0;
      if (cublasLtMatmulAlgoGetHeuristic(lt, desc, lw, la, lc, ld, pref, 8, res, &got) != CUBLAS_STATUS_SUCCESS)
        got = 0;
      const bool e4m3_out = combo.d == CUDA_R_8F_E4M3;
      Gemm gemm{lt, desc, lw, la, lc, ld, w, a, e4m3_out ? c : d, d, ws, ws_bytes, {}};
      const size_t a_bytes = m * k * (fp8 ? 1 : 2);
      const int steps = 16;
      for (int cand = 0; cand < got; ++cand) {
        if (res[cand].state != CUBLAS_STATUS_SUCCESS) continue;
        gemm.algo = res[cand].algo;
        CK(cudaMemset(bad, 0, sizeof(unsigned)));
        cudaGraph_t g;
        CK(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
        for (int step = 0; step < steps; ++step) {
          const bool two = step % 2;
          late_writer<<<sms * 4, 256, 0, s>>>(reinterpret_cast<uint4*>(a), a_bytes / 16, two ? kTwo : kOne, spin_ns);
          gemm.run(s);
          if (e4m3_out) {
            // 2 v k * (1 / k): 2.0 or 4.0
            reader<<<sms * 2, 256, 0, s>>>(static_cast<const uint8_t*>(d), m * n, two ? kFour : kTwo, bad, 0);
          } else {
            // fp8: v = 1 or 2; fp16: the writer's bytes 0x3838 = 0.52734375, 0x4040 = 2.125 (sums exact in fp16)
            const float v = fp8 ? (two ? 2.0f : 1.0f) : (two ? 2.125f : 0.52734375f);
            check_out<<<sms * 2, 256, 0, s>>>(static_cast<const __half*>(d), m * n, v * static_cast<float>(k), bad);
          }
        }
        CK(cudaStreamEndCapture(s, &g));
        std::vector<std::string> names;
        const int changed = make_programmatic(g, [](const std::string& nm) { return !probe_kernel(nm); }, &names);
        for (const auto& nm : names)
          if (std::find(all_names.begin(), all_names.end(), nm) == all_names.end()) all_names.push_back(nm);
        replay_ms(g, s, 5);
        CK(cudaStreamSynchronize(s));
        unsigned h_bad = 0;
        CK(cudaMemcpy(&h_bad, bad, sizeof h_bad, cudaMemcpyDeviceToHost));
        std::printf("%ld,%ld,%ld  %-24s cand %d  programmatic edges %2d  wrong outputs %10u  %s\n", m, n, k,
                    combo.name, cand, changed, h_bad, names.empty() ? "" : names[0].substr(0, 90).c_str());
        cudaGraphDestroy(g);
      }
      // timing with the heuristic's first candidate: 20 x (writer without spin -> GEMM), ordinary vs programmatic
      if (got > 0) {
        gemm.algo = res[0].algo;
        float t[2] = {0, 0};
        for (int prog = 0; prog < 2; ++prog) {
          cudaGraph_t g;
          CK(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
          for (int step = 0; step < 20; ++step) {
            late_writer<<<sms * 4, 256, 0, s>>>(reinterpret_cast<uint4*>(a), a_bytes / 16, kOne, 0);
            gemm.run(s);
          }
          CK(cudaStreamEndCapture(s, &g));
          if (prog) make_programmatic(g, [](const std::string& nm) { return !probe_kernel(nm); }, nullptr);
          t[prog] = replay_ms(g, s, 15) * 1000.0f / 20;
          cudaGraphDestroy(g);
        }
        std::printf("%ld,%ld,%ld  %-24s writer + GEMM: %7.2f us ordinary, %7.2f us programmatic\n", m, n, k,
                    combo.name, t[0], t[1]);
      }
      std::fflush(stdout);
      cublasLtMatmulPreferenceDestroy(pref);
      cublasLtMatrixLayoutDestroy(lw);
      cublasLtMatrixLayoutDestroy(la);
      cublasLtMatrixLayoutDestroy(lc);
      cublasLtMatrixLayoutDestroy(ld);
      cublasLtMatmulDescDestroy(desc);
    }
    // the controls: the probe's own reader in the GEMM's place, without and with the wait
    for (int wait = 0; wait < 2; ++wait) {
      CK(cudaMemset(bad, 0, sizeof(unsigned)));
      cudaGraph_t g;
      CK(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
      for (int step = 0; step < 16; ++step) {
        const uint8_t code = step % 2 ? kTwo : kOne;
        late_writer<<<sms * 4, 256, 0, s>>>(reinterpret_cast<uint4*>(a), m * k / 16, code, spin_ns);
        reader<<<sms * 2, 256, 0, s>>>(a, m * k, code, bad, wait);
      }
      CK(cudaStreamEndCapture(s, &g));
      auto is_reader = [](const std::string& nm) { return nm.find("reader") != std::string::npos; };
      const int changed = make_programmatic(g, is_reader, nullptr);
      replay_ms(g, s, 5);
      unsigned h_bad = 0;
      CK(cudaMemcpy(&h_bad, bad, sizeof h_bad, cudaMemcpyDeviceToHost));
      std::printf("%ld,%ld,%ld  control reader %s  programmatic edges %2d  wrong bytes %10u\n", m, n, k,
                  wait ? "with wait   " : "without wait", changed, h_bad);
      cudaGraphDestroy(g);
    }
    cudaFree(a), cudaFree(w), cudaFree(c), cudaFree(d), cudaFree(bias), cudaFree(scales);
  }
  std::printf("GEMM kernels given programmatic edges:\n");
  for (const auto& nm : all_names) std::printf("  %s\n", nm.c_str());
  cublasLtDestroy(lt);
  return 0;
}
