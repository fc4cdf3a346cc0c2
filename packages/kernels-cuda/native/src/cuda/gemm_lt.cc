// cuBLASLt GEMMs. Row-major C[m,n] = A[m,k] W[n,k]^T is computed as the column-major C^T = W * A^T (TN layout:
// W transposed, A not), so bias is a per-row vector of the column-major result and broadcasts as HF's Linear.
// Descriptors and the heuristic's candidates are cached per (dtype, m, n, k, epilogue). Timing the candidates is
// done once per m bucket (powers of two) of a (device, dtype, n, k, epilogue), process-wide: a new m (token counts
// vary batch to batch once padding is removed) or a new model of the same width reuses the bucket's winner when
// cuBLASLt accepts it for that m, instead of timing everything again.
#include "cuda/gemm_lt.h"

#include <cublasLt.h>

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <tuple>
#include <vector>

#include "cuda/check.h"
#include "cuda/device_buffer.h"
#include "cuda/kernels.cuh"

#define SAMP_LT_CHECK(call)                                                                                \
  do {                                                                                                     \
    const cublasStatus_t samp_st_ = (call);                                                                \
    if (samp_st_ != CUBLAS_STATUS_SUCCESS)                                                                 \
      ::samp::fail(samp_st_ == CUBLAS_STATUS_ALLOC_FAILED ? SAMP_OOM : SAMP_CUDA_ERROR,                    \
                   std::string(#call) + " failed: " + cublasLtGetStatusName(samp_st_) + ": " +             \
                       cublasLtGetStatusString(samp_st_),                                                  \
                   __FILE__, __LINE__);                                                                    \
  } while (0)

namespace samp::cuda {
namespace {

constexpr size_t kWorkspace = size_t{32} << 20;
constexpr int kCandidates = 8;

cudaDataType_t cuda_type(DType dt) {
  return dt == DType::f32 ? CUDA_R_32F : (dt == DType::f16 ? CUDA_R_16F : CUDA_R_16BF);
}

struct Plan {
  cublasLtMatmulDesc_t desc = nullptr;
  cublasLtMatrixLayout_t w = nullptr, a = nullptr, c = nullptr, d = nullptr;
  std::vector<cublasLtMatmulAlgo_t> candidates;  // the heuristic's best few, fastest first once tuned
  bool tuned = false;
  ~Plan() {
    if (desc) cublasLtMatmulDescDestroy(desc);
    if (w) cublasLtMatrixLayoutDestroy(w);
    if (a) cublasLtMatrixLayoutDestroy(a);
    if (c) cublasLtMatrixLayoutDestroy(c);
    if (d) cublasLtMatrixLayoutDestroy(d);
  }
};

int64_t m_bucket(int64_t m) {
  int64_t b = 16;
  while (b < m) b <<= 1;
  return b;
}

/** The fastest algorithm found per (device, operand type, output type, variant, n, k, epilogue, m bucket, SM count
 * target), shared by every model. */
struct TunedAlgos {
  std::mutex mutex;
  std::map<std::tuple<int, int, int, int, int64_t, int64_t, int, int64_t, int32_t>, cublasLtMatmulAlgo_t> algos;
};

TunedAlgos& tuned_algos() {
  static TunedAlgos* t = new TunedAlgos();  // never destroyed: models may outlive static destruction order
  return *t;
}

}  // namespace

/** What a cached plan computes: operand / output types and the epilogue; fp8 adds per-tensor scales and, with
 * fast_accum, cuBLASLt's fast accumulation. */
struct PlanSpec {
  cudaDataType_t ab = CUDA_R_16F, d = CUDA_R_16F;
  cublasLtEpilogue_t epilogue = CUBLASLT_EPILOGUE_DEFAULT;
  bool fp8 = false, fast_accum = false;
  int variant() const { return fp8 ? (fast_accum ? 2 : 1) : 0; }
  auto key(int64_t m, int64_t n, int64_t k) const {
    return std::make_tuple(static_cast<int>(ab), static_cast<int>(d), static_cast<int>(epilogue), variant(), m, n, k);
  }
};

struct LtGemm::Impl {
  cublasLtHandle_t handle = nullptr;
  int32_t sm_target = 0;  // CUBLASLT_MATMUL_DESC_SM_COUNT_TARGET of every plan (0: the device's SMs)
  DeviceBuffer workspace;
  std::mutex mutex;
  std::map<std::tuple<int, int, int, int, int64_t, int64_t, int64_t>, std::unique_ptr<Plan>> plans;

  /** The cached plan, or null where cuBLASLt has no algorithm for it (fp8 only; others throw). `pointers` sets
   * the descriptor's pointer attributes before the heuristic is asked. */
  Plan* plan(const PlanSpec& spec, int64_t m, int64_t n, int64_t k,
             const std::function<void(cublasLtMatmulDesc_t)>& pointers = nullptr) {
    const auto key = spec.key(m, n, k);
    auto found = plans.find(key);
    if (found != plans.end()) return found->second.get();
    auto p = std::make_unique<Plan>();
    SAMP_LT_CHECK(cublasLtMatmulDescCreate(&p->desc, CUBLAS_COMPUTE_32F, CUDA_R_32F));
    const cublasOperation_t transpose = CUBLAS_OP_T, keep = CUBLAS_OP_N;
    SAMP_LT_CHECK(cublasLtMatmulDescSetAttribute(p->desc, CUBLASLT_MATMUL_DESC_TRANSA, &transpose, sizeof transpose));
    SAMP_LT_CHECK(cublasLtMatmulDescSetAttribute(p->desc, CUBLASLT_MATMUL_DESC_TRANSB, &keep, sizeof keep));
    SAMP_LT_CHECK(cublasLtMatmulDescSetAttribute(p->desc, CUBLASLT_MATMUL_DESC_EPILOGUE, &spec.epilogue,
                                                 sizeof spec.epilogue));
    if (sm_target > 0)
      SAMP_LT_CHECK(cublasLtMatmulDescSetAttribute(p->desc, CUBLASLT_MATMUL_DESC_SM_COUNT_TARGET, &sm_target,
                                                   sizeof sm_target));
    cudaDataType_t c_type = spec.d;
    if (spec.fp8) {
      // per-tensor scales (the default scale mode), fp16 C and bias
      const int8_t fast = spec.fast_accum ? 1 : 0;
      SAMP_LT_CHECK(cublasLtMatmulDescSetAttribute(p->desc, CUBLASLT_MATMUL_DESC_FAST_ACCUM, &fast, sizeof fast));
      const cudaDataType_t bias_type = CUDA_R_16F;
      if (spec.epilogue == CUBLASLT_EPILOGUE_BIAS || spec.epilogue == CUBLASLT_EPILOGUE_GELU_BIAS)
        SAMP_LT_CHECK(cublasLtMatmulDescSetAttribute(p->desc, CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE, &bias_type,
                                                     sizeof bias_type));
      c_type = CUDA_R_16F;
    }
    if (pointers) pointers(p->desc);
    SAMP_LT_CHECK(cublasLtMatrixLayoutCreate(&p->w, spec.ab, static_cast<uint64_t>(k), static_cast<uint64_t>(n), k));
    SAMP_LT_CHECK(cublasLtMatrixLayoutCreate(&p->a, spec.ab, static_cast<uint64_t>(k), static_cast<uint64_t>(m), k));
    SAMP_LT_CHECK(cublasLtMatrixLayoutCreate(&p->c, c_type, static_cast<uint64_t>(n), static_cast<uint64_t>(m), n));
    SAMP_LT_CHECK(cublasLtMatrixLayoutCreate(&p->d, spec.d, static_cast<uint64_t>(n), static_cast<uint64_t>(m), n));
    cublasLtMatmulPreference_t pref = nullptr;
    SAMP_LT_CHECK(cublasLtMatmulPreferenceCreate(&pref));
    const size_t ws = kWorkspace;
    cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof ws);
    cublasLtMatmulHeuristicResult_t results[kCandidates] = {};
    int returned = 0;
    const cublasStatus_t st = cublasLtMatmulAlgoGetHeuristic(handle, p->desc, p->w, p->a, p->c, p->d, pref,
                                                             kCandidates, results, &returned);
    cublasLtMatmulPreferenceDestroy(pref);
    for (int i = 0; st == CUBLAS_STATUS_SUCCESS && i < returned; ++i)
      if (results[i].state == CUBLAS_STATUS_SUCCESS) p->candidates.push_back(results[i].algo);
    if (p->candidates.empty()) {
      if (spec.fp8) {
        plans.emplace(key, nullptr);
        return nullptr;
      }
      SAMP_LT_CHECK(st);
      fail(SAMP_UNSUPPORTED, "cuBLASLt has no algorithm for a GEMM of m=" + std::to_string(m) + ", n=" +
                                 std::to_string(n) + ", k=" + std::to_string(k), __FILE__, __LINE__);
    }
    p->tuned = p->candidates.size() == 1;
    return plans.emplace(key, std::move(p)).first->second.get();
  }

  /** Runs out = op(a, w) with the plan's algorithm; on the first call of a plan outside graph capture, picks the
   * fastest candidate (or the bucket's known winner) by timing it on the real operands. */
  void execute(const PlanSpec& spec, Plan& p, const void* a, const void* w, void* c, void* out, int64_t m,
               int64_t n, int64_t k, cudaStream_t stream);
};

LtGemm::LtGemm(int32_t sm_count_target) : impl_(std::make_unique<Impl>()) {
  impl_->sm_target = sm_count_target > 0 ? sm_count_target : 0;
  SAMP_LT_CHECK(cublasLtCreate(&impl_->handle));
  impl_->workspace = DeviceBuffer(kWorkspace);
}

LtGemm::~LtGemm() {
  impl_->plans.clear();
  if (impl_->handle) cublasLtDestroy(impl_->handle);
}

namespace {

int current_device() {
  int device = 0;
  SAMP_CUDA_CHECK(cudaGetDevice(&device));
  return device;
}

}  // namespace

void LtGemm::Impl::execute(const PlanSpec& spec, Plan& p, const void* a, const void* w, void* c, void* out,
                           int64_t m, int64_t n, int64_t k, cudaStream_t stream) {
  const float alpha = 1.0f, beta = 0.0f;  // beta 0: C is not read
  auto matmul = [&](const cublasLtMatmulAlgo_t& algo) {
    return cublasLtMatmul(handle, p.desc, &alpha, w, p.w, a, p.a, &beta, c, p.c, out, p.d, &algo, workspace.get(),
                          kWorkspace, stream);
  };
  const auto tuned_key = std::make_tuple(current_device(), static_cast<int>(spec.ab), static_cast<int>(spec.d),
                                         spec.variant(), n, k, static_cast<int>(spec.epilogue), m_bucket(m), sm_target);
  cudaStreamCaptureStatus capturing = cudaStreamCaptureStatusNone;
  SAMP_CUDA_CHECK(cudaStreamIsCapturing(stream, &capturing));
  if (!p.tuned && capturing == cudaStreamCaptureStatusNone) {
    // the bucket's winner, when cuBLASLt accepts it for this m
    TunedAlgos& tuned = tuned_algos();
    std::lock_guard<std::mutex> tuned_lock(tuned.mutex);
    auto known = tuned.algos.find(tuned_key);
    cublasLtMatmulHeuristicResult_t check = {};
    if (known != tuned.algos.end() &&
        cublasLtMatmulAlgoCheck(handle, p.desc, p.w, p.a, p.c, p.d, &known->second, &check) == CUBLAS_STATUS_SUCCESS &&
        check.workspaceSize <= kWorkspace) {
      p.candidates.insert(p.candidates.begin(), known->second);
      p.tuned = true;
    }
  }
  if (!p.tuned && capturing == cudaStreamCaptureStatusNone) {
    // time the heuristic's candidates on the real operands once, keep the fastest first
    cudaEvent_t start, stop;
    SAMP_CUDA_CHECK(cudaEventCreate(&start));
    SAMP_CUDA_CHECK(cudaEventCreate(&stop));
    // enough repetitions for ~0.2 ms per measurement, so that tiny GEMMs are not decided by noise
    auto time_of = [&](const cublasLtMatmulAlgo_t& algo, int reps) {
      cudaEventRecord(start, stream);
      for (int r = 0; r < reps; ++r) matmul(algo);
      cudaEventRecord(stop, stream);
      float ms = 1e30f;
      if (cudaEventSynchronize(stop) != cudaSuccess || cudaEventElapsedTime(&ms, start, stop) != cudaSuccess) return 1e30f;
      return ms / reps;
    };
    SAMP_LT_CHECK(matmul(p.candidates[0]));
    const float first = time_of(p.candidates[0], 3);
    const int reps = static_cast<int>(std::min(200.0f, std::max(5.0f, 0.2f / std::max(first, 1e-4f))));
    float best = time_of(p.candidates[0], reps);
    size_t best_i = 0;
    for (size_t i = 1; i < p.candidates.size(); ++i) {
      if (matmul(p.candidates[i]) != CUBLAS_STATUS_SUCCESS) continue;
      const float ms = time_of(p.candidates[i], reps);
      if (ms < 0.97f * best) best = ms, best_i = i;  // the heuristic's choice wins ties
    }
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    std::swap(p.candidates[0], p.candidates[best_i]);
    p.tuned = true;
    TunedAlgos& tuned = tuned_algos();
    std::lock_guard<std::mutex> tuned_lock(tuned.mutex);
    tuned.algos.emplace(tuned_key, p.candidates[0]);
  }
  SAMP_LT_CHECK(matmul(p.candidates[0]));
}

void LtGemm::run(DType dt, const void* a, const void* w, const void* bias, void* c, int64_t m, int64_t n, int64_t k,
                 GemmEpilogue epilogue, cudaStream_t stream) {
  SAMP_REQUIRE(m > 0 && n > 0 && k > 0, SAMP_INVALID, "gemm: sizes must be positive");
  SAMP_REQUIRE(epilogue == GemmEpilogue::none || bias != nullptr, SAMP_INVALID, "gemm: the epilogue needs a bias");
  const bool exact_gelu = epilogue == GemmEpilogue::bias_gelu && dt == DType::f32;
  PlanSpec spec;
  spec.ab = spec.d = cuda_type(dt);
  if (epilogue == GemmEpilogue::bias) spec.epilogue = CUBLASLT_EPILOGUE_BIAS;
  if (epilogue == GemmEpilogue::bias_gelu && !exact_gelu) spec.epilogue = CUBLASLT_EPILOGUE_GELU_BIAS;
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Plan& p = *impl_->plan(spec, m, n, k);
  if (spec.epilogue != CUBLASLT_EPILOGUE_DEFAULT)
    SAMP_LT_CHECK(cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof bias));
  impl_->execute(spec, p, a, w, c, c, m, n, k, stream);
  if (exact_gelu) launch_bias_gelu(dt, c, bias, m, n, stream);
}

