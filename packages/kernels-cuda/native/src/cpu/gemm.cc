// Blocked, multi-threaded GEMM driver: A packed once per call into micro-panels (or, with a direct micro-kernel,
// read in place, a last partial panel included: packing was 4 % of a small model's forward), weights pre-packed,
// tasks over (row block, column chunk); the epilogue runs on each task's tile while it is still in cache.
#include "cpu/gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/error.h"
#include "cpu/gemm_kernels.h"
#include "cpu/simd.h"
#include "cpu/thread_pool.h"
#include "cpu/vmath.h"

namespace samp::cpu {
namespace {

constexpr int64_t kKc = 768;       // depth of one block: BERT-base's k in one pass (C is read back once per further block)
constexpr int64_t kMcPanels = 16; // micro-panels of rows per task
constexpr int64_t kNcCols = 256;  // columns per task

GemmKernel select_kernel() {
  const char* limit = std::getenv("SAMP_CPU_ISA");
  const std::string cap = limit ? limit : "";
#if defined(__x86_64__) || defined(_M_X64)
  __builtin_cpu_init();
  if (cap != "avx2" && cap != "scalar" && __builtin_cpu_supports("avx512f")) return gemm_kernel_avx512();
  if (cap != "scalar" && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return gemm_kernel_avx2();
#endif
  return gemm_kernel_scalar();
}

/** Whether a kernel that reads A in place is used where there is one (SAMP_CPU_GEMM_DIRECT=0: always pack). */
bool direct_enabled() {
  static const bool on = [] {
    const char* v = std::getenv("SAMP_CPU_GEMM_DIRECT");
    return !(v && std::strcmp(v, "0") == 0);
  }();
  return on;
}

const GemmKernel& kernel() {
  static const GemmKernel selected = select_kernel();
  return selected;
}

SAMP_VECTOR_CLONES
void apply_epilogue(float* c, int64_t ldc, int64_t rows, int64_t j0, int64_t cols, const float* bias, Epilogue ep) {
  if (ep == Epilogue::none) return;
  for (int64_t i = 0; i < rows; ++i) {
    float* row = c + i * ldc + j0;
    const float* bj = bias + j0;
    if (ep == Epilogue::bias) {
      for (int64_t j = 0; j < cols; ++j) row[j] += bj[j];
    } else if (ep == Epilogue::bias_gelu) {
      for (int64_t j = 0; j < cols; ++j) row[j] = vm_gelu(row[j] + bj[j]);
    } else {
      for (int64_t j = 0; j < cols; ++j) row[j] = vm_tanh(row[j] + bj[j]);
    }
  }
}

/** Packs rows [i0, i0 + mr) of A (zero rows past m) as one micro-panel over all of k: [k][mr], written in order
 * (the mr source rows are read as mr streams). */
void pack_panel(const float* a, int64_t lda, int64_t m, int64_t i0, int64_t k, int mr, float* out) {
  const float* rows[16];
  static const float zeros[1] = {0.0f};
  for (int r = 0; r < mr; ++r) rows[r] = i0 + r < m ? a + (i0 + r) * lda : nullptr;
  if (i0 + mr <= m) {
    for (int64_t kk = 0; kk < k; ++kk)
      for (int r = 0; r < mr; ++r) out[kk * mr + r] = rows[r][kk];
    return;
  }
  for (int64_t kk = 0; kk < k; ++kk)
    for (int r = 0; r < mr; ++r) out[kk * mr + r] = rows[r] ? rows[r][kk] : zeros[0];
}

}  // namespace

const char* gemm_isa() { return kernel().isa; }

PackedWeight gemm_pack_weight(const float* w, int64_t n, int64_t k) {
  SAMP_REQUIRE(n > 0 && k > 0, SAMP_INVALID, "Expected a non-empty weight matrix");
  PackedWeight out;
  out.n = n;
  out.k = k;
  out.nr = kernel().nr;
  const int64_t panels = (n + out.nr - 1) / out.nr;
  out.data.assign(static_cast<size_t>(panels * k * out.nr), 0.0f);
  for (int64_t p = 0; p < panels; ++p)
    for (int64_t j = 0; j < out.nr && p * out.nr + j < n; ++j) {
      const float* src = w + (p * out.nr + j) * k;
      float* dst = out.data.data() + p * k * out.nr + j;
      for (int64_t kk = 0; kk < k; ++kk) dst[kk * out.nr] = src[kk];
    }
  return out;
}

void gemm(const float* a, int64_t m, int64_t lda, const PackedWeight& w, const float* bias, Epilogue ep, float* c,
          int64_t ldc) {
  const GemmKernel& kern = kernel();
  SAMP_REQUIRE(w.nr == kern.nr, SAMP_INTERNAL, "weight packed for another kernel");
  SAMP_REQUIRE(ep == Epilogue::none || bias != nullptr, SAMP_INVALID, "Expected a bias for this epilogue");
  if (m <= 0) return;
  const int mr = kern.mr, nr = kern.nr;
  const int64_t n = w.n, k = w.k;
  const int64_t mc = mr * kMcPanels;
  const int64_t panels = (n + nr - 1) / nr;
  const int64_t row_blocks = (m + mc - 1) / mc;
  // column chunks of up to kNcCols, narrower when there are few rows, so that every thread gets work (about 4
  // tasks per thread: with 2 threads and 3 tasks one thread idles a third of the time)
  const int64_t balanced = (panels * row_blocks + 4 * cpu_num_threads() - 1) / (4 * cpu_num_threads());
  const int64_t panels_per_task = std::clamp<int64_t>(balanced, 1, std::max<int64_t>(1, kNcCols / nr));
  const int64_t col_chunks = (panels + panels_per_task - 1) / panels_per_task;

  // A is packed once per call, micro-panel by micro-panel, and read by every column chunk's task; a direct kernel
  // reads every panel in place, a last, partial one too (its rows only)
  const int64_t row_panels = (m + mr - 1) / mr;
  const bool direct = kern.direct != nullptr && direct_enabled();
  thread_local std::vector<float> buffer;
  if (!direct && buffer.size() < static_cast<size_t>(row_panels * mr * k))
    buffer.resize(static_cast<size_t>(row_panels * mr * k));
  float* const apack = buffer.data();  // (the tasks run on other threads: not the thread_local itself)
  if (!direct)
    cpu_parallel_for(row_panels, [&](int64_t q) { pack_panel(a, lda, m, q * mr, k, mr, apack + q * mr * k); });

  cpu_parallel_for(row_blocks * col_chunks, [&](int64_t task) {
    const int64_t i0 = (task / col_chunks) * mc;
    const int64_t rows = std::min(mc, m - i0);
    const int64_t p0 = (task % col_chunks) * panels_per_task;
    const int64_t p1 = std::min(panels, p0 + panels_per_task);
    alignas(64) float edge[16 * 32];
    for (int64_t k0 = 0; k0 < k; k0 += kKc) {
      const int64_t kc = std::min(kKc, k - k0);
      for (int64_t p = p0; p < p1; ++p) {
        const float* bp = w.data.data() + (p * k + k0) * nr;
        const int64_t j0 = p * nr;
        const int64_t cols = std::min<int64_t>(nr, n - j0);
        for (int64_t q = 0; q * mr < rows; ++q) {
          const int64_t r = std::min<int64_t>(mr, rows - q * mr);
          float* cp = c + (i0 + q * mr) * ldc + j0;
          const int64_t panel = i0 / mr + q;
          auto run = [&](float* out, int64_t ld) {
            if (direct) kern.direct(kc, a + panel * mr * lda + k0, lda, bp, out, ld, k0 > 0, static_cast<int>(r));
            else kern.micro(kc, apack + panel * mr * k + k0 * mr, bp, out, ld, k0 > 0);
          };
          if ((r == mr || direct) && cols == nr) {  // a direct kernel writes only the panel's rows
            run(cp, ldc);
            continue;
          }
          for (int64_t ii = 0; ii < r; ++ii)
            if (k0 > 0) std::memcpy(edge + ii * nr, cp + ii * ldc, sizeof(float) * cols);
          run(edge, nr);
          for (int64_t ii = 0; ii < r; ++ii) std::memcpy(cp + ii * ldc, edge + ii * nr, sizeof(float) * cols);
        }
      }
    }
    const int64_t j0 = p0 * nr;
    (kern.epilogue ? kern.epilogue : apply_epilogue)(c + i0 * ldc, ldc, rows, j0, std::min(n, p1 * nr) - j0, bias, ep);
  });
}

}  // namespace samp::cpu
