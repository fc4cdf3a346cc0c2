// INT8 GEMM driver: quantization helpers, weight packing, tasks over (row block, column chunk) with A packed once
// per task for the selected tile kernel, and the fused dequantize + bias + activation (+ requantize) store.
#include "cpu/gemm_i8.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/error.h"
#include "cpu/q8.h"
#include "cpu/simd.h"
#include "cpu/thread_pool.h"
#include "cpu/vmath.h"

namespace samp::cpu {
namespace {

constexpr int kPanel = 32;
constexpr int64_t kTileRows = 8;
constexpr int64_t kBlockRows = 64;    // rows per task
constexpr int64_t kChunkPanels = 8;   // weight panels per task

I8Kernel select_kernel() {
  const char* env = std::getenv("SAMP_CPU_ISA");
  const std::string cap = env ? env : "";
#if defined(__x86_64__) || defined(_M_X64)
  __builtin_cpu_init();
  if (cap != "avx2" && cap != "scalar" && __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw"))
    return gemm_i8_kernel_vnni();
  if (cap != "scalar" && __builtin_cpu_supports("avx2")) return gemm_i8_kernel_avx2();
#endif
  return gemm_i8_kernel_scalar();
}

const I8Kernel& kernel() {
  static const I8Kernel selected = select_kernel();
  return selected;
}

void tile_scalar(const uint8_t* a8, const int8_t* b, const int32_t* /*shift*/, int64_t kq, int32_t* acc) {
  const auto* a = reinterpret_cast<const int8_t*>(a8);
  std::fill(acc, acc + kTileRows * kPanel, 0);
  for (int64_t g = 0; g < kq / 4; ++g)
    for (int64_t r = 0; r < kTileRows; ++r)
      for (int col = 0; col < kPanel; ++col)
        for (int t = 0; t < 4; ++t)
          acc[r * kPanel + col] += int32_t{a[(g * kTileRows + r) * 4 + t]} * b[(g * kPanel + col) * 4 + t];
}

/** Packs rows [r0, r0 + 8) of A (zero rows past m) as one tile: [kq / 4][8][4] bytes, each a + 128 if shifted;
 * groups from `first` on (a kernel's own packer may have done the ones before). */
void pack_tile(const int8_t* a, int64_t lda, int64_t m, int64_t r0, int64_t k, int64_t kq, bool shifted, int64_t first,
               uint8_t* tile) {
  const uint32_t flip = shifted ? 0x80808080u : 0u;
  const int64_t full = k / 4;  // groups read whole; a tail group of k % 4 values is zero-padded
  for (int64_t r = 0; r < kTileRows; ++r) {
    const int8_t* src = r0 + r < m ? a + (r0 + r) * lda : nullptr;
    for (int64_t g = first; g < kq / 4; ++g) {
      uint32_t quad = 0;
      if (src && g < full) {
        std::memcpy(&quad, src + g * 4, 4);
      } else if (src) {
        std::memcpy(&quad, src + g * 4, static_cast<size_t>(k - g * 4));
      }
      quad ^= flip;
      std::memcpy(tile + (g * kTileRows + r) * 4, &quad, 4);
    }
  }
}

SAMP_VECTOR_CLONES
void store_tile(const int32_t* acc, int64_t rows, int64_t cols, const float* scale, const float* bias, Epilogue ep,
                float* f, int8_t* q, float q_scale, int64_t ld) {
  for (int64_t i = 0; i < rows; ++i) {
    const int32_t* in = acc + i * kPanel;
    float y[kPanel];
    for (int64_t j = 0; j < cols; ++j) y[j] = static_cast<float>(in[j]) * scale[j];
    if (ep != Epilogue::none)
      for (int64_t j = 0; j < cols; ++j) y[j] += bias[j];
    if (ep == Epilogue::bias_gelu)
      for (int64_t j = 0; j < cols; ++j) y[j] = vm_gelu(y[j]);
    if (ep == Epilogue::bias_tanh)
      for (int64_t j = 0; j < cols; ++j) y[j] = vm_tanh(y[j]);
    if (f) {
      for (int64_t j = 0; j < cols; ++j) f[i * ld + j] = y[j];
    } else {
      q8_encode_row(y, cols, q_scale, Dtype8::int8, q + i * ld);
    }
  }
}

}  // namespace

void quantize_weight(const float* w, int64_t n, int64_t k, int8_t* q, float* scales, Dtype8 dtype) {
  auto row_max = [&](int64_t j) {
    float amax = 0.0f;
    for (int64_t t = 0; t < k; ++t) amax = std::max(amax, std::fabs(w[j * k + t]));
    return amax;
  };
  float tensor_max = 0.0f;
  if (dtype == Dtype8::fp8)
    for (int64_t j = 0; j < n; ++j) tensor_max = std::max(tensor_max, row_max(j));
  for (int64_t j = 0; j < n; ++j) {
    const float amax = dtype == Dtype8::fp8 ? tensor_max : row_max(j);
    const float s = amax > 0.0f ? amax / q8_max(dtype) : 1.0f;
    scales[j] = s;
    q8_encode_row(w + j * k, k, s, dtype, q + j * k);
  }
}

void quantize_s8(const float* x, int64_t count, float scale, int8_t* q) {
  SAMP_REQUIRE(scale > 0.0f && std::isfinite(scale), SAMP_INVALID, "Expected a positive, finite quantization scale");
  q8_encode_row(x, count, scale, Dtype8::int8, q);
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

PackedWeightI8 gemm_i8_pack_float_weight(const float* w, int64_t n, int64_t k) {
  std::vector<int8_t> q(static_cast<size_t>(n * k));
  std::vector<float> scales(static_cast<size_t>(n));
  quantize_weight(w, n, k, q.data(), scales.data());
  return gemm_i8_pack_weight(q.data(), scales.data(), n, k);
}

void gemm_i8(const int8_t* a, int64_t m, int64_t lda, float a_scale, const PackedWeightI8& w, const float* bias,
             Epilogue ep, const I8Out& out) {
  SAMP_REQUIRE(ep == Epilogue::none || bias != nullptr, SAMP_INVALID, "Expected a bias for this epilogue");
  SAMP_REQUIRE((out.f != nullptr) != (out.q != nullptr), SAMP_INVALID, "Expected one output of gemm_i8");
  SAMP_REQUIRE(out.f || (out.q_scale > 0.0f && std::isfinite(out.q_scale)), SAMP_INVALID,
               "Expected a positive, finite output scale");
  if (m <= 0) return;
  const I8Kernel& kern = kernel();
  std::vector<float> scale(static_cast<size_t>(w.n));
  for (int64_t j = 0; j < w.n; ++j) scale[static_cast<size_t>(j)] = a_scale * w.scale[static_cast<size_t>(j)];
  const int64_t tiles = (m + kTileRows - 1) / kTileRows;
  thread_local std::vector<uint8_t> buffer;  // A packed once, read by every task of this call
  buffer.resize(static_cast<size_t>(tiles * kTileRows * w.kq));
  uint8_t* const packed = buffer.data();  // (the tasks run on other threads: not the thread_local itself)
  cpu_parallel_for(tiles, [&](int64_t t) {
    uint8_t* tile = packed + t * kTileRows * w.kq;
    const int64_t done = kern.pack ? kern.pack(a, lda, m, t * kTileRows, w.k, tile) : 0;
    pack_tile(a, lda, m, t * kTileRows, w.k, w.kq, kern.shifted, done, tile);
  });
  const int64_t panels = (w.n + kPanel - 1) / kPanel;
  const int64_t chunks = (panels + kChunkPanels - 1) / kChunkPanels;
  const int64_t blocks = (m + kBlockRows - 1) / kBlockRows;
  cpu_parallel_for(blocks * chunks, [&](int64_t task) {
    const int64_t i0 = (task / chunks) * kBlockRows, p0 = (task % chunks) * kChunkPanels;
    const int64_t rows = std::min(kBlockRows, m - i0);
    alignas(64) int32_t acc[kTileRows * kPanel];
    for (int64_t p = p0; p < std::min(panels, p0 + kChunkPanels); ++p) {
      const int8_t* panel = w.data.data() + p * w.kq * kPanel;
      const int64_t j0 = p * kPanel, cols = std::min<int64_t>(kPanel, w.n - j0);
      for (int64_t r0 = 0; r0 < rows; r0 += kTileRows) {
        const int64_t at = (i0 + r0) * out.ld + j0;
        if (kern.tile_store) {
          const TileStore st{std::min(kTileRows, rows - r0), cols, scale.data() + j0, bias ? bias + j0 : nullptr, ep,
                             out.f ? out.f + at : nullptr, out.q ? out.q + at : nullptr, 1.0f / out.q_scale, out.ld};
          kern.tile_store(packed + (i0 + r0) * w.kq, panel, w.shift.data() + j0, w.kq, st);
          continue;
        }
        kern.tile(packed + (i0 + r0) * w.kq, panel, w.shift.data() + j0, w.kq, acc);
        store_tile(acc, std::min(kTileRows, rows - r0), cols, scale.data() + j0, bias ? bias + j0 : nullptr, ep,
                   out.f ? out.f + at : nullptr, out.q ? out.q + at : nullptr, out.q_scale, out.ld);
      }
    }
  });
}

void gemm_i8(const int8_t* a, int64_t m, int64_t lda, float a_scale, const PackedWeightI8& w, const float* bias,
             Epilogue ep, float* c, int64_t ldc) {
  I8Out out;
  out.f = c, out.ld = ldc;
  gemm_i8(a, m, lda, a_scale, w, bias, ep, out);
}

const char* gemm_i8_isa() { return kernel().isa; }

I8Kernel gemm_i8_kernel_scalar() { return {"scalar", false, tile_scalar}; }

}  // namespace samp::cpu