bool LtGemm::run_fp8(const LtFp8Gemm& g, cudaStream_t stream) {
  SAMP_REQUIRE(g.m > 0 && g.n > 0 && g.k > 0, SAMP_INVALID, "gemm: sizes must be positive");
  SAMP_REQUIRE(!g.out_fp8 || (g.c != nullptr && g.c != g.out), SAMP_INVALID,
               "gemm: an E4M3 output needs a separate fp16 C buffer");
  PlanSpec spec;
  spec.fp8 = true;
  spec.fast_accum = g.fast_accum;
  spec.ab = CUDA_R_8F_E4M3;
  spec.d = g.out_fp8 ? CUDA_R_8F_E4M3 : CUDA_R_16F;
  spec.epilogue = g.gelu ? (g.bias ? CUBLASLT_EPILOGUE_GELU_BIAS : CUBLASLT_EPILOGUE_GELU)
                         : (g.bias ? CUBLASLT_EPILOGUE_BIAS : CUBLASLT_EPILOGUE_DEFAULT);
  auto pointers = [&](cublasLtMatmulDesc_t desc) {
    auto set = [&](cublasLtMatmulDescAttributes_t attr, const void* ptr) {
      SAMP_LT_CHECK(cublasLtMatmulDescSetAttribute(desc, attr, &ptr, sizeof ptr));
    };
    if (g.bias) set(CUBLASLT_MATMUL_DESC_BIAS_POINTER, g.bias);
    set(CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, g.w_scale);
    set(CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, g.a_scale);
    if (g.out_fp8) set(CUBLASLT_MATMUL_DESC_D_SCALE_POINTER, g.out_inv_scale);
  };
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Plan* found = impl_->plan(spec, g.m, g.n, g.k, pointers);
  if (!found) return false;
  Plan& p = *found;
  pointers(p.desc);
  impl_->execute(spec, p, g.a, g.w, g.out_fp8 ? g.c : g.out, g.out, g.m, g.n, g.k, stream);
  return true;
}

}  // namespace samp::cuda
