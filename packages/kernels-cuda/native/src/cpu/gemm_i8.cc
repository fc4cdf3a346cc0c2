// INT8 GEMM driver: quantization helpers, weight packing, threading over (row block, panel) tasks, and the fused
// dequantize + bias + activation store. The int32 panel sums come from the ISA's kernel.
#include "cpu/gemm_i8.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/error.h"
#include "cpu/thread_pool.h"
#include "cpu/vmath.h"

namespace samp::cpu {
namespace {

constexpr int kPanel = 32;
constexpr int64_t kRowBlock = 48;

I8PanelKernel select_kernel(const char** isa) {
  const char* env = std::getenv("SAMP_CPU_ISA");
  const bool scalar = env && std::string(env) == "scalar";
  if (!scalar && __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw")) {
    *isa = "avx512-vnni";
    return gemm_i8_panel_vnni;
  }
  *isa = "scalar";
  return gemm_i8_panel_scalar;
}

struct Selected {
  const char* isa = nullptr;
  I8PanelKernel kernel = select_kernel(&isa);
};

const Selected& selected() {
  static const Selected s;
  return s;
}

int8_t round_s8(float x) {
  const float r = std::nearbyint(x);  // the default rounding mode: to nearest, ties to even
  return static_cast<int8_t>(std::min(127.0f, std::max(-127.0f, r)));
}

}  // namespace

void quantize_weight_per_channel(const float* w, int64_t n, int64_t k, int8_t* q, float* scales) {
  for (int64_t j = 0; j < n; ++j) {
    const float* row = w + j * k;
    float amax = 0.0f;
    for (int64_t t = 0; t < k; ++t) amax = std::max(amax, std::fabs(row[t]));
    const float s = amax > 0.0f ? amax / 127.0f : 1.0f;
    scales[j] = s;
    for (int64_t t = 0; t < k; ++t) q[j * k + t] = round_s8(row[t] / s);
  }
}

void quantize_s8(const float* x, int64_t count, float scale, int8_t* q) {
  SAMP_REQUIRE(scale > 0.0f && std::isfinite(scale), SAMP_INVALID, "Expected a positive, finite quantization scale");
  for (int64_t i = 0; i < count; ++i) q[i] = round_s8(x[i] / scale);
}

PackedWeightI8 gemm_i8_pack_weight(const int8_t* w, const float* scales, int64_t n, int64_t k) {
  SAMP_REQUIRE(n > 0 && k > 0, SAMP_INVALID, "Expected a non-empty weight matrix");
  PackedWeightI8 out;
  out.n = n, out.k = k, out.kq = (k + 3) / 4 * 4;
  const int64_t panels = (n + kPanel - 1) / kPanel;
  out.data.assign(static_cast<size_t>(panels * out.kq * kPanel), 0);
  out.shift.assign(static_cast<size_t>(panels * kPanel), 0);
  out.scale.assign(scales, scales + n);
  for (int64_t j = 0; j < n; ++j) {
    const int64_t p = j / kPanel, col = j % kPanel;
    int8_t* panel = out.data.data() + p * out.kq * kPanel;
    int32_t sum = 0;
    for (int64_t t = 0; t < k; ++t) {
      // group t / 4 holds 32 columns x 4 consecutive k values
      panel[(t / 4) * kPanel * 4 + col * 4 + t % 4] = w[j * k + t];
      sum += w[j * k + t];
    }
    out.shift[static_cast<size_t>(j)] = 128 * sum;
  }
  return out;
}

void gemm_i8_panel_scalar(const int8_t* a, int64_t lda, int64_t rows, const PackedWeightI8& w, int64_t panel,
                          int32_t* acc) {
  const int8_t* b = w.data.data() + panel * w.kq * kPanel;
  for (int64_t i = 0; i < rows; ++i) {
    int32_t* out = acc + i * kPanel;
    std::fill(out, out + kPanel, 0);
    for (int64_t t = 0; t < w.k; ++t) {
      const int32_t x = a[i * lda + t];
      const int8_t* g = b + (t / 4) * kPanel * 4 + t % 4;
      for (int col = 0; col < kPanel; ++col) out[col] += x * g[col * 4];
    }
  }
}

void gemm_i8(const int8_t* a, int64_t m, int64_t lda, float a_scale, const PackedWeightI8& w, const float* bias,
             Epilogue ep, float* c, int64_t ldc) {
  SAMP_REQUIRE(ep == Epilogue::none || bias != nullptr, SAMP_INVALID, "Expected a bias for this epilogue");
  if (m <= 0) return;
  const I8PanelKernel kernel = selected().kernel;
  const int64_t panels = (w.n + kPanel - 1) / kPanel;
  const int64_t blocks = (m + kRowBlock - 1) / kRowBlock;
  cpu_parallel_for(blocks * panels, [&](int64_t task) {
    const int64_t i0 = (task / panels) * kRowBlock, p = task % panels;
    const int64_t rows = std::min(kRowBlock, m - i0);
    alignas(64) int32_t acc[kRowBlock * kPanel];
    kernel(a + i0 * lda, lda, rows, w, p, acc);
    const int64_t j0 = p * kPanel, cols = std::min<int64_t>(kPanel, w.n - j0);
    for (int64_t i = 0; i < rows; ++i) {
      float* out = c + (i0 + i) * ldc + j0;
      for (int64_t j = 0; j < cols; ++j) {
        float y = static_cast<float>(acc[i * kPanel + j]) * (a_scale * w.scale[j0 + j]);
        if (ep != Epilogue::none) y += bias[j0 + j];
        if (ep == Epilogue::bias_gelu) y = vm_gelu(y);
        if (ep == Epilogue::bias_tanh) y = vm_tanh(y);
        out[j] = y;
      }
    }
  });
}

const char* gemm_i8_isa() { return selected().isa; }

}  // namespace samp::cpu
