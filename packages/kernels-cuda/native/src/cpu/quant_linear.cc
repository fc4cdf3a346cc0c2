// QuantLinear: INT8 on the VNNI / AVX2 / scalar kernels with the requantization in the epilogue; FP8 emulated.
#include "cpu/quant_linear.h"

#include <algorithm>

#include "common/error.h"
#include "cpu/thread_pool.h"

namespace samp::cpu {
namespace {

/** W rounded to E4M3 with a per-tensor scale (max|w| / 448), then dequantized. */
std::vector<float> e4m3_round(const float* w, int64_t n, int64_t k) {
  std::vector<int8_t> codes(static_cast<size_t>(n * k));
  std::vector<float> scales(static_cast<size_t>(n)), out(static_cast<size_t>(n * k));
  quantize_weight(w, n, k, codes.data(), scales.data(), Dtype8::fp8);
  for (int64_t j = 0; j < n; ++j) q8_decode_row(codes.data() + j * k, k, scales[j], Dtype8::fp8, out.data() + j * k);
  return out;
}

void for_rows(int64_t m, const std::function<void(int64_t)>& fn) {
  const int64_t chunk = 64;
  cpu_parallel_for((m + chunk - 1) / chunk, [&](int64_t c) {
    for (int64_t i = c * chunk; i < std::min(m, (c + 1) * chunk); ++i) fn(i);
  });
}

}  // namespace

QuantLinear::QuantLinear(const float* w, int64_t n, int64_t k, Dtype8 dtype) : dtype_(dtype), n_(n), k_(k) {
  if (dtype == Dtype8::int8) {
    i8_ = gemm_i8_pack_float_weight(w, n, k);
  } else {
    const std::vector<float> rounded = e4m3_round(w, n, k);
    f8_ = gemm_pack_weight(rounded.data(), n, k);
  }
}

void QuantLinear::run(const Q8& a, int64_t m, const float* bias, Epilogue ep, float* out_f, const Q8* out_q) const {
  SAMP_REQUIRE(a.dtype == dtype_ && (!out_q || out_q->dtype == dtype_), SAMP_INTERNAL,
               "Expected 8-bit tensors of the layer's type");
  if (dtype_ == Dtype8::int8) {
    I8Out out;
    out.ld = n_;
    if (out_q) {
      out.q = out_q->data, out.q_scale = out_q->scale;
    } else {
      out.f = out_f;
    }
    gemm_i8(a.data, m, k_, a.scale, i8_, bias, ep, out);
    return;
  }
  thread_local std::vector<float> in, tmp;  // FP8 emulation: decode, fp32 GEMM, encode
  in.resize(static_cast<size_t>(m * k_));
  float* const x = in.data();
  for_rows(m, [&](int64_t i) { q8_decode_row(a.data + i * k_, k_, a.scale, a.dtype, x + i * k_); });
  float* y = out_f;
  if (out_q) {
    tmp.resize(static_cast<size_t>(m * n_));
    y = tmp.data();
  }
  gemm(x, m, k_, f8_, bias, ep, y, n_);
  if (out_q) for_rows(m, [&](int64_t i) { q8_encode_row(y + i * n_, n_, out_q->scale, out_q->dtype, out_q->data + i * n_); });
}

int64_t QuantLinear::bytes() const {
  return static_cast<int64_t>(i8_.data.size() + 4 * (i8_.shift.size() + i8_.scale.size() + f8_.data.size()));
}

}  // namespace samp::cpu
